// Diagnostics for the terminal: a header with the code, the location, a code frame with carets under
// the range, then the "because" notes, the suggested fix and the related locations.
import { isAbsolute, relative } from "pathe";
import type { Diagnostic } from "../ast/diagnostic.js";
import { LineMap, type Position } from "../ast/source.js";

/** The text of a file by URI, where it is known. */
export type SourceLookup = (uri: string) => string | undefined;

/** How diagnostics are rendered. */
export interface RenderOptions {
  /** Paths are shown relative to this folder (default: the working directory). */
  readonly cwd?: string;
}

const severityName: Record<number, string> = { 1: "error", 2: "warning", 3: "info", 4: "hint" };

function displayPath(uri: string, cwd: string): string {
  if (!isAbsolute(uri)) return uri;
  const rel = relative(cwd, uri);
  return rel.startsWith("..") || isAbsolute(rel) ? uri : rel;
}

function where(uri: string, p: Position, cwd: string): string {
  return `${displayPath(uri, cwd)}:${p.line + 1}:${p.character + 1}`;
}

/** The lines of the range with `^` under the covered columns (at least one caret). */
function codeFrame(text: string, d: Diagnostic): string[] {
  const lines = new LineMap(text);
  const first = d.range.start.line;
  const last = Math.min(d.range.end.line, first + 3);
  const gutter = String(last + 1).length;
  const pad = " ".repeat(gutter);
  const out = [`${pad} |`];
  for (let line = first; line <= last && line < lines.lineCount; line++) {
    const src = lines.lineText(line);
    const from = line === first ? d.range.start.character : 0;
    const to = line === d.range.end.line ? d.range.end.character : src.length;
    const width = Math.max(1, Math.min(to, src.length) - from);
    out.push(`${String(line + 1).padStart(gutter)} | ${src}`);
    out.push(`${pad} | ${" ".repeat(Math.max(0, from))}${"^".repeat(width)}`);
  }
  return out;
}

/** One diagnostic as text: the headline, the place, the code frame, the reasons and the help. */
export function renderDiagnostic(d: Diagnostic, sources: SourceLookup, options: RenderOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const out = [`${severityName[d.severity] ?? "error"}[${d.code}]: ${d.message}`, ` --> ${where(d.uri, d.range.start, cwd)}`];
  const text = sources(d.uri);
  if (text !== undefined) out.push(...codeFrame(text, d).map((l) => ` ${l}`));
  for (const b of d.data.because) out.push(`  = because ${b}`);
  if (d.data.fix) out.push(`  = help: ${d.data.fix.title}`);
  for (const r of d.relatedInformation) out.push(`  related: ${r.message} at ${where(r.location.uri, r.location.range.start, cwd)}`);
  return out.join("\n");
}

/** All diagnostics, a blank line between them, then a one-line summary. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources: SourceLookup, options: RenderOptions = {}): string {
  const errors = diagnostics.filter((d) => d.severity === 1).length;
  const warnings = diagnostics.filter((d) => d.severity === 2).length;
  const body = diagnostics.map((d) => renderDiagnostic(d, sources, options));
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;
  return [...body, `${plural(errors, "error")}, ${plural(warnings, "warning")}`].join("\n\n");
}
