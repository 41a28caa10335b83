import { expect, it } from "vitest";
import { frobeniusNorm, matrix, penroseViolations, subtract, transpose, type Matrix } from "../../../src/runtime/linalg/index.js";
import { EPS, factoredMatrix, geometricSpectrum, randomMatrix } from "./fixtures.js";
import { Rng } from "../../../src/runtime/random.js";
import { describeEachBackend } from "./backends.js";

// Tolerances. The computed A⁺ is the exact pseudo-inverse of A + E with ‖E‖ ≲ c·n·ε·‖A‖ (backward-
// stable SVD) as long as the rank is kept; perturbation theory then bounds each Penrose residual and
// the distance to the true A⁺ by a small multiple of n·ε·κ, with κ = σ_max/σ_r the condition of the
// retained part. We use C·n·ε·κ with C = 10 (observed values are ≥ 10× smaller).
const C = 10;

/** V·diag(1/σ)·Uᵀ from exact factors: the float64 oracle for A⁺. */
function oraclePinv(u: Matrix, sigma: readonly number[], v: Matrix): Matrix {
  const k = sigma.length;
  const out = matrix(v.rows, u.rows);
  for (let i = 0; i < v.rows; i++) {
    for (let j = 0; j < u.rows; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += (v.data[i * k + p] * u.data[j * k + p]) / sigma[p];
      out.data[i * u.rows + j] = sum;
    }
  }
  return out;
}

function relativeDistance(x: Matrix, y: Matrix): number {
  return frobeniusNorm(subtract(x, y)) / frobeniusNorm(y);
}

describeEachBackend("pinv", (linalg) => {
  it.each([
    ["full rank 30×30, κ = 1e3", 30, 30, 30, 1e3],
    ["tall 40×16, κ = 1e2", 40, 16, 16, 1e2],
    ["wide 12×36, κ = 10", 12, 36, 12, 10],
    ["ill-conditioned 32×32, κ = 1e10", 32, 32, 32, 1e10],
    ["rank-deficient 36×28, rank 11, κ_r = 1e4", 36, 28, 11, 1e4],
  ])("%s: four Penrose conditions, reported rank, agrees with V·Σ⁻¹·Uᵀ", (_name, m, n, rank, kappa) => {
    const sigma = geometricSpectrum(rank, kappa);
    const { a, u, v } = factoredMatrix(m, n, sigma, m * 31 + n);
    const result = linalg.pinv(a);
    const bound = C * Math.max(m, n) * EPS * kappa;
    expect([result.pinv.rows, result.pinv.cols]).toEqual([n, m]);
    expect(result.rank).toBe(rank);
    // Default cut-off: σ_max·max(m, n)·ε.
    expect(result.cutoff).toBeCloseTo(sigma[0] * Math.max(m, n) * EPS, 25);
    const violations = penroseViolations(a, result.pinv);
    expect(violations.worst).toBeLessThan(bound);
    expect(relativeDistance(result.pinv, oraclePinv(u, sigma, v))).toBeLessThan(bound);
  });

  it("reports condition σ_max/σ_min: 1e10 within the σ_min error bound, Infinity for rank-deficient", () => {
    const n = 32;
    const ill = factoredMatrix(n, n, geometricSpectrum(n, 1e10), 8).a;
    // σ_min carries an absolute error ≤ 4·n·ε·σ_max (see svd.spec.ts), so κ is known to that relative size.
    const relErr = (4 * n * EPS) / 1e-10;
    expect(Math.abs(linalg.pinv(ill).condition - 1e10) / 1e10).toBeLessThan(2 * relErr);
    expect(linalg.pinv(matrix(3, 3)).condition).toBe(Infinity);
  });

  it("a larger rcond drops the singular values below rcond·σ_max, and the rank says so", () => {
    // σ = 1, 1e-1, …, 1e-5: with rcond = 3e-3 exactly three (1, 0.1, 0.01) stay, far from the cut.
    const sigma = [1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5];
    const { a, u, v } = factoredMatrix(20, 15, sigma, 21);
    const result = linalg.pinv(a, 3e-3);
    expect(result.rank).toBe(3);
    expect(result.cutoff).toBeCloseTo(3e-3, 12);
    // The truncated pseudo-inverse is the exact pinv of the rank-3 part: κ_r = 100.
    const bound = C * 20 * EPS * 100;
    expect(relativeDistance(result.pinv, oraclePinv(matrix(20, 3, sliceCols(u, 3)), sigma.slice(0, 3), matrix(15, 3, sliceCols(v, 3))))).toBeLessThan(bound);
  });

  it("the zero matrix has rank 0 and pinv 0", () => {
    const result = linalg.pinv(matrix(4, 3));
    expect(result.rank).toBe(0);
    expect(Array.from(result.pinv.data).every((x) => x === 0)).toBe(true);
    expect([result.pinv.rows, result.pinv.cols]).toEqual([3, 4]);
  });

  it("control: a pinv perturbed by 1e-6 relative, or Aᵀ in its place, violates the Penrose conditions", () => {
    const a = randomMatrix(24, 18, 4);
    const p = linalg.pinv(a);
    const bound = C * 24 * EPS * p.condition;
    const rng = new Rng(17);
    const scale = frobeniusNorm(p.pinv) / Math.sqrt(p.pinv.data.length);
    const perturbed = matrix(
      p.pinv.rows,
      p.pinv.cols,
      p.pinv.data.map((x) => x + 1e-6 * scale * rng.normal()),
    );
    expect(penroseViolations(a, perturbed).worst).toBeGreaterThan(bound);
    expect(penroseViolations(a, transpose(a)).axa).toBeGreaterThan(bound);
  });

  it("rejects a negative rcond and NaN input", () => {
    expect(() => linalg.pinv(randomMatrix(3, 3, 1), -1)).toThrow(/LIN1042/);
    const a = randomMatrix(3, 3, 1);
    a.data[0] = Number.POSITIVE_INFINITY;
    expect(() => linalg.pinv(a)).toThrow(/LIN1044/);
  });
});

function sliceCols(a: Matrix, k: number): Float64Array {
  const out = new Float64Array(a.rows * k);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = a.data[i * a.cols + j];
  return out;
}
