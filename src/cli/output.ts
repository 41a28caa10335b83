// Where every command prints what: results on stdout; diagnostics, progress and failures on stderr; with
// --json exactly one JSON document on stdout (json_shape.ts), for success and for failure alike.
import type { Diagnostic } from "../ast/diagnostic.js";
import { renderDiagnostics, type SourceLookup } from "../diagnostics/render.js";
import { outputOf, type CommandIO } from "./command.js";
import { diagnosticsJson, JsonUris } from "./json_shape.js";

/** Human diagnostics as the command line draws them: colour and the cap from main, paths relative to cwd. */
function renderForCli(io: CommandIO, diagnostics: readonly Diagnostic[], sources: SourceLookup): string {
  const { color, maxDiagnostics } = outputOf(io);
  return `${renderDiagnostics(diagnostics, sources, { cwd: io.cwd, color, maxPerFile: maxDiagnostics })}\n`;
}

/**
 * Diagnostics of a spec (or of declarations generated against it): rendered on stderr, or with --json
 * `{"ok", "diagnostics", "omitted", …extra}` on stdout. `ok` says whether the command still succeeded.
 */
export function printDiagnostics(io: CommandIO, diagnostics: readonly Diagnostic[], sources: SourceLookup, ok = false, extra: Record<string, unknown> = {}): void {
  const mode = outputOf(io);
  if (mode.json) {
    const document = { ok, ...extra, ...diagnosticsJson(diagnostics, new JsonUris(io.cwd), mode.maxDiagnostics) };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  if (diagnostics.length > 0) io.stderr(renderForCli(io, diagnostics, sources));
}

/** A command's result: `human` (lines, each ending in a newline) on stdout, or with --json `{"ok": true, …json}`. */
export function printResult(io: CommandIO, json: Record<string, unknown>, human: () => string): void {
  if (outputOf(io).json) io.stdout(`${JSON.stringify({ ok: true, ...json }, null, 2)}\n`);
  else io.stdout(human());
}

/** A path as JSON shows it: a file:// URI. */
export function jsonUri(io: CommandIO, path: string): string {
  return new JsonUris(io.cwd).uri(path);
}
