// Matrix-free decompositions against the dense float64 oracle (svd / pinv of materialise(op)) at small D:
// topSvd's singular values within its reported bound, its residuals recomputed, LSQR's x against
// pinv(A)·b (the minimum-norm solution when A is rank-deficient), CG on SPD systems, with controls
// that stop early, lie about the transpose, or corrupt a singular value.
import { describe, expect, it } from "vitest";
import {
  frobeniusNorm,
  identityMatrix,
  matmul,
  matrix,
  pinv as densePinv,
  solve,
  subtract,
  svd as denseSvd,
  transpose as transposeM,
  type Matrix,
} from "../../../src/runtime/linalg/index.js";
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

  it("refuses k outside 1…min(rows, cols) and bad options (LIN1009), a product of the wrong shape (LIN1001)", () => {
    const map = asMatrixFree(dense(gaussianMatrix(10, 6, 1)));
    expect(() => topSvd(map, 0)).toThrow(expect.objectContaining({ code: "LIN1009" }));
    expect(() => topSvd(map, 7)).toThrow(expect.objectContaining({ code: "LIN1009" }));
    expect(() => topSvd(map, 2, { tol: -1 })).toThrow(expect.objectContaining({ code: "LIN1009" }));
    const bad: MatrixFreeMap = { ...map, times: () => matrix(3, 3) };
    expect(() => topSvd(bad, 2)).toThrow(expect.objectContaining({ code: "LIN1001" }));
  });
});

/** The smallest singular value above pinv's cut-off, and σ₁: what the LSQR error bound needs. */
function keptRange(a: Matrix): { sigma1: number; sigmaMin: number } {
  const s = denseSvd(a).s;
  const cutoff = s[0] * Math.max(a.rows, a.cols) * EPS64;
  const kept = Array.from(s).filter((x) => x > cutoff);
  return { sigma1: s[0], sigmaMin: kept[kept.length - 1] };
}

/**
 * ‖x − A⁺b‖ for LSQR's x: x − A⁺b lies in range(Aᵀ) and AᵀA(x − A⁺b) = −Aᵀr, so it is at most
 * ‖Aᵀr‖/σ_min⁺², with ‖Aᵀr‖ the (explicit) reported value. Rounding adds the forward error of a
 * backward-stable least-squares solve, ≲ n·ε·κ²·(‖x‖ + ‖b‖/σ₁) (Higham, Accuracy and Stability,
 * §20.1), and a null-space drift of the same order per iteration; ×10·iterations covers both.
 */
function lsqrBound(a: Matrix, b: Float64Array, x: Float64Array, normalResidual: number, iterations: number): number {
  const { sigma1, sigmaMin } = keptRange(a);
  const kappa = sigma1 / sigmaMin;
  return normalResidual / sigmaMin ** 2 + 10 * iterations * Math.max(a.rows, a.cols) * EPS64 * kappa ** 2 * (norm(x) + norm(b) / sigma1);
}

const pinvTimes = (a: Matrix, b: Matrix): Matrix => matmul(densePinv(a).pinv, b);

describe("lsqr and pinvApply", () => {
  const rankDeficient = dense(matmul(gaussianMatrix(100, 10, 11), gaussianMatrix(10, 80, 12)));
  const lsqrCases: readonly { name: string; op: LinearOperator }[] = [
    { name: "overdetermined dense 150×90", op: CASES[0].op },
    { name: "rank-10 dense 100×80 (minimum-norm solution)", op: rankDeficient },
    { name: "depthwise_conv 5×5 on R[3,8,8]", op: conv(5, 4) },
    { name: "product dense 80×192 · conv 4×4 (underdetermined)", op: CASES[3].op },
  ];
  for (const { name, op } of lsqrCases) {
    it(`${name}: pinvApply's x matches pinv(A)·b within ‖Aᵀr‖/σ_min²`, () => {
      const a = materialise(op);
      const b = gaussianMatrix(op.rows, 2, 13);
      const r = pinvApply(asMatrixFree(op), b);
      expect(r.converged).toBe(true);
      expect(r.tolerance).toEqual({ atol: 1e-12, btol: 1e-12 });
      expect(r.iterations).toBe(Math.max(...r.columns.map((c) => c.iterations)));
      const exact = pinvTimes(a, b);
      for (let j = 0; j < 2; j++) {
        const err = norm(col(r.x, j).map((x, i) => x - exact.data[i * exact.cols + j]));
        expect(err).toBeLessThanOrEqual(lsqrBound(a, col(b, j), col(exact, j), r.columns[j].normalResidualNorm, r.columns[j].iterations));
        // The reported residuals are the true ones (recomputed densely, up to one product's rounding).
        const res = col(b, j).map((v, i) => v - matmul(a, r.x).data[i * r.x.cols + j]);
        expect(Math.abs(norm(res) - r.columns[j].residualNorm)).toBeLessThanOrEqual(10 * op.cols * EPS64 * (norm(col(b, j)) + frobeniusNorm(a) * norm(col(r.x, j))));
      }
    });
  }

  it("columns run independently: a block of right-hand sides gives each column's single run", () => {
    const map = asMatrixFree(conv(5, 4));
    const b = gaussianMatrix(192, 3, 14);
    const all = lsqr(map, b);
    const second = lsqr(map, matrix(192, 1, col(b, 1)));
    expect(Array.from(col(all.x, 1))).toEqual(Array.from(second.x.data));
    expect(all.columns[1].iterations).toBe(second.columns[0].iterations);
  });

  it("b = 0 gives x = 0 at once (zero-solution)", () => {
    const r = lsqr(asMatrixFree(conv(5, 4)), matrix(192, 1));
    expect(r.columns[0].stop).toBe("zero-solution");
    expect(Array.from(r.x.data).every((x) => x === 0)).toBe(true);
  });

  it("CONTROL: one iteration stops on max-iterations, not converged, far from pinv(A)·b", () => {
    const op = CASES[0].op;
    const a = materialise(op);
    const b = gaussianMatrix(op.rows, 1, 13);
    const r = lsqr(asMatrixFree(op), b, { maxIterations: 1 });
    expect(r.columns[0].stop).toBe("max-iterations");
    expect(r.converged).toBe(false);
    const err = norm(subtract(r.x, pinvTimes(a, b)).data);
    expect(err).toBeGreaterThan(1e3 * lsqrBound(a, col(b, 0), col(pinvTimes(a, b), 0), 0, 1));
  });

  it("refuses a right-hand side of the wrong height (LIN1001) and a negative tolerance (LIN1009)", () => {
    const map = asMatrixFree(conv(5, 4));
    expect(() => lsqr(map, matrix(10, 1))).toThrow(expect.objectContaining({ code: "LIN1001" }));
    expect(() => pinvApply(map, matrix(192, 1), { atol: -1 })).toThrow(expect.objectContaining({ code: "LIN1009" }));
  });
});

describe("cg", () => {
  /** M = GᵀG/n + I: SPD with λ_min ≥ 1, so ‖x − M⁻¹b‖ ≤ ‖b − Mx‖/λ_min ≤ ‖b − Mx‖. */
  const g = gaussianMatrix(90, 60, 21);
  const spd = matrix(
    60,
    60,
    matmul(transposeM(g), g).data.map((x, i) => x / 90 + (i % 61 === 0 ? 1 : 0)),
  );

  it("an SPD system: x within ‖r‖/λ_min of the dense solve, the residual true", () => {
    const b = gaussianMatrix(60, 2, 22);
    const r = cg(asMatrixFree(dense(spd)), b);
    expect(r.converged).toBe(true);
    const exact = solve(spd, b);
    for (let j = 0; j < 2; j++) {
      expect(r.columns[j].stop).toBe("residual");
      expect(r.columns[j].residualNorm).toBeLessThanOrEqual(1e-10 * norm(col(b, j)));
      // λ_min ≥ 1; the dense solve's own error ≲ n·ε·κ·‖x‖ (κ ≤ λ_max ≤ 1 + (1 + √(60/90))² < 4).
      const err = norm(col(r.x, j).map((x, i) => x - exact.data[i * 2 + j]));
      expect(err).toBeLessThanOrEqual(r.columns[j].residualNorm + 60 * 4 * EPS64 * 10 * norm(col(exact, j)));
    }
  });

  it("the normal equations through gramMap give pinv(A)·b for a full-rank A", () => {
    const op = CASES[0].op;
    const a = materialise(op);
    const b = gaussianMatrix(op.rows, 1, 23);
    const map = asMatrixFree(op);
    const r = cg(gramMap(map), transposeMap(map).times(b), { tol: 1e-13 });
    const { sigmaMin } = keptRange(a);
    // AᵀA(x − x*) = −r_normal, so ‖x − x*‖ ≤ ‖r_normal‖/σ_min², plus the rounding of forming Aᵀb and AᵀA·x.
    const err = norm(subtract(r.x, pinvTimes(a, b)).data);
    expect(err).toBeLessThanOrEqual(r.columns[0].residualNorm / sigmaMin ** 2 + 100 * op.rows * EPS64 * norm(pinvTimes(a, b).data) * (keptRange(a).sigma1 / sigmaMin) ** 2);
  });

  it("CONTROL: a negative definite map breaks down at once; one iteration on an SPD map is not converged", () => {
    const negative = matrix(
      60,
      60,
      spd.data.map((x) => -x),
    );
    const b = gaussianMatrix(60, 1, 24);
    expect(cg(asMatrixFree(dense(negative)), b).columns[0].stop).toBe("breakdown");
    const one = cg(asMatrixFree(dense(spd)), b, { maxIterations: 1 });
    expect(one.converged).toBe(false);
    expect(one.columns[0].stop).toBe("max-iterations");
  });

  it("refuses a non-square map (LIN1002)", () => {
    expect(() => cg(asMatrixFree(dense(gaussianMatrix(5, 4, 1))), matrix(5, 1))).toThrow(expect.objectContaining({ code: "LIN1002" }));
  });
});
