// docs/errors.md and the code registry describe the same codes, every stage's, and every example in the
// catalogue does what it says: the failing spec reports exactly its code, the fix checks clean.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnosticCodes, type Stage } from "../../src/diagnostics/codes.js";
import { checkSource, root } from "./helpers.js";

interface Entry {
  readonly code: string;
  readonly failing: string[];
  readonly fix: string[];
  readonly files: Record<string, string>;
  /** The message the entry quotes (backticks written as '), where it quotes one. */
  reported?: string;
}

/** Entries are `### LINxxxx — title` headings followed by ```lin, ```lin file=NAME and ```lin fix blocks. */
function parseCatalogue(markdown: string): Entry[] {
  const entries: Entry[] = [];
  const lines = markdown.split("\n");
  let current: Entry | undefined;
  for (let i = 0; i < lines.length; i++) {
    const heading = /^###\s+(LIN\d{4})\b/.exec(lines[i]);
    if (heading) {
      current = { code: heading[1], failing: [], fix: [], files: {} };
      entries.push(current);
      continue;
    }
    if (/^##\s/.test(lines[i])) current = undefined;
    const quoted = /^Reported as: `(.*)`$/.exec(lines[i]);
    if (quoted && current) current.reported = quoted[1];
    const fence = /^```lin\b(.*)$/.exec(lines[i]);
    if (!fence) continue;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith("```"); i++) body.push(lines[i]);
    if (!current) continue;
    const info = fence[1].trim();
    const file = /^file=(\S+)$/.exec(info);
    if (file) current.files[join(root, file[1])] = body.join("\n");
    else if (info === "fix") current.fix.push(body.join("\n"));
    else current.failing.push(body.join("\n"));
  }
  return entries;
}

const entries = parseCatalogue(readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8"));

/** The hundreds of each stage's codes (src/diagnostics/codes.ts says why). */
const stageHundreds: Record<Stage, readonly number[]> = { syntax: [1], check: [2, 3, 4, 5, 6], lower: [7], run: [8], train: [9], runtime: [10], io: [11], usage: [12] };

/** Codes a spec can produce when checked: the catalogue runs an example of each. */
const checkable = new Set<string>(diagnosticCodes.filter((c) => c.stage === "syntax" || c.stage === "check").map((c) => c.code));

describe("the code registry", () => {
  it("uses no code number twice, and each code is LIN and four digits in its stage's range", () => {
    const codes = diagnosticCodes.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of diagnosticCodes) {
      expect(c.code).toMatch(/^LIN\d{4}$/);
      expect(stageHundreds[c.stage], c.code).toContain(Math.floor(Number(c.code.slice(3)) / 100));
      expect(c.title.length, c.code).toBeGreaterThan(0);
      expect(c.summary.length, c.code).toBeGreaterThan(0);
      expect(c.summary, c.code).not.toContain("\n");
      expect("raisedBy" in c, c.code).toBe(!checkable.has(c.code)); // post-check codes name the class that throws them
    }
  });
});

describe("docs/errors.md", () => {
  it("documents exactly the codes of the registry, every stage's, each once", () => {
    const documented = entries.map((e) => e.code);
    expect(new Set(documented).size).toBe(documented.length);
    const registered = diagnosticCodes.map((c) => c.code);
    expect([...documented].sort()).toEqual([...registered].sort());
  });

  it("the parser recognises its catalogue format (control: a made-up entry is read as written)", () => {
    const parsed = parseCatalogue("## X\n\n### LIN9999 — t\n\n```lin\nbad\n```\n\n```lin file=a.lin\nA\n```\n\n```lin fix\ngood\n```\n");
    expect(parsed).toEqual([{ code: "LIN9999", failing: ["bad"], fix: ["good"], files: { [join(root, "a.lin")]: "A" } }]);
  });

  it("post-check codes have no spec example (no check reports them); syntax and check codes have one", () => {
    for (const e of entries) expect(e.failing.length > 0, e.code).toBe(checkable.has(e.code));
  });

  for (const e of entries.filter((x) => checkable.has(x.code))) {
    it(`${e.code}: the failing spec reports exactly ${e.code}; the fix checks clean`, () => {
      expect(e.failing.length).toBeGreaterThan(0);
      for (const src of e.failing) {
        const diagnostics = checkSource(src, e.files).diagnostics;
        expect(new Set(diagnostics.map((d) => d.code))).toEqual(new Set([e.code]));
        if (e.reported !== undefined) expect(diagnostics.map((d) => d.message.replace(/`/g, "'"))).toContain(e.reported);
      }
      for (const src of e.fix) expect(checkSource(src, e.files).diagnostics).toEqual([]);
    });
  }
});
