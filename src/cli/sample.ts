// `linea sample FILE --map v [--methods euler,rk4] [--steps 6,100,1000] [--n 24] …`: one-step against
// multi-step generation (paper §1.4, the reference's test script, paper-notes §2.7). For each method
// and step count T, the one-step sampler x̂ = g_data⁻¹(B·g_noise(x₀)) with B the compiler's collapse of
// `sampler(v, method, T)`, and the T − 1 steps of the same sampler run one after another on the backend
// (sampling.ts), both from the same n noises x₀ (noise i from seed i). Reports the per-sample PSNR
// −10·log₁₀(MSE) averaged over the samples (the reference's definition, unclamped), the largest absolute
// difference and the time of each, and writes the samples (.npy, PNG) and results.json atomically.
import { mkdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type { SamplerMethod } from "../compiler/ir/expr.js";
import { saveNpy, writeFileAtomic } from "../runtime/io/index.js";
import type { LinearOperator } from "../runtime/operator/index.js";
import { ExitCode, parseCommandLine, UsageError, type Command, type CommandIO } from "./command.js";
import { saveSamples } from "../runtime/plot/index.js";
import { agreement, finiteOrNull, formatDb, type Agreement } from "./psnr.js";
import { COMPILE_FLAGS, compileFlagOptions, integerFlag, reportFailures, stringFlags } from "./run.js";
import { multiStepSample, samplerMethod, samplerSpec, samplerSteps, seededNoise, type SamplerChoice } from "./sampling.js";
import { specFileArgument } from "./spec_input.js";

const DEFAULT_METHODS = "euler,rk4";
const DEFAULT_STEPS = "6,100,1000";
/** The reference's test script compares 24 samples (noise i from seed i, i = 0 … 23). */
const DEFAULT_SAMPLES = 24;

export interface SampleResult {
  readonly method: SamplerMethod;
  readonly steps: number;
  /** The collapsed operator's kind (and rank for a low-rank form). */
  readonly operator: string;
  readonly agreement: Agreement;
  /** Checking the spec with the sampler let and compiling it: binding, and the collapse of B. */
  readonly collapseMs: number;
  /** One call of the compiled one-step sampler on the n noises (after one warm-up call). */
  readonly oneStepMs: number;
  /** The T − 1 steps on the n noises, encode and decode included. */
  readonly multiStepMs: number;
}

/** A comma-separated flag, each item parsed; duplicates dropped, order kept. */
function listFlag<T>(value: string, parse: (item: string) => T): T[] {
  const items = value.split(",").filter((s) => s.trim() !== "");
  if (items.length === 0) throw new UsageError(`expected a comma-separated list, got '${value}'`);
  return [...new Set(items.map(parse))];
}

function describeOperator(op: LinearOperator): string {
  return op.kind === "identity_plus_lowrank" || op.kind === "lowrank" ? `${op.kind} rank ${op.u.cols}` : op.kind;
}

async function timed<T>(body: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await body();
  return { value, ms: performance.now() - start };
}

async function readRows(y: tf.Tensor): Promise<Float32Array> {
  try {
    return Float32Array.from(await y.data());
  } finally {
    y.dispose();
  }
}

export function formatTable(results: readonly SampleResult[], n: number): string[] {
  const head = ["method", "T", "PSNR dB (mean)", "PSNR dB (min)", "PSNR of mean MSE", "max |Δ|", "collapse s", "one-step ms", "multi-step ms", "speed-up"];
  const rows = results.map((r) => [
    r.method,
    String(r.steps),
    formatDb(r.agreement.psnrMean),
    formatDb(r.agreement.psnrMin),
    formatDb(r.agreement.psnrOfMeanMse),
    r.agreement.maxAbsDiff.toExponential(2),
    (r.collapseMs / 1000).toFixed(1),
    r.oneStepMs.toFixed(1),
    r.multiStepMs.toFixed(1),
    `${(r.multiStepMs / Math.max(r.oneStepMs, 1e-3)).toFixed(0)}×`,
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? "").length)));
  const line = (cells: readonly string[]): string => cells.map((c, j) => (j < 2 ? c.padEnd(widths[j] ?? 0) : c.padStart(widths[j] ?? 0))).join("  ");
  return [`one-step vs multi-step on ${n} samples (PSNR = −10·log₁₀ MSE per sample, averaged; unclamped):`, line(head), ...rows.map(line)];
}

export const sampleCommand: Command = {
  name: "sample",
  summary: "one-step (collapsed) against multi-step sampling of a time-conditioned map: PSNR, max difference, timings, sample pictures",
  usage:
    "linea sample FILE --map V [--methods euler,rk4] [--steps 6,100,1000] [--n 24] [--weights W.safetensors] [--seed S] [--out DIR] " +
    "[--backend wasm|cpu|webgpu|tensorflow]",
  async run(args, io: CommandIO) {
    const parsed = parseCommandLine(args, { ...stringFlags("map", "methods", "steps", "n", "out"), ...COMPILE_FLAGS });
    const file = specFileArgument(parsed.positionals, "sample");
    const map = parsed.values.map;
    if (map === undefined) throw new UsageError("sample needs --map V (a time-conditioned map Noise -> Data)");
    const methods = listFlag(parsed.values.methods ?? DEFAULT_METHODS, (m) => samplerMethod("methods", m));
    const stepCounts = listFlag(parsed.values.steps ?? DEFAULT_STEPS, (s) => samplerSteps("steps", s));
    const n = integerFlag("n", parsed.values.n, 1) ?? DEFAULT_SAMPLES;
    const seed = integerFlag("seed", parsed.values.seed, 0) ?? 0;
    const outDir = resolve(io.cwd, parsed.values.out ?? join("out", `sample-${map}`));
    const choices: SamplerChoice[] = methods.flatMap((method) => stepCounts.map((steps) => ({ method, steps })));
    return reportFailures("sample", io, async () => {
      const spec = samplerSpec(file, io, map, choices, compileFlagOptions(parsed.values, seed, io.cwd));
      if (typeof spec === "number") return spec;
      const { domain, codomain } = spec.shapes;
      const dim = domain.reduce((a, b) => a * b, 1);
      const noise = seededNoise(n, dim);
      await mkdir(outDir, { recursive: true });
      await saveNpy(join(outDir, "noise.npy"), { dtype: "F32", shape: [n, ...domain], data: noise });
      const results: SampleResult[] = [];
      let backend = "";
      for (const choice of choices) {
        const what = `${choice.method} T=${choice.steps}`;
        io.stderr(`${what}: collapsing sampler(${map}) into one ${dim}×${dim} operator …\n`);
        const compiled = await timed(() => spec.compile(choice));
        const sampler = compiled.value;
        const x0 = tf.tensor2d(noise, [n, dim], "float32");
        try {
          backend = sampler.compiled.backend.description;
          io.stderr(`${what}: collapsed in ${(compiled.ms / 1000).toFixed(1)} s (${describeOperator(sampler.form.operator)}); one-step sampling …\n`);
          // One warm-up call (uploads of B, kernel set-up), then the timed one.
          await readRows(sampler.compiled.run(sampler.target, x0));
          const one = await timed(() => readRows(sampler.compiled.run(sampler.target, x0)));
          io.stderr(`${what}: multi-step sampling (${choice.steps - 1} ${choice.method} steps on ${n} samples) …\n`);
          const multi = await timed(() => readRows(multiStepSample(sampler, choice, x0)));
          const result: SampleResult = {
            ...choice,
            operator: describeOperator(sampler.form.operator),
            agreement: agreement(one.value, multi.value, n),
            collapseMs: compiled.ms,
            oneStepMs: one.ms,
            multiStepMs: multi.ms,
          };
          results.push(result);
          io.stderr(`${what}: PSNR ${formatDb(result.agreement.psnrMean)} dB, one-step ${one.ms.toFixed(1)} ms, multi-step ${multi.ms.toFixed(1)} ms\n`);
          const stem = `${choice.method}_T${choice.steps}`;
          await saveNpy(join(outDir, `one_step_${stem}.npy`), { dtype: "F32", shape: [n, ...codomain], data: one.value });
          await saveNpy(join(outDir, `multi_step_${stem}.npy`), { dtype: "F32", shape: [n, ...codomain], data: multi.value });
          await writePictures(outDir, stem, what, one.value, multi.value, codomain);
        } finally {
          x0.dispose();
          sampler.compiled.dispose();
        }
      }
      const json = {
        map,
        backend,
        samples: n,
        noise: "row i drawn from seed i (standard normal, host generator)",
        psnr: "per-sample −10·log10(MSE), unclamped, averaged over the samples",
        // The multi-step sampler takes T − 1 steps, k = 0 … T−2 (the reference's loop); B traces the same steps.
        steps_taken: "T - 1",
        domain: { shape: domain },
        codomain: { shape: codomain },
        results: results.map((r) => ({
          method: r.method,
          T: r.steps,
          operator: r.operator,
          psnr_db_mean: finiteOrNull(r.agreement.psnrMean),
          psnr_db_min: finiteOrNull(r.agreement.psnrMin),
          mse_mean: r.agreement.mseMean,
          psnr_db_of_mean_mse: finiteOrNull(r.agreement.psnrOfMeanMse),
          max_abs_diff: r.agreement.maxAbsDiff,
          collapse_ms: r.collapseMs,
          one_step_ms: r.oneStepMs,
          multi_step_ms: r.multiStepMs,
          psnr_db: r.agreement.psnr.map(finiteOrNull),
        })),
      };
      await writeFileAtomic(join(outDir, "results.json"), [new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`)]);
      io.stderr(`backend: ${backend}\n`);
      for (const line of formatTable(results, n)) io.stdout(`${line}\n`);
      const rel = relative(io.cwd, outDir);
      io.stdout(`wrote ${rel === "" ? "." : rel.startsWith("..") ? outDir : rel}/{results.json, noise.npy, one_step_*.npy, multi_step_*.npy, *.png}\n`);
      return ExitCode.Ok;
    });
  },
};

/** Image spaces: one grid each (4 rows of 6, as the reference's figures); 2-D: one scatter with both. */
async function writePictures(outDir: string, stem: string, what: string, one: Float32Array, multi: Float32Array, shape: readonly number[]): Promise<void> {
  if (shape.reduce((a, b) => a * b, 1) === 2) {
    await saveSamples(join(outDir, `samples_${stem}.png`), [{ label: "one-step", values: one }, { label: "multi-step", values: multi }], shape, { title: `samples, ${what}` });
    return;
  }
  await saveSamples(join(outDir, `one_step_${stem}.png`), [{ label: "one-step", values: one }], shape, { columns: 6 });
  await saveSamples(join(outDir, `multi_step_${stem}.png`), [{ label: "multi-step", values: multi }], shape, { columns: 6 });
}
