// `linea sample FILE --map v [--methods euler,rk4] [--steps 6,100,1000] [--n 24] …`: one-step against
// multi-step generation (paper §1.4, apps/sample.ts). Prints the per-sample PSNR averaged over the
// samples, the largest absolute difference, with --lpips the LPIPS of the pairs (the reference's second
// measure), and the time of each sampler, and writes the samples (.npy, PNG) and results.json atomically.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { compareSamplers, type SamplerComparison, type SampleProgress } from "../apps/sample.js";
import { loadLpips, type Lpips } from "../runtime/metrics/lpips.js";
import { TRUNK_NAMES } from "../runtime/metrics/architecture.js";
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

/** A sampler comparison with, given LPIPS weights, the per-sample LPIPS of one-step against multi-step. */
export type ComparedSamplers = SamplerComparison & { readonly lpips?: readonly number[] };

const meanOf = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

export function formatTable(results: readonly ComparedSamplers[], n: number): string[] {
  const withLpips = results.some((r) => r.lpips !== undefined);
  const head = [
    "method",
    "T",
    "PSNR dB (mean)",
    "PSNR dB (min)",
    "PSNR of mean MSE",
    "max |Δ|",
    ...(withLpips ? ["LPIPS (mean)", "LPIPS (max)"] : []),
    "collapse s",
    "one-step ms",
    "multi-step ms",
    "speed-up",
  ];
  const lpipsCells = (r: ComparedSamplers): string[] =>
    withLpips ? (r.lpips === undefined ? ["", ""] : [meanOf(r.lpips).toExponential(2), Math.max(...r.lpips).toExponential(2)]) : [];
  const rows = results.map((r) => [
    r.method,
    String(r.steps),
    formatDb(r.agreement.psnrMean),
    formatDb(r.agreement.psnrMin),
    formatDb(r.agreement.psnrOfMeanMse),
    r.agreement.maxAbsDiff.toExponential(2),
    ...lpipsCells(r),
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
  lpips: { type: "string", value: "W.safetensors", help: "also LPIPS of one-step against multi-step, with these weights (the lpips package's; docs/metrics.md)" },
  "lpips-net": { type: "string", value: "vgg16|alexnet", defaultText: "vgg16", help: "the trunk of --lpips" },
  "lpips-range": { type: "string", value: "0,1|-1,1", defaultText: "0,1 (the reference's data)", help: "the range the samples' pixels are in" },
  "lpips-pooling": { type: "string", value: "average|max", defaultText: "average (piq's replace_pooling, the reference's)", help: "the trunk's pooling" },
  ...DTYPE_FLAG,
  ...OPERATOR_FLAG,
  ...COMPILE_FLAGS,
} as const satisfies FlagTable;

export const sampleCommand: Command = {
  name: "sample",
  summary: "one-step (collapsed) against multi-step sampling of a time-conditioned map: PSNR, max difference, timings, sample pictures",
  usage:
    "linea sample FILE --map V [--methods euler,rk4] [--steps 6,100,1000] [--n 24] [--weights W.safetensors] [--operator A=a.npy ...] [--seed S] [--out DIR] " +
    "[--lpips W.safetensors [--lpips-net vgg16|alexnet] [--lpips-range 0,1|-1,1] [--lpips-pooling average|max]] [--dtype float32|float64] [--backend wasm|cpu|webgpu|tensorflow]",
  flags: SAMPLE_FLAGS,
  examples: [
    "linea sample examples/toy2d_train.lin --map v --weights runs/toy2d/weights.safetensors",
    "linea sample examples/toy2d_train.lin --map v --methods rk4 --steps 6,100 --n 8",
    "linea sample examples/mnist_conv.lin --map v --weights runs/mnist-conv/weights.safetensors --methods rk4 --steps 100 --lpips lpips_vgg.safetensors",
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
    const lpips = await lpipsFlag(parsed.values, io.cwd);
    let run: Awaited<ReturnType<typeof compareSamplers>>;
    let results: ComparedSamplers[];
    try {
      run = await compareSamplers(spec, choices, { samples: n, onProgress: (event) => io.stderr(progressLine(map, event)) });
      results = [];
      for (const r of run.results) {
        if (lpips === undefined) results.push(r);
        else results.push({ ...r, lpips: await lpips.metric.distancesOf(r.oneStep, r.multiStep, run.codomain, `samples of ${map}, ${r.method} T=${r.steps}`) });
      }
    } finally {
      lpips?.metric.dispose();
    }
    const { domain, codomain, backend } = run;
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
        ...(r.lpips === undefined ? {} : { lpips_mean: meanOf(r.lpips), lpips_max: Math.max(...r.lpips), lpips: r.lpips }),
      })),
      ...(lpips === undefined ? {} : { lpips: lpips.describe }),
    };
    await writeFileAtomic(join(outDir, "results.json"), [new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`)]);
    io.stderr(`backend: ${backend}\n`);
    printResult(io, { ...json, out: jsonUri(io, outDir) }, () =>
      [...formatTable(results, n), `wrote ${shownDir(io.cwd, outDir)}/{results.json, noise.npy, one_step_*.npy, multi_step_*.npy, *.png, *.svg}`, ""].join("\n"),
    );
    return ExitCode.Ok;
  },
};

/** `--lpips W` and its options: the metric on the active backend, and how it was configured (for results.json). */
async function lpipsFlag(
  values: { readonly lpips?: string; readonly "lpips-net"?: string; readonly "lpips-range"?: string; readonly "lpips-pooling"?: string },
  cwd: string,
): Promise<{ metric: Lpips; describe: string } | undefined> {
  const file = values.lpips;
  const extra = (["lpips-net", "lpips-range", "lpips-pooling"] as const).filter((k) => values[k] !== undefined);
  if (file === undefined) {
    if (extra.length > 0) throw new UsageError(`--${extra.join(", --")} without --lpips W.safetensors`);
    return undefined;
  }
  const net = TRUNK_NAMES.find((t) => t === (values["lpips-net"] ?? "vgg16"));
  if (net === undefined) throw new UsageError(`--lpips-net ${values["lpips-net"] ?? ""}: expected ${TRUNK_NAMES.join(" or ")}`);
  const range = values["lpips-range"] ?? "0,1";
  if (range !== "0,1" && range !== "-1,1") throw new UsageError(`--lpips-range ${range}: expected 0,1 or -1,1`);
  const pooling = values["lpips-pooling"] ?? "average";
  if (pooling !== "average" && pooling !== "max") throw new UsageError(`--lpips-pooling ${pooling}: expected average or max`);
  const metric = await loadLpips(resolve(cwd, file), net, { range, replacePooling: pooling === "average" });
  return { metric, describe: `${net}, ${pooling} pooling, range ${range}, weights ${file}` };
}

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
