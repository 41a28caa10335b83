// Walking expression trees without recursing down their long side. The parser bounds every genuinely
// nested form (brackets, prefix `-`, `^`, postfix chains: parser/nesting.ts), but a flat chain such as
// `f * f * … * f` or `1 + 1 + … + 1` is a left-deep tree as deep as the chain is long; a pass that
// recursed into `left` would overflow the stack after a few thousand terms. Passes walk such a chain
// through its left spine instead, with a loop.
import type { Binary, BinaryOp, Expr } from "./nodes.js";

/**
 * The binary nodes from `e` down its left operands while they are binary with an operator in `ops`
 * (every operator when absent), top first; `bottom` is the left operand of the last one (e itself when
 * e is not such a node). `a - b + c` with `+`/`-`: spine [(a - b) + c, a - b], bottom a.
 */
export function leftSpine(e: Expr, ops?: ReadonlySet<BinaryOp>): { readonly spine: Binary[]; readonly bottom: Expr } {
  const spine: Binary[] = [];
  let node = e;
  while (node.kind === "Binary" && (ops === undefined || ops.has(node.op))) {
    spine.push(node);
    node = node.left;
  }
  return { spine, bottom: node };
}

/** The operands of a left-associative chain of `ops`, left to right, each with the operator before it (undefined for the first). */
export function chainOperands(e: Expr, ops: ReadonlySet<BinaryOp>): { readonly op: BinaryOp | undefined; readonly operand: Expr; readonly node: Expr }[] {
  const { spine, bottom } = leftSpine(e, ops);
  const out: { op: BinaryOp | undefined; operand: Expr; node: Expr }[] = [{ op: undefined, operand: bottom, node: bottom }];
  for (let i = spine.length - 1; i >= 0; i--) out.push({ op: spine[i].op, operand: spine[i].right, node: spine[i] });
  return out;
}

/** The direct subexpressions of `e`, in source order. */
export function subexpressionsOf(e: Expr): Expr[] {
  switch (e.kind) {
    case "Member":
      return [e.object];
    case "Call":
      return [e.callee, ...e.args.map((a) => a.value)];
    case "Index":
      return [e.object, e.index];
    case "Binary":
      return [e.left, e.right];
    case "Unary":
      return [e.operand];
    case "List":
      return [...e.items];
    default:
      return [];
  }
}

/** Every expression in the tree of `e` (e first, then pre-order), with an explicit stack. */
export function* allSubexpressions(e: Expr): Generator<Expr> {
  const stack: Expr[] = [e];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    yield next;
    const children = subexpressionsOf(next);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}
