// The messages of LIN04xx: operator shapes — a map's operator against its spaces, an operator against
// its declared shape, products, sums and powers of operators, ranks, and operator values; with the
// reasons a dimension gets its value (which later messages cite in their "because" notes).
import type { Ident } from "../../../ast/nodes.js";
import type { Dim, UnifyResult } from "../dims.js";
import { mapSignature, spaceDim, spaceLocations, spaceName, type OperatorT, type SpaceType, type Type } from "../types.js";
import { dimLocations, unknownOf, valueNotOperator, whyDims, type Message } from "./common.js";

type Mismatch = Extract<UnifyResult, { ok: false }>;

/** Why the dimensions of a declared operator have their values. */
export function declaredShapeReason(name: string, declared: readonly number[]): string {
  return `operator ${name} is declared [${declared.join(", ")}]`;
}

/** How messages name a map declaration: `map f : X -> Y`. */
export function mapDeclarationText(name: string, domain: SpaceType, codomain: SpaceType): string {
  return `map ${name} : ${mapSignature(domain, codomain)}`;
}

/** Why an operator's rows (or cols) are `n`: the map `sig` (`map f : X -> Y`) acts on `space`. */
export function mapShapeReason(sig: string, side: "rows" | "cols", n: number, space: SpaceType): string {
  return `${sig} needs ${side} = ${n} (dim ${spaceName(space)})`;
}

/** `map f : X -> Y = value` (`sig`, the value's text) where the operator has the wrong rows (or columns). */
export function mapShapeMismatch(
  sig: string,
  value: string,
  domain: SpaceType,
  codomain: SpaceType,
  op: OperatorT,
  mismatch: Mismatch,
  side: "rows" | "columns",
): Message<"LIN0401"> {
  const wanted = `[${spaceDim(codomain)}, ${spaceDim(domain)}]`;
  return {
    code: "LIN0401",
    message: `${sig} needs an operator of shape ${wanted}, but \`${value}\` has ${mismatch.left} ${side}`,
    related: [...spaceLocations(domain), ...spaceLocations(codomain), ...dimLocations(side === "columns" ? op.cols : op.rows)],
    because: [
      `a map X -> Y acts on coordinates by an operator of shape [dim Y, dim X] = ${wanted}`,
      ...(mismatch.leftWhy ? [mismatch.leftWhy.reason] : []),
      ...(op.rows === op.cols && spaceDim(domain) !== spaceDim(codomain)
        ? [`${op.structure} operators are square, and dim ${spaceName(domain)} != dim ${spaceName(codomain)}`]
        : []),
    ],
    fix: { title: `use an operator of shape ${wanted}`, edits: [] },
  };
}

/** `operator A[rows, cols] = value` where the value's shape disagrees with the declared one. */
export function declaredShapeMismatch(name: string, declared: readonly number[], mismatch: Mismatch): Message<"LIN0401"> {
  return {
    code: "LIN0401",
    message: `operator ${name} is declared [${declared.join(", ")}] but its value needs ${mismatch.left} where the declaration says ${mismatch.right}`,
    because: [...(mismatch.leftWhy ? [mismatch.leftWhy.reason] : [])],
    fix: { title: "make the declared shape agree with the value", edits: [] },
  };
}

/** `operator A[rows, cols] = value` where the value (of `structure`) is square and the declared shape is not. */
export function squareDeclaredRectangular(name: string, declared: readonly number[], structure: string, mismatch: Mismatch): Message<"LIN0404"> {
  return {
    code: "LIN0404",
    message: `operator ${name} is declared [${declared.join(", ")}] but ${structure} is square`,
    because: [`${structure} maps a space to one of the same dimension`, ...(mismatch.leftWhy ? [mismatch.leftWhy.reason] : [])],
    fix: { title: "declare a square shape [n, n], or use a rectangular operator such as dense or lowrank", edits: [] },
  };
}

/** `A * B` (their texts) where the columns of A are not the rows of B. */
export function productMismatch(left: string, right: string, mismatch: Mismatch, a: OperatorT, b: OperatorT): Message<"LIN0402"> {
  return {
    code: "LIN0402",
    message: `cannot multiply ${left} (${mismatch.left} columns) by ${right} (${mismatch.right} rows)`,
    related: dimLocations(a.cols, b.rows),
    because: ["A * B needs the columns of A to equal the rows of B", ...whyDims(a.cols, b.rows)],
    fix: { title: "reorder the factors or fix one operator's shape", edits: [] },
  };
}

/** `A + B` or `A - B` of operators of different shapes. */
export function sumMismatch(op: string, a: OperatorT, b: OperatorT): Message<"LIN0403"> {
  const shape = (t: OperatorT): string => `[${t.rows.value ?? "?"}, ${t.cols.value ?? "?"}]`;
  return {
    code: "LIN0403",
    message: `cannot ${op === "+" ? "add" : "subtract"} operators of shapes ${shape(a)} and ${shape(b)}`,
    related: dimLocations(a.rows, a.cols, b.rows, b.cols),
    because: ["a sum of operators needs one shape", ...whyDims(a.rows, a.cols, b.rows, b.cols)],
    fix: { title: "give both operators the same [rows, cols]", edits: [] },
  };
}

/** `A ^ k` (A's text) where A is not square. */
export function powerOfNonSquare(base: string, mismatch: Mismatch, op: OperatorT): Message<"LIN0404"> {
  return {
    code: "LIN0404",
    message: `a power needs a square operator, but ${base} is [${mismatch.left}, ${mismatch.right}]`,
    because: whyDims(op.rows, op.cols),
  };
}

/** The value of `owner` (`operator A`) is a `t`, not an operator expression. */
export function operatorValueNotOperator(owner: string, t: Type): Message<"LIN0405"> {
  return {
    code: "LIN0405",
    ...valueNotOperator(owner, t),
  };
}

/** A name in an operator or map value that is neither an operator builtin nor in scope (`candidates`). */
export function unknownOperator(id: Ident, candidates: readonly string[], uri: string): Message<"LIN0405"> {
  return unknownOf("LIN0405", "operator", id, candidates, true, uri);
}

/** `builtin(rank = rank)` whose inferred shape [rows, cols] allows a smaller rank only. */
export function rankTooLarge(builtin: string, rank: number, rows: Dim, cols: Dim, r: number, c: number): Message<"LIN0407"> {
  return {
    code: "LIN0407",
    message: `${builtin} has rank ${rank} but its shape is [${r}, ${c}]; the rank is at most ${Math.min(r, c)}`,
    because: [`a rank-r factorisation of a [${r}, ${c}] operator has r <= min(${r}, ${c})`, ...whyDims(rows, cols)],
    fix: { title: `use rank = ${Math.min(r, c)} or less`, edits: [] },
  };
}

/** `operator A[dims]` with no or more than two dimensions. */
export function invalidOperatorShape(name: string, dims: readonly number[]): Message<"LIN0408"> {
  return {
    code: "LIN0408",
    message: `operator ${name} has shape [${dims.join(", ")}]; a shape is [n] or [rows, cols] with positive integers`,
    fix: { title: "write the shape as [rows, cols] = [dim of codomain, dim of domain]", edits: [] },
  };
}

/** A warning: operator `name` has no written shape and no map fixed it. */
export function shapeNeverInferred(name: string): Message<"LIN0409"> {
  return {
    code: "LIN0409",
    message: `the shape of operator ${name} is not written and no map uses it, so it stays unknown`,
    because: ["an operator without `[rows, cols]` takes its shape from the maps that use it"],
    fix: { title: `write the shape, e.g. \`operator ${name}[rows, cols] = …\`, or use it in a map`, edits: [] },
  };
}

/** `kron(A, B)` where factor `text` has a dimension not yet known (no written shape, no earlier use pins it). */
export function kronShapeUnknown(text: string): Message<"LIN0410"> {
  return {
    code: "LIN0410",
    message: `kron needs the shapes of its factors, but the shape of ${text} is not known here`,
    because: ["the shape of kron(A, B) is [A.rows·B.rows, A.cols·B.cols], and a product of dimensions is not inferred backwards"],
    fix: { title: `write the shape of the factor, e.g. operator ${text}[2, 2] = …`, edits: [] },
  };
}

/** `kron(A, B)` where factor `text` is time-conditioned. */
export function kronTimeConditioned(text: string): Message<"LIN0316"> {
  return {
    code: "LIN0316",
    message: `kron needs time-free factors, but ${text} is time-conditioned`,
    fix: { title: `fix the time first: kron(at(${text}, t), …)`, edits: [] },
  };
}
