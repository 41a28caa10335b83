// `linea interpolate FILE --maps f1,f2 [--alphas 0,0.25,…] (--random N | --input x.npy) [--out DIR]`:
// modular interpolation (paper §1.7). Two maps between the same spaces combine as maps: the compiler
// folds α·f₁ + (1−α)·f₂ into ONE operator αA₁ + (1−α)A₂ between the shared charts, and by linearity its
// output equals the induced interpolation α ⊙ f₁(x) ⊕ (1−α) ⊙ f₂(x) of the two outputs. This command
// compiles the mixed map for every α (as `let`s checked in the spec's scope), runs it, computes the
// induced interpolation independently (through the codomain's chart), and prints how far apart they
// are, next to the ordinary (pixel) interpolation, which is not the same thing. It writes the frames
// as .npy and as a picture.
import { mkdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { describeType, sameSpace, type Type } from "../compiler/checker/types.js";
import { compile } from "../compiler/execute/program.js";
import { ExecuteError } from "../compiler/execute/errors.js";
import { mapNormalForm } from "../compiler/execute/inspect.js";
import { saveNpy, writeFileAtomic } from "../runtime/io/index.js";
import { imageShape, saveHeatmapRows, saveImageGrid, saveScatterPlot, PALETTE } from "../runtime/plot/index.js";
import { COMPILE_FLAGS, compileFlagOptions, inputRows, reportFailures, rowSourceFlags, stringFlags } from "./run.js";
import { ExitCode, parseCommandLine, UsageError, type Command } from "./command.js";
import { binary, letDecl, nameRef, numberLit } from "../ast/build.js";
import type { LetDecl } from "../ast/nodes.js";
import { spanRanges } from "../ast/source.js";
import { extendSpec, readCheckedSpec, specFileArgument } from "./spec_input.js";

const DEFAULT_ALPHAS = [0, 0.25, 0.5, 0.75, 1];
/** Rows drawn in the picture at most (all rows go to the .npy). */
const PICTURE_ROWS = 8;
/** Points per α in the scatter of a plane (all rows go to the .npy). */
const SCATTER_ROWS = 60;

/** One α: the compiled map's label and how far its output is from the two interpolations. */
export interface InterpolationFrame {
  readonly alpha: number;
  /** The mixed map's optimised operator, e.g. `[0.25·A1 + 0.75·A2]`: one operator, not two. */
  readonly operator: string;
  /** Operator steps in the mixed map's plan (1: the two maps were folded into one). */
  readonly operatorSteps: number;
  /** max |compiled(x) − (α ⊙ f₁(x) ⊕ (1−α) ⊙ f₂(x))| over all rows and coordinates. */
  readonly inducedMaxDiff: number;
  /** max |compiled(x) − (α·f₁(x) + (1−α)·f₂(x))|: ordinary arithmetic on the outputs (not linear here). */
  readonly pixelMaxDiff: number;
}

function parseAlphas(text: string | undefined): number[] {
  if (text === undefined) return DEFAULT_ALPHAS;
  const parts = text.split(",").map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.some((p) => p === "") || values.some((v) => !Number.isFinite(v))) throw new UsageError(`--alphas needs comma-separated numbers, got '${text}'`);
  return values;
}

/** A name for the generated lets that the spec does not use. */
function freshPrefix(text: string): string {
  let prefix = "linea_mix_";
  while (text.includes(prefix)) prefix = `${prefix}x_`;
  return prefix;
}

/**
 * `let p0 = α * f1 + (1 − α) * f2;` for each α, as syntax over the entry module of `program` (each name
 * at its declaration, the rest spanning both, for diagnostics); maps it does not declare get its range.
 */
export function mixLets(program: CheckedProgram, prefix: string, f1: string, f2: string, alphas: readonly number[]): LetDecl[] {
  const module = program.modules.get(program.entry);
  const whole = module?.program.range ?? { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } };
  const r1 = module?.symbols.get(f1)?.nameRange ?? whole;
  const r2 = module?.symbols.get(f2)?.nameRange ?? whole;
  const both = spanRanges(r1, r2);
  return alphas.map((a, k) =>
    letDecl(`${prefix}${k}`, binary("+", binary("*", numberLit(a, r1), nameRef(f1, r1), r1), binary("*", numberLit(1 - a, r2), nameRef(f2, r2), r2), both), both),
  );
}

/** Why f1 and f2 cannot be mixed (not maps of the entry module, or not between the same spaces), if they cannot. */
export function mapsProblem(program: CheckedProgram, f1: string, f2: string): string | undefined {
  const symbols = program.modules.get(program.entry)?.symbols;
  const typeOf = (name: string): Type | undefined => symbols?.get(name)?.type;
  for (const name of [f1, f2]) {
    const t = typeOf(name);
    if (t === undefined) return `no declaration named ${name} in ${program.entry}`;
    if (t.kind !== "Map") return `${name} is a ${describeType(t)}, not a map`;
  }
  const [a, b] = [typeOf(f1), typeOf(f2)];
  if (a?.kind !== "Map" || b?.kind !== "Map") return undefined;
  if (!sameSpace(a.domain, b.domain) || !sameSpace(a.codomain, b.codomain)) {
    return `${f1} is a ${describeType(a)} and ${f2} a ${describeType(b)}: they do not share their spaces; α·${f1} + (1−α)·${f2} needs the same domain and the same codomain (induced by the same networks and tags)`;
  }
  return undefined;
}

function valueRange(arrays: readonly Float32Array[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (const v of a) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return m;
}

export const interpolateCommand: Command = {
  name: "interpolate",
  summary: "modular interpolation: compile α·f1 + (1−α)·f2 as one map and compare it with the induced interpolation of the outputs",
  usage:
    "linea interpolate FILE --maps F1,F2 [--alphas 0,0.25,0.5,0.75,1] (--random N | --input x.npy) [--out DIR] " +
    "[--weights W.safetensors] [--backend B] [--seed S]",
  async run(args, io) {
    const parsed = parseCommandLine(args, { ...stringFlags("maps", "alphas", "random", "input", "out"), ...COMPILE_FLAGS });
    const file = specFileArgument(parsed.positionals, "interpolate");
    const names = (parsed.values.maps ?? "").split(",").map((s) => s.trim());
    const [f1, f2] = names;
    if (names.length !== 2 || f1 === undefined || f2 === undefined || !/^[A-Za-z_]\w*$/.test(f1) || !/^[A-Za-z_]\w*$/.test(f2)) {
      throw new UsageError("--maps needs two map names, e.g. --maps f1,f2");
    }
    const alphas = parseAlphas(parsed.values.alphas);
    const rowSource = rowSourceFlags(parsed.values, "give either --input x.npy or --random N");
    const seed = rowSource.seed;
    const spec = readCheckedSpec(file, io);
    if (typeof spec === "number") return spec;
    return reportFailures("interpolate", io, async () => {
      const problem = mapsProblem(spec.program, f1, f2);
      if (problem !== undefined) throw new ExecuteError("LIN-RUN-BAD-MAPS", problem);
      // The mixed maps are ordinary `let`s of the same module, so the checker types them (two maps
      // between different spaces are rejected here, with the usual diagnostics) and the compiler folds them.
      const prefix = freshPrefix(spec.text);
      const augmented = extendSpec(spec, mixLets(spec.program, prefix, f1, f2, alphas), io);
      if (typeof augmented === "number") return augmented;
      const mixNames = alphas.map((_, k) => `${prefix}${k}`);
      const compiled = await compile(augmented, { ...compileFlagOptions(parsed.values, seed, io.cwd), targets: [f1, f2, ...mixNames] });
      try {
        io.stderr(`backend: ${compiled.backend.description}\n`);
        const form = mapNormalForm(compiled, f1);
        const plan = compiled.planOf(f1);
        const outShape = plan.result.kind === "vector" ? plan.result.shape : [];
        const dim = form.codomain.dim;
        const x = await inputRows(rowSource, 0, form.domain.dim, `${f1}(x)`, io.cwd);
        const rows = x.length / form.domain.dim;
        const read = async (t: tf.Tensor): Promise<Float32Array> => {
          const v = Float32Array.from((await t.data()) as Float32Array);
          t.dispose();
          return v;
        };
        const y1 = await read(compiled.run(f1, x));
        const y2 = await read(compiled.run(f2, x));
        const chart = form.codomain.chart;
        // Coordinates of the two outputs, once: the induced interpolation is a combination in them.
        const [c1, c2] = chart === undefined ? [y1, y2] : [await read(chart.forward(tf.tensor2d(y1, [rows, dim]))), await read(chart.forward(tf.tensor2d(y2, [rows, dim])))];
        const frames: InterpolationFrame[] = [];
        const mixed: Float32Array[] = [];
        for (const [k, alpha] of alphas.entries()) {
          const name = mixNames[k] ?? "";
          const y = await read(compiled.run(name, x));
          mixed.push(y);
          const coords = c1.map((v, i) => alpha * v + (1 - alpha) * (c2[i] ?? NaN));
          const induced = chart === undefined ? coords : await read(tf.tidy(() => chart.inverse(tf.tensor2d(coords, [rows, dim]))));
          const pixel = y1.map((v, i) => alpha * v + (1 - alpha) * (y2[i] ?? NaN));
          const mixForm = mapNormalForm(compiled, name);
          frames.push({
            alpha,
            operator: mixForm.label,
            operatorSteps: compiled.planOf(name).steps.filter((s) => s.kind === "operator").length,
            inducedMaxDiff: maxAbsDiff(y, induced),
            pixelMaxDiff: maxAbsDiff(y, pixel),
          });
        }
        const outDir = resolve(io.cwd, parsed.values.out ?? join("out", `interpolate-${f1}-${f2}`));
        await mkdir(outDir, { recursive: true });
        const all = new Float32Array(alphas.length * rows * dim);
        mixed.forEach((m, k) => all.set(m, k * rows * dim));
        await saveNpy(join(outDir, "frames.npy"), { dtype: "F32", shape: [alphas.length, rows, ...outShape], data: all });
        const summary = { maps: [f1, f2], alphas, rows, space: plan.result.kind === "vector" ? plan.result.space : "", frames };
        await writeFileAtomic(join(outDir, "interpolation.json"), [new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`)]);
        const picture = join(outDir, "interpolation.png");
        const shown = Math.min(rows, PICTURE_ROWS);
        if (imageShape(outShape) !== undefined) {
          // One row per sample, one column per α.
          const tiles: Float32Array[] = [];
          for (let r = 0; r < shown; r++) for (const m of mixed) tiles.push(m.subarray(r * dim, (r + 1) * dim));
          // One grey scale for the whole picture, from the two maps' own outputs (α = 0 and 1), so that
          // the frames between them are comparable (values beyond it are clipped).
          await saveImageGrid(picture, tiles, outShape, { columns: alphas.length, range: valueRange([y1, y2]) });
        } else if (dim === 2) {
          // A few points per α, so that each point's path from f2(x) (α = 0) to f1(x) stays visible.
          const points = Math.min(rows, SCATTER_ROWS);
          const series = mixed.map((m, k) => ({
            x: Float64Array.from({ length: points }, (_, r) => m[2 * r] ?? NaN),
            y: Float64Array.from({ length: points }, (_, r) => m[2 * r + 1] ?? NaN),
            color: PALETTE[k % PALETTE.length],
            label: `A ${alphas[k]}`,
          }));
          await saveScatterPlot(picture, series, { radius: 2, title: `${f1.toUpperCase()} TO ${f2.toUpperCase()}` });
        } else {
          await saveHeatmapRows(picture, mixed.flatMap((m) => [m.subarray(0, dim)]));
        }
        io.stdout(formatFrames(f1, f2, frames, form.codomain.space));
        io.stdout(`wrote ${relative(io.cwd, outDir) || "."}/{frames.npy, interpolation.json, interpolation.png}\n`);
        return ExitCode.Ok;
      } finally {
        compiled.dispose();
      }
    });
  },
};

export function formatFrames(f1: string, f2: string, frames: readonly InterpolationFrame[], space: string): string {
  const lines = [`α·${f1} + (1−α)·${f2}, compiled as one map each (outputs in ${space}):`, "    α  operator steps  max|compiled − induced interp.|  max|compiled − pixel interp.|  operator"];
  for (const f of frames) {
    lines.push(`${f.alpha.toFixed(3).padStart(6)}  ${String(f.operatorSteps).padStart(14)}  ${f.inducedMaxDiff.toExponential(2).padStart(31)}  ${f.pixelMaxDiff.toExponential(2).padStart(29)}  ${f.operator}`);
  }
  return `${lines.join("\n")}\n`;
}
