// Test helpers: check in-memory sources and locate expected ranges written as ⟦marks⟧ in them.
import { checkAll, memoryFileHost } from "../../src/index.js";
import type { Diagnostic } from "../../src/ast/diagnostic.js";
import type { CheckOutcome } from "../../src/compiler/checker/check.js";

export const root = "/proj";
export const mainUri = "/proj/main.lin";

/** Removes the ⟦ ⟧ marks and returns the text and the marked [start, end) offsets. */
export function marked(src: string): { text: string; start: number; end: number } {
  const start = src.indexOf("⟦");
  const end = src.indexOf("⟧");
  const text = src.replace("⟦", "").replace("⟧", "");
  if (start < 0 || end < start) return { text, start: -1, end: -1 };
  return { text, start, end: end - 1 };
}

/** Checks `text` as /proj/main.lin with the other files (paths under /proj) in memory. */
export function checkSource(text: string, files: Readonly<Record<string, string>> = {}): CheckOutcome {
  const host = memoryFileHost({ ...files, [mainUri]: text });
  return checkAll({ uri: mainUri, text }, { host, root });
}

export function codesOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}
