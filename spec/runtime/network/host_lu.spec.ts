import { describe, expect, it } from "vitest";
import { luDecompose, orthogonalFromGaussian } from "../../../src/runtime/network/host_lu.js";
import { Rng } from "../../../src/runtime/random.js";

const EPS64 = 2 ** -52;

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * n + k] * b[k * n + j];
  return c;
}

describe("host LU and orthogonal initialisation (float64)", () => {
  for (const n of [1, 3, 12, 40]) {
    it(`n=${n}: Q is orthogonal, A[perm[k]] = (L·U)[k], L unit lower, U upper`, () => {
      const a = new Rng(n).normalArray(n * n);
      const q = orthogonalFromGaussian(a, n);
      const qtq = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) qtq[i * n + j] += q[k * n + i] * q[k * n + j];
      // Householder QR: orthogonal to a few n·ε
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(qtq[i * n + j] - (i === j ? 1 : 0))).toBeLessThan(10 * n * EPS64);
      // A = Q·R with diag(R) > 0 (the sign fix that makes Q unique): R = QᵀA, its diagonal positive
      // and its strict lower part at rounding level ‖A‖·n·ε; a sign-flipped column is caught.
      const r = matmul(
        Float64Array.from({ length: n * n }, (_, k) => q[(k % n) * n + Math.floor(k / n)]),
        a,
        n,
      );
      const aNorm = Math.sqrt(a.reduce((acc, x) => acc + x * x, 0));
      for (let i = 0; i < n; i++) {
        expect(r[i * n + i]).toBeGreaterThan(0);
        for (let j = 0; j < i; j++) expect(Math.abs(r[i * n + j])).toBeLessThan(10 * n * EPS64 * aNorm);
      }
      const flipped = Float64Array.from({ length: n * n }, (_, k) => (k % n === 0 ? -1 : 1) * q[Math.floor(k / n) * n + (k % n)]);
      expect(Array.from({ length: n }, (_, k) => k).reduce((acc, k) => acc + flipped[k * n] * a[k * n], 0)).toBeLessThan(0); // control
      const { perm, lower, upper } = luDecompose(q, n);
      const lu = matmul(lower, upper, n);
      for (let i = 0; i < n; i++) {
        expect(lower[i * n + i]).toBe(1);
        for (let j = 0; j < n; j++) {
          if (j > i) expect(lower[i * n + j]).toBe(0);
          if (j < i) expect(upper[i * n + j]).toBe(0);
          // partial pivoting: |L| ≤ 1, so the backward error is ≤ n·ε·|L||U| ≲ n·ε·n for orthogonal Q
          expect(Math.abs(lu[i * n + j] - q[perm[i] * n + j])).toBeLessThan(4 * n * n * EPS64);
        }
      }
      // control: without the row permutation the product does not match (when pivoting moved rows)
      if (perm.some((p, i) => p !== i)) {
        let worst = 0;
        for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(lu[i] - q[i]));
        expect(worst).toBeGreaterThan(1e-3);
      }
    });
  }
});
