// The samplers of a time-conditioned map v : Noise -> Data, shared by the sample and invert applications
// (paper-notes §1.4, §2.5). The one-step sampler is what the compiler makes of
// `let B = sampler(v, method = …, steps = T);` — such lets are checked in the spec's scope (as
// `linea verify` does for its arguments), so B is collapsed by the compiler's own pass and run by the
// compiled program. The multi-step sampler runs THE step function of compiler/ir/sampler.ts on float32
// tensors in the shared latent, on the backend, one step after another.
import * as tf from "@tensorflow/tfjs-core";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { ExecuteError } from "../compiler/execute/errors.js";
import { mapNormalForm, type MapNormalForm } from "../compiler/execute/inspect.js";
import { compile, type CompiledProgram, type CompileOptions } from "../compiler/execute/program.js";
import { evaluateOperator } from "../compiler/ir/evaluate.js";
import type { SamplerMethod } from "../compiler/checker/builtins.js";
import type { OpExpr } from "../compiler/ir/expr.js";
import { samplerStep, stepTimes, type StepAlgebra } from "../compiler/ir/sampler.js";
import { apply as applyOperator, releaseTensors, seededRandom, type LinearOperator } from "../runtime/operator/index.js";
import { call, letDecl, nameRef } from "../ast/build.js";
import { extendSpec, type SpecText } from "./spec_text.js";

/** A sampler's method (euler, rk4) and step count T. */
export interface SamplerChoice {
  readonly method: SamplerMethod;
  readonly steps: number;
}

/** The `let` a sampler choice is compiled as (a name no user declaration has: `__` is reserved by verify too). */
export function samplerLetName(map: string, choice: SamplerChoice): string {
  return `__linea_${map}_${choice.method}_${choice.steps}`;
}

/** A spec checked once as written (for the map's type and data shapes) and once with the sampler lets. */
export interface SamplerSpec {
  readonly map: string;
  /** The spec as written. */
  readonly original: CheckedProgram;
  /** The spec with the sampler lets. */
  readonly checked: CheckedProgram;
  readonly shapes: { readonly domain: readonly number[]; readonly codomain: readonly number[] };
  /** Compiles the one-step sampler of one choice (the collapse runs here: seconds for large T and D). */
  compile(choice: SamplerChoice): Promise<CompiledSampler>;
}

/** A sampler compiled against its spec: the one-step target and the velocity it collapses. */
export interface CompiledSampler {
  readonly compiled: CompiledProgram;
  /** The target that runs the one-step sampler x ↦ g_data⁻¹(B·g_noise(x)). */
  readonly target: string;
  /** B and the two charts. */
  readonly form: MapNormalForm;
  /** A(t), bound: what the multi-step sampler steps with. */
  readonly velocity: OpExpr;
}

/** The names of the maps the entry module declares (for error messages). */
function mapNames(checked: CheckedProgram, timeConditioned: boolean): string[] {
  const symbols = checked.modules.get(checked.entry)?.symbols;
  if (symbols === undefined) return [];
  return [...symbols].filter(([, s]) => s.type.kind === "Map" && s.type.timeConditioned === timeConditioned).map(([n]) => n);
}

/**
 * Makes sure `map` is a time-conditioned map of the spec, and checks one
 * `let __linea_… = sampler(map, method = …, steps = …);` per choice below every declaration of the
 * spec (built as syntax, not text). Throws a GeneratedDeclarationsError when they do not check.
 */
export function samplerSpec(spec: SpecText, map: string, choices: readonly SamplerChoice[], options: CompileOptions): SamplerSpec {
  const original = spec.program;
  const symbol = original.modules.get(original.entry)?.symbols.get(map);
  const type = symbol?.type;
  if (symbol === undefined || type?.kind !== "Map") {
    throw new ExecuteError("LIN0801", `no map named ${map}; time-conditioned maps: ${mapNames(original, true).join(", ") || "none"}`);
  }
  if (!type.timeConditioned) {
    throw new ExecuteError(
      "LIN0803",
      `${map} is not time-conditioned: sampling needs \`map ${map} : Noise -> Data = A;\` with A = time_conditioned(…) (time-conditioned maps here: ${mapNames(original, true).join(", ") || "none"})`,
    );
  }
  // `let __linea_… = sampler(map, method = …, steps = …);`, placed at the map's name for diagnostics.
  const at = symbol.nameRange;
  const lets = choices.map((c) => letDecl(samplerLetName(map, c), call("sampler", [nameRef(map, at)], { method: c.method, steps: c.steps }, at), at));
  const checked = extendSpec(spec, lets);
  return {
    map,
    original,
    checked,
    shapes: { domain: type.domain.shape, codomain: type.codomain.shape },
    async compile(choice) {
      const target = samplerLetName(map, choice);
      const compiled = await compile(checked, { ...options, targets: [target] });
      try {
        const lowered = compiled.ir.maps.get(target);
        if (lowered?.kind !== "normal" || lowered.op.kind !== "sampler") throw new ExecuteError("LIN0803", `${map} does not lower to one sampler over one operator`);
        return { compiled, target, form: mapNormalForm(compiled, target), velocity: lowered.op.inner };
      } catch (e) {
        compiled.dispose();
        throw e;
      }
    },
  };
}

/**
 * The sampler's state algebra on float32 row batches [b, D] on the backend: A(t) is evaluated on the
 * host (float64, from the bound hypernetwork), applied as float32, and its uploads freed at once (a
 * T = 1000 RK4 run evaluates A(t) 4·999 times; tfjs memory is not garbage-collected). RK4 asks for
 * A(t + Δt/2) twice in a row, so the last evaluation is kept.
 */
export function tensorStepAlgebra(velocity: OpExpr): StepAlgebra<tf.Tensor2D> & { release(): void } {
  let last: { t: number; op: LinearOperator } | undefined;
  const operatorAt = (t: number): LinearOperator => {
    if (last?.t === t) return last.op;
    if (last !== undefined) releaseTensors(last.op);
    last = { t, op: evaluateOperator(velocity, t) };
    return last.op;
  };
  return {
    add: (a, b) => tf.add(a, b),
    scale: (c, a) => tf.mul(a, c),
    predict: (t, z) => applyOperator(operatorAt(t), z),
    release: () => {
      if (last !== undefined) releaseTensors(last.op);
      last = undefined;
    },
  };
}

/**
 * The multi-step sampler from data points x₀ (noises) [b, D]: z = g_noise(x₀); the T − 1 steps
 * k = 0 … T−2 at t_k = k/T with Δt = 1/T, Euler and RK4 alike — the reference's `sample` loop
 * (`for i in range(T − 1)`, paper-notes §2.5) — then g_data⁻¹(z). The collapse B = M_{T−2}⋯M₀ traces
 * exactly these T − 1 steps (compiler/passes/collapse.ts), so one-step and multi-step compute the same
 * map; T steps (one more, at t = (T−1)/T) would not (spec/cli/sample.spec.ts checks that it is caught).
 */
export function multiStepSample(sampler: CompiledSampler, choice: SamplerChoice, x0: tf.Tensor2D): tf.Tensor2D {
  const algebra = tensorStepAlgebra(sampler.velocity);
  const encode = sampler.form.domain.chart;
  const decode = sampler.form.codomain.chart;
  const dt = 1 / choice.steps;
  let z = encode === undefined ? tf.clone(x0) : tf.tidy(() => encode.forward(x0));
  try {
    // runSampler's loop, one tidy per step: in a single tidy, T = 1000 RK4 steps on [24, 784] would keep
    // ~15 000 intermediate tensors (≈ 1 GB) alive until the end.
    for (const t of stepTimes(choice.steps)) {
      const previous = z;
      z = tf.tidy(() => samplerStep(algebra, choice.method, previous, t, dt));
      previous.dispose();
    }
    const last = z;
    return decode === undefined ? tf.clone(last) : tf.tidy(() => decode.inverse(last));
  } finally {
    z.dispose();
    algebra.release();
  }
}

/** n standard-normal rows of `dim` values, row i from seed i (the reference draws noise i after torch.manual_seed(i)). */
export function seededNoise(n: number, dim: number): Float32Array {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const random = seededRandom(i);
    for (let j = 0; j < dim; j++) out[i * dim + j] = random.normal();
  }
  return out;
}
