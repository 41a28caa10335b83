// The canonical pretty-printer: one item per line, 2-space indent inside braces, single spaces around
// binary operators, and only the parentheses that precedence needs. parse(print(p)) gives back p
// (ranges aside); numbers keep the text they were written with.
import type { Arg, Binary, BlockNode, Expr, Item, Program, SpaceExpr, TypeExpr } from "../ast/nodes.js";

/** Binding strength of each expression form; a child weaker than its slot needs parentheses. */
const enum Level {
  Additive = 1,
  Multiplicative = 2,
  Unary = 3,
  Power = 4,
  Postfix = 5,
  Atom = 6,
}

function levelOf(expr: Expr): Level {
  switch (expr.kind) {
    case "Binary":
      return expr.op === "+" || expr.op === "-" ? Level.Additive : expr.op === "^" ? Level.Power : Level.Multiplicative;
    case "Unary":
      return Level.Unary;
    case "Call":
    case "Index":
    case "Member":
      return Level.Postfix;
    default:
      return Level.Atom;
  }
}

function printIn(expr: Expr, slot: Level): string {
  const text = printExpr(expr);
  return levelOf(expr) < slot ? `(${text})` : text;
}

export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case "Number":
      return expr.text;
    case "String":
      return printString(expr.value);
    case "Name":
      return expr.name.name;
    case "Member":
      return `${printIn(expr.object, Level.Postfix)}.${expr.name.name}`;
    case "Call":
      return `${printIn(expr.callee, Level.Postfix)}(${printArgs(expr.args)})`;
    case "Index":
      return `${printIn(expr.object, Level.Postfix)}[${printExpr(expr.index)}]`;
    case "Unary":
      return `-${printIn(expr.operand, Level.Unary)}`;
    case "Binary":
      return printBinary(expr);
    case "List":
      return `[${expr.items.map(printExpr).join(", ")}]`;
    case "MissingExpr":
      // Only an erroneous tree has one; print something that reads as the gap it is.
      return "?";
  }
}

/** The slots of a binary node's operands. */
function operandSlots(expr: Binary): [Level, Level] {
  // Left-associative levels: the right operand must bind tighter; `^` is right-associative and its
  // left operand is a postfix expression, its right one anything from unary minus up.
  const level = levelOf(expr);
  return expr.op === "^" ? [Level.Postfix, Level.Unary] : [level, level + 1];
}

/**
 * A binary node and the unbracketed binary nodes down its left operands, in a loop: a flat chain
 * (`1 + 1 + … + 1`) is a left-deep tree as deep as it is long, too deep to recurse into.
 */
function printBinary(expr: Binary): string {
  const spine: Binary[] = [expr];
  for (let node = expr; node.left.kind === "Binary" && levelOf(node.left) >= operandSlots(node)[0]; node = node.left) spine.push(node.left);
  const lowest = spine[spine.length - 1];
  const parts = [printIn(lowest.left, operandSlots(lowest)[0])];
  for (let i = spine.length - 1; i >= 0; i--) parts.push(` ${spine[i].op} `, printIn(spine[i].right, operandSlots(spine[i])[1]));
  return parts.join("");
}

function printString(value: string): string {
  return `"${value.replace(/[\\"\n\t]/g, (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : `\\${c}`))}"`;
}

function printArg(arg: Arg): string {
  return arg.name === undefined ? printExpr(arg.value) : `${arg.name.name} = ${printExpr(arg.value)}`;
}

function printArgs(args: readonly Arg[]): string {
  return args.map(printArg).join(", ");
}

export function printSpace(space: SpaceExpr): string {
  switch (space.kind) {
    case "EuclideanSpace":
      return space.form === "power" && space.shape.length === 1 ? `R^${space.shape[0]}` : `R[${space.shape.join(", ")}]`;
    case "InducedSpace":
      return `induced ${printExpr(space.network)}${space.tag === undefined ? "" : `[${space.tag.text}]`}`;
    case "SpaceRef":
      return printExpr(space.ref);
    case "MissingSpace":
      return "?";
  }
}

function printType(type: TypeExpr): string {
  switch (type.kind) {
    case "ScalarType":
      return "scalar";
    case "MapType":
      return `${printSpace(type.domain)} -> ${printSpace(type.codomain)}`;
    default:
      return printSpace(type);
  }
}

function printBlocks(blocks: readonly BlockNode[], indent: string, out: string[]): void {
  for (const block of blocks) {
    if (block.kind === "Repeat") {
      out.push(`${indent}repeat ${block.count.text} {`);
      printBlocks(block.body, `${indent}  `, out);
      out.push(`${indent}}`);
    } else {
      out.push(`${indent}${block.name.name}${block.args === undefined ? "" : `(${printArgs(block.args)})`};`);
    }
  }
}

function printItem(item: Item, out: string[]): void {
  switch (item.kind) {
    case "Import":
      out.push(`import ${printString(item.path.value)} as ${item.alias.name};`);
      return;
    case "SpaceDecl":
      out.push(`space ${item.name.name} = ${printSpace(item.value)};`);
      return;
    case "NetworkDecl":
      out.push(`network ${item.name.name} : ${printSpace(item.over)}${item.tagged ? " tagged" : ""} {`);
      printBlocks(item.blocks, "  ", out);
      out.push("}");
      return;
    case "OperatorDecl": {
      const shape = item.shape === undefined ? "" : `[${item.shape.map((n) => n.text).join(", ")}]`;
      out.push(`operator ${item.name.name}${shape} = ${printExpr(item.value)};`);
      return;
    }
    case "MapDecl":
      out.push(`${item.embedding ? "embedding" : "map"} ${item.name.name} : ${printSpace(item.domain)} -> ${printSpace(item.codomain)} = ${printExpr(item.value)};`);
      return;
    case "LetDecl": {
      const annotation = item.annotation === undefined ? "" : ` : ${printType(item.annotation)}`;
      out.push(`let ${item.name.name}${annotation} = ${printExpr(item.value)};`);
      return;
    }
    case "EntryDecl": {
      const params = item.params.map((p) => `${p.name.name} : ${printSpace(p.space)}`).join(", ");
      out.push(`entry ${item.name.name}(${params}) = ${printExpr(item.body)};`);
      return;
    }
    case "Verify": {
      const options = item.options.length === 0 ? "" : ` with ${printArgs(item.options)}`;
      out.push(`verify ${item.law.name}(${printArgs(item.args)})${options};`);
      return;
    }
    case "TrainDecl":
      out.push(`train ${item.name.name} {`);
      for (const field of item.fields) out.push(`  ${field.key.name} = ${printExpr(field.value)};`);
      out.push("}");
      return;
  }
}

/** The canonical text of a program, ending in a newline. */
export function print(program: Program): string {
  const out: string[] = [];
  for (const item of program.items) printItem(item, out);
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
