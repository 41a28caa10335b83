// `linea svd FILE --map NAME [--out DIR] [--top K] [--weights W] [--backend B] [--seed S]`: the spectrum
// of a map f = g_y⁻¹ ∘ A ∘ g_x (paper §2.3, apps/spectrum.ts). Writes the singular values, the decoded
// singular vectors and their pictures to DIR atomically, and prints rank and conditioning.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { FLOAT32_PINV_CONDITION, spectrumOf, type SpectrumSummary } from "../apps/spectrum.js";
import { saveNpy, writeFileAtomic } from "../runtime/io/index.js";
import { rowsOf, saveLinePlot, saveVectorPicture, subscript } from "../runtime/plot/index.js";
import { COMPILE_FLAGS, compileFlagOptions, compileForCli, integerFlag, stringFlags } from "./run.js";
import { specFileArgument } from "./spec_input.js";
import { ExitCode, parseCommandLine, UsageError, type Command, type CommandIO } from "./command.js";
import { formatValue as fmt, shownDir } from "./format.js";

const DEFAULT_TOP = 16;

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
    const compiled = await compileForCli(file, io, { ...compileFlagOptions(parsed.values, seed, io.cwd), targets: [name] });
    if (typeof compiled === "number") return compiled;
    try {
      const spectrum = await spectrumOf(compiled, name, top);
      const { rows, cols, values, summary, k, right, left } = spectrum;
      const shapes = { domain: spectrum.domain.shape, codomain: spectrum.codomain.shape };

      await mkdir(outDir, { recursive: true });
      await saveNpy(join(outDir, "singular_values.npy"), { dtype: "F64", shape: [values.length], data: values });
      const json = {
        map: name,
        operator: spectrum.operator,
        method: spectrum.method,
        shape: [rows, cols],
        domain: { space: spectrum.domain.space, shape: shapes.domain },
        codomain: { space: spectrum.codomain.space, shape: shapes.codomain },
        rank: summary.rank,
        cutoff: summary.cutoff,
        // JSON has no ∞: null is an infinite condition number (a rank-deficient map).
        condition: Number.isFinite(summary.condition) ? summary.condition : null,
        range_condition: Number.isFinite(summary.rangeCondition) ? summary.rangeCondition : null,
        singular_values: Array.from(values),
      };
      await writeFileAtomic(join(outDir, "singular_values.json"), [new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`)]);
      await saveLinePlot(join(outDir, "spectrum.png"), [{ x: Array.from(values, (_, i) => i + 1), y: values, marker: values.length <= 64 ? "circle" : undefined }], {
        logY: true,
        width: 480,
        height: 320,
        title: `singular values of ${name}`,
        xLabel: "index i",
        yLabel: "singular value σᵢ",
        integerX: true,
      });
      await saveNpy(join(outDir, "right.npy"), { dtype: "F32", shape: [k, ...shapes.domain], data: right });
      await saveNpy(join(outDir, "left.npy"), { dtype: "F32", shape: [k, ...shapes.codomain], data: left });
      // Each vector labelled with its index and σ, so a picture can be read without the .json.
      const captions = (letter: string): string[] => Array.from({ length: k }, (_, i) => `${letter}${subscript(i + 1)}  σ${subscript(i + 1)} = ${fmt(values[i])}`);
      const pictures = { colors: "diverging", valueLabel: "component" } as const;
      await saveVectorPicture(join(outDir, "right.png"), rowsOf(right, k), shapes.domain, {
        ...pictures,
        captions: captions("v"),
        title: `right singular vectors vᵢ of ${name} (in ${spectrum.domain.space})`,
      });
      await saveVectorPicture(join(outDir, "left.png"), rowsOf(left, k), shapes.codomain, {
        ...pictures,
        captions: captions("u"),
        title: `left singular vectors uᵢ of ${name} (in ${spectrum.codomain.space})`,
      });

      io.stderr(`backend: ${compiled.backend.description}\n`);
      for (const line of formatSummary(name, spectrum.operator, spectrum.method, values, summary, Math.min(top, 8))) io.stdout(`${line}\n`);
      io.stdout(
        `wrote ${shownDir(io.cwd, outDir)}/{singular_values.npy, singular_values.json, spectrum.png/.svg, right.npy, right.png/.svg, left.npy, left.png/.svg} (top ${k} singular vectors, decoded)\n`,
      );
      return ExitCode.Ok;
    } finally {
      compiled.dispose();
    }
  },
};
