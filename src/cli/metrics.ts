// `linea metrics fid|kid|lpips|psnr A.npy B.npy [flags]`: evaluation metrics of two arrays (docs/metrics.md).
// fid/kid take features [n, d], or image stacks [n, 3, H, W] with --features (a VGG16/AlexNet trunk from
// safetensors: Inception-v3 weights cannot be fetched here); lpips takes image stacks and --weights;
// psnr takes any two arrays of one shape [n, …] (apps/psnr.ts, the reference's test-script PSNR).
// Results on stdout (text, or --json), diagnostics on stderr, coded errors.
import { resolve } from "node:path";
import { agreement } from "../apps/psnr.js";
import { selectBackend } from "../runtime/backend/select.js";
import { loadNpy, numbersOf, type NpyArray } from "../runtime/io/index.js";
import type { Matrix } from "../runtime/linalg/matrix.js";
import { MetricError } from "../runtime/metrics/errors.js";
import { imageFeatures, loadFeatureTrunk } from "../runtime/metrics/features.js";
import { fid } from "../runtime/metrics/frechet.js";
import { kid } from "../runtime/metrics/kid.js";
import { DEFAULT_LPIPS_BATCH, loadLpips } from "../runtime/metrics/lpips.js";
import { TRUNK_NAMES, type TrunkName } from "../runtime/metrics/architecture.js";
import { INPUT_RANGES, type InputRange, type TrunkOptions } from "../runtime/metrics/trunk.js";
import { ExitCode, parseCommandLine, UsageError, type Command, type CommandIO } from "./command.js";
import { didYouMean, type FlagTable } from "./flags.js";
import { finiteOrNull, formatDb, formatValue as fmt } from "./format.js";
import { printResult } from "./output.js";
import { integerFlag } from "./run.js";

const METRICS = ["fid", "kid", "lpips", "psnr"] as const;
type Metric = (typeof METRICS)[number];

const METRICS_FLAGS = {
  weights: { type: "string", value: "LPIPS.safetensors", help: "lpips: trunk and heads, named as the lpips package's state dict (required for lpips)" },
  features: { type: "string", value: "W.safetensors", help: "fid/kid on images [n, 3, H, W]: the trunk whose last tap, averaged over space, is the feature" },
  net: { type: "string", value: "vgg16|alexnet", defaultText: "vgg16", help: "the trunk of --weights / --features" },
  range: { type: "string", value: "-1,1|0,1", defaultText: "-1,1 (the lpips package's)", help: "the range the images are in" },
  "replace-pooling": { type: "boolean", help: "average pooling instead of max (piq's LPIPS(replace_pooling=True), the reference's loss)" },
  subsets: { type: "string", value: "N", defaultText: "100", help: "kid: number of subsets" },
  "subset-size": { type: "string", value: "M", defaultText: "min(1000, n₁, n₂)", help: "kid: samples per subset" },
  seed: { type: "string", value: "S", defaultText: "0", help: "kid: seed of the subset draw" },
  batch: { type: "string", value: "N", defaultText: String(DEFAULT_LPIPS_BATCH), help: "images per network pass (lpips, and fid/kid with --features)" },
  backend: { type: "string", value: "NAME", defaultText: "LINEA_BACKEND, else wasm", help: "tfjs backend for the networks: wasm, cpu, webgpu or tensorflow" },
} as const satisfies FlagTable;

type Values = ReturnType<typeof parseCommandLine<typeof METRICS_FLAGS>>["values"];

function metricNamed(name: string | undefined): Metric {
  const found = METRICS.find((m) => m === name);
  if (found === undefined) throw new UsageError(`unknown metric '${name ?? ""}'${didYouMean(name ?? "", METRICS)}; expected one of ${METRICS.join(", ")}`, "LIN1210");
  return found;
}

function trunkOptions(values: Values): { net: TrunkName; options: TrunkOptions } {
  const net = values.net ?? "vgg16";
  if (!TRUNK_NAMES.some((n) => n === net)) throw new MetricError("LIN0954", `--net ${net}: expected ${TRUNK_NAMES.join(" or ")}`);
  const range = values.range ?? "-1,1";
  if (!INPUT_RANGES.some((r) => r === range)) throw new MetricError("LIN0954", `--range ${range}: expected ${INPUT_RANGES.join(" or ")}`);
  return { net: net as TrunkName, options: { range: range as InputRange, replacePooling: values["replace-pooling"] === true } };
}

/** Features [n, d] as given, or images [n, 3, H, W]: which one a .npy holds (anything else is LIN0950). */
function isImageStack(array: NpyArray, file: string): boolean {
  if (array.shape.length === 2) return false;
  if (array.shape.length === 4) return true;
  throw new MetricError("LIN0950", `${file}: shape [${array.shape.join(", ")}]; expected features [n, d] or images [n, 3, H, W] with --features`);
}

/** Both .npy files as float64 [n, d] matrices: features as given, image stacks through --features' trunk (loaded once). */
async function featureSets(arrays: readonly NpyArray[], files: readonly string[], values: Values, io: CommandIO): Promise<{ matrices: Matrix[]; source: string }> {
  const images = arrays.map((a, i) => isImageStack(a, files[i] ?? ""));
  const asGiven = (a: NpyArray): Matrix => ({ rows: a.shape[0] ?? 0, cols: a.shape[1] ?? 0, data: numbersOf(a) });
  if (!images.some((x) => x)) return { matrices: arrays.map(asGiven), source: "as given" };
  if (values.features === undefined) {
    const file = files[images.indexOf(true)] ?? "";
    throw new UsageError(`${file} holds images: give --features W.safetensors (a VGG16/AlexNet trunk), or features [n, d]`, "LIN1211");
  }
  const { net, options } = trunkOptions(values);
  io.stderr(`backend: ${(await selectBackend(values.backend)).description}\n`);
  const trunk = await loadFeatureTrunk(resolve(io.cwd, values.features), net, options);
  try {
    const batch = integerFlag("batch", values.batch, 1);
    const matrices: Matrix[] = [];
    for (const [i, a] of arrays.entries()) matrices.push(images[i] === true ? await imageFeatures(trunk, Float32Array.from(numbersOf(a)), a.shape, batch) : asGiven(a));
    return { matrices, source: `${net} ${net === "vgg16" ? "relu5_3" : "relu5"} averaged over space, from ${values.features}` };
  } finally {
    trunk.dispose();
  }
}

function sameShape(a: NpyArray, b: NpyArray, files: readonly string[], what: string): void {
  if (a.shape.length === 0 || a.shape.some((d, i) => d !== b.shape[i]) || a.shape.length !== b.shape.length) {
    throw new MetricError("LIN0952", `${what} compares pairs: ${files[0]} is [${a.shape.join(", ")}], ${files[1]} is [${b.shape.join(", ")}]; give two arrays of one shape [n, …]`);
  }
}

async function runFeatureMetric(metric: "fid" | "kid", arrays: readonly NpyArray[], files: readonly string[], values: Values, io: CommandIO): Promise<number> {
  const { matrices, source } = await featureSets(arrays, files, values, io);
  const [fa, fb] = matrices;
  if (fa === undefined || fb === undefined) throw new Error("metrics: two inputs expected");
  matrices.forEach((f, i) => {
    if (metric === "fid" && f.rows <= f.cols)
      io.stderr(`warning: ${files[i]}: ${f.rows} samples of ${f.cols} features; the covariance is singular (n ≤ d), the FID is unreliable\n`);
  });
  const sizes = { samples: [fa.rows, fb.rows], features: fa.cols, source };
  if (metric === "fid") {
    const r = fid(fa, fb);
    printResult(io, { metric, fid: r.distance, mean_term: r.meanTerm, covariance_term: r.covarianceTerm, ...sizes }, () =>
      [
        `FID ${fmt(r.distance)} (‖μ₁ − μ₂‖² ${fmt(r.meanTerm)}, covariance term ${fmt(r.covarianceTerm)}) from ${fa.rows} and ${fb.rows} samples of ${fa.cols} features (${source})`,
        "",
      ].join("\n"),
    );
    return ExitCode.Ok;
  }
  const seed = integerFlag("seed", values.seed, 0) ?? 0;
  const subsets = integerFlag("subsets", values.subsets, 1);
  const subsetSize = integerFlag("subset-size", values["subset-size"], 2);
  const r = kid(fa, fb, { seed, ...(subsets === undefined ? {} : { subsets }), ...(subsetSize === undefined ? {} : { subsetSize }) });
  printResult(io, { metric, kid_mean: r.mean, kid_std: r.std, subsets: r.values.length, subset_size: r.subsetSize, seed, values: r.values, ...sizes }, () =>
    [
      `KID ${fmt(r.mean)} ± ${fmt(r.std)} (${r.values.length} subsets of ${r.subsetSize}, seed ${seed}) from ${fa.rows} and ${fb.rows} samples of ${fa.cols} features (${source})`,
      "",
    ].join("\n"),
  );
  return ExitCode.Ok;
}

async function runLpips(arrays: readonly NpyArray[], files: readonly string[], values: Values, io: CommandIO): Promise<number> {
  const [a, b] = arrays;
  if (a === undefined || b === undefined) throw new Error("metrics: two inputs expected");
  if (values.weights === undefined)
    throw new UsageError("lpips needs --weights LPIPS.safetensors (trunk and heads; docs/metrics.md says how to convert the lpips package's)", "LIN1211");
  sameShape(a, b, files, "LPIPS");
  const { net, options } = trunkOptions(values);
  const batch = integerFlag("batch", values.batch, 1) ?? DEFAULT_LPIPS_BATCH;
  io.stderr(`backend: ${(await selectBackend(values.backend)).description}\n`);
  const lpips = await loadLpips(resolve(io.cwd, values.weights), net, options);
  try {
    const [n = 0, ...rest] = a.shape;
    if (n < 1) throw new MetricError("LIN0951", `${files[0]}: no image pairs`);
    if (rest.length !== 3) throw new MetricError("LIN0952", `${files[0]}: shape [${a.shape.join(", ")}], expected image stacks [n, 3 or 1, H, W]`);
    const distances = await lpips.distancesOf(Float32Array.from(numbersOf(a)), Float32Array.from(numbersOf(b)), rest, files[0] ?? "", batch);
    const mean = distances.reduce((s, v) => s + v, 0) / distances.length;
    const config = `${net}, ${options.replacePooling === true ? "average" : "max"} pooling, range ${options.range ?? "-1,1"}`;
    printResult(
      io,
      {
        metric: "lpips",
        lpips_mean: mean,
        lpips_min: Math.min(...distances),
        lpips_max: Math.max(...distances),
        pairs: n,
        net,
        range: options.range,
        replace_pooling: options.replacePooling,
        distances,
      },
      () => [`LPIPS ${fmt(mean)} (min ${fmt(Math.min(...distances))}, max ${fmt(Math.max(...distances))}) over ${n} pairs (${config})`, ""].join("\n"),
    );
    return ExitCode.Ok;
  } finally {
    lpips.dispose();
  }
}

function runPsnr(arrays: readonly NpyArray[], files: readonly string[], io: CommandIO): number {
  const [a, b] = arrays;
  if (a === undefined || b === undefined) throw new Error("metrics: two inputs expected");
  sameShape(a, b, files, "PSNR");
  const rows = a.shape[0] ?? 0;
  if (rows < 1) throw new MetricError("LIN0951", `${files[0]}: no samples`);
  const r = agreement(numbersOf(a), numbersOf(b), rows);
  printResult(
    io,
    {
      metric: "psnr",
      psnr_db_mean: finiteOrNull(r.psnrMean),
      psnr_db_min: finiteOrNull(r.psnrMin),
      psnr_db_of_mean_mse: finiteOrNull(r.psnrOfMeanMse),
      mse_mean: r.mseMean,
      max_abs_diff: r.maxAbsDiff,
      samples: rows,
    },
    () => [`PSNR ${formatDb(r.psnrMean)} dB mean, ${formatDb(r.psnrMin)} dB worst (peak 1, unclamped), max |a − b| ${fmt(r.maxAbsDiff)} over ${rows} samples`, ""].join("\n"),
  );
  return ExitCode.Ok;
}

/** `linea metrics`: FID, KID, LPIPS or PSNR of two .npy arrays. */
export const metricsCommand: Command = {
  name: "metrics",
  summary: "evaluation metrics of two .npy arrays: FID, KID (features, or images with --features), LPIPS (--weights), PSNR",
  usage:
    "linea metrics fid|kid|lpips|psnr A.npy B.npy [--weights LPIPS.safetensors] [--features W.safetensors] [--net vgg16|alexnet] [--range -1,1|0,1] [--replace-pooling] [--subsets N] [--subset-size M] [--seed S] [--batch N] [--backend B]",
  flags: METRICS_FLAGS,
  examples: [
    "linea metrics fid real_features.npy sample_features.npy",
    "linea metrics kid real.npy samples.npy --features vgg16.safetensors --range 0,1 --subsets 50",
    "linea metrics lpips one_step.npy multi_step.npy --weights lpips_vgg.safetensors --range 0,1 --replace-pooling",
    "linea metrics psnr one_step.npy multi_step.npy",
  ],
  async run(args, io: CommandIO) {
    const parsed = parseCommandLine(args, METRICS_FLAGS);
    const [name, ...files] = parsed.positionals;
    const metric = metricNamed(name);
    if (files.length !== 2) throw new UsageError(`metrics ${metric} takes two .npy files, got ${files.length}`);
    const arrays = await Promise.all(files.map((f) => loadNpy(resolve(io.cwd, f))));
    if (metric === "psnr") return runPsnr(arrays, files, io);
    if (metric === "lpips") return runLpips(arrays, files, parsed.values, io);
    return runFeatureMetric(metric, arrays, files, parsed.values, io);
  },
};
