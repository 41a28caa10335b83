// `linea invert FILE (--map v [--method rk4] [--steps 6] | --sampler B) --data SOURCE …`: the reference's
// inversion and interpolation test (paper-notes §1.4, §2.7, apps/invert.ts). Prints B's rank and
// conditioning and the round-trip PSNR of f(f†(x₁)) on real data rows, and writes the data, their noises,
// the round trips and the decoded pixel-space interpolations between pairs of noises (.npy, PNG) and
// results.json.
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { invertibleSampler, invertSampler, type InvertibleSampler } from "../apps/invert.js";
import type { SamplerChoice } from "../apps/sampling.js";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { saveNpy, writeFileAtomic } from "../runtime/io/index.js";
import { loadDataset, projectRootOf } from "../train/data.js";
import type { Dataset } from "../train/dataSource.js";
import { trainPlan } from "../train/plan.js";
import { ExitCode, parseCommandLine, UsageError, type Command, type CommandIO } from "./command.js";
import { parseDataFlag, type DataFlag } from "./data_flag.js";
import { saveSamples } from "../runtime/plot/index.js";
import { finiteOrNull, formatDb, formatValue as fmt, shownDir } from "./format.js";
import { printingGenerated } from "./generated.js";
import type { FlagTable } from "./flags.js";
import { jsonUri, printResult } from "./output.js";
import { COMPILE_FLAGS, compileFlagOptions, integerFlag } from "./run.js";
import { OPERATOR_FLAG, operatorFlagOptions } from "./operator_flag.js";
import { DTYPE_FLAG, outputArray, outputDtypeFlag, type OutputDtype } from "./output_dtype.js";
import { samplerMethod, samplerSteps } from "./sampler_input.js";
import { readCheckedSpec, specFileArgument } from "./spec_input.js";
import { pinvWarning } from "./svd.js";

/** The reference inverts B built with T = 6 'rk' (paper-notes §2.7): B grows ill-conditioned with T. */
const DEFAULT_METHOD = "rk4";
const DEFAULT_STEPS = 6;
/** The reference scores the first batch of 64 training images. */
const DEFAULT_ROWS = 64;
const DEFAULT_PAIRS = 4;
const DEFAULT_FRAMES = 10;

async function loadRows(flag: DataFlag, file: string, program: CheckedProgram, io: CommandIO, seed: number): Promise<Dataset> {
  if (flag.kind === "train") {
    const plan = trainPlan(program);
    const baseDir = dirname(resolve(io.cwd, file));
    // The spec's data path stays inside the project folder (LIN0910), as for linea train.
    return loadDataset(plan.dataSource.name, plan.dataSource.args, { seed: plan.seed, baseDir, root: projectRootOf(baseDir), location: plan.dataSource.location });
  }
  // A path on the command line is the user's, relative to the working directory.
  return loadDataset(flag.name, flag.args, { seed, baseDir: io.cwd });
}

const INVERT_FLAGS = {
  map: { type: "string", value: "V", help: "a time-conditioned map to build the sampler from (or --sampler)" },
  sampler: { type: "string", value: "NAME", help: "a map of the spec that already is a sampler (or --map)" },
  method: { type: "string", value: "euler|rk4", defaultText: DEFAULT_METHOD, help: "the sampler's method, with --map" },
  steps: { type: "string", value: "T", defaultText: String(DEFAULT_STEPS), help: "the sampler's step count T ≥ 2, with --map" },
  data: { type: "string", value: "SOURCE", help: "data rows: mnist, moons(n = 512), x.npy, or train for the spec's train data (required)" },
  rows: { type: "string", value: "N", defaultText: String(DEFAULT_ROWS), help: "data rows scored" },
  pairs: { type: "string", value: "P", defaultText: String(DEFAULT_PAIRS), help: "pairs of noises interpolated" },
  frames: { type: "string", value: "F", defaultText: String(DEFAULT_FRAMES), help: "frames per interpolation" },
  out: { type: "string", value: "DIR", defaultText: "out/invert-NAME", help: "folder for the arrays, pictures and results.json" },
  ...DTYPE_FLAG,
  ...OPERATOR_FLAG,
  ...COMPILE_FLAGS,
} as const satisfies FlagTable;

export const invertCommand: Command = {
  name: "invert",
  summary: "invert a one-step sampler with its pseudo-inverse: round-trip PSNR on real data, and pixel-space interpolation between their noises",
  usage:
    "linea invert FILE (--map V [--method euler|rk4] [--steps T] | --sampler NAME) --data SOURCE [--rows N] [--pairs P] [--frames F] " +
    "[--weights W.safetensors] [--operator A=a.npy ...] [--seed S] [--out DIR] [--dtype float32|float64] [--backend wasm|cpu|webgpu|tensorflow]",
  flags: INVERT_FLAGS,
  examples: [
    "linea invert examples/mnist_train.lin --map v --data mnist --weights runs/mnist/weights.safetensors",
    "linea invert examples/toy2d_train.lin --map v --data train --rows 16 --pairs 2",
  ],
  async run(args, io: CommandIO) {
    const parsed = parseCommandLine(args, INVERT_FLAGS);
    const dtype = outputDtypeFlag(parsed.values.dtype);
    const file = specFileArgument(parsed.positionals, "invert");
    const { map, sampler } = parsed.values;
    if ((map === undefined) === (sampler === undefined))
      throw new UsageError("give either --map V (a time-conditioned map; with --method and --steps) or --sampler NAME (a map in the spec)");
    if (sampler !== undefined && (parsed.values.method !== undefined || parsed.values.steps !== undefined))
      throw new UsageError("--method and --steps go with --map; --sampler names a map that is already a sampler");
    if (parsed.values.data === undefined) throw new UsageError("invert needs --data SOURCE (e.g. mnist, moons(n = 512), x.npy, or train for the spec's train data)");
    const data = parseDataFlag(parsed.values.data);
    const choice: SamplerChoice = {
      method: samplerMethod("method", parsed.values.method ?? DEFAULT_METHOD),
      steps: parsed.values.steps === undefined ? DEFAULT_STEPS : samplerSteps("steps", parsed.values.steps),
    };
    const rowsWanted = integerFlag("rows", parsed.values.rows, 1) ?? DEFAULT_ROWS;
    const pairs = integerFlag("pairs", parsed.values.pairs, 0) ?? DEFAULT_PAIRS;
    const frames = integerFlag("frames", parsed.values.frames, 2) ?? DEFAULT_FRAMES;
    if (2 * pairs > rowsWanted) throw new UsageError(`--pairs ${pairs} needs ${2 * pairs} rows, but --rows is ${rowsWanted}`);
    const seed = integerFlag("seed", parsed.values.seed, 0) ?? 0;
    const name = map ?? sampler ?? "B";
    const outDir = resolve(io.cwd, parsed.values.out ?? join("out", `invert-${name}`));
    const options = { ...compileFlagOptions(parsed.values, seed, io.cwd), ...(await operatorFlagOptions(parsed.values.operator, io.cwd)) };
    const started = performance.now();
    const spec = await readCheckedSpec(file, io);
    if (typeof spec === "number") return spec;
    const s = await printingGenerated(io, spec.sources, () =>
      invertibleSampler({ ...spec, cwd: io.cwd }, map !== undefined ? { map, choice } : { sampler: sampler ?? "" }, options),
    );
    if (typeof s === "number") return s;
    try {
      return await invert(s, await loadRows(data, file, s.program, io, seed), { rows: rowsWanted, pairs, frames, outDir, dtype, compileMs: performance.now() - started }, io);
    } finally {
      s.compiled.dispose();
    }
  },
};

async function invert(
  s: InvertibleSampler,
  dataset: Dataset,
  o: { rows: number; pairs: number; frames: number; outDir: string; dtype: OutputDtype; compileMs: number },
  io: CommandIO,
): Promise<number> {
  const B = s.form.operator;
  const result = await invertSampler(s, dataset, {
    rows: o.rows,
    pairs: o.pairs,
    frames: o.frames,
    onDecompose: () => {
      io.stderr(`backend: ${s.compiled.backend.description}\n`);
      io.stderr(`B = ${s.form.label} (${B.rows}×${B.cols}), compiled in ${(o.compileMs / 1000).toFixed(1)} s; SVD and pseudo-inverse in float64 …\n`);
    },
  });
  const { rows: n, summary, decomposeMs, score, data: x1Values, noise: x0Values, roundTrip, interpolatedNoise: interpolated, interpolation: decoded } = result;
  const inverse = result.pinv;
  const dataDim = s.form.codomain.dim;

  await mkdir(o.outDir, { recursive: true });
  const out = (f: string): string => join(o.outDir, f);
  await saveNpy(out("data.npy"), outputArray(o.dtype, [n, ...s.shapes.codomain], x1Values));
  await saveNpy(out("noise.npy"), outputArray(o.dtype, [n, ...s.shapes.domain], x0Values));
  await saveNpy(out("roundtrip.npy"), outputArray(o.dtype, [n, ...s.shapes.codomain], roundTrip));
  await saveNpy(out("interpolation.npy"), outputArray(o.dtype, [o.pairs, o.frames, ...s.shapes.codomain], decoded));
  await saveNpy(out("interpolation_noise.npy"), outputArray(o.dtype, [o.pairs, o.frames, ...s.shapes.domain], interpolated));
  const shown = Math.min(n, 8);
  const codomainShape = s.shapes.codomain;
  if (codomainShape.reduce((a, b) => a * b, 1) === 2) {
    await saveSamples(
      out("roundtrip.png"),
      [
        { label: "data x1", values: x1Values },
        { label: "round trip", values: roundTrip },
      ],
      codomainShape,
      { title: "data x₁ and round trips f(f†(x₁))" },
    );
    const paths = Array.from({ length: o.pairs }, (_, k) => ({ label: `pair ${k}`, values: decoded.subarray(k * o.frames * 2, (k + 1) * o.frames * 2) }));
    await saveSamples(out("interpolation.png"), paths, codomainShape, { title: "decoded pixel-space interpolations" });
  } else {
    // Top row: the data; bottom row: their round trips.
    await saveSamples(
      out("roundtrip.png"),
      [
        { label: "data", values: x1Values.subarray(0, shown * dataDim) },
        { label: "round trip", values: roundTrip.subarray(0, shown * dataDim) },
      ],
      codomainShape,
      { columns: shown, title: "data x₁ and round trips f(f†(x₁))" },
    );
    if (o.pairs > 0) {
      const alphas = Array.from({ length: o.pairs * o.frames }, (_, i) => `α = ${Number(((i % o.frames) / (o.frames - 1)).toPrecision(3))}`);
      await saveSamples(out("interpolation.png"), [{ label: "interpolation", values: decoded }], codomainShape, {
        columns: o.frames,
        title: "decoded interpolations between pairs of noises",
        captions: alphas,
        rowLabels: Array.from({ length: o.pairs }, (_, k) => `pair ${k}`),
      });
    }
  }
  const json = {
    sampler: s.label,
    operator: s.form.label,
    shape: [B.rows, B.cols],
    data: dataset.name,
    rows: n,
    rank: summary.rank,
    pinv_rank: inverse.rank,
    pinv_method: inverse.method,
    cutoff: summary.cutoff,
    // JSON has no ∞: null is an infinite condition number (a rank-deficient B).
    condition: finiteOrNull(summary.condition),
    range_condition: finiteOrNull(summary.rangeCondition),
    warning: pinvWarning("B", summary) ?? null,
    psnr: "per-row −10·log10(MSE) between x1 and f(f†(x1)), unclamped, averaged over the rows",
    roundtrip_psnr_db_mean: finiteOrNull(score.psnrMean),
    roundtrip_psnr_db_min: finiteOrNull(score.psnrMin),
    roundtrip_mse_mean: score.mseMean,
    roundtrip_psnr_db_of_mean_mse: finiteOrNull(score.psnrOfMeanMse),
    roundtrip_max_abs_diff: score.maxAbsDiff,
    pairs: Array.from({ length: o.pairs }, (_, k) => [2 * k, 2 * k + 1]),
    frames: o.frames,
    alphas: Array.from({ length: o.frames }, (_, i) => i / (o.frames - 1)),
    decompose_ms: decomposeMs,
    compile_ms: o.compileMs,
  };
  await writeFileAtomic(out("results.json"), [new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`)]);

  const warning = pinvWarning("B", summary);
  printResult(io, { ...json, out: jsonUri(io, o.outDir) }, () =>
    [
      `invert ${s.label}: B is ${B.rows}×${B.cols}, rank ${summary.rank} of ${Math.min(B.rows, B.cols)} (cut-off σ_max·max(m,n)·ε = ${summary.cutoff.toExponential(2)}), cond(B) = ${fmt(summary.condition)}`,
      ...(warning === undefined ? [] : [warning]),
      `pinv(B): float64 (${inverse.method}, rank ${inverse.rank}), SVD and pinv in ${(decomposeMs / 1000).toFixed(1)} s`,
      `round trip f(f†(x₁)) on ${n} rows of ${dataset.name}: PSNR ${formatDb(score.psnrMean)} dB (mean of per-row PSNR; worst ${formatDb(score.psnrMin)} dB; of the mean MSE ${formatDb(score.psnrOfMeanMse)} dB), max |Δ| ${score.maxAbsDiff.toExponential(2)}`,
      `wrote ${shownDir(io.cwd, o.outDir)}/{results.json, data.npy, noise.npy, roundtrip.npy, roundtrip.png/.svg, interpolation.npy, interpolation_noise.npy, interpolation.png/.svg} (${o.pairs} pairs × ${o.frames} frames)`,
      "",
    ].join("\n"),
  );
  return ExitCode.Ok;
}
