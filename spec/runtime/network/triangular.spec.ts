// Batched triangular solves against a float64 host oracle; the control solves with the wrong triangle.

import * as tf from "@tensorflow/tfjs-core";
import { expect, it } from "vitest";
import { Rng } from "../../../src/runtime/random.js";
import { solveLowerRows, solveUpperRows } from "../../../src/runtime/network/triangular.js";
import { describeOnBackends, probeBackends } from "../backend/backends_under_test.js";

const probed = await probeBackends();

/** A well-conditioned triangular matrix: unit-ish diagonal, small off-diagonal entries. */
function triangular(n: number, lower: boolean, seed: number): Float64Array {
  const rng = new Rng(seed);
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) t[i * n + j] = (rng.uniform() < 0.5 ? -1 : 1) * (1 + rng.uniform());
      else if (lower ? j < i : j > i) t[i * n + j] = (rng.normal() * 0.5) / Math.sqrt(n);
    }
  return t;
}

/** Z = X·Tᵀ in float64 (rows of X are the exact solutions). */
function rhs(x: Float64Array, t: Float64Array, rows: number, n: number): Float64Array {
  const z = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) z[r * n + i] += t[i * n + k] * x[r * n + k];
  return z;
}

describeOnBackends("triangular solves", probed, () => {
  for (const n of [1, 5, 33, 70]) {
    for (const lower of [true, false]) {
      it(`${lower ? "lower" : "upper"} n=${n}: X·Tᵀ = Z recovers X; the other triangle does not`, async () => {
        const rows = 6;
        const t = triangular(n, lower, n);
        const x = new Rng(100 + n).normalArray(rows * n);
        const z = rhs(x, t, rows, n);
        const T = tf.tensor2d(Float32Array.from(t), [n, n]);
        const Z = tf.tensor2d(Float32Array.from(z), [rows, n]);
        const solve = lower ? solveLowerRows : solveUpperRows;
        const got = (await solve(Z, T, false).data()) as Float32Array;
        // Forward substitution is backward stable: error ≲ n·u·κ(T)·|x|, κ(T) ≤ 4 for these T
        // (diagonal in [1, 2], off-diagonal ~0.5/√n), |x| ≤ 5 and rounding of Z and T adds 2u·|x|.
        const tol = (n + 2) * 2 ** -24 * 4 * 5 * 4;
        let err = 0;
        for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(got[i] - x[i]));
        expect(err).toBeLessThanOrEqual(tol);
        if (n > 1) {
          const wrong = (await (lower ? solveUpperRows : solveLowerRows)(Z, T, false).data()) as Float32Array;
          let errWrong = 0;
          for (let i = 0; i < x.length; i++) errWrong = Math.max(errWrong, Math.abs(wrong[i] - x[i]));
          expect(errWrong).toBeGreaterThan(tol);
        }
        tf.dispose([T, Z]);
      });
    }
  }

  it("unit diagonal ignores the stored diagonal", async () => {
    const n = 4;
    const t = triangular(n, true, 3);
    for (let i = 0; i < n; i++) t[i * n + i] = 1;
    const x = new Rng(4).normalArray(2 * n);
    const z = rhs(x, t, 2, n);
    for (let i = 0; i < n; i++) t[i * n + i] = 7; // garbage the solver must not read
    const got = (await solveLowerRows(tf.tensor2d(Float32Array.from(z), [2, n]), tf.tensor2d(Float32Array.from(t), [n, n]), true).data()) as Float32Array;
    for (let i = 0; i < x.length; i++) expect(Math.abs(got[i] - x[i])).toBeLessThan(1e-5);
  });
});
