// The trainable A(t) against the runtime's float64 A(t) (the oracle): same values for a batch of
// per-sample times, and an exact round trip to the runtime's parameter layout.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { at, materialise, operatorParameters, randomTimeConditioned } from "../../src/runtime/operator/index.js";
import { TrainableTimeConditioned } from "../../src/train/index.js";

const EPS32 = 1.1920929e-7;

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("trainable time-conditioned operator", () => {
  const shape = { n: 5, rank: 2, embedDim: 8, hidden: 16, alpha: 1 };

  it("applies A(t_b) to z_b as the runtime's float64 operator does", () => {
    const op = randomTimeConditioned(shape, 4);
    const trainable = new TrainableTimeConditioned(op);
    const times = [0, 0.13, 0.5, 0.99];
    const z = Float32Array.from({ length: times.length * shape.n }, (_, i) => Math.sin(1.7 * i));
    const got = tf.tidy(() => trainable.apply(tf.tensor1d(times), tf.tensor2d(z, [times.length, shape.n])).dataSync());
    let worst = 0;
    let scale = 0;
    times.forEach((t, b) => {
      const a = materialise(at(op, t));
      for (let i = 0; i < shape.n; i++) {
        let s = 0;
        for (let j = 0; j < shape.n; j++) s += a.data[i * shape.n + j] * z[b * shape.n + j];
        worst = Math.max(worst, Math.abs(s - got[b * shape.n + i]));
        scale = Math.max(scale, Math.abs(s));
      }
    });
    // float32 weights (rounded from float64) through three layers of width ≤ 16, then the rank-2
    // product over n = 5: each layer adds ≲ (fan-in)·ε relative error, so ≲ (8 + 16 + 16 + 5·2)·ε·scale
    // with an extra factor 10 for GELU's float32 erf (tfjs's erf is a 1.5e-7 polynomial).
    expect(worst).toBeLessThan(10 * 50 * EPS32 * Math.max(1, scale));
    // Control: the operator at another time does not match.
    const other = materialise(at(op, 0.7));
    let off = 0;
    for (let i = 0; i < shape.n; i++) {
      let s = 0;
      for (let j = 0; j < shape.n; j++) s += other.data[i * shape.n + j] * z[j];
      off = Math.max(off, Math.abs(s - got[i]));
    }
    expect(off).toBeGreaterThan(10 * 50 * EPS32 * Math.max(1, scale));
    trainable.dispose();
  });

  it("exports the runtime layout: the same names and shapes, float32-rounded values", async () => {
    const op = randomTimeConditioned(shape, 5);
    const trainable = new TrainableTimeConditioned(op);
    const back = operatorParameters(await trainable.toOperator(), "A.");
    const original = operatorParameters(op, "A.");
    expect([...back.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [name, p] of original) {
      const q = back.get(name);
      expect(q?.shape).toEqual(p.shape);
      // One rounding to float32: |Δ| ≤ ε/2·|w|.
      p.data.forEach((v, i) => expect(Math.abs((q?.data[i] ?? NaN) - v)).toBeLessThanOrEqual((EPS32 / 2) * Math.abs(v)));
    }
    const names = [...trainable.parameters().keys()].sort();
    expect(names).toEqual(
      [...original.keys()]
        .filter((n) => n !== "A.alpha")
        .map((n) => n.slice(2))
        .sort(),
    );
    trainable.dispose();
  });
});
