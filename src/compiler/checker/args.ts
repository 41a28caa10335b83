// Matching literal arguments (`hidden = 512`, `method = rk4`, `permute(reverse)`) against a parameter
// list. Problems come back as data; each caller reports them under its own code range.
import type { Arg, Expr } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import type { ArgKind, ParamSpec } from "./builtins.js";

export type Literal =
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "ident"; readonly name: string }
  | { readonly kind: "string"; readonly value: string }
  /** `[a, b, …]` of number literals (an option's band). */
  | { readonly kind: "list"; readonly values: readonly number[] };

/** The literal an argument expression denotes: a number (with sign), a bare identifier or a string. */
export function literalOf(e: Expr): Literal | undefined {
  switch (e.kind) {
    case "Number":
      return { kind: "number", value: e.value };
    case "String":
      return { kind: "string", value: e.value };
    case "Name":
      return { kind: "ident", name: e.name.name };
    case "Unary": {
      const inner = literalOf(e.operand);
      return inner?.kind === "number" ? { kind: "number", value: -inner.value } : undefined;
    }
    case "List": {
      const values: number[] = [];
      for (const item of e.items) {
        const lit = literalOf(item);
        if (lit?.kind !== "number") return undefined;
        values.push(lit.value);
      }
      return { kind: "list", values };
    }
    default:
      return undefined;
  }
}

/** The numbers of a `[a, b]` band literal, or undefined when `e` is not one. */
export function intervalOf(e: Expr): readonly [number, number] | undefined {
  const lit = literalOf(e);
  if (lit?.kind !== "list" || lit.values.length !== 2) return undefined;
  const [a, b] = lit.values;
  return Number.isFinite(a) && Number.isFinite(b) && a >= 0 && a <= b ? [a, b] : undefined;
}

/** A literal as the value later stages read: a number, or the text of an identifier or a string. */
export function literalValue(e: Expr): number | string | undefined {
  const lit = literalOf(e);
  if (lit === undefined || lit.kind === "list") return undefined;
  return lit.kind === "ident" ? lit.name : lit.value;
}

export function fitsKind(lit: Literal | undefined, k: ArgKind): boolean {
  if (!lit) return false;
  if (k.kind === "enum") return lit.kind === "ident" && k.values.includes(lit.name);
  if (k.kind === "file") return lit.kind === "string" && lit.value.toLowerCase().endsWith(k.extension);
  if (k.kind === "interval") return lit.kind === "list" && lit.values.length === 2 && lit.values[0] >= 0 && lit.values[0] <= lit.values[1] && Number.isFinite(lit.values[1]);
  if (lit.kind !== "number") return false;
  const v = lit.value;
  switch (k.kind) {
    case "posint":
      return Number.isInteger(v) && v > 0;
    case "nonnegint":
      return Number.isInteger(v) && v >= 0;
    case "intfrom":
      return Number.isInteger(v) && v >= k.min;
    case "posnum":
      return Number.isFinite(v) && v > 0;
    case "nonnegnum":
      return Number.isFinite(v) && v >= 0;
    case "number":
      return Number.isFinite(v);
  }
}

export type ArgProblem =
  | { readonly kind: "unknown"; readonly arg: Arg; readonly name: string }
  | { readonly kind: "duplicate"; readonly arg: Arg; readonly name: string }
  | { readonly kind: "positional"; readonly arg: Arg }
  | { readonly kind: "missing"; readonly param: ParamSpec; readonly range: Range }
  | { readonly kind: "value"; readonly arg: Arg; readonly param: ParamSpec };

export interface ArgMatch {
  readonly values: ReadonlyMap<string, { readonly arg: Arg; readonly literal: Literal | undefined }>;
  readonly problems: readonly ArgProblem[];
}

/**
 * Positional arguments take the parameters in order (when `positional`), keywords by name; each
 * parameter at most once; values must fit their kind; required parameters must be present.
 */
export function matchArgs(args: readonly Arg[], params: readonly ParamSpec[], positional: boolean, ownerRange: Range): ArgMatch {
  const values = new Map<string, { arg: Arg; literal: Literal | undefined }>();
  const problems: ArgProblem[] = [];
  let next = 0;
  for (const arg of args) {
    let param: ParamSpec | undefined;
    if (arg.name) {
      param = params.find((p) => p.name === arg.name?.name);
      if (!param) {
        problems.push({ kind: "unknown", arg, name: arg.name.name });
        continue;
      }
    } else {
      param = positional ? params[next] : undefined;
      if (!param) {
        problems.push({ kind: "positional", arg });
        continue;
      }
      next++;
    }
    if (values.has(param.name)) {
      problems.push({ kind: "duplicate", arg, name: param.name });
      continue;
    }
    const literal = literalOf(arg.value);
    values.set(param.name, { arg, literal });
    if (arg.value.kind !== "MissingExpr" && !fitsKind(literal, param.type)) problems.push({ kind: "value", arg, param });
  }
  for (const p of params) {
    if (p.required && !values.has(p.name)) problems.push({ kind: "missing", param: p, range: ownerRange });
  }
  return { values, problems };
}

export function literalText(lit: Literal | undefined): string {
  if (!lit) return "an expression";
  if (lit.kind === "number") return String(lit.value);
  if (lit.kind === "ident") return lit.name;
  if (lit.kind === "list") return `[${lit.values.join(", ")}]`;
  return JSON.stringify(lit.value);
}
