// A rewrite rule: a name (logged when it fires, shown by --explain), its statement and side condition
// as documentation (docs/compiler.md lists the same text), and a function that returns the rewritten
// node or undefined when the rule does not apply (pattern mismatch or side condition false).

export interface Rule<T> {
  readonly name: string;
  /** The identity the rule uses, e.g. "(AB)ᵀ = BᵀAᵀ". */
  readonly statement: string;
  /** When it may fire; "always" for unconditional identities. */
  readonly sideCondition: string;
  rewrite(node: T): T | undefined;
}

export interface FiredRule {
  readonly rule: string;
  readonly before: string;
  readonly after: string;
}
