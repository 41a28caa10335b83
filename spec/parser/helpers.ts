// Shared checks for the parser's tests.
import type { Diagnostic } from "../../src/ast/diagnostic.js";
import type { Node } from "../../src/ast/nodes.js";
import type { Range } from "../../src/ast/source.js";
import { LineMap } from "../../src/ast/source.js";
import { syntaxCodes } from "../../src/diagnostics/codes.js";

const registered = new Set<string>(syntaxCodes.map((c) => c.code));

/** Why `range` is not a valid range of `text` (inside it, ordered, line/character matching the offset), or undefined. */
export function rangeProblem(range: Range, text: string, lines: LineMap = new LineMap(text)): string | undefined {
  const { start, end } = range;
  if (!(Number.isInteger(start.offset) && Number.isInteger(end.offset))) return "offsets are not integers";
  if (start.offset < 0 || end.offset > text.length) return `offsets ${start.offset}-${end.offset} outside 0-${text.length}`;
  if (start.offset > end.offset) return `start ${start.offset} after end ${end.offset}`;
  for (const p of [start, end]) {
    const expected = lines.position(p.offset);
    if (expected.line !== p.line || expected.character !== p.character) {
      return `position ${p.line}:${p.character} does not match offset ${p.offset} (${expected.line}:${expected.character})`;
    }
  }
  return undefined;
}

/** Every problem with the diagnostics' ranges and shape, as readable strings (empty when all are fine). */
export function diagnosticProblems(diagnostics: readonly Diagnostic[], text: string): string[] {
  const lines = new LineMap(text);
  const problems: string[] = [];
  for (const d of diagnostics) {
    const problem = rangeProblem(d.range, text, lines);
    if (problem !== undefined) problems.push(`${d.code} ${d.message}: ${problem}`);
    if (!registered.has(d.code)) problems.push(`code ${d.code} is not in syntaxCodes`);
    if (d.message.length === 0 || d.message.includes("\n")) problems.push(`${d.code}: message is not one line`);
    for (const edit of d.data.fix?.edits ?? []) {
      const editProblem = rangeProblem(edit.range, text, lines);
      if (editProblem !== undefined) problems.push(`${d.code} fix: ${editProblem}`);
    }
  }
  return problems;
}

/** Applies LSP-style edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: readonly { range: Range; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start.offset - a.range.start.offset);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  return out;
}

/** A syntax-tree node: anything with a `kind` and a `range` (what the walkers below look for). */
export function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && "kind" in value && "range" in value;
}

/** Every node under `root` with its parent, in document order. */
export function nodesOf(root: Node): { node: Node; parent: Node | undefined }[] {
  const out: { node: Node; parent: Node | undefined }[] = [];
  const visit = (value: unknown, parent: Node | undefined): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, parent);
    } else if (isNode(value)) {
      out.push({ node: value, parent });
      for (const [key, field] of Object.entries(value)) if (key !== "range") visit(field, value);
    }
  };
  visit(root, undefined);
  return out;
}
