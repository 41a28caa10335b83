// `linea svd FILE --map NAME [--out DIR] [--top K] [--weights W] [--backend B] [--seed S]`: the spectrum
// of a map f = g_y⁻¹ ∘ A ∘ g_x (paper §2.3, apps/spectrum.ts). Writes the singular values, the decoded
// singular vectors and their pictures to DIR atomically, and prints rank and conditioning. With
// --matrix-out A.npy it also writes the operator A itself, float64 [rows, cols] (the way to read any
// map's matrix back without running an identity batch in float32).
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { spectrumOf, type Spectrum, type SpectrumSummary } from "../apps/spectrum.js";
import { mapNormalForm } from "../compiler/execute/inspect.js";
import { pinvWarning } from "./pinv_warning.js";

export { pinvWarning };
import { saveNpy, writeFileAtomic } from "../runtime/io/index.js";
import { materialise } from "../runtime/operator/index.js";
import { OPERATOR_FLAG, operatorFlagOptions } from "./operator_flag.js";
import { rowsOf, saveLinePlot, saveVectorPicture, subscript } from "../runtime/plot/index.js";
import type { FlagTable } from "./flags.js";
import { jsonUri, printResult } from "./output.js";
import { COMPILE_FLAGS, compileFlagOptions, compileForCli, integerFlag } from "./run.js";
import { specFileArgument } from "./spec_input.js";
import { ExitCode, parseCommandLine, UsageError, type Command, type CommandIO } from "./command.js";
import { formatValue as fmt, shownDir } from "./format.js";

const DEFAULT_TOP = 16;

export function formatSummary(name: string, label: string, method: string, values: Float64Array, s: SpectrumSummary, top: number): string[] {
  const shown = Array.from(values.subarray(0, Math.min(top, values.length)), fmt);
  const n = Math.min(s.rows, s.cols);
  const lines = s.complete
    ? [
        `svd ${name}: A = ${label} (${s.rows}×${s.cols}, ${method} SVD, float64)`,
        `rank: ${s.rank} of ${n} (cut-off σ_max·max(m,n)·ε_${s.precision} = ${s.cutoff.toExponential(2)}; weights stored in ${s.precision})`,
        `condition number: ${fmt(s.condition)}${s.rank < n ? ` (rank-deficient; on its rank-${s.rank} range σ_1/σ_${s.rank} = ${fmt(s.rangeCondition)})` : ""}`,
        `top singular values: ${shown.join(", ")}`,
      ]
    : [
        `svd ${name}: A = ${label} (${s.rows}×${s.cols}, ${method} SVD of the top ${values.length}, float64: no structure, too large to materialise)`,
        `rank: at least ${s.rank} of ${n} (only the top ${values.length} values are computed; rank and condition number need them all)`,
        `top singular values: ${shown.join(", ")}`,
      ];
  const warning = pinvWarning(name, s);
  if (warning !== undefined) lines.push(warning);
  return lines;
}

/** What certifies a matrix-free spectrum, in one line. */
function certificateLine(c: NonNullable<Spectrum["certificate"]>): string {
  const state = c.converged ? "converged" : "NOT converged to its residual target (raise the iterations or accept the bound)";
  return `matrix-free: ${c.iterations} Krylov steps, ${c.products} products, ${state}; each σᵢ is within ${c.errorBound.toExponential(2)} of a distinct true singular value`;
}

const SVD_FLAGS = {
  map: { type: "string", value: "NAME", help: "the map whose operator to decompose (required)" },
  out: { type: "string", value: "DIR", defaultText: "out/svd-NAME", help: "folder for the values, vectors and pictures" },
  top: { type: "string", value: "K", defaultText: String(DEFAULT_TOP), help: "singular vectors decoded and drawn" },
  "matrix-out": { type: "string", value: "A.npy", help: "also write the map's operator A as a float64 [rows, cols] matrix (y = A·x)" },
  ...OPERATOR_FLAG,
  ...COMPILE_FLAGS,
} as const satisfies FlagTable;

export const svdCommand: Command = {
  name: "svd",
  summary: "the singular values of a map's operator, and its decoded singular vectors as pictures",
  usage:
    "linea svd FILE --map NAME [--out DIR] [--top K] [--matrix-out A.npy] [--operator A=a.npy ...] [--weights W.safetensors] [--backend wasm|cpu|webgpu|tensorflow] [--seed S]",
  flags: SVD_FLAGS,
  examples: ["linea svd examples/spectrum.lin --map f", "linea svd examples/mnist_train.lin --map B --weights runs/mnist/weights.safetensors --top 8"],
  async run(args, io: CommandIO) {
    const parsed = parseCommandLine(args, SVD_FLAGS);
    const matrixOut = parsed.values["matrix-out"];
    if (matrixOut !== undefined && !matrixOut.endsWith(".npy")) throw new UsageError(`--matrix-out ${matrixOut}: expected a .npy file`);
    const file = specFileArgument(parsed.positionals, "svd");
    const name = parsed.values.map;
    if (name === undefined) throw new UsageError("svd needs --map NAME");
    const top = integerFlag("top", parsed.values.top, 1) ?? DEFAULT_TOP;
    const seed = integerFlag("seed", parsed.values.seed, 0) ?? 0;
    const outDir = resolve(io.cwd, parsed.values.out ?? join("out", `svd-${name}`));
    const compiled = await compileForCli(file, io, {
      ...compileFlagOptions(parsed.values, seed, io.cwd),
      ...(await operatorFlagOptions(parsed.values.operator, io.cwd)),
      targets: [name],
    });
    if (typeof compiled === "number") return compiled;
    try {
      if (matrixOut !== undefined) {
        // The optimised operator A of f = g_y⁻¹ ∘ A ∘ g_x as a float64 [rows, cols] matrix (y = A·x), the one the SVD factors.
        const a = materialise(mapNormalForm(compiled, name).operator);
        await saveNpy(resolve(io.cwd, matrixOut), { dtype: "F64", shape: [a.rows, a.cols], data: a.data });
      }
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
        precision: summary.precision,
        // JSON has no ∞: null is an infinite condition number (a rank-deficient map).
        condition: Number.isFinite(summary.condition) ? summary.condition : null,
        range_condition: Number.isFinite(summary.rangeCondition) ? summary.rangeCondition : null,
        singular_values: Array.from(values),
        // false: a matrix-free top-k SVD, certified by its residual bound (no rank or condition number).
        complete: summary.complete,
        ...(spectrum.certificate === undefined ? {} : { certificate: spectrum.certificate }),
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
      const matrixFile = matrixOut === undefined ? {} : { matrix: jsonUri(io, resolve(io.cwd, matrixOut)) };
      printResult(io, { ...json, backend: compiled.backend.description, out: jsonUri(io, outDir), ...matrixFile }, () =>
        [
          ...formatSummary(name, spectrum.operator, spectrum.method, values, summary, Math.min(top, 8)),
          ...(spectrum.certificate === undefined ? [] : [certificateLine(spectrum.certificate)]),
          `wrote ${shownDir(io.cwd, outDir)}/{singular_values.npy, singular_values.json, spectrum.png/.svg, right.npy, right.png/.svg, left.npy, left.png/.svg} (top ${k} singular vectors, decoded)`,
          ...(matrixOut === undefined ? [] : [`wrote ${matrixOut} (the ${rows}×${cols} operator matrix of ${name}, float64)`]),
          "",
        ].join("\n"),
      );
      return ExitCode.Ok;
    } finally {
      compiled.dispose();
    }
  },
};
