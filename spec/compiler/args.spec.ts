import { describe, expect, it } from "vitest";
import type { Arg, Expr } from "../../src/ast/nodes.js";
import { emptyRange as range } from "../../src/ast/source.js";
import { fitsKind, literalOf, matchArgs } from "../../src/compiler/checker/args.js";
import type { ParamSpec } from "../../src/compiler/checker/builtins.js";

const num = (value: number): Expr => ({ kind: "Number", value, text: String(value), range });
const word = (name: string): Expr => ({ kind: "Name", name: { kind: "Ident", name, range }, range });
const arg = (value: Expr, name?: string): Arg => (name ? { kind: "Arg", name: { kind: "Ident", name, range }, value, range } : { kind: "Arg", value, range });
const params: ParamSpec[] = [
  { name: "rank", type: { kind: "posint" }, required: true },
  { name: "init", type: { kind: "enum", values: ["gaussian", "zeros"] } },
];

describe("literal arguments", () => {
  it("reads numbers with their sign, words and strings", () => {
    expect(literalOf({ kind: "Unary", op: "-", operand: num(2), range })).toEqual({ kind: "number", value: -2 });
    expect(literalOf(word("relu"))).toEqual({ kind: "ident", name: "relu" });
    expect(literalOf({ kind: "Binary", op: "+", left: num(1), right: num(2), range })).toBeUndefined();
  });

  it("checks kinds at their boundaries", () => {
    expect(fitsKind({ kind: "number", value: 1 }, { kind: "posint" })).toBe(true);
    expect(fitsKind({ kind: "number", value: 0 }, { kind: "posint" })).toBe(false);
    expect(fitsKind({ kind: "number", value: 0 }, { kind: "nonnegint" })).toBe(true);
    expect(fitsKind({ kind: "number", value: 1.5 }, { kind: "nonnegint" })).toBe(false);
    expect(fitsKind({ kind: "number", value: 1e-9 }, { kind: "posnum" })).toBe(true);
    expect(fitsKind({ kind: "ident", name: "zeros" }, { kind: "enum", values: ["zeros"] })).toBe(true);
    expect(fitsKind({ kind: "ident", name: "ones" }, { kind: "enum", values: ["zeros"] })).toBe(false);
  });

  it("matches positional and keyword arguments and reports each problem", () => {
    expect(matchArgs([arg(num(3)), arg(word("zeros"), "init")], params, true, range).problems).toEqual([]);
    const bad = matchArgs([arg(num(0), "rank"), arg(num(1), "rank"), arg(num(1), "size"), arg(word("ones"), "init")], params, false, range);
    expect(bad.problems.map((p) => p.kind)).toEqual(["value", "duplicate", "unknown", "value"]);
    expect(matchArgs([arg(num(3))], params, false, range).problems.map((p) => p.kind)).toEqual(["positional", "missing"]);
  });
});
