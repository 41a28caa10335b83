// Matching literal arguments (`hidden = 512`, `method = rk4`, `permute(reverse)`) against a parameter
// list. Problems come back as data; each caller reports them under its own code range.
import type { Arg, Expr } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import type { ArgKind, ParamSpec } from "./builtins.js";

export type Literal = { readonly kind: "number"; readonly value: number } | { readonly kind: "ident"; readonly name: string } | { readonly kind: "string"; readonly value: string };

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
    default:
      return undefined;
  }
}

/** A literal as the value later stages read: a number, or the text of an identifier or a string. */
export function literalValue(e: Expr): number | string | undefined {
  const lit = literalOf(e);
  if (lit === undefined) return undefined;
  return lit.kind === "ident" ? lit.name : lit.value;
}

export function fitsKind(lit: Literal | undefined, k: ArgKind): boolean {
  if (!lit) return false;
  if (k.kind === "enum") return lit.kind === "ident" && k.values.includes(lit.name);
  if (k.kind === "file") return lit.kind === "string" && lit.value.toLowerCase().endsWith(k.extension);
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
  return JSON.stringify(lit.value);
}
