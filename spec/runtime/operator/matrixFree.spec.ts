// Matrix-free decompositions against the dense float64 oracle (svd / pinv of materialise(op)) at small D:
// topSvd's singular values within its reported bound, its residuals recomputed, LSQR's x against
// pinv(A)·b (the minimum-norm solution when A is rank-deficient), CG on SPD systems, with controls
// that stop early, lie about the transpose, or corrupt a singular value.
import { describe, expect, it } from "vitest";
import { frobeniusNorm, identityMatrix, matmul, matrix, pinv as densePinv, solve, subtract, svd as denseSvd, transpose as transposeM, type Matrix } from "../../../src/runtime/linalg/index.js";
import {
  asMatrixFree,
  cg,
  dense,
  gramMap,
  identityPlusLowRank,
  lsqr,
  materialise,
  pinvApply,
  product,
  randomDepthwiseConv,
  topSvd,
  transposeConv,
  transposeMap,
  type DepthwiseConv,
  type LinearOperator,
  type MatrixFreeMap,
  type TopSvdResult,
} from "../../../src/runtime/operator/index.js";
import { gaussianMatrix } from "../../support/random.js";
import { EPS64 } from "./support.js";

const conv = (size: number, seed: number): DepthwiseConv => randomDepthwiseConv({ channels: 3, height: 8, width: 8, size }, seed);

/** The four operator families of the brief, each with its dense oracle. */
const CASES: readonly { name: string; op: LinearOperator }[] = [
  { name: "random dense 150×90", op: dense(gaussianMatrix(150, 90, 1)) },
  { name: "identity plus low rank 120×120 (rank 5)", op: identityPlusLowRank(gaussianMatrix(120, 5, 2), gaussianMatrix(120, 5, 3)) },
  { name: "depthwise_conv 5×5 on R[3,8,8]", op: conv(5, 4) },
  { name: "product dense 80×192 · conv 4×4", op: product(dense(gaussianMatrix(80, 192, 5)), conv(4, 6)) },
];

/** Column j of m. */
function col(m: Matrix, j: number): Float64Array {
  return Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]);
}

const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

/**
 * The rounding slack of one residual or one dense singular value: a product with A, one of the
 * A·v − σu subtractions and LAPACK's backward-stable SVD each err by ≲ n·ε·σ₁ (n = max(rows, cols),
 * one rounding per term of a length-n dot product); 4 such terms, doubled for safety.
 */
const slack = (op: LinearOperator, sigma1: number): number => 8 * Math.max(op.rows, op.cols) * EPS64 * sigma1;

/** max(‖A·vᵢ − σᵢuᵢ‖, ‖Aᵀuᵢ − σᵢvᵢ‖) recomputed through the dense matrix, independently of topSvd. */
function denseResiduals(a: Matrix, r: Pick<TopSvdResult, "u" | "s" | "v">): number[] {
  const av = matmul(a, r.v);
  const atu = matmul(transposeM(a), r.u);
  return Array.from(r.s, (s, j) => {
    const left = norm(col(av, j).map((x, i) => x - s * r.u.data[i * r.u.cols + j]));
    const right = norm(col(atu, j).map((x, i) => x - s * r.v.data[i * r.v.cols + j]));
    return Math.max(left, right);
  });
}

describe("topSvd", () => {
  for (const { name, op } of CASES) {
    it(`${name}: top-8 singular values within the reported bound of the dense SVD, residuals true`, () => {
      const a = materialise(op);
      const oracle = denseSvd(a).s;
      const r = topSvd(asMatrixFree(op), 8, { tol: 1e-10 });
      expect(r.converged).toBe(true);
      expect(r.s.length).toBe(8);
      const eps = slack(op, oracle[0]);
      // Kahan's bound holds for the k values at once; each σᵢ also within its own residual. Index-wise
      // matching assumes no singular value was missed (the Gaussian start), which this checks too.
      for (let i = 0; i < 8; i++) {
        expect(Math.abs(r.s[i] - oracle[i])).toBeLessThanOrEqual(Math.min(r.residuals[i], r.errorBound) + eps);
        expect(r.residuals[i]).toBeLessThanOrEqual(r.tolerance);
      }
      denseResiduals(a, r).forEach((d, i) => expect(Math.abs(d - r.residuals[i])).toBeLessThanOrEqual(eps));
      // U, V orthonormal (the premise of the bound): QR/SVD-built, so off by ≲ n·ε.
      for (const m of [r.u, r.v]) expect(frobeniusNorm(subtract(matmul(transposeM(m), m), identityMatrix(8)))).toBeLessThanOrEqual(100 * Math.max(op.rows, op.cols) * EPS64);
    });
  }

  it("is deterministic for a seed and counts its products", () => {
    const map = asMatrixFree(conv(5, 4));
    let calls = 0;
    const counting: MatrixFreeMap = { ...map, times: (m) => (calls++, map.times(m)), transposeTimes: (m) => (calls++, map.transposeTimes(m)) };
    const one = topSvd(counting, 4, { seed: 7 });
    const two = topSvd(map, 4, { seed: 7 });
    expect(Array.from(one.s)).toEqual(Array.from(two.s));
    expect(one.products).toBe(calls);
  });

  it("k = min(rows, cols) exhausts the space and is exact (the full spectrum)", () => {
    const op = dense(gaussianMatrix(30, 12, 9));
    const r = topSvd(asMatrixFree(op), 12);
    const oracle = denseSvd(materialise(op)).s;
    expect(r.converged).toBe(true);
    r.s.forEach((s, i) => expect(Math.abs(s - oracle[i])).toBeLessThanOrEqual(r.residuals[i] + slack(op, oracle[0])));
  });

  it("CONTROL: stopped after one Krylov step it reports not converged, with a residual above the tolerance", () => {
    const r = topSvd(asMatrixFree(conv(5, 4)), 8, { maxIterations: 1 });
    expect(r.iterations).toBe(1);
    expect(r.converged).toBe(false);
    expect(Math.max(...r.residuals)).toBeGreaterThan(r.tolerance);
  });

  it("CONTROL: a transposeTimes that is not the adjoint is caught by the residual check", () => {
    // times is K, transposeTimes is the transpose of another convolution L. The Krylov space is then
    // built from LᵀK and the Ritz pairs satisfy K·v = σu (by construction) but not Lᵀu = σv: the
    // residual ‖Lᵀu − σv‖ is computed with the map's own (wrong) transposeTimes and stays O(σ).
    const k = conv(5, 4);
    const wrong: MatrixFreeMap = { ...asMatrixFree(k), transposeTimes: (m) => asMatrixFree(transposeConv(conv(5, 99))).times(m) };
    const r = topSvd(wrong, 8, { maxIterations: 40 });
    expect(r.converged).toBe(false);
    expect(Math.max(...r.residuals)).toBeGreaterThan(1e3 * r.tolerance);
  });

  it("CONTROL: a corrupted singular value fails the oracle comparison and its recomputed residual", () => {
    const op = conv(5, 4);
    const a = materialise(op);
    const oracle = denseSvd(a).s;
    const r = topSvd(asMatrixFree(op), 8, { tol: 1e-10 });
    const eps = slack(op, oracle[0]);
    const s = Float64Array.from(r.s);
    s[3] += 1e-6 * oracle[0];
    expect(Math.abs(s[3] - oracle[3])).toBeGreaterThan(r.residuals[3] + eps);
    expect(denseResiduals(a, { ...r, s })[3]).toBeGreaterThan(r.tolerance);
  });

  it("refuses k outside 1…min(rows, cols) and bad options (LIN1008), a product of the wrong shape (LIN1001)", () => {
    const map = asMatrixFree(dense(gaussianMatrix(10, 6, 1)));
    expect(() => topSvd(map, 0)).toThrow(expect.objectContaining({ code: "LIN1008" }));
    expect(() => topSvd(map, 7)).toThrow(expect.objectContaining({ code: "LIN1008" }));
    expect(() => topSvd(map, 2, { tol: -1 })).toThrow(expect.objectContaining({ code: "LIN1008" }));
    const bad: MatrixFreeMap = { ...map, times: () => matrix(3, 3) };
    expect(() => topSvd(bad, 2)).toThrow(expect.objectContaining({ code: "LIN1001" }));
  });
});
