// The sampler collapse: the T-step sampler is traced into one operator B = M_{T−2}⋯M₁M₀ (column
// convention, z_{k+1} = M_k z_k). Each M_k is obtained by running THE step function of ir/sampler.ts on
// the state z = I with operators as states, so Euler gives M_k = (1−c_k)I + c_k·A(t_k), c_k = 1/(T−k),
// and RK4 gives the correctly nested product of paper-notes §1.4 — no second formula to get wrong.
//
// Structure: when A(t) = αI + U(t)V(t)ᵀ (rank r), every M_k and every partial product is again
// identity-plus-low-rank (runtime algebra, rank ≤ r(T−1) for Euler). Sums in the RK4 trace concatenate
// factors, so after every step the operator is put in its cheapest form (representation.ts): the low-rank
// part recompressed to its numerical rank, or a dense matrix as soon as that is cheaper to apply.
import { identity, product, scale, sum, type LinearOperator } from "../../runtime/operator/index.js";
import { evaluateOperator } from "../ir/evaluate.js";
import type { OpExpr, SamplerMethod } from "../ir/expr.js";
import { samplerStep, stepTimes, type StepAlgebra } from "../ir/sampler.js";
import { cheapestForm } from "./representation.js";

/** Operators as sampler states; A(t) comes from the (bound) time-conditioned expression. */
export function operatorStepAlgebra(predictor: (t: number) => LinearOperator): StepAlgebra<LinearOperator> {
  return { add: sum, scale, predict: (t, z) => product(predictor(t), z) };
}

/** M_k: one step traced from z = I. */
export function stepOperator(alg: StepAlgebra<LinearOperator>, method: SamplerMethod, n: number, t: number, dt: number): LinearOperator {
  return cheapestForm(samplerStep(alg, method, identity(n), t, dt));
}

/** B = M_{T−2}⋯M₀ for the sampler of a bound time-conditioned expression. */
export function collapseSampler(inner: OpExpr, method: SamplerMethod, steps: number): LinearOperator {
  const n = inner.rows;
  const alg = operatorStepAlgebra((t) => evaluateOperator(inner, t));
  const dt = 1 / steps;
  let b: LinearOperator = identity(n);
  for (const t of stepTimes(steps)) b = cheapestForm(product(stepOperator(alg, method, n, t, dt), b));
  return b;
}
