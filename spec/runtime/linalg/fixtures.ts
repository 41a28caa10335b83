// Test matrices with known structure, built without the code under test: Gaussian entries from the
// runtime's seeded generator (spec/support/random.ts), and orthogonal factors as products of
// Householder reflectors I − 2vvᵀ/vᵀv (exactly orthogonal up to rounding, independent of qr/svd). Ill-conditioned and rank-deficient matrices are
// U·diag(σ)·Vᵀ with chosen σ, so their true singular values are known.
import { matrix, type Matrix } from "../../../src/runtime/linalg/index.js";
import { Rng } from "../../../src/runtime/random.js";
import { gaussianMatrix } from "../../support/random.js";

export const EPS = 2.220446049250313e-16;

export const randomMatrix = gaussianMatrix;

/** An n×k matrix with orthonormal columns: the first k columns of a product of n reflectors. */
export function randomOrthogonal(n: number, k: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const q = matrix(n, n);
  for (let i = 0; i < n; i++) q.data[i * n + i] = 1;
  for (let r = 0; r < n; r++) {
    const v = rng.normalArray(n);
    const vv = v.reduce((acc, x) => acc + x * x, 0);
    // Q ← Q·(I − 2vvᵀ/vᵀv), row by row.
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += q.data[i * n + j] * v[j];
      const f = (2 * dot) / vv;
      for (let j = 0; j < n; j++) q.data[i * n + j] -= f * v[j];
    }
  }
  const out = matrix(n, k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out.data[i * k + j] = q.data[i * n + j];
  return out;
}

/** U·diag(sigma)·Vᵀ (m×n) with random orthonormal U (m×k), V (n×k), k = sigma.length ≤ min(m, n). */
export function withSingularValues(m: number, n: number, sigma: readonly number[], seed: number): Matrix {
  return factoredMatrix(m, n, sigma, seed).a;
}

/** The same matrix together with its exact factors, for float64 oracles (e.g. A⁺ = V·diag(1/σ)·Uᵀ). */
export function factoredMatrix(m: number, n: number, sigma: readonly number[], seed: number): { a: Matrix; u: Matrix; v: Matrix } {
  const k = sigma.length;
  const u = randomOrthogonal(m, k, seed);
  const v = randomOrthogonal(n, k, seed + 7919);
  const a = matrix(m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += u.data[i * k + p] * sigma[p] * v.data[j * k + p];
      a.data[i * n + j] = sum;
    }
  }
  return { a, u, v };
}

/** k singular values spaced geometrically from 1 down to 1/cond. */
export function geometricSpectrum(k: number, cond: number): number[] {
  return Array.from({ length: k }, (_, i) => (k === 1 ? 1 : Math.pow(cond, -i / (k - 1))));
}
