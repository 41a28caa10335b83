import { describe, expect, it } from "vitest";
import { luDecompose, orthogonalFromGaussian } from "../../../src/runtime/network/host_lu.js";
import { Rng } from "../../../src/runtime/network/random.js";

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
      // two passes of Gram–Schmidt: orthogonal to a few n·ε
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(qtq[i * n + j] - (i === j ? 1 : 0))).toBeLessThan(10 * n * EPS64);
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
