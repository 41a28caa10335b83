// The wrapped tfjs-wasm BatchMatMul (src/train/wasmMatMul.ts): with transposed operands it computes
// the same products as a float64 oracle, batched and unbatched, and a wrong orientation is caught.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { registerTrainingGradients } from "../../src/train/gradients.js";

const EPS32 = 2 ** -23;

function pseudo(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** C = op(A)·op(B) per batch in float64, and Σ|op(A)||op(B)| for the error bound. */
function oracle(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number, ta: boolean, tb: boolean): { c: Float64Array; mag: Float64Array } {
  const c = new Float64Array(batch * m * n);
  const mag = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let g = 0;
        for (let l = 0; l < k; l++) {
          const x = ta ? a[p * k * m + l * m + i] : a[p * m * k + i * k + l];
          const y = tb ? b[p * n * k + j * k + l] : b[p * k * n + l * n + j];
          s += x * y;
          g += Math.abs(x * y);
        }
        c[p * m * n + i * n + j] = s;
        mag[p * m * n + i * n + j] = g;
      }
    }
  }
  return { c, mag };
}

beforeAll(async () => {
  await selectBackend("wasm");
  registerTrainingGradients();
});

describe("wasm matMul with transposed operands", () => {
  for (const [ta, tb] of [
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    for (const batch of [1, 3]) {
      it(`transposeA=${ta} transposeB=${tb}, batch ${batch}`, async () => {
        const [m, k, n] = [5, 7, 4];
        const a = pseudo(batch * m * k, 3);
        const b = pseudo(batch * k * n, 5);
        const aShape = ta ? [batch, k, m] : [batch, m, k];
        const bShape = tb ? [batch, n, k] : [batch, k, n];
        const out = tf.matMul(tf.tensor3d(a, aShape as [number, number, number]), tf.tensor3d(b, bShape as [number, number, number]), ta, tb);
        expect(out.shape).toEqual([batch, m, n]);
        const got = await out.data();
        const { c, mag } = oracle(a, b, batch, m, k, n, ta, tb);
        // float32 dot products of length k: |error| ≤ k·ε₃₂·Σ|x·y| (plus the final rounding).
        for (let i = 0; i < c.length; i++) expect(Math.abs(got[i] - c[i])).toBeLessThanOrEqual((k + 1) * EPS32 * mag[i]);
        // Control: the oracle of the other orientation of A does not match.
        const wrong = oracle(a, b, batch, m, k, n, !ta, tb);
        let worst = 0;
        for (let i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(got[i] - wrong.c[i]) / ((k + 1) * EPS32 * wrong.mag[i] + 1e-30));
        expect(worst).toBeGreaterThan(1);
        tf.dispose(out);
      });
    }
  }
});
