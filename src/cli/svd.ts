// `linea svd FILE --map NAME [--out DIR] [--top K] [--weights W] [--backend B] [--seed S]`: the spectrum
// of a map f = g_y⁻¹ ∘ A ∘ g_x (paper §2.3). Takes the map's optimised operator A, computes its SVD in
// float64 (exactly from the structure where the structure gives it, else densely), decodes the top K
// singular vectors through the map's networks (ṽᵢ = g_x⁻¹(vᵢ), ũᵢ = g_y⁻¹(uᵢ), so f(ṽᵢ) = σᵢ ⊙ ũᵢ), writes
// the values, the vectors and their pictures to DIR atomically, and prints rank and conditioning.
import { mkdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { mapNormalForm, type MapEnd } from "../compiler/execute/inspect.js";
import { saveNpy, writeFileAtomic } from "../runtime/io/index.js";
import { svd as operatorSvd, type SvdResult } from "../runtime/operator/index.js";
import { FLOAT64_EPS, type Matrix } from "../runtime/linalg/index.js";
import { rowsOf, saveLinePlot, savePicture } from "../runtime/plot/index.js";
import { COMPILE_FLAGS, compileFlagOptions, compileForCli, integerFlag, reportFailures, stringFlags } from "./run.js";
import { specFileArgument } from "./spec_input.js";
import { ExitCode, parseCommandLine, UsageError, type Command, type CommandIO } from "./command.js";

/** float32 machine epsilon, 2⁻²³. */
const FLOAT32_EPS = 2 ** -23;
/**
 * Above this condition number a float32 pseudo-inverse is unreliable: solving loses about log10(cond)
 * digits and float32 carries about 7, so at cond ≈ 1/√ε₃₂ ≈ 2.9e3 half of them are gone.
 */
export const FLOAT32_PINV_CONDITION = 1 / Math.sqrt(FLOAT32_EPS);

const DEFAULT_TOP = 16;

/** Rank, cut-off and conditioning of a spectrum (values descending, padded with the structural zeros). */
export interface SpectrumSummary {
  readonly rows: number;
  readonly cols: number;
  readonly rank: number;
  /** σ_max·max(m, n)·ε₆₄. */
  readonly cutoff: number;
  /** σ_max / σ_min over all min(m, n) values: ∞ when rank-deficient. */
  readonly condition: number;
  /** σ_max / σ_rank: the conditioning of the pseudo-inverse on the kept subspace. */
  readonly rangeCondition: number;
}

export function summarise(values: Float64Array, rows: number, cols: number): SpectrumSummary {
  const max = values[0] ?? 0;
  const cutoff = max * Math.max(rows, cols) * FLOAT64_EPS;
  let rank = 0;
  for (const s of values) if (s > cutoff) rank++;
  const min = values[Math.min(rows, cols) - 1] ?? 0;
  return {
    rows,
    cols,
    rank,
    cutoff,
    condition: rank < Math.min(rows, cols) || min <= 0 ? Infinity : max / min,
    rangeCondition: rank === 0 ? Infinity : max / (values[rank - 1] ?? max),
  };
}

/** All min(m, n) singular values: a structured SVD returns only the nonzero ones; the rest are exact zeros. */
export function allValues(result: SvdResult, rows: number, cols: number): Float64Array {
  const out = new Float64Array(Math.min(rows, cols));
  out.set(result.s.subarray(0, out.length));
  return out;
}

/** Columns 0 … k−1 of a float64 matrix as k float32 rows (coordinates of k points). */
function columnsAsRows(m: Matrix, k: number): Float32Array {
  const out = new Float32Array(k * m.rows);
  for (let j = 0; j < k; j++) for (let i = 0; i < m.rows; i++) out[j * m.rows + i] = m.data[i * m.cols + j] ?? 0;
  return out;
}

/** Data points g⁻¹(z) of k coordinate rows (the rows themselves for a Euclidean space). */
async function decode(end: MapEnd, coords: Float32Array, k: number): Promise<Float32Array> {
  if (end.chart === undefined || k === 0) return coords;
  const chart = end.chart;
  const points = tf.tidy(() => chart.inverse(tf.tensor2d(coords, [k, end.dim], "float32")));
  try {
    return Float32Array.from(await points.data());
  } finally {
    points.dispose();
  }
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toPrecision(4) : "∞");

export function formatSummary(name: string, label: string, method: string, values: Float64Array, s: SpectrumSummary, top: number): string[] {
  const shown = Array.from(values.subarray(0, Math.min(top, values.length)), fmt);
  const lines = [
    `svd ${name}: A = ${label} (${s.rows}×${s.cols}, ${method} SVD, float64)`,
    `rank: ${s.rank} of ${Math.min(s.rows, s.cols)} (cut-off σ_max·max(m,n)·ε = ${s.cutoff.toExponential(2)})`,
    `condition number: ${fmt(s.condition)}${s.rank < Math.min(s.rows, s.cols) ? ` (rank-deficient; on its rank-${s.rank} range σ_1/σ_${s.rank} = ${fmt(s.rangeCondition)})` : ""}`,
    `top singular values: ${shown.join(", ")}`,
  ];
  const warning = pinvWarning(name, s);
  if (warning !== undefined) lines.push(warning);
  return lines;
}

/** The WARNING line when a float32 pinv of the operator is unreliable (also `linea invert`'s); else undefined. */
export function pinvWarning(name: string, s: SpectrumSummary): string | undefined {
  const c = s.rangeCondition;
  if (c <= FLOAT32_PINV_CONDITION) return undefined;
  return `WARNING: ${name} is ill-conditioned (σ_1/σ_${s.rank} = ${fmt(c)} > 1/√ε_float32 ≈ ${FLOAT32_PINV_CONDITION.toFixed(0)}): a float32 pinv(${name}) is unreliable (about ${Math.min(7, Math.log10(c)).toFixed(1)} of float32's ~7 digits are lost)`;
}

export const svdCommand: Command = {
  name: "svd",
  summary: "the singular values of a map's operator, and its decoded singular vectors as pictures",
  usage: "linea svd FILE --map NAME [--out DIR] [--top K] [--weights W.safetensors] [--backend wasm|cpu|webgpu|tensorflow] [--seed S]",
  async run(args, io: CommandIO) {
    const parsed = parseCommandLine(args, { ...stringFlags("map", "out", "top"), ...COMPILE_FLAGS });
    const file = specFileArgument(parsed.positionals, "svd");
    const name = parsed.values.map;
    if (name === undefined) throw new UsageError("svd needs --map NAME");
    const top = integerFlag("top", parsed.values.top, 1) ?? DEFAULT_TOP;
    const seed = integerFlag("seed", parsed.values.seed, 0) ?? 0;
    const outDir = resolve(io.cwd, parsed.values.out ?? join("out", `svd-${name}`));
    return reportFailures("svd", io, async () => {
      const compiled = await compileForCli(file, io, { ...compileFlagOptions(parsed.values, seed, io.cwd), targets: [name] });
      if (typeof compiled === "number") return compiled;
      try {
        const form = mapNormalForm(compiled, name);
        const shapes = { domain: form.domain.shape, codomain: form.codomain.shape };
        const { rows, cols } = form.operator;
        const result = operatorSvd(form.operator);
        const values = allValues(result, rows, cols);
        const summary = summarise(values, rows, cols);
        const k = Math.min(top, result.s.length);
        const right = await decode(form.domain, columnsAsRows(result.v, k), k);
        const left = await decode(form.codomain, columnsAsRows(result.u, k), k);

        await mkdir(outDir, { recursive: true });
        await saveNpy(join(outDir, "singular_values.npy"), { dtype: "F64", shape: [values.length], data: values });
        const json = {
          map: name,
          operator: form.label,
          method: result.method,
          shape: [rows, cols],
          domain: { space: form.domain.space, shape: shapes.domain },
          codomain: { space: form.codomain.space, shape: shapes.codomain },
          rank: summary.rank,
          cutoff: summary.cutoff,
          // JSON has no ∞: null is an infinite condition number (a rank-deficient map).
          condition: Number.isFinite(summary.condition) ? summary.condition : null,
          range_condition: Number.isFinite(summary.rangeCondition) ? summary.rangeCondition : null,
          singular_values: Array.from(values),
        };
        await writeFileAtomic(join(outDir, "singular_values.json"), [new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`)]);
        await saveLinePlot(
          join(outDir, "spectrum.png"),
          [{ x: Array.from(values, (_, i) => i + 1), y: values }],
          { logY: true, width: 480, height: 320, title: `singular values of ${name}`, xLabel: "index i", yLabel: "σᵢ", integerX: true },
        );
        await saveNpy(join(outDir, "right.npy"), { dtype: "F32", shape: [k, ...shapes.domain], data: right });
        await saveNpy(join(outDir, "left.npy"), { dtype: "F32", shape: [k, ...shapes.codomain], data: left });
        await savePicture(join(outDir, "right.png"), rowsOf(right, k), shapes.domain);
        await savePicture(join(outDir, "left.png"), rowsOf(left, k), shapes.codomain);

        io.stderr(`backend: ${compiled.backend.description}\n`);
        for (const line of formatSummary(name, form.label, result.method, values, summary, Math.min(top, 8))) io.stdout(`${line}\n`);
        const rel = relative(io.cwd, outDir);
        const shown = rel === "" ? "." : rel.startsWith("..") ? outDir : rel;
        io.stdout(`wrote ${shown}/{singular_values.npy, singular_values.json, spectrum.png, right.npy, right.png, left.npy, left.png} (top ${k} singular vectors, decoded)\n`);
        return ExitCode.Ok;
      } finally {
        compiled.dispose();
      }
    });
  },
};
