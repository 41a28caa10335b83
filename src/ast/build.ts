// Small constructors for syntax nodes that tools add to a parsed module (a sampler `let` for
// `linea sample`, an interpolation `let` for `linea interpolate`) instead of writing Linea text and
// parsing it. Every node takes the range of what it derives from, so diagnostics about it point there.
import type { Arg, Binary, BinaryOp, Call, Expr, Ident, LetDecl, NameRef, NumberLit } from "./nodes.js";
import type { Range } from "./source.js";

/** An identifier node. */
export function ident(name: string, range: Range): Ident {
  return { kind: "Ident", name, range };
}

/** A reference to a name, as an expression. */
export function nameRef(name: string, range: Range): NameRef {
  return { kind: "Name", name: ident(name, range), range };
}

/** A number literal node. */
export function numberLit(value: number, range: Range): NumberLit {
  return { kind: "Number", value, text: String(value), range };
}

/** `callee(positional…, key = value…)`; keyword values that are strings become names (`method = rk4`). */
export function call(callee: string, positional: readonly Expr[], keywords: Readonly<Record<string, Expr | number | string>>, range: Range): Call {
  const value = (v: Expr | number | string): Expr => (typeof v === "number" ? numberLit(v, range) : typeof v === "string" ? nameRef(v, range) : v);
  const args: Arg[] = [
    ...positional.map((e): Arg => ({ kind: "Arg", value: e, range: e.range })),
    ...Object.entries(keywords).map(([k, v]): Arg => ({ kind: "Arg", name: ident(k, range), value: value(v), range })),
  ];
  return { kind: "Call", callee: nameRef(callee, range), args, range };
}

/** A binary expression node `left op right`. */
export function binary(op: BinaryOp, left: Expr, right: Expr, range: Range): Binary {
  return { kind: "Binary", op, left, right, range };
}

/** `let name = value;` (no annotation). */
export function letDecl(name: string, value: Expr, range: Range): LetDecl {
  return { kind: "LetDecl", name: ident(name, range), value, range };
}
