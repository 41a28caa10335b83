// conv2dSame against a float64 oracle: the forward, and the gradients of L = Σ r ⊙ conv(x, w) in the filter
// and the input against float64 central finite differences, on every backend under test (wasm first: it
// has no Conv2DBackpropFilter kernel, the reason conv2dSame exists).

import * as tf from "@tensorflow/tfjs-core";
import { expect, it } from "vitest";
import { conv2dSame } from "../../../../src/runtime/network/conv/conv2d.js";
import { Rng } from "../../../../src/runtime/random.js";
import { registerTrainingGradients } from "../../../../src/train/gradients.js";
import { describeOnBackends, probeBackends } from "../../backend/backends_under_test.js";

const probed = await probeBackends();
registerTrainingGradients();
const U = 2 ** -24;

/** γ_n = n·u/(1 − n·u): the worst-case relative error of a float32 sum of n products (Higham, Thm 3.1). */
function gamma(n: number): number {
  return (n * U) / (1 - n * U);
}

interface Shape {
  readonly b: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly o: number;
  readonly k: number;
}

/** NHWC conv, zero padding (k − 1)/2, in float64; with `abs`, of |x| and |w| (the error bound's scale). */
function conv64(x: ArrayLike<number>, w: ArrayLike<number>, s: Shape, abs = false): Float64Array {
  const { b, h, w: wd, c, o, k } = s;
  const p = (k - 1) / 2;
  const y = new Float64Array(b * h * wd * o);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < wd; j++)
        for (let q = 0; q < o; q++) {
          let acc = 0;
          for (let di = 0; di < k; di++)
            for (let dj = 0; dj < k; dj++) {
              const ii = i + di - p;
              const jj = j + dj - p;
              if (ii < 0 || ii >= h || jj < 0 || jj >= wd) continue;
              for (let ci = 0; ci < c; ci++) {
                const t = x[((n * h + ii) * wd + jj) * c + ci] * w[((di * k + dj) * c + ci) * o + q];
                acc += abs ? Math.abs(t) : t;
              }
            }
          y[((n * h + i) * wd + j) * o + q] = acc;
        }
  return y;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** ∂L/∂v by float64 central differences, L(v) = Σ r ⊙ f(v); L is linear in v, so the difference is exact up to float64 rounding. */
function finiteDifference(v: Float32Array, f: (v: Float64Array) => Float64Array, r: ArrayLike<number>): Float64Array {
  const h = 1e-3;
  const g = new Float64Array(v.length);
  const probe = Float64Array.from(v);
  for (let i = 0; i < v.length; i++) {
    probe[i] = v[i] + h;
    const up = dot(f(probe), r);
    probe[i] = v[i] - h;
    const down = dot(f(probe), r);
    probe[i] = v[i];
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

function random(n: number, seed: number): Float32Array {
  return Float32Array.from(new Rng(seed).normalArray(n));
}

const SHAPES: Shape[] = [
  { b: 2, h: 5, w: 4, c: 3, o: 2, k: 3 },
  { b: 1, h: 6, w: 6, c: 2, o: 3, k: 5 },
];

describeOnBackends("conv2dSame", probed, (backend) => {
  for (const s of SHAPES) {
    const tag = `[${s.b}, ${s.h}, ${s.w}, ${s.c}] ⋆ ${s.k}×${s.k} → ${s.o}`;
    const xv = random(s.b * s.h * s.w * s.c, 1);
    const wv = random(s.k * s.k * s.c * s.o, 2);
    const rv = random(s.b * s.h * s.w * s.o, 3);
    const x = (): tf.Tensor4D => tf.tensor4d(xv, [s.b, s.h, s.w, s.c]);
    const w = (): tf.Tensor4D => tf.tensor4d(wv, [s.k, s.k, s.c, s.o]);
    const r = (): tf.Tensor4D => tf.tensor4d(rv, [s.b, s.h, s.w, s.o]);

    it(`${tag}: forward within γ_(k²·C)·(|x| ⋆ |w|) of float64`, async () => {
      const y = await tf.tidy(() => conv2dSame(x(), w())).data();
      const exact = conv64(xv, wv, s);
      const scale = conv64(xv, wv, s, true);
      for (let i = 0; i < exact.length; i++) expect(Math.abs(y[i] - exact[i])).toBeLessThanOrEqual(gamma(s.k * s.k * s.c) * scale[i]);
    });

    it(`${tag}: filter and input gradients match float64 finite differences; a one-pixel shift does not`, async () => {
      const [gx, gw] = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv2dSame(a as tf.Tensor4D, b as tf.Tensor4D), r())))([x(), w()]));
      const gwv = (await gw.data()) as Float32Array;
      const gxv = (await gx.data()) as Float32Array;
      tf.dispose([gx, gw]);
      const fdW = finiteDifference(wv, (v) => conv64(xv, v, s), rv);
      const fdX = finiteDifference(xv, (v) => conv64(v, wv, s), rv);
      // ∂L/∂w[i,j,c,o] = Σ_{b,h,w} x[b, h+i−p, w+j−p, c]·r[b,h,w,o]: a float32 sum of ≤ B·H·W products, so
      // |error| ≤ γ_(BHW) times the same sum of |x||r| (the gradient of Σ|r| ⊙ (|x| ⋆ w) in w, all terms ≥ 0).
      const absR = rv.map(Math.abs);
      const scaleW = finiteDifference(wv, (v) => conv64(xv.map(Math.abs), v, s), absR);
      const scaleX = finiteDifference(xv, (v) => conv64(v, wv.map(Math.abs), s), absR);
      for (let i = 0; i < fdW.length; i++) expect(Math.abs(gwv[i] - fdW[i])).toBeLessThanOrEqual(gamma(s.b * s.h * s.w) * scaleW[i] + 1e-9);
      // ∂L/∂x: a sum of k²·O products per element.
      for (let i = 0; i < fdX.length; i++) expect(Math.abs(gxv[i] - fdX[i])).toBeLessThanOrEqual(gamma(s.k * s.k * s.o) * scaleX[i] + 1e-9);
      // Control: the filter gradient of x shifted by one column (the typical padding/offset bug) is caught.
      const shifted = xv.map((_, i) => (i % (s.w * s.c) < s.c ? 0 : xv[i - s.c]));
      const fdShifted = finiteDifference(wv, (v) => conv64(shifted, v, s), rv);
      let caught = false;
      for (let i = 0; i < fdW.length; i++) if (Math.abs(gwv[i] - fdShifted[i]) > gamma(s.b * s.h * s.w) * scaleW[i] + 1e-9) caught = true;
      expect(caught).toBe(true);
    });
  }

  if (backend === "wasm") {
    it("wasm has the Conv2D forward kernel but no Conv2DBackpropFilter (why conv2dSame writes its own)", () => {
      expect(tf.getKernel("Conv2D", "wasm")).toBeDefined();
      expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeUndefined();
    });
  }
});
