// `linea check FILE… [--json]`: type-checks each file (or `-`, standard input) with its imports and
// prints the diagnostics, with code frames on stderr for people or as LSP-shaped JSON on stdout for tools.
import type { Diagnostic } from "../ast/diagnostic.js";
import { hasErrors } from "../ast/diagnostic.js";
import { checkAll } from "../index.js";
import { distinctDiagnostics } from "../diagnostics/render.js";
import { ExitCode, outputOf, UsageError, parseCommandLine, type Command } from "./command.js";
import { jsonUri, printDiagnostics } from "./output.js";
import { readSpecText } from "./spec_input.js";

export const checkCommand: Command = {
  name: "check",
  summary: "type-check .lin files and their imports",
  usage: "linea check FILE... [--json]",
  flags: {},
  examples: ["linea check examples/toy2d_train.lin", "linea check --json a.lin b.lin", "cat spec.lin | linea check -"],
  async run(args, io) {
    const parsed = parseCommandLine(args, this.flags);
    const files = parsed.positionals;
    if (files.length === 0) throw new UsageError("check needs at least one file (or - for standard input)");
    const read: { path: string; text: string }[] = [];
    for (const f of files) {
      // The first file that cannot be read ends the command: one failure, one document with --json.
      const r = await readSpecText(f, io);
      if (typeof r === "number") return r;
      read.push(r);
    }
    const found: Diagnostic[] = [];
    const sources = new Map<string, string>();
    for (const input of read) {
      const outcome = checkAll({ uri: input.path, text: input.text });
      for (const [uri, text] of outcome.sources) sources.set(uri, text);
      found.push(...outcome.diagnostics);
    }
    // An imported file shared by two checked files reports its errors once.
    const diagnostics = distinctDiagnostics(found);
    const ok = !hasErrors(diagnostics);
    printDiagnostics(io, diagnostics, (u) => sources.get(u), ok, { files: read.map((r) => jsonUri(io, r.path)) });
    if (diagnostics.length === 0 && !outputOf(io).json) io.stdout(`${files.length} file${files.length === 1 ? "" : "s"} checked: no problems\n`);
    return ok ? ExitCode.Ok : ExitCode.Errors;
  },
};
