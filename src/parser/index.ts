// The parser's public API: text in, a whole syntax tree and every syntax diagnostic out.
import type { Diagnostic } from "../ast/diagnostic.js";
import type { Program } from "../ast/nodes.js";
import { LineMap } from "../ast/source.js";
import { lex } from "./lexer.js";
import { limitNesting } from "./nesting.js";
import { LineaParser } from "./parser.js";

export { print } from "./printer.js";

/** A parsed text: the syntax tree (with recovery) and the syntax errors. */
export interface ParseResult {
  readonly program: Program;
  /** Lexing and syntax errors, sorted by position, at most one per position. */
  readonly diagnostics: Diagnostic[];
}

let shared: LineaParser | undefined;

/** One parser for the process: building it runs chevrotain's grammar analysis, which is costly. */
function parser(): LineaParser {
  shared ??= new LineaParser();
  return shared;
}

/** Parses a whole file. Never throws: every problem becomes a diagnostic and the tree stays whole. */
export function parse(text: string, uri = "<input>"): ParseResult {
  // Chevrotain signals every recovery with an exception whose stack trace nobody reads; capturing
  // them dominates the time spent on broken input. The parse is synchronous, so the global is restored
  // before anything else runs.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseText(text, uri);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function parseText(text: string, uri: string): ParseResult {
  const lines = new LineMap(text);
  const lexed = lex(text, uri, lines);
  const limited = limitNesting(lexed.tokens, lines, uri);
  const parsed = parser().parseTokens(limited.tokens, lines, uri);
  const program: Program = { kind: "Program", uri, items: parsed.items, range: lines.range(0, text.length) };
  return { program, diagnostics: dedupe([...lexed.diagnostics, ...limited.diagnostics, ...parsed.diagnostics]) };
}

/** Sorts by position and keeps the first diagnostic at each start: recovery can report one spot twice. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const sorted = diagnostics.map((d, i) => ({ d, i })).sort((a, b) => a.d.range.start.offset - b.d.range.start.offset || a.i - b.i);
  const out: Diagnostic[] = [];
  let lastStart = -1;
  for (const { d } of sorted) {
    if (d.range.start.offset === lastStart) continue;
    lastStart = d.range.start.offset;
    out.push(d);
  }
  return out;
}
