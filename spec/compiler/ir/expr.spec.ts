// IR construction: shapes are checked with stable codes, trees print, and the reference interpreter
// agrees with itself (applying node by node ≡ materialising).
import { describe, expect, it } from "vitest";
import { identityMatrix, matmul, matrix } from "../../../src/runtime/linalg/index.js";
import { randomTimeConditioned } from "../../../src/runtime/operator/timeConditioned.js";
import * as ir from "../../../src/compiler/ir/expr.js";
import { IrError } from "../../../src/compiler/ir/errors.js";
import { applyHost, materialiseExpr } from "../../../src/compiler/ir/evaluate.js";
import { normalForm, chain } from "../../../src/compiler/ir/map.js";
import { euclideanSpace, inducedSpace } from "../../../src/compiler/ir/space.js";
import { TOLERANCE, constant, relativeError, symbolic } from "../passes/support.js";

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof IrError ? e.code : `not an IrError: ${String(e)}`;
  }
  return undefined;
};

describe("IR construction", () => {
  it("computes shapes and time conditioning", () => {
    const a = symbolic("dense", 3, 4);
    const b = symbolic("lowrank", 4, 5, 2);
    const p = ir.product([a, b]);
    expect([p.rows, p.cols]).toEqual([3, 5]);
    expect([ir.transpose(p).rows, ir.pinv(p).cols]).toEqual([5, 3]);
    const t = symbolic("time_conditioned", 4, 4, 1);
    expect(ir.product([a, t]).timeConditioned).toBe(true);
    expect(ir.at(t, 0.5).timeConditioned).toBe(false);
    expect(ir.sampler(t, "rk4", 10).timeConditioned).toBe(false);
  });

  it("rejects ill-formed trees with stable codes", () => {
    expect(codeOf(() => ir.product([symbolic("dense", 3, 4), symbolic("dense", 3, 4)]))).toBe("LIN0821");
    expect(
      codeOf(() =>
        ir.sum([
          { coeff: 1, expr: symbolic("dense", 3, 4) },
          { coeff: 1, expr: symbolic("dense", 4, 3) },
        ]),
      ),
    ).toBe("LIN0821");
    expect(codeOf(() => ir.power(symbolic("dense", 3, 4), 2))).toBe("LIN0822");
    expect(codeOf(() => ir.power(symbolic("dense", 3, 3), -1))).toBe("LIN0823");
    expect(codeOf(() => ir.sampler(symbolic("time_conditioned", 3, 3), "euler", 1))).toBe("LIN0823");
    expect(codeOf(() => ir.scale(Number.NaN, symbolic("dense", 3, 3)))).toBe("LIN0823");
    expect(codeOf(() => normalForm(euclideanSpace(3), euclideanSpace(4), symbolic("dense", 3, 3)))).toBe("LIN0821");
    expect(
      codeOf(() => chain([normalForm(euclideanSpace(3), euclideanSpace(3), symbolic("dense", 3, 3)), normalForm(euclideanSpace(4), euclideanSpace(4), symbolic("dense", 4, 4))])),
    ).toBe("LIN0821");
    expect(codeOf(() => applyHost(symbolic("dense", 2, 2), identityMatrix(2)))).toBe("LIN0824");
    const tc = ir.boundLeaf("A", randomTimeConditioned({ n: 3, rank: 1, embedDim: 4, hidden: 4 }, 1));
    expect(codeOf(() => applyHost(tc, identityMatrix(3)))).toBe("LIN0825");
  });

  it("prints trees algebraically", () => {
    const a = ir.leaf("A", "dense", 3, 3);
    const b = ir.leaf("B", "diagonal", 3, 3);
    expect(ir.formatExpr(ir.transpose(ir.product([a, ir.pinv(b)])))).toBe("(A·pinv(B))ᵀ");
    expect(
      ir.formatExpr(
        ir.sum([
          { coeff: 0.5, expr: a },
          { coeff: 1, expr: ir.power(b, 3) },
        ]),
      ),
    ).toBe("0.5·A + B^3");
  });

  it("spaces are equal by network and tag, not by dimension", () => {
    expect(inducedSpace("G", 4, 0).id).not.toBe(inducedSpace("G", 4, 1).id);
    expect(inducedSpace("G", 4).id).not.toBe(inducedSpace("H", 4).id);
    expect(inducedSpace("G", 4, 1).id).toBe(inducedSpace("G", 4, 1).id);
  });
});

describe("reference interpreter", () => {
  it("applying node by node equals the materialised matrix times the batch", () => {
    const e = ir.sum([
      { coeff: 2, expr: ir.product([constant("dense", 4, 3, 1), ir.pinv(constant("conditioned", 3, 3, 2))]) },
      { coeff: -1, expr: ir.transpose(constant("lowrank", 3, 4, 3, 2)) },
    ]);
    const x = matrix(3, 2, [1, -2, 0.5, 3, -1, 2]);
    expect(relativeError(applyHost(e, x), matmul(materialiseExpr(e), x))).toBeLessThanOrEqual(TOLERANCE);
  });

  it("a power applies its base k times", () => {
    const a = constant("conditioned", 3, 3, 4);
    const m = materialiseExpr(a);
    expect(relativeError(materialiseExpr(ir.power(a, 3)), matmul(m, matmul(m, m)))).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe("IR kron", () => {
  it("has shape [m·p, n·q], two children, prints as kron(A, B), and rebuilds with new children", () => {
    const a = symbolic("dense", 2, 3);
    const b = symbolic("lowrank", 4, 5, 2);
    const k = ir.kron(a, b);
    expect([k.rows, k.cols, k.timeConditioned]).toEqual([8, 15, false]);
    expect(ir.childrenOf(k)).toEqual([a, b]);
    expect(ir.formatExpr(k)).toBe(`kron(${ir.formatExpr(a)}, ${ir.formatExpr(b)})`);
    expect(ir.withChildren(k, [a, b])).toBe(k);
    const swapped = ir.withChildren(k, [b, a]);
    expect([swapped.rows, swapped.cols]).toEqual([8, 15]);
    expect(swapped.kind === "kron" ? swapped.a : undefined).toBe(b);
  });

  it("refuses a time-conditioned factor (LIN0823); control: the factor fixed with at(·, t) is accepted", () => {
    const t = symbolic("time_conditioned", 2, 2, 1);
    const b = symbolic("dense", 3, 3);
    expect(codeOf(() => ir.kron(t, b))).toBe("LIN0823");
    expect(codeOf(() => ir.kron(b, t))).toBe("LIN0823");
    expect(codeOf(() => ir.kron(ir.at(t, 0.5), b))).toBeUndefined();
  });

  it("evaluates node by node as it materialises (the kronecker kind), on bound factors", () => {
    const [a, b] = [constant("dense", 2, 3, 1), constant("dense", 3, 2, 2)];
    const k = ir.kron(a, b);
    const x = matrix(
      6,
      2,
      Array.from({ length: 12 }, (_, i) => Math.cos(i)),
    );
    expect(relativeError(applyHost(k, x), matmul(materialiseExpr(k), x))).toBeLessThanOrEqual(TOLERANCE);
    // Control: the factors swapped (also 6×6) is another operator.
    expect(relativeError(applyHost(ir.kron(b, a), x), matmul(materialiseExpr(k), x))).toBeGreaterThan(1e6 * TOLERANCE);
  });
});
