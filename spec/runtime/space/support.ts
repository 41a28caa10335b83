// A small hand-written invertible chart for the space specs, instrumented to count g and g⁻¹ calls:
//   g(x) = sinh(x)·Mᵀ,   g⁻¹(z) = asinh(z·M⁻ᵀ)
// with M = I + 0.3·G/√n (G Gaussian) fixed by a seed. Its parameters are known in float64, so the
// tolerances below can be derived from ‖M⁻¹‖ and the input range.
import * as tf from "@tensorflow/tfjs-core";
import { frobeniusNorm, identityMatrix, inverse, type Matrix } from "../../../src/runtime/linalg/index.js";
import { float32Tensor, seededRandom } from "../../../src/runtime/operator/index.js";
import type { Chart } from "../../../src/runtime/space/index.js";

export const EPS32 = 2 ** -23;

export interface CountingChart extends Chart {
  forwardCalls: number;
  inverseCalls: number;
  /** ‖M⁻¹‖_F: bounds how much g⁻¹ amplifies an error in coordinates (asinh′ ≤ 1). */
  readonly inverseGain: number;
  /** ‖M‖_F·cosh(bound): bounds how much g amplifies an error in points with |x| ≤ bound. */
  forwardGain(bound: number): number;
  dispose(): void;
}

function upload(m: Matrix): tf.Tensor2D {
  return tf.keep(float32Tensor(m));
}

/** `inverseError` scales g⁻¹'s output by (1 + inverseError): a broken chart for control cases. */
export function countingChart(dim: number, seed: number, inverseError = 0): CountingChart {
  const random = seededRandom(seed);
  const m = identityMatrix(dim);
  for (let i = 0; i < m.data.length; i++) m.data[i] += (0.3 * random.normal()) / Math.sqrt(dim);
  const mInv = inverse(m);
  const mT = upload(m);
  const mInvT = upload(mInv);
  const chart: CountingChart = {
    dim,
    forwardCalls: 0,
    inverseCalls: 0,
    inverseGain: frobeniusNorm(mInv),
    forwardGain: (bound) => frobeniusNorm(m) * Math.cosh(bound),
    forward(x) {
      chart.forwardCalls++;
      return tf.tidy(() => tf.matMul(tf.sinh(x), mT, false, true));
    },
    inverse(z) {
      chart.inverseCalls++;
      return tf.tidy(() => tf.mul(tf.asinh(tf.matMul(z, mInvT, false, true)), 1 + inverseError));
    },
    dispose() {
      mT.dispose();
      mInvT.dispose();
    },
  };
  return chart;
}

/** Points uniform in [−bound, bound], seeded, as a tensor [b, dim]. */
export function randomPoints(b: number, dim: number, seed: number, bound = 1.5): tf.Tensor2D {
  const random = seededRandom(seed);
  return tf.tensor2d(
    Float32Array.from({ length: b * dim }, () => bound * (2 * random.uniform() - 1)),
    [b, dim],
    "float32",
  );
}

/** max over rows of ‖a_i − b_i‖ / max(‖b_i‖, 1); read asynchronously (webgpu has no sync read in Node). */
export async function rowError(a: tf.Tensor2D, b: tf.Tensor2D): Promise<number> {
  const [x, y] = await Promise.all([a.data(), b.data()]);
  const [rows, cols] = a.shape;
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    let d = 0;
    let n = 0;
    for (let j = 0; j < cols; j++) {
      d += (x[i * cols + j] - y[i * cols + j]) ** 2;
      n += y[i * cols + j] ** 2;
    }
    worst = Math.max(worst, Math.sqrt(d) / Math.max(Math.sqrt(n), 1));
  }
  return worst;
}
