// One-step against multi-step generation (paper §1.4, the reference's test script, paper-notes §2.7). For
// each method and step count T, the one-step sampler x̂ = g_data⁻¹(B·g_noise(x₀)) with B the compiler's
// collapse of `sampler(v, method, T)`, and the T − 1 steps of the same sampler run one after another on
// the backend (sampling.ts), both from the same n noises x₀ (noise i from seed i), compared by the
// per-sample PSNR −10·log₁₀(MSE) averaged over the samples (the reference's definition, unclamped), the
// largest absolute difference, and the time of each.
import * as tf from "@tensorflow/tfjs-core";
import type { SamplerMethod } from "../compiler/checker/builtins.js";
import type { LinearOperator } from "../runtime/operator/index.js";
import { agreement, type Agreement } from "./psnr.js";
import { multiStepSample, seededNoise, type SamplerChoice, type SamplerSpec } from "./sampling.js";
import { takeValues } from "./read.js";

/** One method and step count: the two samplers' outputs and how well they agree. */
export interface SamplerComparison {
  readonly method: SamplerMethod;
  readonly steps: number;
  /** The collapsed operator's kind (and rank for a low-rank form). */
  readonly operator: string;
  readonly agreement: Agreement;
  /** Compiling the sampler let: binding, and the collapse of B. */
  readonly collapseMs: number;
  /** One call of the compiled one-step sampler on the n noises (after one warm-up call). */
  readonly oneStepMs: number;
  /** The T − 1 steps on the n noises, encode and decode included. */
  readonly multiStepMs: number;
  /** The one-step samples, [n, …codomain shape] row-major. */
  readonly oneStep: Float32Array;
  /** The multi-step samples, [n, …codomain shape] row-major. */
  readonly multiStep: Float32Array;
}

/** What compareSamplers is doing, for a progress display. */
export type SampleProgress =
  | { readonly kind: "collapsing"; readonly choice: SamplerChoice; readonly dim: number }
  | { readonly kind: "collapsed"; readonly choice: SamplerChoice; readonly ms: number; readonly operator: string }
  | { readonly kind: "multi-step"; readonly choice: SamplerChoice; readonly samples: number }
  | { readonly kind: "compared"; readonly choice: SamplerChoice; readonly result: SamplerComparison };

/** How many samples `compareSamplers` draws, and where its progress goes. */
export interface SampleOptions {
  /** How many noises (noise i from seed i). */
  readonly samples: number;
  /** Called as each sampler is collapsed and run (for a progress line). */
  readonly onProgress?: (event: SampleProgress) => void;
}

/** What `compareSamplers` computed: one comparison per sampler choice, on one backend. */
export interface SampleRun {
  readonly map: string;
  /** The backend the samplers ran on (empty when no choice was given). */
  readonly backend: string;
  readonly samples: number;
  readonly domain: readonly number[];
  readonly codomain: readonly number[];
  /** The noises x₀, [n, …domain shape] row-major. */
  readonly noise: Float32Array;
  /** In the order of the choices. */
  readonly results: readonly SamplerComparison[];
}

export function describeOperator(op: LinearOperator): string {
  return op.kind === "identity_plus_lowrank" || op.kind === "lowrank" ? `${op.kind} rank ${op.u.cols}` : op.kind;
}

async function timed<T>(body: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await body();
  return { value, ms: performance.now() - start };
}

/** Runs the one-step and the multi-step sampler of each choice on the same noises and compares them. */
export async function compareSamplers(spec: SamplerSpec, choices: readonly SamplerChoice[], options: SampleOptions): Promise<SampleRun> {
  const n = options.samples;
  const progress = options.onProgress ?? ((): void => undefined);
  const { domain, codomain } = spec.shapes;
  const dim = domain.reduce((a, b) => a * b, 1);
  const noise = seededNoise(n, dim);
  const results: SamplerComparison[] = [];
  let backend = "";
  for (const choice of choices) {
    progress({ kind: "collapsing", choice, dim });
    const compiled = await timed(() => spec.compile(choice));
    const sampler = compiled.value;
    const x0 = tf.tensor2d(noise, [n, dim], "float32");
    try {
      backend = sampler.compiled.backend.description;
      const operator = describeOperator(sampler.form.operator);
      progress({ kind: "collapsed", choice, ms: compiled.ms, operator });
      // One warm-up call (uploads of B, kernel set-up), then the timed one.
      await takeValues(await sampler.compiled.runAsync(sampler.target, x0));
      const one = await timed(async () => takeValues(await sampler.compiled.runAsync(sampler.target, x0)));
      progress({ kind: "multi-step", choice, samples: n });
      const multi = await timed(() => takeValues(multiStepSample(sampler, choice, x0)));
      const result: SamplerComparison = {
        ...choice,
        operator,
        agreement: agreement(one.value, multi.value, n),
        collapseMs: compiled.ms,
        oneStepMs: one.ms,
        multiStepMs: multi.ms,
        oneStep: one.value,
        multiStep: multi.value,
      };
      results.push(result);
      progress({ kind: "compared", choice, result });
    } finally {
      x0.dispose();
      sampler.compiled.dispose();
    }
  }
  return { map: spec.map, backend, samples: n, domain, codomain, noise, results };
}
