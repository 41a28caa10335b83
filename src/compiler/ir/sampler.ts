// The sampler's step, written ONCE over an abstract algebra of "states" (paper-notes §2.6: derive B by
// tracing the same step function, never by a second formula). With states = float64 batches it is the
// step-by-step sampler (the oracle); with states = linear operators, tracing it from z = I yields the
// step matrix M_k, so the collapse B = M_{T−2}⋯M₀ is correct by construction (passes/collapse.ts).
//
// Column convention: z_{k+1} = M_k·z_k, hence B = M_{T−2}⋯M₁M₀. (The reference code multiplies row
// vectors, z·B_row, so its B_row = Bᵀ = M₀ᵀ⋯; this IR never stores anything transposed.)
import type { SamplerMethod } from "../checker/builtins.js";

export interface StepAlgebra<V> {
  add(a: V, b: V): V;
  scale(c: number, a: V): V;
  /** ẑ₁ = A(t)·z, the x₁-prediction. */
  predict(t: number, z: V): V;
}

/** v(z, t) = L(t)·z = (A(t)·z − z)/(1 − t). */
export function velocity<V>(alg: StepAlgebra<V>, t: number, z: V): V {
  return alg.scale(1 / (1 - t), alg.add(alg.predict(t, z), alg.scale(-1, z)));
}

/**
 * One step from (z, t) with step dt. RK4 is the classical scheme; for a linear ODE its traced matrix is
 * the correctly nested product K₂ = L(t+Δt/2)(I + Δt/2·K₁), … of paper-notes §1.4.
 */
export function samplerStep<V>(alg: StepAlgebra<V>, method: SamplerMethod, z: V, t: number, dt: number): V {
  if (method === "euler") return alg.add(z, alg.scale(dt, velocity(alg, t, z)));
  const k1 = velocity(alg, t, z);
  const k2 = velocity(alg, t + dt / 2, alg.add(z, alg.scale(dt / 2, k1)));
  const k3 = velocity(alg, t + dt / 2, alg.add(z, alg.scale(dt / 2, k2)));
  const k4 = velocity(alg, t + dt, alg.add(z, alg.scale(dt, k3)));
  const increment = alg.add(alg.add(k1, alg.scale(2, k2)), alg.add(alg.scale(2, k3), k4));
  return alg.add(z, alg.scale(dt / 6, increment));
}

/** The step times of a T-step sampler: t_k = k/T for k = 0 … T−2 (it stops at (T−1)/T, before 1/(1−t) blows up). */
export function stepTimes(steps: number): number[] {
  return Array.from({ length: steps - 1 }, (_, k) => k / steps);
}

/** Runs all T−1 steps from z₀. */
export function runSampler<V>(alg: StepAlgebra<V>, method: SamplerMethod, steps: number, z0: V): V {
  const dt = 1 / steps;
  return stepTimes(steps).reduce((z, t) => samplerStep(alg, method, z, t, dt), z0);
}

/** Velocity evaluations per step: how many times A(·) is applied. */
export function stagesOf(method: SamplerMethod): number {
  return method === "euler" ? 1 : 4;
}
