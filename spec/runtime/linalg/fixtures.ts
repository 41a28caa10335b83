// Test matrices with known structure, built without the code under test: Gaussian entries from a
// seeded generator, and orthogonal factors as products of Householder reflectors I − 2vvᵀ/vᵀv (exactly
// orthogonal up to rounding, independent of qr/svd). Ill-conditioned and rank-deficient matrices are
// U·diag(σ)·Vᵀ with chosen σ, so their true singular values are known.
import { matrix, type Matrix } from "../../../src/runtime/linalg/index.js";

export const EPS = 2.220446049250313e-16;

/** mulberry32: small, seeded, good enough for test data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(next: () => number): number {
  const u = Math.max(next(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const next = rng(seed);
  return matrix(rows, cols, Array.from({ length: rows * cols }, () => gaussian(next)));
}

/** An n×k matrix with orthonormal columns: the first k columns of a product of n reflectors. */
export function randomOrthogonal(n: number, k: number, seed: number): Matrix {
  const next = rng(seed);
  const q = matrix(n, n);
  for (let i = 0; i < n; i++) q.data[i * n + i] = 1;
  for (let r = 0; r < n; r++) {
    const v = Array.from({ length: n }, () => gaussian(next));
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
