// Diagnostics for the terminal: a header with the code, the location, a code frame with carets under
// the range, then the "because" notes, the suggested fix and the related locations. Linear in the
// number of diagnostics: each file's line map is built once, identical diagnostics are shown once, at
// most `maxPerFile` are drawn per file (code frames only for those), long lines are cut to a window
// around the range, and the text is joined once.
import { displayPath } from "./display_path.js";
import type { Diagnostic } from "../ast/diagnostic.js";
import { LineMap, type Position } from "../ast/source.js";

/** The text of a file by URI, where it is known. */
export type SourceLookup = (uri: string) => string | undefined;

/** How diagnostics are rendered. */
export interface RenderOptions {
  /** Paths are shown relative to this folder (default: the working directory). */
  readonly cwd?: string;
  /** ANSI colour (error red, warning yellow, carets); the caller decides (a TTY, NO_COLOR). Default: none. */
  readonly color?: boolean;
  /** At most this many diagnostics drawn per file, then one "… and N more" line (default 100). */
  readonly maxPerFile?: number;
}

/** The default cap per file: enough to fix a file by, bounded however broken the file is. */
export const DEFAULT_MAX_DIAGNOSTICS = 100;
/** A code-frame line longer than this is cut to a window around the range (a minified or generated file). */
const FRAME_WIDTH = 120;

const severityName: Record<number, string> = { 1: "error", 2: "warning", 3: "info", 4: "hint" };

// SGR sequences; only emitted when the caller asks for colour.
const sgr = { red: "\u001b[31m", yellow: "\u001b[33m", cyan: "\u001b[36m", blue: "\u001b[34m", bold: "\u001b[1m", reset: "\u001b[0m" } as const;
type Paint = (style: keyof typeof sgr, text: string) => string;
const plain: Paint = (_style, text) => text;
const ansi: Paint = (style, text) => `${sgr[style]}${text}${sgr.reset}`;
const severityStyle: Record<number, keyof typeof sgr> = { 1: "red", 2: "yellow", 3: "blue", 4: "cyan" };

function where(uri: string, p: Position, cwd: string): string {
  return `${displayPath(uri, cwd)}:${p.line + 1}:${p.character + 1}`;
}

/** The columns [from, from + width) of a line of `length` to show so that `at` is visible: the whole line when it is short. */
function frameWindow(length: number, at: number): { from: number; to: number } {
  if (length <= FRAME_WIDTH) return { from: 0, to: length };
  const from = Math.max(0, Math.min(at - FRAME_WIDTH / 4, length - FRAME_WIDTH));
  return { from, to: from + FRAME_WIDTH };
}

/** The lines of the range with `^` under the covered columns (at least one caret). */
function codeFrame(lines: LineMap, d: Diagnostic, paint: Paint): string[] {
  const first = d.range.start.line;
  const last = Math.min(d.range.end.line, first + 3);
  const gutter = String(last + 1).length;
  const pad = " ".repeat(gutter);
  const out = [`${pad} |`];
  for (let line = first; line <= last && line < lines.lineCount; line++) {
    const src = lines.lineText(line);
    const from = line === first ? d.range.start.character : 0;
    const to = Math.min(line === d.range.end.line ? d.range.end.character : src.length, src.length);
    const shown = frameWindow(src.length, from);
    const left = shown.from > 0 ? "…" : "";
    const right = shown.to < src.length ? "…" : "";
    const caretFrom = Math.max(from, shown.from);
    const width = Math.max(1, Math.min(to, shown.to) - caretFrom);
    out.push(`${String(line + 1).padStart(gutter)} | ${left}${src.slice(shown.from, shown.to)}${right}`);
    out.push(`${pad} | ${" ".repeat(left.length + Math.max(0, caretFrom - shown.from))}${paint(severityStyle[d.severity] ?? "red", "^".repeat(width))}`);
  }
  return out;
}

function renderOne(d: Diagnostic, lines: LineMap | undefined, cwd: string, paint: Paint): string {
  const severity = severityName[d.severity] ?? "error";
  const head = `${paint(severityStyle[d.severity] ?? "red", `${severity}[${d.code}]`)}: ${paint("bold", d.message)}`;
  const out = [head, ` ${paint("blue", "-->")} ${where(d.uri, d.range.start, cwd)}`];
  if (lines !== undefined) for (const l of codeFrame(lines, d, paint)) out.push(` ${l}`);
  for (const b of d.data.because) out.push(`  = because ${b}`);
  if (d.data.fix) out.push(`  = help: ${d.data.fix.title}`);
  for (const r of d.relatedInformation) out.push(`  related: ${r.message} at ${where(r.location.uri, r.location.range.start, cwd)}`);
  return out.join("\n");
}

/** One diagnostic as text: the headline, the place, the code frame, the reasons and the help. */
export function renderDiagnostic(d: Diagnostic, sources: SourceLookup, options: RenderOptions = {}): string {
  const text = sources(d.uri);
  return renderOne(d, text === undefined ? undefined : new LineMap(text), options.cwd ?? process.cwd(), options.color === true ? ansi : plain);
}

/** The identity of a diagnostic for "print each once": its file, range, code and message. */
function diagnosticKey(d: Diagnostic): string {
  return `${d.uri}\u0000${d.range.start.offset}\u0000${d.range.end.offset}\u0000${d.code}\u0000${d.message}`;
}

/** Each identical diagnostic (same file, range, code and message) once, in order. */
export function distinctDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = diagnosticKey(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The diagnostics to show (distinct, at most `max` per file, in order) and how many of each file were left out. */
export function cappedDiagnostics(diagnostics: readonly Diagnostic[], max: number): { shown: Diagnostic[]; omitted: Map<string, number> } {
  const perFile = new Map<string, number>();
  const omitted = new Map<string, number>();
  const shown: Diagnostic[] = [];
  for (const d of distinctDiagnostics(diagnostics)) {
    const n = perFile.get(d.uri) ?? 0;
    perFile.set(d.uri, n + 1);
    if (n < max) shown.push(d);
    else omitted.set(d.uri, (omitted.get(d.uri) ?? 0) + 1);
  }
  return { shown, omitted };
}

/** All diagnostics (each distinct one once, at most maxPerFile per file), a blank line between them, then a one-line summary. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources: SourceLookup, options: RenderOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const paint = options.color === true ? ansi : plain;
  const distinct = distinctDiagnostics(diagnostics);
  const { shown, omitted } = cappedDiagnostics(distinct, options.maxPerFile ?? DEFAULT_MAX_DIAGNOSTICS);
  const lineMaps = new Map<string, LineMap | undefined>();
  const linesOf = (uri: string): LineMap | undefined => {
    if (!lineMaps.has(uri)) {
      const text = sources(uri);
      lineMaps.set(uri, text === undefined ? undefined : new LineMap(text));
    }
    return lineMaps.get(uri);
  };
  const body = shown.map((d) => renderOne(d, linesOf(d.uri), cwd, paint));
  for (const [uri, n] of omitted) body.push(`… and ${n} more diagnostic${n === 1 ? "" : "s"} in ${displayPath(uri, cwd)} (not shown)`);
  const errors = distinct.filter((d) => d.severity === 1).length;
  const warnings = distinct.filter((d) => d.severity === 2).length;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;
  body.push(`${plural(errors, "error")}, ${plural(warnings, "warning")}`);
  return body.join("\n\n");
}
