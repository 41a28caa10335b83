// Flat chains of any length check, lower and optimise: the checker, the lowering and the rewrite
// engine walk a chain's left operands in a loop, and the rules that merge neighbours do a whole chain in
// one firing. The chains are 100,000 terms long; measured once (Node 20, default stack) on the recursive
// versions, the checker overflowed from about 2,400 terms of `*` and 3,100 of `+`, the lowering from
// about 2,700 and 2,000, the optimiser from about 2,700 and 1,600. Each test's control shows the tree is
// too deep for a recursive walk.
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/ast/nodes.js";
import type { CheckedProgram } from "../../src/compiler/checker/checked.js";
import { materialiseExpr } from "../../src/compiler/ir/evaluate.js";
import * as ir from "../../src/compiler/ir/expr.js";
import { lower, type IrScalar, type OperatorLeafInfo } from "../../src/compiler/lowering/lower.js";
import { firedCounts } from "../../src/compiler/passes/engine.js";
import { optimiseMap, optimiseOperator } from "../../src/compiler/passes/optimise.js";
import { checkText, memoryFileHost } from "../../src/index.js";
import { randomDense, randomDiagonal } from "../../src/runtime/operator/init.js";
import type { LinearOperator } from "../../src/runtime/operator/kinds.js";
import { relativeError, TOLERANCE } from "./passes/support.js";
import { checkSource, codesOf } from "./helpers.js";

const terms = 100_000;
const uri = "/proj/main.lin";

/** Recurses down the left operands as the old passes did. */
function recursiveDepth(e: Expr): number {
  return e.kind === "Binary" ? 1 + recursiveDepth(e.left) : 0;
}

/** `f op g op f op …` with n terms. */
function alternating(n: number, op: string, names: readonly string[]): string {
  return Array.from({ length: n }, (_, i) => names[i % names.length]).join(` ${op} `);
}

const maps = `space X = R^4;\nmap f : X -> X = dense;\nmap g : X -> X = diagonal;\n`;

function checked(text: string): CheckedProgram {
  const result = checkText(text, uri, { host: memoryFileHost({ [uri]: text }), root: "/proj" });
  if (E.isLeft(result)) throw new Error(result.left.map((d) => `${d.code} ${d.message}`).join("\n"));
  return result.right;
}

function letValueOf(program: CheckedProgram, name: string): Expr {
  const item = program.modules.get(uri)?.program.items.find((i) => i.kind === "LetDecl" && i.name.name === name);
  if (item?.kind !== "LetDecl") throw new Error(`no let ${name}`);
  return item.value;
}

function bind(leaf: OperatorLeafInfo): LinearOperator | undefined {
  return leaf.builtin === "dense" ? randomDense(leaf.rows, leaf.cols, leaf.name.length) : leaf.builtin === "diagonal" ? randomDiagonal(leaf.rows, 3) : undefined;
}

describe("checking long flat chains", () => {
  it(`a ${terms}-term composition and a ${terms}-term sum of maps check clean`, () => {
    const program = checked(`${maps}let h = ${alternating(terms, "*", ["f", "g"])};\nlet s = ${alternating(terms, "+", ["f", "g"])};\n`);
    expect(() => recursiveDepth(letValueOf(program, "h"))).toThrow(RangeError);
    for (const name of ["h", "s"]) expect(program.typeOf(letValueOf(program, name))?.kind).toBe("Map");
  });

  it(`1 + 1 + … + 1 (${terms} terms) is the scalar ${terms}`, () => {
    const program = checked(`let c = ${alternating(terms, "+", ["1"])};\n`);
    expect(() => recursiveDepth(letValueOf(program, "c"))).toThrow(RangeError);
    expect(program.typeOf(letValueOf(program, "c"))).toEqual({ kind: "Scalar", value: terms });
  });

  it("an error at the end of a long chain is reported where it is", () => {
    const text = `${maps}space Y = R^3;\nmap k : X -> Y = dense;\nlet h = k * ${alternating(terms, "*", ["f", "g"])} * k;\n`;
    const out = checkSource(text);
    expect(codesOf(out.diagnostics)).toEqual(["LIN0301"]);
    // The composition that fails is the whole chain with the last `* k`: the outermost node.
    const [d] = out.diagnostics;
    expect(text.slice(d.range.end.offset - 3, d.range.end.offset)).toBe("* k");
  });
});

describe("lowering and optimising long flat chains", () => {
  it(`a ${terms}-term composition of two bound maps lowers to one flat product and folds to one constant`, () => {
    const program = checked(`${maps}let h = ${alternating(terms, "*", ["f", "g"])};\n`);
    const h = lower(program, { bind }).maps.get("h");
    if (h === undefined) throw new Error("h not lowered");
    expect(h.kind === "chain" ? h.maps.length : 0).toBe(terms);
    const o = optimiseMap(h);
    expect(o.after.kind === "normal" && o.after.op.kind).toBe("leaf");
    // One firing of each neighbour-merging rule (pairwise, fold-product alone would fire 99,999 times).
    const counts = firedCounts(o.fired);
    expect(counts.get("compose-shared-network")).toBe(1);
    expect(counts.get("fold-product")).toBe(1);
  });

  it(`a ${terms}-term sum of two maps lowers to one flat sum and folds to one constant`, () => {
    const program = checked(`${maps}let s = ${alternating(terms, "+", ["f", "g"])};\n`);
    const s = lower(program, { bind }).maps.get("s");
    if (s?.kind !== "normal" || s.op.kind !== "sum") throw new Error("s is not one normal form of a sum");
    expect(s.op.terms.length).toBe(terms);
    const o = optimiseMap(s);
    expect(o.after.kind === "normal" && o.after.op.kind).toBe("leaf");
    expect(firedCounts(o.fired).get("sum-combine-like-terms")).toBe(1);
  });

  it("a chain with constants lowers to what each node alone means (2·A·B/4·C = ½·ABC)", () => {
    const program = lower(
      checked(`operator A[3] = dense;\noperator B[3] = diagonal;\noperator C[3] = dense;\noperator P = 2 * A * B / 4 * C;\noperator Q = A * 3 - B + C * A - 2 * C;\n`),
      { bind },
    );
    const [A, B, C, P, Q] = ["A", "B", "C", "P", "Q"].map((n) => {
      const op = program.operators.get(n);
      if (op === undefined) throw new Error(`${n} not lowered`);
      return op;
    });
    const wantP = ir.scale(0.5, ir.product([A, B, C]));
    const wantQ = ir.sum([
      { coeff: 3, expr: A },
      { coeff: -1, expr: B },
      { coeff: 1, expr: ir.product([C, A]) },
      { coeff: -2, expr: C },
    ]);
    // Float64 products and sums of 3×3 matrices: TOLERANCE (passes/support.ts) bounds both sides' rounding.
    expect(relativeError(materialiseExpr(P), materialiseExpr(wantP))).toBeLessThan(TOLERANCE);
    expect(relativeError(materialiseExpr(Q), materialiseExpr(wantQ))).toBeLessThan(TOLERANCE);
    // Control: dropping the constant would be caught.
    expect(relativeError(materialiseExpr(ir.product([A, B, C])), materialiseExpr(wantP))).toBeGreaterThan(0.1);
  });
});

/** Depth of a scalar tree (recursive: the trees tested are shallow unless lowering is wrong). */
function scalarDepth(s: IrScalar): number {
  if (s.kind === "arith") return 1 + Math.max(scalarDepth(s.left), scalarDepth(s.right));
  return s.kind === "negate" ? 1 + scalarDepth(s.operand) : 0;
}

describe("entries with long chains", () => {
  it(`a ${terms}-term vector sum is one combine; a run-time scalar chain is a balanced tree (the executor recurses over it)`, () => {
    const n = (k: number, op: string): string => Array.from({ length: k }, () => "norm(x)").join(` ${op} `);
    const program = lower(
      checked(
        `space X = R^4;\nmap f : X -> X = dense;\nentry v(x : X) = ${alternating(terms, "+", ["f(x)", "x"])};\nentry s(x : X) = ${n(terms, "+")} - ${n(terms, "*")} / norm(x);\nentry t(x : X) = norm(x) - norm(x) * norm(x);\n`,
      ),
    );
    const v = program.entries.get("v")?.body;
    expect(v?.kind === "vector" && v.value.kind === "combine" ? v.value.terms.length : 0).toBe(terms);
    const s = program.entries.get("s")?.body;
    if (s?.kind !== "scalar") throw new Error("s is not a scalar entry");
    // Balanced: about log2(100,000) ≈ 17 levels per run, plus the negate and the division.
    expect(scalarDepth(s.value)).toBeLessThan(40);
    // Control: a short chain keeps the order written (a left fold), a − b·c exactly.
    const t = program.entries.get("t")?.body;
    expect(t?.kind === "scalar" && t.value.kind === "arith" ? [t.value.op, t.value.left.kind, t.value.right.kind] : []).toEqual(["-", "norm", "arith"]);
  });
});

describe("rules that merge neighbours do a whole node in one firing", () => {
  const a = ir.leaf("A", "dense", 2, 2, { operator: randomDense(2, 2, 1) });
  const b = ir.leaf("B", "diagonal", 2, 2);
  it("product-collect-powers collects every run; sum-combine-like-terms every group; product-hoist-scale every scale", () => {
    // A symbolic B keeps fold-product away, so only the structural rules fire.
    const runs = optimiseOperator(ir.product([a, a, b, b, b, a, a]));
    expect(firedCounts(runs.fired).get("product-collect-powers")).toBe(1);
    const sums = optimiseOperator(ir.sum([a, b, a, b, b].map((expr) => ({ coeff: 1, expr }))));
    expect(firedCounts(sums.fired).get("sum-combine-like-terms")).toBe(1);
    expect(ir.formatExpr(sums.result)).toBe("2·A + 3·B");
    const hoisted = optimiseOperator(ir.product([ir.scale(2, b), ir.leaf("C", "dense", 2, 2), ir.scale(3, b)]));
    expect(firedCounts(hoisted.fired).get("product-hoist-scale")).toBe(1);
    expect(ir.formatExpr(hoisted.result)).toBe("6·(B·C·B)");
  });
});
