// The error model and the conditioning estimates the tolerances rest on, against hand computation
// and a float64 oracle.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/select.js";
import { matrix, svd } from "../../src/runtime/linalg/index.js";
import { circulantFromTaps, randomCirculantConv, randomDense, randomSvdFactored, svd as operatorSvd } from "../../src/runtime/operator/index.js";
import { lipschitzEstimate, profileOperator, samplePoints } from "../../src/verify/conditioning.js";
import { SAFETY, U32, pathError, rmsError, tolerance } from "../../src/verify/measure.js";

beforeAll(async () => {
  await selectBackend(process.env.LINEA_BACKEND ?? "cpu");
});

describe("path error", () => {
  it("is u·Σ γₖ√opsₖ·Π_{j>k} lipⱼ", () => {
    // (u·√4)·3·5 + (u·2·√9)·5 + u·√1 = u·(30 + 30 + 1)
    expect(
      pathError([
        { ops: 4, lip: 7 },
        { ops: 9, lip: 3, gain: 2 },
        { ops: 1, lip: 5 },
      ]),
    ).toBeCloseTo(U32 * (2 * 3 * 5 + 2 * 3 * 5 + 1), 20);
    expect(tolerance([{ ops: 4, lip: 2 }], [])).toBeCloseTo(SAFETY * U32 * 2, 20);
    expect(pathError([])).toBe(0);
  });
  it("an amplifying stage after an error grows the tolerance; before it, it does not", () => {
    const early = pathError([
      { ops: 4, lip: 1 },
      { ops: 4, lip: 10 },
    ]);
    const late = pathError([
      { ops: 4, lip: 10 },
      { ops: 4, lip: 1 },
    ]);
    expect(early).toBeGreaterThan(late);
  });
});

describe("rms error", () => {
  it("is the worst row's RMS difference over 1 + scale, and never hides a NaN", () => {
    // rows: [3, 4] vs [0, 0] → √(25/2); [1, 1] vs [1, 1] → 0
    expect(rmsError([3, 4, 1, 1], [0, 0, 1, 1], 2, 1)).toBeCloseTo(Math.sqrt(12.5) / 2, 12);
    expect(rmsError([Number.NaN, 0], [0, 0], 2, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(rmsError([1, 2, 3], [1, 2], 1, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("conditioning", () => {
  it("the finite-difference Lipschitz estimate of a linear map is its float64 spectral norm", async () => {
    const m = randomDense(5, 5, 3).matrix;
    const sigma = svd(m).s[0];
    const w = tf.tensor2d(Float32Array.from(m.data), [5, 5]);
    const x = samplePoints(4, 5, 1.5, 1);
    const estimate = await lipschitzEstimate((t) => tf.matMul(t, w, false, true), x, 2);
    // forward differences of a linear map are exact up to float32 rounding / h: relative 10⁻³
    expect(Math.abs(estimate - Math.max(sigma, 1)) / sigma).toBeLessThan(1e-3);
    w.dispose();
    x.dispose();
  });
  it("control: a map that stretches one direction 5× is estimated at ≈ 5, not 1", async () => {
    const d = matrix(3, 3, [5, 0, 0, 0, 1, 0, 0, 0, 1]);
    const w = tf.tensor2d(Float32Array.from(d.data), [3, 3]);
    const x = samplePoints(2, 3, 1, 4);
    expect(await lipschitzEstimate((t) => tf.matMul(t, w), x, 5)).toBeCloseTo(5, 2);
    w.dispose();
    x.dispose();
  });
  it("operator norm and inverse norm come from the float64 SVD", () => {
    const op = randomSvdFactored(4, 3, 2, 7);
    const model = profileOperator(op);
    expect(model.rank).toBe(2);
    expect(model.norm).toBeCloseTo(Math.max(...op.s), 12);
    expect(model.inverseNorm).toBeCloseTo(1 / Math.min(...op.s), 12);
  });
  it("a circular convolution's norms are its extreme |λ|, also at R[3, 256, 256] where svd() would form D×D vectors", () => {
    const small = randomCirculantConv({ channels: 2, height: 4, width: 6, size: 3 }, 5);
    const model = profileOperator(small);
    const s = operatorSvd(small).s; // the structured SVD (spec/runtime/operator/circulantConv.spec.ts checks it densely)
    expect(model.norm).toBe(s[0]);
    expect(model.inverseNorm).toBeCloseTo(1 / s[s.length - 1], 12);
    expect(model.rank).toBe(48);
    const large = profileOperator(
      circulantFromTaps(
        { channels: 3, height: 256, width: 256, size: 3 },
        Float64Array.from({ length: 27 }, (_, i) => (i % 9 === 4 ? 1 : 0.05)),
      ),
    );
    // Centre 1, eight taps 0.05: |λ| ≤ 1 + 8·0.05 = 1.4, attained at f = g = 0; |λ| ≥ 1 − 0.4 > 0, so full rank.
    expect(large.norm).toBeCloseTo(1.4, 12);
    expect(large.rank).toBe(196608);
  });
});
