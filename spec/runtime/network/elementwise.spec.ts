// tanh/exp through the sigmoid (used on wasm) against float64 Math, with derived tolerances.

import * as tf from "@tensorflow/tfjs-core";
import { expect, it } from "vitest";
import { expBounded, tanhFast } from "../../../src/runtime/network/elementwise.js";
import { describeOnBackends, probeBackends } from "../backend/backends_under_test.js";

const probed = await probeBackends();
const U = 2 ** -24;

describeOnBackends("tanhFast / expBounded", probed, () => {
  const v = Float32Array.from({ length: 2001 }, (_, i) => -5 + i * 0.005);

  it("match float64 tanh and exp on [−5, 5]", async () => {
    const t = (await tanhFast(tf.tensor1d(v)).data()) as Float32Array;
    const e = (await expBounded(tf.tensor1d(v)).data()) as Float32Array;
    let tanhErr = 0;
    let expRel = 0;
    for (let i = 0; i < v.length; i++) {
      tanhErr = Math.max(tanhErr, Math.abs(t[i] - Math.tanh(v[i])));
      expRel = Math.max(expRel, Math.abs(e[i] - Math.exp(v[i])) / Math.exp(v[i]));
    }
    // 2σ(2v) − 1: σ within a few ulps (≤ 4u) of a value ≤ 1, doubled, minus 1 (exact) → ≤ 8u + 1u rounding.
    expect(tanhErr).toBeLessThanOrEqual(9 * U);
    // σ(v)/σ(−v): two values each within 4u relative, one division → ≤ 9u relative.
    expect(expRel).toBeLessThanOrEqual(9 * U);
  });

  it("control: the naive σ(v)/(1 − σ(v)) loses precision at v = 5 and fails the same bound", async () => {
    const x = tf.tensor1d(Float32Array.of(5));
    const naive = (await tf.div(tf.sigmoid(x), tf.sub(1, tf.sigmoid(x))).data())[0];
    expect(Math.abs(naive - Math.exp(5)) / Math.exp(5)).toBeGreaterThan(9 * U);
  });
});
