// `linea check FILE… [--json]`: type-checks each file with its imports and prints the diagnostics,
// with code frames for people or as LSP-shaped JSON for tools.
import { resolve } from "node:path";
import type { Diagnostic } from "../ast/diagnostic.js";
import { hasErrors } from "../ast/diagnostic.js";
import { checkAll, nodeFileHost } from "../index.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { cannotRead, ExitCode, parseCommandLine, UsageError, type Command } from "./command.js";

export const checkCommand: Command = {
  name: "check",
  summary: "type-check .lin files and their imports",
  usage: "linea check FILE... [--json]",
  async run(args, io) {
    const parsed = parseCommandLine(args, { json: { type: "boolean" } });
    const files = parsed.positionals;
    if (files.length === 0) throw new UsageError("check needs at least one file");
    const unreadable = files.filter((f) => nodeFileHost.readFile(resolve(io.cwd, f)) === undefined);
    if (unreadable.length > 0) {
      for (const f of unreadable) io.stderr(cannotRead(f, resolve(io.cwd, f)));
      return ExitCode.Usage;
    }
    const diagnostics: Diagnostic[] = [];
    const sources = new Map<string, string>();
    const seen = new Set<string>();
    for (const f of files) {
      const outcome = checkAll(resolve(io.cwd, f));
      for (const [uri, text] of outcome.sources) sources.set(uri, text);
      // An imported file shared by two checked files reports its errors once.
      for (const d of outcome.diagnostics) {
        const key = `${d.uri}:${d.range.start.offset}:${d.range.end.offset}:${d.code}:${d.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        diagnostics.push(d);
      }
    }
    if (parsed.values.json) io.stdout(`${JSON.stringify(diagnostics, null, 2)}\n`);
    else if (diagnostics.length > 0) io.stdout(`${renderDiagnostics(diagnostics, (u) => sources.get(u), { cwd: io.cwd })}\n`);
    else io.stdout(`${files.length} file${files.length === 1 ? "" : "s"} checked: no problems\n`);
    return hasErrors(diagnostics) ? ExitCode.Errors : ExitCode.Ok;
  },
};
