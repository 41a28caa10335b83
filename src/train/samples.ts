// One-step samples after training (paper-notes §1.4): B = M_{T−2}⋯M₀ with the Euler steps
// M_k = (1 − c_k)·I + c_k·A(t_k), c_k = 1/(T − k), t_k = k/T, built in float64 on the host from the
// trained operator; then x = g_data⁻¹(B·g_noise(x₀)). Dense B is n×n, so this is for small latents
// (the 2-D toys); larger models sample through `linea run` and the compiler's collapse.
import * as tf from "@tensorflow/tfjs-core";
import { at, materialise, seededRandom, type TimeConditioned } from "../runtime/operator/index.js";
import type { TrainingSession } from "./session.js";

export const ONE_STEP_MAX_DIM = 64;

/** B (row-major n×n, float64) for Euler with T steps. */
export function eulerCollapse(op: TimeConditioned, steps: number): Float64Array {
  const n = op.rows;
  let b = new Float64Array(n * n);
  for (let i = 0; i < n; i++) b[i * n + i] = 1;
  for (let k = 0; k <= steps - 2; k++) {
    const c = 1 / (steps - k);
    const a = materialise(at(op, k / steps)).data;
    const next = new Float64Array(n * n);
    // next = M_k · b, M_k = (1 − c)I + cA
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = (1 - c) * b[i * n + j];
        for (let l = 0; l < n; l++) s += c * a[i * n + l] * b[l * n + j];
        next[i * n + j] = s;
      }
    }
    b = next;
  }
  return b;
}

/** `count` one-step samples, [count, dim] row-major; undefined when the latent is too large for dense B. */
export async function oneStepSamples(session: TrainingSession, count: number, steps: number, seed: number): Promise<Float32Array | undefined> {
  const n = session.data.dim;
  if (n > ONE_STEP_MAX_DIM || session.noise.dim !== n) return undefined;
  const op = await session.operator.toOperator();
  const b = eulerCollapse(op, steps);
  const random = seededRandom(seed);
  const x0 = Float32Array.from({ length: count * n }, () => random.normal());
  const out = tf.tidy(() => {
    const z0 = session.noise.encode(tf.tensor2d(x0, [count, n]));
    // rows: z·Bᵀ
    const z1 = tf.matMul(z0, tf.tensor2d(Float32Array.from(b), [n, n]), false, true) as tf.Tensor2D;
    return session.data.decode(z1);
  });
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return Float32Array.from(data);
}
