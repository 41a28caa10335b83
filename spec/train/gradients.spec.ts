// The hand-registered gradients against central differences. Each case is f(x) = Σ w ⊙ op(x)² with a
// fixed weight w, so f is a polynomial of degree ≤ 2 in the entries of x for the linear ops (slice,
// concat, transpose, matmul, gather, reshape, sums…): a central difference is then exact up to
// rounding, |error| ≤ 2·ε₃₂·Σ|w ⊙ op(x)²| / (2h). For the nonlinear ones (exp, tanh, sigmoid, sin,
// cos, erf, and the quartic products) the truncation term h²/6·|f‴| is added, bounded per case below.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { registerTrainingGradients } from "../../src/train/gradients.js";

const EPS32 = 1.1920929e-7;

function pseudo(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** Max |analytic − numeric| over all entries, and the allowed error. */
/** `truncation`: a bound on h²/6·|f‴| for the case (0 when f is quadratic in x). */
function gradientError(op: (x: tf.Tensor) => tf.Tensor, shape: number[], truncation: number): { error: number; allowed: number } {
  const size = shape.reduce((a, b) => a * b, 1);
  const x0 = pseudo(size, 7);
  const outSize = tf.tidy(() => op(tf.tensor(x0, shape)).size);
  const w = tf.tensor(pseudo(outSize, 11));
  const f = (x: tf.Tensor): tf.Scalar => tf.sum(tf.mul(w, tf.reshape(tf.square(op(x)), [-1])));
  const analytic = tf.tidy(() => tf.grad(f)(tf.tensor(x0, shape)).dataSync());
  const scale = tf.tidy(() => tf.sum(tf.abs(tf.mul(w, tf.reshape(tf.square(op(tf.tensor(x0, shape))), [-1])))).dataSync()[0]);
  const h = 1e-2;
  let error = 0;
  for (let i = 0; i < size; i++) {
    const plus = x0.slice();
    plus[i] += h;
    const minus = x0.slice();
    minus[i] -= h;
    const numeric = tf.tidy(() => (f(tf.tensor(plus, shape)).dataSync()[0] - f(tf.tensor(minus, shape)).dataSync()[0]) / (2 * h));
    error = Math.max(error, Math.abs(numeric - analytic[i]));
  }
  w.dispose();
  const rounding = (4 * EPS32 * scale) / (2 * h);
  return { error, allowed: rounding + truncation };
}

beforeAll(async () => {
  registerTrainingGradients();
  await selectBackend("cpu");
});

// Constants are made inside the ops (the backend starts in beforeAll).
const b = (): tf.Tensor => tf.tensor([0.3, -0.2, 0.5], [1, 3]);
const m = (): tf.Tensor => tf.tensor(pseudo(12, 3), [3, 4]);

const H2_6 = 1e-4 / 6; // h²/6 with h = 1e-2
// f = Σ w·p(x)² with p quadratic in x (|x|, |w| ≤ 1, |b| ≤ 0.5): |f‴| ≤ 24·1.5·n for n ≤ 6 terms.
const QUARTIC = H2_6 * 24 * 1.5 * 6;
// exp, log, sqrt, tanh, sigmoid, sin, cos, erf on [−1, 1] (log and sqrt on [1, 3]): |f‴| ≤ 60 over 6 terms.
const SMOOTH = H2_6 * 60 * 6;

const cases: [string, (x: tf.Tensor) => tf.Tensor, number[], number][] = [
  ["add with broadcasting", (x) => tf.add(x, tf.mul(tf.reshape(tf.slice(x, [0, 0], [1, 3]), [3]), 2)), [2, 3], 0],
  ["sub, mul, neg", (x) => tf.neg(tf.mul(tf.sub(x, b()), b())), [2, 3], 0],
  ["div", (x) => tf.div(x, tf.add(b(), 2)), [2, 3], 0],
  ["matMul", (x) => tf.matMul(x, m()), [2, 3], 0],
  ["matMul transposed", (x) => tf.matMul(m(), x, true, true), [2, 3], 0],
  ["batched matMul", (x) => tf.matMul(tf.reshape(x, [2, 1, 3]), tf.reshape(x, [2, 3, 1])), [2, 3], QUARTIC],
  ["slice and concat", (x) => tf.concat([tf.slice(x, [0, 1], [2, 2]), tf.slice(x, [0, 0], [2, 1])], 1), [2, 3], 0],
  ["split", (x) => tf.split(x, [1, 2], 1)[1], [2, 3], 0],
  ["transpose and reshape", (x) => tf.reshape(tf.transpose(x, [1, 0]), [6]), [2, 3], 0],
  ["reverse", (x) => tf.reverse(x, [1]), [2, 3], 0],
  ["gatherND", (x) => tf.gatherND(x, tf.tensor2d([1, 0, 1], [3, 1], "int32")), [2, 3], 0],
  ["sum and mean", (x) => tf.add(tf.sum(x, 1), tf.mean(x, 1)), [2, 3], 0],
  ["squaredDifference", (x) => tf.squaredDifference(x, b()), [2, 3], QUARTIC],
  ["tile", (x) => tf.tile(x, [2, 1]), [2, 3], 0],
  ["addN", (x) => tf.addN([x, x, tf.mul(x, 2)]), [2, 3], 0],
  ["exp, log, sqrt", (x) => tf.add(tf.exp(x), tf.add(tf.log(tf.add(x, 2)), tf.sqrt(tf.add(x, 2)))), [2, 3], SMOOTH],
  ["tanh, sigmoid", (x) => tf.add(tf.tanh(x), tf.sigmoid(x)), [2, 3], SMOOTH],
  ["sin, cos, erf", (x) => tf.add(tf.sin(x), tf.add(tf.cos(x), tf.erf(x))), [2, 3], SMOOTH],
  ["relu, leakyRelu", (x) => tf.add(tf.relu(tf.add(x, 0.05)), tf.leakyRelu(tf.sub(x, 0.05), 0.1)), [2, 3], 0],
  ["where (select)", (x) => tf.where(tf.greater(x, 0), x, tf.mul(x, 3)), [2, 3], 0],
  ["diag", (x) => tf.diag(tf.reshape(x, [6])), [2, 3], 0],
  // What image networks add: squeeze's rank-6 transpose, a channel permutation (gatherND on the
  // leading axis of a rank-3 tensor), and tfjs's fused matMul + bias (the couplings' output layers).
  ["transpose rank 6 (squeeze order)", (x) => tf.transpose(tf.reshape(x, [1, 1, 2, 2, 2, 1]), [0, 1, 3, 5, 2, 4]), [2, 4], 0],
  ["gatherND on a rank-3 tensor", (x) => tf.gatherND(tf.reshape(x, [3, 2, 1]), tf.tensor2d([2, 0, 1], [3, 1], "int32")), [2, 3], 0],
  ["fused matMul with bias", (x) => tf.fused.matMul({ a: x as tf.Tensor2D, b: m() as tf.Tensor2D, bias: tf.tensor1d([0.1, -0.2, 0.3, 0]) }), [2, 3], 0],
];

describe("registered gradients", () => {
  for (const [name, op, shape, truncation] of cases) {
    it(name, () => {
      const { error, allowed } = gradientError(op, shape, truncation);
      expect(error).toBeLessThanOrEqual(allowed);
    });
  }

  it("control: a wrong gradient is caught by the same check", () => {
    const wrong = tf.customGrad((...inputs) => {
      const x = inputs[0] as tf.Tensor;
      return { value: tf.mul(x, 3), gradFunc: (dy: tf.Tensor) => [tf.mul(dy, 2)] }; // should be 3
    });
    const { error, allowed } = gradientError((x) => wrong(x), [2, 3], 0);
    expect(error).toBeGreaterThan(allowed);
  });
});
