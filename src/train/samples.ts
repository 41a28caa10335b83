// One-step samples after training (paper-notes §1.4): B = M_{T−2}⋯M₀ traced by the compiler's
// collapse pass (src/compiler/passes/collapse.ts, the same code `linea run` uses for sampler(v, …)),
// from the trained operator, in float64; then x = g_data⁻¹(B·g_noise(x₀)). B is kept in its cheapest
// form, which for a rank-r A(t) and T ≈ D/r steps becomes a dense D×D matrix: affordable up to
// D = 1024 (MNIST at 32×32: Euler T = 100 collapses in about 0.5 s, RK4 in 0.8 s at D = 784).
import * as tf from "@tensorflow/tfjs-core";
import { samplerDefaults, type SamplerSettings } from "../compiler/checker/builtins.js";
import { boundLeaf } from "../compiler/ir/expr.js";
import { collapseSampler } from "../compiler/passes/collapse.js";
import { apply as applyOperator, seededRandom, type LinearOperator } from "../runtime/operator/index.js";
import type { TrainingSession } from "./session.js";

/** The largest dimension for which the one-step operator is materialised for sample pictures. */
export const ONE_STEP_MAX_DIM = 1024;

/** B for the session's trained A(t), with the spec's sampler (or the default). */
export async function oneStepOperator(session: TrainingSession, sampler: SamplerSettings = session.plan.sampler ?? samplerDefaults): Promise<LinearOperator> {
  const op = await session.operator.toOperator();
  return collapseSampler(boundLeaf(session.plan.operatorName ?? "A", op), sampler.method, sampler.steps);
}

/** `count` one-step samples, [count, dim] row-major; undefined when the latent is too large for B. */
export async function oneStepSamples(session: TrainingSession, count: number, seed: number): Promise<Float32Array | undefined> {
  const n = session.data.dim;
  if (n > ONE_STEP_MAX_DIM || session.noise.dim !== n) return undefined;
  const b = await oneStepOperator(session);
  const random = seededRandom(seed);
  const x0 = Float32Array.from({ length: count * session.noise.dim }, () => random.normal());
  const out = tf.tidy(() => session.data.decode(applyOperator(b, session.noise.encode(tf.tensor2d(x0, [count, n])))));
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return Float32Array.from(data);
}
