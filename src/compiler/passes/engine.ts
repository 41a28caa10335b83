// A small rule engine: rewrites a tree bottom-up to a fixpoint. Children are normalised first; then the
// rules are tried in order at the node, and a rewritten node is normalised again (its new children
// included). Every firing is logged. Rules must make progress (each one shrinks the tree, pushes a node
// toward the leaves, or replaces a subtree by a cheaper constant), so the recursion ends; a step budget
// guards against a rule set that would not.
import type { FiredRule, Rule } from "./rule.js";

export interface TreeShape<T> {
  children(node: T): readonly T[];
  withChildren(node: T, children: readonly T[]): T;
  describe(node: T): string;
}

export interface RewriteResult<T> {
  readonly result: T;
  readonly fired: readonly FiredRule[];
}

export class RewriteBudgetExceeded extends Error {
  override readonly name = "RewriteBudgetExceeded";
}

export function rewriteToFixpoint<T>(root: T, rules: readonly Rule<T>[], shape: TreeShape<T>, budget = 100_000): RewriteResult<T> {
  const fired: FiredRule[] = [];
  let steps = 0;
  /** The first rule's rewrite of `node`, logged; undefined at a fixpoint. */
  const rewriteOnce = (node: T): T | undefined => {
    for (const rule of rules) {
      const next = rule.rewrite(node);
      if (next === undefined || next === node) continue;
      if (++steps > budget) throw new RewriteBudgetExceeded(`rewriting did not reach a fixpoint within ${budget} steps (last rule ${rule.name})`);
      fired.push({ rule: rule.name, before: shape.describe(node), after: shape.describe(next) });
      return next;
    }
    return undefined;
  };
  // Successive rewrites of one node loop here rather than recurse, so their number costs no stack.
  const normalise = (node: T): T => {
    for (let current = node; ;) {
      const children = shape.children(current);
      const normal = children.length === 0 ? current : shape.withChildren(current, children.map(normalise));
      const next = rewriteOnce(normal);
      if (next === undefined) return normal;
      current = next;
    }
  };
  return { result: normalise(root), fired };
}

/** How many times each rule fired, for summaries and tests. */
export function firedCounts(fired: readonly FiredRule[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of fired) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return counts;
}
