// The trainable copy of the plain operators `loss = mse` trains (dense, diagonal — square and
// rectangular —, lowrank, identity_plus_lowrank, circulant_conv) against the runtime's float64 operator on the same
// weights (the oracle: materialised and applied in float64), and its export back to the runtime's
// parameter layout. Controls: the operator off by 0.1%, and the transposed operator (a wrong row/column
// convention), are caught.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import {
  circulantFromTaps,
  diagonal,
  identityPlusLowRank,
  materialise,
  operatorParameters,
  randomDense,
  randomDiagonal,
  randomLowRank,
  scale,
  styledConvRows,
  tapsOf,
  transpose,
  type LinearOperator,
} from "../../src/runtime/operator/index.js";
import { matrix } from "../../src/runtime/operator/host.js";
import { TrainableLinear } from "../../src/train/index.js";
import { registerTrainingGradients } from "../../src/train/gradients.js";

const EPS32 = 2 ** -23;

function cases(): [string, LinearOperator][] {
  const lr = randomLowRank(4, 3, 2, 3);
  const u = matrix(3, 1, Float64Array.of(0.5, -1, 2));
  const v = matrix(3, 1, Float64Array.of(1, 0.25, -0.75));
  return [
    ["dense 4×3", randomDense(4, 3, 1)],
    ["diagonal 3×3", randomDiagonal(3, 2)],
    ["diagonal 4×3", diagonal(Float64Array.of(1.5, -0.5, 2), 4, 3)],
    ["lowrank 4×3", lr],
    ["identity_plus_lowrank α = 0.7", identityPlusLowRank(u, v, 0.7)],
    // Circular convolutions (wrapped padding by concatenated slices): 2×2 taps on a 3×4 image, and
    // 3×3 taps on 2 channels of 3×3 (every tap wraps); both kernels asymmetric, so the transpose differs.
    ["circulant_conv 2×2 on R[1, 3, 4]", circulantFromTaps({ channels: 1, height: 3, width: 4, size: 2 }, [1, -0.5, 0.25, 2])],
    [
      "circulant_conv 3×3 on R[2, 3, 3]",
      circulantFromTaps(
        { channels: 2, height: 3, width: 3, size: 3 },
        Array.from({ length: 18 }, (_, i) => Math.cos(0.7 * i + 0.3)),
      ),
    ],
  ];
}

/** Largest |X·Mᵀ − trainable(X)| over rows X, with M the float64 matrix of `op`, and the bound. */
function compare(op: LinearOperator, trainable: TrainableLinear, x: Float32Array, rows: number): { worst: number; tol: number } {
  const m = materialise(op);
  const got = tf.tidy(() => trainable.apply(tf.tensor2d(x, [rows, m.cols])).dataSync());
  let worst = 0;
  let tol = 0;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < m.rows; i++) {
      let s = 0;
      let mag = 0;
      for (let j = 0; j < m.cols; j++) {
        s += m.data[i * m.cols + j] * x[r * m.cols + j];
        mag += Math.abs(m.data[i * m.cols + j] * x[r * m.cols + j]);
      }
      worst = Math.max(worst, Math.abs(s - got[r * m.rows + i]));
      // float32 weights (ε/2 each) and at most two products of ≤ 4 terms plus an add: ≤ 12ε·Σ|mᵢⱼxⱼ|
      // (a low-rank product's factors can cancel, so use the factored magnitude bound 2× that).
      tol = Math.max(tol, 24 * EPS32 * (mag + 1));
    }
  }
  return { worst, tol };
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("trainable plain operators (loss = mse)", () => {
  it("apply X·Aᵀ as the runtime's float64 operator does; a 0.1% error and the transposed operator are caught", () => {
    for (const [name, op] of cases()) {
      const trainable = new TrainableLinear(op);
      const x = Float32Array.from({ length: 3 * op.cols }, (_, i) => Math.sin(1.3 * i + 0.2));
      const { worst, tol } = compare(op, trainable, x, 3);
      expect(worst, name).toBeLessThanOrEqual(tol);
      // Control: the operator scaled by 1 + 1e-3 (a 0.1% error, ≫ the float32 bound) is caught.
      const scaled = compare(scale(1 + 1e-3, op), trainable, x, 3);
      expect(scaled.worst, name).toBeGreaterThan(scaled.tol);
      if (op.rows === op.cols && name !== "diagonal 3×3") {
        // Control: Aᵀ (the row-vector convention read the wrong way) differs.
        const control = compare(transpose(op), trainable, x, 3);
        expect(control.worst, name).toBeGreaterThan(control.tol);
      }
      trainable.dispose();
    }
  });

  it("exports the runtime's parameters: same names and shapes, float32-rounded values", async () => {
    for (const [name, op] of cases()) {
      const trainable = new TrainableLinear(op);
      const back = operatorParameters(await trainable.toOperator(), "A.");
      const original = operatorParameters(op, "A.");
      expect([...back.keys()].sort(), name).toEqual([...original.keys()].sort());
      for (const [key, p] of original) {
        const q = back.get(key);
        expect(q?.shape, `${name} ${key}`).toEqual(p.shape);
        // One rounding to float32 each: |Δ| ≤ ε/2·|w|.
        p.data.forEach((w, i) => expect(Math.abs((q?.data[i] ?? NaN) - w), `${name} ${key}`).toBeLessThanOrEqual((EPS32 / 2) * Math.abs(w)));
      }
      trainable.dispose();
    }
  });
});

describe("the circular convolution's gradient", () => {
  it("d⟨W, K·x⟩/d taps[a,b] = Σ W[i,j]·x[(i+a−p) mod H,(j+b−p) mod W]; control: the zero-padded sum differs", () => {
    registerTrainingGradients();
    const g = { channels: 1, height: 3, width: 4, size: 2 };
    const op = circulantFromTaps(g, [1, -0.5, 0.25, 2]);
    const x = Float32Array.from({ length: 12 }, (_, i) => Math.sin(1.1 * i + 0.4));
    const w = Float32Array.from({ length: 12 }, (_, i) => Math.cos(0.9 * i));
    const grad = tf.grad((k: tf.Tensor) => tf.sum(tf.mul(styledConvRows(k as tf.Tensor4D, g, [0], tf.tensor2d(x, [1, 12]), "circular"), tf.tensor2d(w, [1, 12]))));
    const got = tf.tidy(() => grad(tf.tensor4d(Float32Array.from(tapsOf(op) ?? []), [1, 1, 2, 2])).dataSync());
    const mod = (i: number, n: number): number => ((i % n) + n) % n;
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 2; b++) {
        let want = 0;
        let zeroPadded = 0;
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 4; j++) {
            want += w[i * 4 + j] * x[mod(i + a, 3) * 4 + mod(j + b, 4)];
            if (i + a < 3 && j + b < 4) zeroPadded += w[i * 4 + j] * x[(i + a) * 4 + j + b];
          }
        // 12 float32 products summed: ≤ 13ε·Σ|w·x| ≤ 13ε·12.
        expect(Math.abs(got[a * 2 + b] - want)).toBeLessThanOrEqual(13 * 12 * EPS32);
        if (a + b > 0) expect(Math.abs(got[a * 2 + b] - zeroPadded)).toBeGreaterThan(1e-3);
      }
    }
  });
});
