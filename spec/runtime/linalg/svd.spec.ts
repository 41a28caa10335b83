import { expect, it } from "vitest";
import { matrix, orthogonalityError, reconstructionError, type Linalg, type Matrix } from "../../../src/runtime/linalg/index.js";
import { EPS, geometricSpectrum, randomMatrix, withSingularValues } from "./fixtures.js";
import { describeEachBackend } from "./backends.js";

// Tolerances. A backward-stable SVD (LAPACK's dgesdd; one-sided Jacobi) returns the exact SVD of A + E
// with ‖E‖ ≤ p(n)·ε·‖A‖, p(n) a small multiple of n: so reconstruction and orthogonality are
// ≤ c·max(m,n)·ε with c = 4 regardless of conditioning, and by Weyl's theorem each singular value is
// off by at most ‖E‖ — an ABSOLUTE error c·max(m,n)·ε·σ_max, which also covers the rounding in
// building the test matrix (≈ √k·ε per entry). The largest observed is ≈ 0.3 of its bound (js path,
// orthogonality of V, whose rotations accumulate rounding); LAPACK stays below 0.25.
const C = 4;

function expectValidSvd(a: Matrix, linalg: Linalg): { s: Float64Array } {
  const { u, s, v } = linalg.svd(a);
  const k = Math.min(a.rows, a.cols);
  const bound = C * Math.max(a.rows, a.cols) * EPS;
  expect([u.rows, u.cols, s.length, v.rows, v.cols]).toEqual([a.rows, k, k, a.cols, k]);
  expect(reconstructionError(a, u, s, v)).toBeLessThan(bound);
  expect(orthogonalityError(u)).toBeLessThan(bound);
  expect(orthogonalityError(v)).toBeLessThan(bound);
  for (let i = 0; i < k; i++) expect(s[i]).toBeGreaterThanOrEqual(0);
  for (let i = 1; i < k; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
  return { s };
}

function expectSpectrum(s: Float64Array, sigma: readonly number[], n: number): void {
  // Weyl: |s_i − σ_i| ≤ ‖E‖ ≤ c·n·ε·σ_max, absolute (so tiny σ_i are only resolved down to that size).
  const bound = 2 * C * n * EPS * sigma[0];
  sigma.forEach((x, i) => expect(Math.abs(s[i] - x)).toBeLessThan(bound));
  for (let i = sigma.length; i < s.length; i++) expect(s[i]).toBeLessThan(bound);
}

describeEachBackend("svd", (linalg) => {
  it.each([
    [48, 48],
    [64, 24],
    [20, 50],
    [1, 7],
    [9, 1],
  ])("random Gaussian %i×%i: reconstructs, orthonormal factors, descending σ", (m, n) => {
    expectValidSvd(randomMatrix(m, n, 11 * m + n), linalg);
  });

  it("ill-conditioned (cond 1e10): σ recovered to c·n·ε·σ_max absolute, the smallest one not lost", () => {
    const n = 40;
    const sigma = geometricSpectrum(n, 1e10);
    const a = withSingularValues(n, n, sigma, 3);
    const { s } = expectValidSvd(a, linalg);
    expectSpectrum(s, sigma, n);
    // σ_min = 1e-10 ≫ the absolute bound c·n·ε ≈ 7e-14, so its relative error is ≤ 1e-3: not a zero.
    expect(Math.abs(s[n - 1] - 1e-10) / 1e-10).toBeLessThan((2 * C * n * EPS) / 1e-10);
  });

  it("rank-deficient (40×30, rank 12): 12 σ recovered, the other 18 at rounding level, factors still orthonormal", () => {
    const sigma = geometricSpectrum(12, 1e3);
    const a = withSingularValues(40, 30, sigma, 5);
    const { s } = expectValidSvd(a, linalg);
    expectSpectrum(s, sigma, 40);
  });

  it("square rank-deficient (32×32, rank 20) and its exactly-zero-padded copy: σ and orthonormal completions", () => {
    const sigma = geometricSpectrum(20, 1e2);
    const a = withSingularValues(32, 32, sigma, 6);
    expectSpectrum(expectValidSvd(a, linalg).s, sigma, 32);
    // Exactly zero columns leave U without a direction there: it must still be completed orthonormally.
    const padded = matrix(32, 32);
    for (let i = 0; i < 32; i++) for (let j = 0; j < 20; j++) padded.data[i * 32 + j] = a.data[i * 32 + j];
    expectValidSvd(padded, linalg);
  });

  it("the zero matrix: σ = 0 and still orthonormal U, V", () => {
    const { s } = expectValidSvd(matrix(6, 4), linalg);
    expect(Array.from(s)).toEqual([0, 0, 0, 0]);
  });

  it("an empty matrix gives empty factors", () => {
    const { u, s, v } = linalg.svd(matrix(0, 3));
    expect([u.rows, u.cols, s.length, v.rows, v.cols]).toEqual([0, 0, 0, 3, 0]);
  });

  it("control: the checks catch a slightly wrong SVD", () => {
    const a = randomMatrix(30, 30, 99);
    const { u, s, v } = linalg.svd(a);
    const bound = C * 30 * EPS;
    const sBad = Float64Array.from(s);
    sBad[0] *= 1 + 1e-9;
    expect(reconstructionError(a, u, sBad, v)).toBeGreaterThan(bound);
    const uBad = matrix(u.rows, u.cols, u.data);
    uBad.data[0] += 1e-9;
    expect(orthogonalityError(uBad)).toBeGreaterThan(bound);
  });

  it("rejects NaN input with LIN1044", () => {
    const a = randomMatrix(4, 4, 1);
    a.data[5] = Number.NaN;
    expect(() => linalg.svd(a)).toThrow(/LIN1044/);
  });
});
