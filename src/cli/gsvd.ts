// `linea gsvd FILE --map h [--out DIR] [--top K] [--weights W] [--backend B] [--seed S]`: the generalized
// SVD of h = W ∘ φ (apps/gsvd.ts, docs/gsvd.md). Writes the singular values, U, V, the directions decoded
// into X and their pictures to DIR atomically, and prints the spectrum with how much of each direction
// the inputs can reach.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { gsvdOf, gsvdTargets } from "../apps/gsvd.js";
import { saveNpy, writeFileAtomic } from "../runtime/io/index.js";
import { rowsOf, saveLinePlot, saveVectorPicture, subscript } from "../runtime/plot/index.js";
import { ExitCode, parseCommandLine, UsageError, type Command, type CommandIO } from "./command.js";
import type { FlagTable } from "./flags.js";
import { formatValue as fmt, shownDir } from "./format.js";
import { jsonUri, printResult } from "./output.js";
import { COMPILE_FLAGS, compileFlagOptions, integerFlag } from "./run.js";
import { readCheckedSpec, specFileArgument } from "./spec_input.js";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { describeType } from "../compiler/checker/types.js";
import { ExecuteError } from "../compiler/execute/errors.js";
import { compile } from "../compiler/execute/program.js";

const DEFAULT_TOP = 16;

/** `--map NAME` must be a head after an embedding (h = W * φ) of the spec's entry module; else LIN0801 naming those there are. */
function requireFactored(program: CheckedProgram, name: string): void {
  const symbols = program.modules.get(program.entry)?.symbols;
  const heads = [...(symbols ?? new Map())].filter(([, s]) => s.type.kind === "Map" && s.type.factoredThrough !== undefined).map(([n]) => n);
  const t = symbols?.get(name)?.type;
  if (t?.kind === "Map" && t.factoredThrough !== undefined) return;
  const what = t === undefined ? `there is no map named ${name}` : `${name} is a ${describeType(t)}, not a head after an embedding (h = W * φ)`;
  throw new ExecuteError("LIN0801", `--map ${name}: ${what}; maps with a gsvd here: ${heads.join(", ") || "none (write let h = W * φ;)"}`);
}

const GSVD_FLAGS = {
  map: { type: "string", value: "NAME", help: "the map h = W * φ to factor: a head W after an embedding φ (required)" },
  out: { type: "string", value: "DIR", defaultText: "out/gsvd-NAME", help: "folder for the values, directions and pictures" },
  top: { type: "string", value: "K", defaultText: String(DEFAULT_TOP), help: "singular directions decoded and drawn" },
  ...COMPILE_FLAGS,
} as const satisfies FlagTable;

export const gsvdCommand: Command = {
  name: "gsvd",
  summary: "the generalized SVD h = U Σ Vᵀ φ of a head after an embedding, its directions decoded into X as pictures",
  usage: "linea gsvd FILE --map NAME [--out DIR] [--top K] [--weights W.safetensors] [--backend wasm|cpu|webgpu|tensorflow] [--seed S]",
  flags: GSVD_FLAGS,
  examples: ["linea gsvd examples/gsvd.lin --map h", "linea gsvd examples/gsvd.lin --map h --top 4 --out out/h"],
  async run(args, io: CommandIO) {
    const parsed = parseCommandLine(args, GSVD_FLAGS);
    const file = specFileArgument(parsed.positionals, "gsvd");
    const name = parsed.values.map;
    if (name === undefined) throw new UsageError("gsvd needs --map NAME");
    const top = integerFlag("top", parsed.values.top, 1) ?? DEFAULT_TOP;
    const seed = integerFlag("seed", parsed.values.seed, 0) ?? 0;
    const outDir = resolve(io.cwd, parsed.values.out ?? join("out", `gsvd-${name}`));
    const spec = await readCheckedSpec(file, io);
    if (typeof spec === "number") return spec;
    requireFactored(spec.program, name);
    const compiled = await compile(spec.program, { ...compileFlagOptions(parsed.values, seed, io.cwd), targets: gsvdTargets(name) });
    try {
      const g = await gsvdOf(compiled, name, top);
      const { head, decoded, offImage } = g;
      const { k, values, summary } = head;
      const E = head.domain;
      const K = head.codomain;
      await mkdir(outDir, { recursive: true });
      await saveNpy(join(outDir, "singular_values.npy"), { dtype: "F64", shape: [values.length], data: values });
      await saveNpy(join(outDir, "U.npy"), { dtype: "F32", shape: [k, ...K.shape], data: head.left });
      await saveNpy(join(outDir, "V.npy"), { dtype: "F32", shape: [k, ...E.shape], data: head.right });
      await saveNpy(join(outDir, "decoded.npy"), { dtype: "F32", shape: [k, ...g.domain.shape], data: decoded });
      const json = {
        map: name,
        head: head.operator,
        shape: [head.rows, head.cols],
        domain: g.domain,
        embedded: { space: E.space, shape: E.shape },
        codomain: { space: K.space, shape: K.shape },
        rank: summary.rank,
        cutoff: summary.cutoff,
        condition: Number.isFinite(summary.condition) ? summary.condition : null,
        singular_values: Array.from(values),
        // ‖φ(ψ(vᵢ)) − vᵢ‖ per decoded direction: 0 in φ's image, 1 where no input reaches.
        off_image: Array.from(offImage),
        complete: summary.complete,
      };
      await writeFileAtomic(join(outDir, "gsvd.json"), [new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`)]);
      await saveLinePlot(join(outDir, "spectrum.png"), [{ x: Array.from(values, (_, i) => i + 1), y: values, marker: values.length <= 64 ? "circle" : undefined }], {
        logY: true,
        width: 480,
        height: 320,
        title: `generalized singular values of ${name}`,
        xLabel: "index i",
        yLabel: "singular value σᵢ",
        integerX: true,
      });
      const captions = (letter: string): string[] => Array.from({ length: k }, (_, i) => `${letter}${subscript(i + 1)}  σ${subscript(i + 1)} = ${fmt(values[i])}`);
      const pictures = { colors: "diverging", valueLabel: "component" } as const;
      await saveVectorPicture(join(outDir, "decoded.png"), rowsOf(decoded, k), g.domain.shape, {
        ...pictures,
        captions: captions("ψ(v").map((c) => c.replace(/ {2}σ/, ")  σ")),
        title: `generalized right singular directions of ${name}, decoded into ${g.domain.space}`,
      });
      await saveVectorPicture(join(outDir, "V.png"), rowsOf(head.right, k), E.shape, {
        ...pictures,
        captions: captions("v"),
        title: `right singular vectors vᵢ of the head (in ${E.space})`,
      });
      await saveVectorPicture(join(outDir, "U.png"), rowsOf(head.left, k), K.shape, {
        ...pictures,
        captions: captions("u"),
        title: `left singular vectors uᵢ of the head (in ${K.space})`,
      });
      io.stderr(`backend: ${compiled.backend.description}\n`);
      const shown = Array.from(values.subarray(0, Math.min(8, values.length)), fmt);
      const reach = Array.from(offImage.subarray(0, Math.min(8, k)), fmt);
      printResult(io, { ...json, backend: compiled.backend.description, out: jsonUri(io, outDir) }, () =>
        [
          `gsvd ${name} = U Σ Vᵀ φ: head W = ${head.operator} (${head.rows}×${head.cols}, ${head.method} SVD, float64), φ : ${g.domain.space} -> ${E.space}`,
          `rank of W: ${summary.rank} of ${Math.min(head.rows, head.cols)}${Number.isFinite(summary.condition) ? `; condition number ${fmt(summary.condition)}` : ""}`,
          `top singular values: ${shown.join(", ")}`,
          `off φ's image, ‖φ(ψ(vᵢ)) − vᵢ‖: ${reach.join(", ")} (0: every part of vᵢ is reached by inputs; 1: none)`,
          `wrote ${shownDir(io.cwd, outDir)}/{singular_values.npy, gsvd.json, spectrum.png/.svg, U.npy, U.png/.svg, V.npy, V.png/.svg, decoded.npy, decoded.png/.svg} (top ${k} directions)`,
          "",
        ].join("\n"),
      );
      return ExitCode.Ok;
    } finally {
      compiled.dispose();
    }
  },
};
