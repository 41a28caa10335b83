// `linea interpolate FILE --maps f1,f2 [--alphas 0,0.25,…] (--random N | --input x.npy) [--out DIR]`:
// modular interpolation (paper §1.7, apps/interpolate.ts). Compiles α·f₁ + (1−α)·f₂ as one map for every
// α, prints how far each is from the induced interpolation of the two outputs and from the ordinary
// (pixel) one, and writes the frames as .npy and as a picture.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { shownDir } from "./format.js";
import { interpolateMaps, interpolateStyles, type InterpolationFrame } from "../apps/interpolate.js";
import { imageRow, readRgbPng } from "../apps/png_image.js";
import { saveNpy, writeFileAtomic } from "../runtime/io/index.js";
import { imageShape, saveHeatmapRows, saveImageGrid, saveScatterPlot, valueRange } from "../runtime/plot/index.js";
import type { FlagTable } from "./flags.js";
import { jsonUri, printResult } from "./output.js";
import { COMPILE_FLAGS, compileFlagOptions, inputRows, rowSourceFlags } from "./run.js";
import { DTYPE_FLAG, outputArray, outputDtypeFlag } from "./output_dtype.js";
import { ExitCode, parseCommandLine, UsageError, type Command } from "./command.js";
import { printingGenerated } from "./generated.js";
import { readCheckedSpec, specFileArgument } from "./spec_input.js";

const DEFAULT_ALPHAS = [0, 0.25, 0.5, 0.75, 1];
/** Rows drawn in the picture at most (all rows go to the .npy). */
const PICTURE_ROWS = 8;
/** Points per α in the scatter of a plane (all rows go to the .npy). */
const SCATTER_ROWS = 60;

/** `--styles S1,S2`: two whole-number style indices (their range is checked against the map). */
function parseStyles(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(",").map((s) => s.trim());
  const values = parts.map(Number);
  if (values.length !== 2 || parts.some((p) => p === "") || values.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new UsageError(`--styles needs two whole-number style indices, e.g. --styles 0,3, got '${text}'`);
  }
  return [values[0], values[1]];
}

function parseAlphas(text: string | undefined): number[] {
  if (text === undefined) return DEFAULT_ALPHAS;
  const parts = text.split(",").map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.some((p) => p === "") || values.some((v) => !Number.isFinite(v))) throw new UsageError(`--alphas needs comma-separated numbers, got '${text}'`);
  return values;
}

const INTERPOLATE_FLAGS = {
  maps: { type: "string", value: "F1,F2", help: "the two maps to mix, sharing domain and codomain (required; one indexed map with --styles)" },
  styles: { type: "string", value: "S1,S2", help: "mix two styles of one indexed map: α·at(F, S1) + (1−α)·at(F, S2)" },
  image: { type: "string", value: "x.png", help: "one input row from an RGB PNG (values in [0, 1]) for a domain R[3, H, W], instead of --random" },
  alphas: { type: "string", value: "A,…", defaultText: DEFAULT_ALPHAS.join(","), help: "the weights α of α·F1 + (1−α)·F2" },
  random: { type: "string", value: "N", help: "N seeded standard-normal input rows" },
  input: { type: "string", value: "x.npy", help: "the input rows, instead of --random" },
  out: { type: "string", value: "DIR", defaultText: "out/interpolate-F1-F2", help: "folder for the frames, interpolation.json and the picture" },
  ...DTYPE_FLAG,
  ...COMPILE_FLAGS,
} as const satisfies FlagTable;

export const interpolateCommand: Command = {
  name: "interpolate",
  summary: "modular interpolation: compile α·f1 + (1−α)·f2 as one map and compare it with the induced interpolation of the outputs",
  usage:
    "linea interpolate FILE --maps F1,F2 [--alphas 0,0.25,0.5,0.75,1] (--random N | --input x.npy | --image x.png) [--out DIR] " +
    "[--weights W.safetensors] [--dtype float32|float64] [--backend B] [--seed S]",
  flags: INTERPOLATE_FLAGS,
  examples: [
    "linea interpolate examples/toy2d_train.lin --maps B,coarse --random 1000",
    "linea interpolate examples/style_mix.lin --maps f1,f2 --alphas 0,0.5,1 --input x.npy",
    "linea interpolate examples/style_transfer.lin --maps stylise --styles 0,3 --image examples/data/style/content.png --alphas 0,0.35,0.5,0.65,1",
  ],
  async run(args, io) {
    const parsed = parseCommandLine(args, INTERPOLATE_FLAGS);
    const dtype = outputDtypeFlag(parsed.values.dtype);
    const file = specFileArgument(parsed.positionals, "interpolate");
    const names = (parsed.values.maps ?? "").split(",").map((s) => s.trim());
    const styles = parseStyles(parsed.values.styles);
    const wanted = styles === undefined ? 2 : 1;
    if (names.length !== wanted || names.some((n) => !/^[A-Za-z_]\w*$/.test(n))) {
      throw new UsageError(
        styles === undefined ? "--maps needs two map names, e.g. --maps f1,f2" : "with --styles, --maps names one indexed map, e.g. --maps stylise --styles 0,3",
      );
    }
    const alphas = parseAlphas(parsed.values.alphas);
    const image = parsed.values.image;
    if (image !== undefined && (parsed.values.input !== undefined || parsed.values.random !== undefined))
      throw new UsageError("give one of --image x.png, --input x.npy and --random N");
    const rowSource = rowSourceFlags(image === undefined ? parsed.values : { ...parsed.values, random: "1" }, "give either --input x.npy, --image x.png or --random N");
    const seed = rowSource.seed;
    const spec = await readCheckedSpec(file, io);
    if (typeof spec === "number") return spec;
    const input = async (dim: number): Promise<Float32Array> =>
      image === undefined ? inputRows(rowSource, 0, dim, `${names[0]}(x)`, io.cwd) : imageRow(await readRgbPng(resolve(io.cwd, image)), dim, image);
    const options = { ...compileFlagOptions(parsed.values, seed, io.cwd), onCompiled: (backend: string) => io.stderr(`backend: ${backend}\n`) };
    const result = await printingGenerated(io, spec.sources, () =>
      styles === undefined
        ? interpolateMaps({ ...spec, cwd: io.cwd }, names[0], names[1], alphas, input, options)
        : interpolateStyles({ ...spec, cwd: io.cwd }, names[0], styles, alphas, input, options),
    );
    if (typeof result === "number") return result;
    const [f1, f2] = result.maps;
    const { rows, dim, outShape, frames, outputs: mixed } = result;
    const outDir = resolve(io.cwd, parsed.values.out ?? join("out", styles === undefined ? `interpolate-${f1}-${f2}` : `interpolate-${names[0]}-${styles.join("-")}`));
    await mkdir(outDir, { recursive: true });
    const all = new Float32Array(alphas.length * rows * dim);
    mixed.forEach((m, k) => all.set(m, k * rows * dim));
    await saveNpy(join(outDir, "frames.npy"), outputArray(dtype, [alphas.length, rows, ...outShape], all));
    const summary = { maps: [f1, f2], alphas, rows, space: result.space, frames };
    await writeFileAtomic(join(outDir, "interpolation.json"), [new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`)]);
    const picture = join(outDir, "interpolation.png");
    const shown = Math.min(rows, PICTURE_ROWS);
    const title = `α·${f1} + (1−α)·${f2}`;
    const alphaLabels = alphas.map((a) => `α = ${a}`);
    if (imageShape(outShape) !== undefined) {
      // One row per sample, one column per α.
      const tiles: Float32Array[] = [];
      for (let r = 0; r < shown; r++) for (const m of mixed) tiles.push(m.subarray(r * dim, (r + 1) * dim));
      // One grey scale for the whole picture, from the two maps' own outputs (α = 0 and 1), so that
      // the frames between them are comparable (values beyond it are clipped).
      await saveImageGrid(picture, tiles, outShape, {
        columns: alphas.length,
        range: valueRange([result.f1Output, result.f2Output]),
        title,
        captions: tiles.map((_, i) => alphaLabels[i % alphas.length]),
        rowLabels: Array.from({ length: shown }, (_, r) => `row ${r}`),
        valueLabel: "value",
      });
    } else if (dim === 2) {
      // A few points per α, so that each point's path from f2(x) (α = 0) to f1(x) stays visible.
      const points = Math.min(rows, SCATTER_ROWS);
      const series = mixed.map((m, k) => ({
        x: Float64Array.from({ length: points }, (_, r) => m[2 * r] ?? NaN),
        y: Float64Array.from({ length: points }, (_, r) => m[2 * r + 1] ?? NaN),
        label: alphaLabels[k],
      }));
      await saveScatterPlot(picture, series, { radius: 2.5, title, xLabel: "y₁", yLabel: "y₂" });
    } else {
      await saveHeatmapRows(
        picture,
        mixed.map((m) => m.subarray(0, dim)),
        { title: `${title}, row 0`, rowLabels: alphaLabels, valueLabel: "value" },
      );
    }
    printResult(
      io,
      { ...summary, out: jsonUri(io, outDir) },
      () => `${formatFrames(f1, f2, frames, result.codomainSpace)}wrote ${shownDir(io.cwd, outDir)}/{frames.npy, interpolation.json, interpolation.png/.svg}\n`,
    );
    return ExitCode.Ok;
  },
};

export function formatFrames(f1: string, f2: string, frames: readonly InterpolationFrame[], space: string): string {
  const lines = [
    `α·${f1} + (1−α)·${f2}, compiled as one map each (outputs in ${space}):`,
    "    α  operator steps  max|compiled − induced interp.|  max|compiled − pixel interp.|  operator",
  ];
  for (const f of frames) {
    lines.push(
      `${f.alpha.toFixed(3).padStart(6)}  ${String(f.operatorSteps).padStart(14)}  ${f.inducedMaxDiff.toExponential(2).padStart(31)}  ${f.pixelMaxDiff.toExponential(2).padStart(29)}  ${f.operator}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
