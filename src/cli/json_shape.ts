// The one JSON shape of every command's `--json` output (docs/cli.md): `{"ok": true, …result}` on
// success, `{"ok": false, "diagnostics": […]}` for a spec with errors, `{"ok": false, "error": {code,
// message, uri?, range?}}` for a failure after checking or a bad command line. Positions are LSP's
// (0-based line and character, no offsets) and every `uri` is a file:// URI (`<stdin>` for a spec read
// from standard input), whatever the stage that made them.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Diagnostic } from "../ast/diagnostic.js";
import type { Range } from "../ast/source.js";
import { cappedDiagnostics } from "../diagnostics/render.js";
import type { LineaError } from "../diagnostics/error.js";

/** How a spec read from standard input is named in diagnostics and JSON. */
const STDIN_NAME = "<stdin>";

/** The path a spec read from standard input is checked under: in the working directory, so its imports resolve from there. */
export function stdinPath(cwd: string): string {
  return resolve(cwd, STDIN_NAME);
}

interface JsonRange {
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
}

interface JsonLocation {
  readonly uri: string;
  readonly range: JsonRange;
}

export interface JsonDiagnostic extends JsonLocation {
  readonly code: string;
  /** LSP's DiagnosticSeverity: 1 error, 2 warning, 3 information, 4 hint. */
  readonly severity: number;
  readonly source: "linea";
  readonly message: string;
  readonly relatedInformation: readonly { readonly location: JsonLocation; readonly message: string }[];
  readonly data: {
    readonly because: readonly string[];
    readonly fix?: { readonly title: string; readonly edits: readonly (JsonLocation & { readonly newText: string })[] };
  };
}

/** Turns the paths inside diagnostics and errors into the URIs JSON shows. */
export class JsonUris {
  private readonly stdin: string;
  constructor(cwd: string) {
    this.stdin = stdinPath(cwd);
  }
  uri(path: string): string {
    if (path === this.stdin) return STDIN_NAME;
    return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) ? pathToFileURL(path).href : path;
  }
  range(r: Range): JsonRange {
    return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
  }
  location(uri: string, range: Range): JsonLocation {
    return { uri: this.uri(uri), range: this.range(range) };
  }
  diagnostic(d: Diagnostic): JsonDiagnostic {
    const fix = d.data.fix;
    return {
      ...this.location(d.uri, d.range),
      code: d.code,
      severity: d.severity,
      source: "linea",
      message: d.message,
      relatedInformation: d.relatedInformation.map((r) => ({ location: this.location(r.location.uri, r.location.range), message: r.message })),
      data: {
        because: d.data.because,
        ...(fix === undefined ? {} : { fix: { title: fix.title, edits: fix.edits.map((e) => ({ ...this.location(e.uri, e.range), newText: e.newText })) } }),
      },
    };
  }
}

/** The diagnostics part of a document: each distinct one once, at most `max` per file, and how many were left out. */
export function diagnosticsJson(diagnostics: readonly Diagnostic[], uris: JsonUris, max: number): { diagnostics: JsonDiagnostic[]; omitted: number } {
  const { shown, omitted } = cappedDiagnostics(diagnostics, max);
  return { diagnostics: shown.map((d) => uris.diagnostic(d)), omitted: [...omitted.values()].reduce((a, b) => a + b, 0) };
}

/** `{"ok": false, "error": …}` for a LineaError: its code, its one-line message, and its spec location when it has one. */
export function errorJson(e: LineaError, message: string, uris: JsonUris): { ok: false; error: { code: string; message: string } & Partial<JsonLocation> } {
  return { ok: false, error: { code: e.code, message, ...(e.location === undefined ? {} : uris.location(e.location.uri, e.location.range)) } };
}
