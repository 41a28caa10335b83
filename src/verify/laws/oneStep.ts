// one_step(v, method, steps): the sampler collapsed into one map B (compiler/passes/collapse.ts)
// equals the sampler run step by step in float32 in the shared latent (paper-notes §1.4): for
// v = 𝕃{g_x, g_y, A(t)}, g_y⁻¹(B·g_x(x)) = g_y⁻¹(z_{T−1}) with z_{k+1} = step(z_k, t_k).
import * as tf from "@tensorflow/tfjs-core";
import { evaluateOperator } from "../../compiler/ir/evaluate.js";
import type { SamplerMethod } from "../../compiler/checker/builtins.js";
import { boundLeaf, type OpExpr } from "../../compiler/ir/expr.js";
import { runSampler, stagesOf, stepTimes, type StepAlgebra } from "../../compiler/ir/sampler.js";
import { collapseSampler, operatorStepAlgebra, stepOperator } from "../../compiler/passes/collapse.js";
import { apply as applyOperator, svd as operatorSvd } from "../../runtime/operator/index.js";
import { Linearizer, Vector } from "../../runtime/space/index.js";
import type { Check } from "../law.js";
import type { Stage } from "../measure.js";
import { linearizerSubject, type MapUnderTest } from "../subject.js";
import { equalLaw } from "./equal.js";

/** Largest n for which each step's ‖M_k‖ is computed exactly (float64 SVD); above, a bound. */
const EXACT_STEP_NORMS = 64;

/** The time-conditioned operator A(t) of v, as an IR expression (a bound leaf for a Linearizer). */
export function timeOperatorOf(v: MapUnderTest): OpExpr {
  const f = v.linearizer;
  if (f === undefined || !v.timeConditioned) throw new Error(`one_step: ${v.name} is not a time-conditioned Linearizer`);
  return boundLeaf(v.name, f.operator);
}

/** The T-step sampler of v = 𝕃{g_x, g_y, A(t)}, run step by step on coordinates in float32. */
export function multiStep(v: MapUnderTest, A: OpExpr, method: SamplerMethod, steps: number): MapUnderTest {
  const n = A.cols;
  const algebra: StepAlgebra<tf.Tensor2D> = {
    add: (a, b) => tf.add(a, b),
    scale: (c, a) => tf.mul(a, c),
    predict: (t, z) => applyOperator(evaluateOperator(A, t), z),
  };
  const norm = v.operator?.norm ?? 1;
  const sampler = `${method}×${steps}(${v.name})`;
  const dt = 1 / steps;
  const stepAlgebra = operatorStepAlgebra((t) => evaluateOperator(A, t));
  const stepStages: Stage[] = stepTimes(steps).map((t) => {
    const lip = n <= EXACT_STEP_NORMS ? (operatorSvd(stepOperator(stepAlgebra, method, n, t, dt)).s[0] ?? 1) : (1 + (dt / (1 - t)) * (norm + 1)) ** stagesOf(method);
    return { ops: stagesOf(method) * (n + 6), lip: Math.max(1, lip) };
  });
  return {
    name: sampler,
    domain: v.domain,
    codomain: v.codomain,
    timeConditioned: false,
    stages: stepStages,
    apply(x) {
      const z = tf.tidy(() => runSampler(algebra, method, steps, x.coordinates()));
      const out = Vector.fromCoordinates(v.codomain.space, z);
      z.dispose();
      return out;
    },
  };
}

/** The collapsed sampler 𝕃{g_x, g_y, B}, B traced by the compiler's collapse pass. */
export function oneStep(v: MapUnderTest, A: OpExpr, method: SamplerMethod, steps: number): MapUnderTest {
  const b = collapseSampler(A, method, steps);
  return linearizerSubject(`B(${v.name})`, new Linearizer(v.domain.space, v.codomain.space, b), v.domain, v.codomain);
}

/** one_step(v): the collapsed sampler (or a given one-step map) equals the step-by-step sampler. */
export function oneStepLaw(v: MapUnderTest, method: SamplerMethod, steps: number, A: OpExpr = timeOperatorOf(v), collapsed: MapUnderTest = oneStep(v, A, method, steps)): Check[] {
  return equalLaw(collapsed, multiStep(v, A, method, steps), "one_step", `one step = ${steps}-step ${method}`);
}
