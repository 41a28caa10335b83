// `linea compile FILE [--emit ir|dot|explain] [--out F] [--png F.png]`: compiles a spec and prints (or
// writes, atomically) its optimised IR, a Graphviz graph of the optimised maps, or the full explanation
// (IR, rules fired, and the kernel plan of every entry and map). --png renders the graph with Graphviz's
// `dot -Tpng` when it is installed; without Graphviz the DOT text is still written and a note printed.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { writeFileAtomic } from "../runtime/io/index.js";
import { ExitCode, parseCommandLine, UsageError, type Command } from "./command.js";
import type { FlagTable } from "./flags.js";
import { jsonUri, printResult } from "./output.js";
import { COMPILE_FLAGS, compileFlagOptions, compileForCli, integerFlag } from "./run.js";
import { specFileArgument } from "./spec_input.js";

const EMITS = ["ir", "dot", "explain"] as const;
type Emit = (typeof EMITS)[number];

function isEmit(s: string): s is Emit {
  return (EMITS as readonly string[]).includes(s);
}

/** Renders DOT to PNG with Graphviz if it is on the PATH; returns why not otherwise. */
function renderPng(dot: string): { png: Uint8Array } | { reason: string } {
  const r = spawnSync("dot", ["-Tpng"], { input: dot, maxBuffer: 64 * 1024 * 1024 });
  if (r.error !== undefined) return { reason: "Graphviz `dot` is not installed" };
  if (r.status !== 0) return { reason: `dot -Tpng failed: ${r.stderr.toString().trim()}` };
  return { png: new Uint8Array(r.stdout) };
}

const COMPILE_COMMAND_FLAGS = {
  emit: { type: "string", value: "ir|dot|explain", defaultText: "explain", help: "what to print: the optimised IR, a DOT graph, or IR, rules fired and kernel plans" },
  out: { type: "string", value: "F", defaultText: "stdout", help: "write the text to a file (atomically)" },
  png: { type: "string", value: "F.png", help: "render the DOT graph with Graphviz's dot -Tpng" },
  ...COMPILE_FLAGS,
} as const satisfies FlagTable;

export const compileCommand: Command = {
  name: "compile",
  summary: "compile a spec: print its optimised IR, a DOT graph of its maps, or the kernel plans",
  usage: "linea compile FILE [--emit ir|dot|explain] [--out F] [--png F.png] [--backend B] [--seed S] [--weights W.safetensors]",
  flags: COMPILE_COMMAND_FLAGS,
  examples: ["linea compile examples/toy2d_train.lin --emit ir", "linea compile spec.lin --emit dot --png graph.png"],
  async run(args, io) {
    const parsed = parseCommandLine(args, COMPILE_COMMAND_FLAGS);
    const file = specFileArgument(parsed.positionals, "compile");
    const emit = parsed.values.emit ?? "explain";
    if (!isEmit(emit)) throw new UsageError(`--emit must be one of ${EMITS.join(", ")}, got '${emit}'`);
    const seed = integerFlag("seed", parsed.values.seed, 0) ?? 0;
    const compiled = await compileForCli(file, io, compileFlagOptions(parsed.values, seed, io.cwd));
    if (typeof compiled === "number") return compiled;
    try {
      // The explain view names the backend itself; say it separately only where the text does not.
      if (emit !== "explain" || parsed.values.out !== undefined) io.stderr(`backend: ${compiled.backend.description}\n`);
      const text = emit === "dot" ? compiled.dot() : emit === "ir" ? compiled.explainIr() : compiled.explain();
      const out = parsed.values.out === undefined ? undefined : resolve(io.cwd, parsed.values.out);
      if (out !== undefined) await writeFileAtomic(out, [new TextEncoder().encode(`${text}\n`)]);
      let png: string | undefined;
      if (parsed.values.png !== undefined) {
        const rendered = renderPng(compiled.dot());
        if ("png" in rendered) {
          png = resolve(io.cwd, parsed.values.png);
          await writeFileAtomic(png, [rendered.png]);
        } else io.stderr(`note: ${parsed.values.png} not written: ${rendered.reason} (the DOT text renders with \`dot -Tpng\`)\n`);
      }
      printResult(
        io,
        {
          emit,
          backend: compiled.backend.description,
          ...(out === undefined ? { text } : { out: jsonUri(io, out) }),
          ...(png === undefined ? {} : { png: jsonUri(io, png) }),
        },
        () => (out === undefined ? `${text}\n` : ""),
      );
      return ExitCode.Ok;
    } finally {
      compiled.dispose();
    }
  },
};
