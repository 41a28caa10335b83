// `linea sample FILE --map v [--methods euler,rk4] [--steps 6,100,1000] [--n 24] …`: one-step against
// multi-step generation (paper §1.4, apps/sample.ts). Prints the per-sample PSNR averaged over the
// samples, the largest absolute difference and the time of each sampler, and writes the samples (.npy,
// PNG) and results.json atomically.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { compareSamplers, type SamplerComparison, type SampleProgress } from "../apps/sample.js";
import type { SamplerChoice } from "../apps/sampling.js";
import { saveNpy, writeFileAtomic } from "../runtime/io/index.js";
import { ExitCode, parseCommandLine, UsageError, type Command, type CommandIO } from "./command.js";
import { saveSamples } from "../runtime/plot/index.js";
import { finiteOrNull, formatDb, shownDir } from "./format.js";
import type { FlagTable } from "./flags.js";
import { jsonUri, printResult } from "./output.js";
import { COMPILE_FLAGS, compileFlagOptions, integerFlag } from "./run.js";
import { OPERATOR_FLAG, operatorFlagOptions } from "./operator_flag.js";
import { DTYPE_FLAG, outputArray, outputDtypeFlag } from "./output_dtype.js";
import { samplerMethod, samplerSpecForCli, samplerSteps } from "./sampler_input.js";
import { specFileArgument } from "./spec_input.js";

const DEFAULT_METHODS = "euler,rk4";
const DEFAULT_STEPS = "6,100,1000";
/** The reference's test script compares 24 samples (noise i from seed i, i = 0 … 23). */
const DEFAULT_SAMPLES = 24;

/** A comma-separated flag, each item parsed; duplicates dropped, order kept. */
function listFlag<T>(value: string, parse: (item: string) => T): T[] {
  const items = value.split(",").filter((s) => s.trim() !== "");
  if (items.length === 0) throw new UsageError(`expected a comma-separated list, got '${value}'`);
  return [...new Set(items.map(parse))];
}

export function formatTable(results: readonly SamplerComparison[], n: number): string[] {
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

const SAMPLE_FLAGS = {
  map: { type: "string", value: "V", help: "the time-conditioned map Noise -> Data (required)" },
  methods: { type: "string", value: "M,…", defaultText: DEFAULT_METHODS, help: "sampler methods, euler and/or rk4" },
  steps: { type: "string", value: "T,…", defaultText: DEFAULT_STEPS, help: "step counts T ≥ 2 (a T-step sampler takes T − 1 steps)" },
  n: { type: "string", value: "N", defaultText: String(DEFAULT_SAMPLES), help: "samples compared" },
  out: { type: "string", value: "DIR", defaultText: "out/sample-V", help: "folder for the samples, pictures and results.json" },
  ...DTYPE_FLAG,
  ...OPERATOR_FLAG,
  ...COMPILE_FLAGS,
} as const satisfies FlagTable;

export const sampleCommand: Command = {
  name: "sample",
  summary: "one-step (collapsed) against multi-step sampling of a time-conditioned map: PSNR, max difference, timings, sample pictures",
  usage:
    "linea sample FILE --map V [--methods euler,rk4] [--steps 6,100,1000] [--n 24] [--weights W.safetensors] [--operator A=a.npy ...] [--seed S] [--out DIR] " +
    "[--dtype float32|float64] [--backend wasm|cpu|webgpu|tensorflow]",
  flags: SAMPLE_FLAGS,
  examples: [
    "linea sample examples/toy2d_train.lin --map v --weights runs/toy2d/weights.safetensors",
    "linea sample examples/toy2d_train.lin --map v --methods rk4 --steps 6,100 --n 8",
  ],
  async run(args, io: CommandIO) {
    const parsed = parseCommandLine(args, SAMPLE_FLAGS);
    const dtype = outputDtypeFlag(parsed.values.dtype);
    const file = specFileArgument(parsed.positionals, "sample");
    const map = parsed.values.map;
    if (map === undefined) throw new UsageError("sample needs --map V (a time-conditioned map Noise -> Data)");
    const methods = listFlag(parsed.values.methods ?? DEFAULT_METHODS, (m) => samplerMethod("methods", m));
    const stepCounts = listFlag(parsed.values.steps ?? DEFAULT_STEPS, (s) => samplerSteps("steps", s));
    const n = integerFlag("n", parsed.values.n, 1) ?? DEFAULT_SAMPLES;
    const seed = integerFlag("seed", parsed.values.seed, 0) ?? 0;
    const outDir = resolve(io.cwd, parsed.values.out ?? join("out", `sample-${map}`));
    const choices: SamplerChoice[] = methods.flatMap((method) => stepCounts.map((steps) => ({ method, steps })));
    const options = { ...compileFlagOptions(parsed.values, seed, io.cwd), ...(await operatorFlagOptions(parsed.values.operator, io.cwd)) };
    const spec = await samplerSpecForCli(file, io, map, choices, options);
    if (typeof spec === "number") return spec;
    const run = await compareSamplers(spec, choices, { samples: n, onProgress: (event) => io.stderr(progressLine(map, event)) });
    const { domain, codomain, results, backend } = run;
    await mkdir(outDir, { recursive: true });
    await saveNpy(join(outDir, "noise.npy"), outputArray(dtype, [n, ...domain], run.noise));
    for (const r of results) {
      const stem = `${r.method}_T${r.steps}`;
      await saveNpy(join(outDir, `one_step_${stem}.npy`), outputArray(dtype, [n, ...codomain], r.oneStep));
      await saveNpy(join(outDir, `multi_step_${stem}.npy`), outputArray(dtype, [n, ...codomain], r.multiStep));
      await writePictures(outDir, stem, `${r.method} T=${r.steps}`, r.oneStep, r.multiStep, codomain);
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
    printResult(io, { ...json, out: jsonUri(io, outDir) }, () =>
      [...formatTable(results, n), `wrote ${shownDir(io.cwd, outDir)}/{results.json, noise.npy, one_step_*.npy, multi_step_*.npy, *.png, *.svg}`, ""].join("\n"),
    );
    return ExitCode.Ok;
  },
};

/** One stderr line of progress. */
function progressLine(map: string, event: SampleProgress): string {
  const { choice } = event;
  const what = `${choice.method} T=${choice.steps}`;
  switch (event.kind) {
    case "collapsing":
      return `${what}: collapsing sampler(${map}) into one ${event.dim}×${event.dim} operator …\n`;
    case "collapsed":
      return `${what}: collapsed in ${(event.ms / 1000).toFixed(1)} s (${event.operator}); one-step sampling …\n`;
    case "multi-step":
      return `${what}: multi-step sampling (${choice.steps - 1} ${choice.method} steps on ${event.samples} samples) …\n`;
    case "compared":
      return `${what}: PSNR ${formatDb(event.result.agreement.psnrMean)} dB, one-step ${event.result.oneStepMs.toFixed(1)} ms, multi-step ${event.result.multiStepMs.toFixed(1)} ms\n`;
  }
}

/** Image spaces: one grid each (4 rows of 6, as the reference's figures); 2-D: one scatter with both. */
async function writePictures(outDir: string, stem: string, what: string, one: Float32Array, multi: Float32Array, shape: readonly number[]): Promise<void> {
  if (shape.reduce((a, b) => a * b, 1) === 2) {
    await saveSamples(
      join(outDir, `samples_${stem}.png`),
      [
        { label: "one-step", values: one },
        { label: "multi-step", values: multi },
      ],
      shape,
      { title: `samples, ${what}` },
    );
    return;
  }
  await saveSamples(join(outDir, `one_step_${stem}.png`), [{ label: "one-step", values: one }], shape, { columns: 6, title: `one-step samples, ${what}` });
  await saveSamples(join(outDir, `multi_step_${stem}.png`), [{ label: "multi-step", values: multi }], shape, { columns: 6, title: `multi-step samples, ${what}` });
}
