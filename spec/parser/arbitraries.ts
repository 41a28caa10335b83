// fast-check arbitraries for well-formed Linea syntax trees (syntactically valid; not necessarily
// well-typed — the checker's tests may narrow them). Ranges are all `emptyRange`: compare trees with
// `withoutRanges`.
import fc from "fast-check";
import type { Arg, BlockNode, Expr, Ident, Item, Member, NameRef, NumberLit, Program, SpaceExpr, TypeExpr } from "../../src/ast/nodes.js";
import { emptyRange as range } from "../../src/ast/source.js";
import { keywordNames } from "../../src/parser/lexer.js";

const reserved = new Set(keywordNames);

/** An identifier that is not a keyword. A small pool of common names makes collisions (and reuse) likely. */
export const identName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("f", "g", "h", "x", "y", "A", "B", "X", "Y", "Data", "Noise", "nets", "svd", "pinv", "rank"),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/).filter((s) => !reserved.has(s)),
);

export const ident: fc.Arbitrary<Ident> = identName.map((name) => ({ kind: "Ident", name, range }));

const nameRef: fc.Arbitrary<NameRef> = ident.map((name) => ({ kind: "Name", name, range }));

/** `a`, `a.b` or `a.b.c`: what the grammar accepts after `induced` and as a space name. */
export const qualifiedName: fc.Arbitrary<NameRef | Member> = fc
  .tuple(nameRef, fc.array(ident, { maxLength: 2 }))
  .map(([first, rest]) => rest.reduce<NameRef | Member>((object, name) => ({ kind: "Member", object, name, range }), first));

/** A number as it may be written: `7`, `0.25`, `1e-3`, `2.5E+2`; `value` is what the text means. */
export const numberLit: fc.Arbitrary<NumberLit> = fc
  .tuple(
    fc.nat({ max: 100_000 }),
    fc.option(fc.stringMatching(/^[0-9]{1,4}$/), { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), fc.nat({ max: 30 })), { nil: undefined }),
  )
  .map(([whole, fraction, exponent]) => {
    const text = String(whole) + (fraction === undefined ? "" : `.${fraction}`) + (exponent === undefined ? "" : exponent.join(""));
    return { kind: "Number", value: Number(text), text, range };
  });

/** A whole number ≥ min written plainly, for dimensions, counts and tags. */
function wholeLit(min: number, max: number): fc.Arbitrary<NumberLit> {
  return fc.integer({ min, max }).map((n) => ({ kind: "Number", value: n, text: String(n), range }));
}

/** Any text a string literal can hold: everything but a carriage return, escapes included. */
const stringValue: fc.Arbitrary<string> = fc
  .string({ unit: fc.oneof(fc.constantFrom('"', "\\", "\n", "\t", "ℝ", "→", " ", "/"), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 12 })
  .filter((s) => !s.includes("\r"));

export const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr; arg: Arg }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    numberLit,
    stringValue.map((value): Expr => ({ kind: "String", value, range })),
    nameRef,
    fc.tuple(tie("expr"), ident).map(([object, name]): Expr => ({ kind: "Member", object, name, range })),
    fc.tuple(tie("expr"), fc.array(tie("arg"), { maxLength: 3 })).map(([callee, args]): Expr => ({ kind: "Call", callee, args, range })),
    fc.tuple(tie("expr"), tie("expr")).map(([object, index]): Expr => ({ kind: "Index", object, index, range })),
    fc.tuple(fc.constantFrom("+", "-", "*", "/", "^" as const), tie("expr"), tie("expr")).map(([op, left, right]): Expr => ({ kind: "Binary", op, left, right, range })),
    tie("expr").map((operand): Expr => ({ kind: "Unary", op: "-", operand, range })),
  ),
  arg: fc.oneof(
    tie("expr").map((value): Arg => ({ kind: "Arg", value, range })),
    fc.tuple(ident, tie("expr")).map(([name, value]): Arg => ({ kind: "Arg", name, value, range })),
  ),
})).expr;

const namedArg: fc.Arbitrary<Arg> = fc.tuple(ident, exprArb).map(([name, value]) => ({ kind: "Arg", name, value, range }));
const anyArg: fc.Arbitrary<Arg> = fc.oneof(
  exprArb.map((value): Arg => ({ kind: "Arg", value, range })),
  namedArg,
);

export const spaceArb: fc.Arbitrary<SpaceExpr> = fc.oneof(
  fc.integer({ min: 1, max: 4096 }).map((n): SpaceExpr => ({ kind: "EuclideanSpace", shape: [n], form: "power", range })),
  fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 3 }).map((shape): SpaceExpr => ({ kind: "EuclideanSpace", shape, form: "shape", range })),
  fc
    .tuple(qualifiedName, fc.option(wholeLit(0, 3), { nil: undefined }))
    .map(([network, tag]): SpaceExpr => (tag === undefined ? { kind: "InducedSpace", network, range } : { kind: "InducedSpace", network, tag, range })),
  qualifiedName.map((ref): SpaceExpr => ({ kind: "SpaceRef", ref, range })),
);

const typeArb: fc.Arbitrary<TypeExpr> = fc.oneof(
  spaceArb,
  fc.tuple(spaceArb, spaceArb).map(([domain, codomain]): TypeExpr => ({ kind: "MapType", domain, codomain, range })),
  fc.constant<TypeExpr>({ kind: "ScalarType", range }),
);

const blockArb: fc.Arbitrary<BlockNode> = fc.letrec<{ block: BlockNode }>((tie) => ({
  block: fc.oneof(
    { depthSize: "small" },
    fc
      .tuple(ident, fc.option(fc.array(anyArg, { maxLength: 3 }), { nil: undefined }))
      .map(([name, args]): BlockNode => (args === undefined ? { kind: "Layer", name, range } : { kind: "Layer", name, args, range })),
    fc.tuple(wholeLit(1, 8), fc.array(tie("block"), { maxLength: 3 })).map(([count, body]): BlockNode => ({ kind: "Repeat", count, body, range })),
  ),
})).block;

export const itemArb: fc.Arbitrary<Item> = fc.oneof(
  fc.tuple(stringValue, ident).map(([path, alias]): Item => ({ kind: "Import", path: { kind: "String", value: path, range }, alias, range })),
  fc.tuple(ident, spaceArb).map(([name, value]): Item => ({ kind: "SpaceDecl", name, value, range })),
  fc
    .tuple(ident, spaceArb, fc.boolean(), fc.array(blockArb, { maxLength: 4 }))
    .map(([name, over, tagged, blocks]): Item => ({ kind: "NetworkDecl", name, over, tagged, blocks, range })),
  fc
    .tuple(ident, fc.option(fc.array(wholeLit(1, 1024), { minLength: 1, maxLength: 2 }), { nil: undefined }), exprArb)
    .map(([name, shape, value]): Item => (shape === undefined ? { kind: "OperatorDecl", name, value, range } : { kind: "OperatorDecl", name, shape, value, range })),
  fc.tuple(ident, spaceArb, spaceArb, exprArb).map(([name, domain, codomain, value]): Item => ({ kind: "MapDecl", name, domain, codomain, value, range })),
  fc
    .tuple(ident, fc.option(typeArb, { nil: undefined }), exprArb)
    .map(([name, annotation, value]): Item => (annotation === undefined ? { kind: "LetDecl", name, value, range } : { kind: "LetDecl", name, annotation, value, range })),
  fc.tuple(ident, fc.array(fc.tuple(ident, spaceArb), { maxLength: 3 }), exprArb).map(([name, params, body]): Item => ({
    kind: "EntryDecl",
    name,
    params: params.map(([pname, space]) => ({ kind: "Param", name: pname, space, range })),
    body,
    range,
  })),
  fc.tuple(ident, fc.array(anyArg, { maxLength: 3 }), fc.array(namedArg, { maxLength: 3 })).map(([law, args, options]): Item => ({ kind: "Verify", law, args, options, range })),
  fc.tuple(ident, fc.array(fc.tuple(ident, exprArb), { maxLength: 4 })).map(([name, fields]): Item => ({
    kind: "TrainDecl",
    name,
    fields: fields.map(([key, value]) => ({ kind: "TrainField", key, value, range })),
    range,
  })),
);

export const programArb: fc.Arbitrary<Program> = fc.array(itemArb, { maxLength: 8 }).map((items) => ({ kind: "Program", uri: "<input>", items, range }));

/** A deep copy without `range` fields: two trees that differ only in positions compare equal. */
export function withoutRanges(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRanges);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (key !== "range" && field !== undefined) out[key] = withoutRanges(field);
    }
    return out;
  }
  return value;
}
