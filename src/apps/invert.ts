// Inverting a one-step sampler: the reference's inversion and interpolation test (paper-notes §1.4,
// §2.7). The sampler f = 𝕃{g_noise, g_data, B} (B the compiler's collapse of sampler(v, method, T), or
// any map in normal form) has the pseudo-inverse f† = 𝕃{g_data, g_noise, B†}, B† in float64 with the
// relative cut-off σ_max·max(m, n)·ε. Real data rows x₁ go to their noises x₀ = g_noise⁻¹(B†·g_data(x₁))
// and back, x̂₁ = g_data⁻¹(B·g_noise(x₀)), scored by the per-sample PSNR averaged over the rows; pairs of
// noises are then interpolated in PIXEL space, (1 − α)·x₀ + α·x₀′ with α = i/(frames − 1), and decoded
// with f (interpolating in the induced sense would never use B).
import * as tf from "@tensorflow/tfjs-core";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { mapNormalForm, type MapNormalForm } from "../compiler/execute/inspect.js";
import { compile, type CompiledProgram, type CompileOptions } from "../compiler/execute/program.js";
import { apply as applyOperator, pinv as operatorPinv, releaseTensors, leadingSvd, type DecompositionMethod, type LinearOperator } from "../runtime/operator/index.js";
import type { Dataset } from "../train/dataSource.js";
import { TrainError } from "../train/errors.js";
import { agreement, type Agreement } from "./psnr.js";
import { samplerSpec, type SamplerChoice } from "./sampling.js";
import { summarise, type SpectrumSummary } from "./spectrum.js";
import type { SpecText } from "./spec_text.js";
import { takeValues } from "./read.js";

/** The sampler under test, compiled: run `target` for x ↦ g_data⁻¹(B·g_noise(x)). */
export interface InvertibleSampler {
  readonly compiled: CompiledProgram;
  readonly target: string;
  readonly label: string;
  readonly form: MapNormalForm;
  readonly shapes: { readonly domain: readonly number[]; readonly codomain: readonly number[] };
  /** The spec as written (for its train section's data). */
  readonly program: CheckedProgram;
}

/** Which sampler: the collapse of a time-conditioned map's sampler, or a map of the spec that is one. */
export type SamplerSelection = { readonly map: string; readonly choice: SamplerChoice } | { readonly sampler: string };

/**
 * Compiles the sampler `how` selects (the caller disposes `compiled`). Throws a
 * GeneratedDeclarationsError when a map's sampler let does not check.
 */
export async function invertibleSampler(spec: SpecText, how: SamplerSelection, options: CompileOptions): Promise<InvertibleSampler> {
  if ("map" in how) {
    const sampler = samplerSpec(spec, how.map, [how.choice], options);
    const s = await sampler.compile(how.choice);
    return {
      compiled: s.compiled,
      target: s.target,
      label: `sampler(${how.map}, method = ${how.choice.method}, steps = ${how.choice.steps})`,
      form: s.form,
      shapes: sampler.shapes,
      program: sampler.original,
    };
  }
  const compiled = await compile(spec.program, { ...options, targets: [how.sampler] });
  try {
    const form = mapNormalForm(compiled, how.sampler);
    return { compiled, target: how.sampler, label: how.sampler, form, shapes: { domain: form.domain.shape, codomain: form.codomain.shape }, program: spec.program };
  } catch (e) {
    compiled.dispose();
    throw e;
  }
}

/** Data points of `rows` rows through a chart (identity for a Euclidean space). */
function encode(end: MapNormalForm["domain"], x: tf.Tensor2D): tf.Tensor2D {
  return end.chart === undefined ? tf.clone(x) : end.chart.forward(x);
}

function decode(end: MapNormalForm["domain"], z: tf.Tensor2D): tf.Tensor2D {
  return end.chart === undefined ? tf.clone(z) : end.chart.inverse(z);
}

/** Frames (1 − α)·a + α·b, α = i/(frames − 1), for pairs (row 2k, row 2k + 1): [pairs·frames, dim]. */
export function pixelInterpolation(x0: Float32Array, dim: number, pairs: number, frames: number): Float32Array {
  const out = new Float32Array(pairs * frames * dim);
  for (let k = 0; k < pairs; k++) {
    for (let i = 0; i < frames; i++) {
      const alpha = i / (frames - 1);
      for (let j = 0; j < dim; j++) {
        const a = x0[2 * k * dim + j] ?? 0;
        const b = x0[(2 * k + 1) * dim + j] ?? 0;
        out[(k * frames + i) * dim + j] = (1 - alpha) * a + alpha * b;
      }
    }
  }
  return out;
}

/** How much `invertSampler` inverts and interpolates. */
export interface InversionOptions {
  /** Rows of the data to invert at most. */
  readonly rows: number;
  /** Pairs of noises (rows 2k, 2k + 1) to interpolate between. */
  readonly pairs: number;
  /** Frames per pair, α = i/(frames − 1). */
  readonly frames: number;
  /** Called once the data fit, before the SVD and the pseudo-inverse. */
  readonly onDecompose?: () => void;
}

/** What `invertSampler` computed: the round trip data → noise → data, B's spectrum and the interpolation frames. */
export interface Inversion {
  /** The rows inverted: min(rows, the data's rows). */
  readonly rows: number;
  /** B's singular values (all min(m, n)), descending, and their summary. */
  readonly values: Float64Array;
  readonly summary: SpectrumSummary;
  readonly pinv: { readonly rank: number; readonly method: DecompositionMethod };
  /** The SVD and the pseudo-inverse, in milliseconds. */
  readonly decomposeMs: number;
  /** The data rows x₁, [rows, …codomain shape]. */
  readonly data: Float32Array;
  /** Their noises x₀ = f†(x₁), [rows, …domain shape]. */
  readonly noise: Float32Array;
  /** f(x₀), [rows, …codomain shape]. */
  readonly roundTrip: Float32Array;
  /** x₁ against f(f†(x₁)). */
  readonly score: Agreement;
  /** The pixel-space interpolations of the noises, [pairs, frames, …domain shape]. */
  readonly interpolatedNoise: Float32Array;
  /** Those decoded with f, [pairs, frames, …codomain shape]. */
  readonly interpolation: Float32Array;
}

/** Inverts the sampler on the first rows of `dataset` and decodes pixel-space interpolations of their noises. */
export async function invertSampler(s: InvertibleSampler, dataset: Dataset, o: InversionOptions): Promise<Inversion> {
  const B: LinearOperator = s.form.operator;
  const { domain, codomain } = s.form;
  const dataDim = codomain.dim;
  const rowSize = dataset.rows === 0 ? 0 : dataset.data.length / dataset.rows;
  if (rowSize !== dataDim) {
    throw new TrainError(
      "LIN0903",
      `data ${dataset.name} has rows of shape [${dataset.shape.join(", ")}] (${rowSize} values), but ${s.label} maps into a space of ${dataDim} values [${s.shapes.codomain.join(", ")}]`,
    );
  }
  const n = Math.min(o.rows, dataset.rows);
  if (2 * o.pairs > n) throw new TrainError("LIN0903", `data ${dataset.name} has ${dataset.rows} rows; ${o.pairs} pairs need ${2 * o.pairs}`);
  o.onDecompose?.();
  const t0 = performance.now();
  const spectrum = leadingSvd(B, 0); // every singular value, no vectors: B may be image-sized
  const values = spectrum.values;
  const summary = summarise(values, B.rows, B.cols, spectrum.precision, spectrum.complete);
  const inverse = operatorPinv(B);
  const decomposeMs = performance.now() - t0;

  // x₁ → x₀ = g_noise⁻¹(B†·g_data(x₁)) → x̂₁ = g_data⁻¹(B·g_noise(x₀)), the last step by the compiled sampler.
  const x1Values = dataset.data.slice(0, n * dataDim);
  const x1 = tf.tensor2d(x1Values, [n, dataDim], "float32");
  let x0Values: Float32Array;
  try {
    x0Values = await takeValues(tf.tidy(() => decode(domain, applyOperator(inverse.operator, encode(codomain, x1)))));
  } finally {
    x1.dispose();
    // B† is applied once: its upload is not worth keeping until the garbage collector finds it.
    releaseTensors(inverse.operator);
  }
  const roundTrip = await takeValues(await s.compiled.runAsync(s.target, x0Values));
  const score = agreement(x1Values, roundTrip, n);
  const interpolated = pixelInterpolation(x0Values, domain.dim, o.pairs, o.frames);
  const decoded = o.pairs === 0 ? new Float32Array(0) : await takeValues(await s.compiled.runAsync(s.target, interpolated));
  return {
    rows: n,
    values,
    summary,
    pinv: { rank: inverse.rank, method: inverse.method },
    decomposeMs,
    data: x1Values,
    noise: x0Values,
    roundTrip,
    score,
    interpolatedNoise: interpolated,
    interpolation: decoded,
  };
}
