// Robustness: whatever the input, `parse` returns (never throws), quickly, with diagnostics whose
// ranges lie inside the text and a tree whose ranges do too. Inputs: random token soups and random
// mutations of the example specs — 10,000+ in all (4,000 + 3,000 + 3,000 + a few hand-picked ones).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { diagnostic } from "../../src/ast/diagnostic.js";
import type { Node } from "../../src/ast/nodes.js";
import { LineMap } from "../../src/ast/source.js";
import { parse, print } from "../../src/parser/index.js";
import { withoutRanges } from "./arbitraries.js";
import { diagnosticProblems, nodesOf, rangeProblem } from "./helpers.js";

/**
 * Per-input limit on the CPU time of one parse. A parse of these inputs (< 3 KB) takes well under 5 ms;
 * 200 ms leaves room for a GC pause without letting a quadratic or hanging recovery through. CPU time,
 * not wall-clock time: on a busy machine (CI with the WebGPU suite beside it) a descheduled process
 * spends wall-clock time without parsing, and a wall-clock limit failed a correct parser.
 */
const perInputMs = 200;

/** CPU milliseconds this process has used (user + system, all its threads). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const examplesDir = join(import.meta.dirname, "../../examples");
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".lin"))
  .map((f) => readFileSync(join(examplesDir, f), "utf8"));

function treeRangeProblems(root: Node, text: string): string[] {
  const lines = new LineMap(text);
  const problems: string[] = [];
  for (const { node } of nodesOf(root)) {
    const problem = rangeProblem(node.range, text, lines);
    if (problem !== undefined) problems.push(`${node.kind}: ${problem}`);
  }
  return problems;
}

/** Runs the whole contract on one input; returns what is wrong (empty when nothing is). */
function contractViolations(text: string): string[] {
  const t0 = cpuMs();
  let result: ReturnType<typeof parse>;
  try {
    result = parse(text, "fuzz.lin");
  } catch (error) {
    return [`threw ${String(error)}`];
  }
  let ms = cpuMs() - t0;
  if (ms > perInputMs) {
    // A slow input is slow every time; a GC pause is not: time it again.
    const t1 = cpuMs();
    parse(text, "fuzz.lin");
    ms = Math.min(ms, cpuMs() - t1);
  }
  const problems = [...diagnosticProblems(result.diagnostics, text), ...treeRangeProblems(result.program, text)];
  if (ms > perInputMs) problems.push(`took ${ms.toFixed(0)} ms (twice)`);
  if (result.diagnostics.length === 0) {
    // A mutation that happens to stay valid must still round-trip through the printer.
    const again = parse(print(result.program));
    if (again.diagnostics.length > 0 || !isDeepStrictEqual(withoutRanges(again.program.items), withoutRanges(result.program.items))) {
      problems.push("valid input does not round-trip through print");
    }
  }
  return problems;
}

const vocabulary = [
  "import",
  "as",
  "space",
  "network",
  "tagged",
  "operator",
  "map",
  "let",
  "entry",
  "verify",
  "with",
  "train",
  "repeat",
  "induced",
  "scalar",
  "R",
  "ℝ",
  ";",
  ",",
  ".",
  ":",
  "=",
  "->",
  "→",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  "+",
  "-",
  "*",
  "∘",
  "/",
  "^",
  "x",
  "f",
  "G",
  "dense",
  "svd",
  "0",
  "1",
  "2.5",
  "1e-3",
  '"./a.lin"',
  '"\\q"',
  '"open',
  "/*",
  "*/",
  "//",
  "@",
  "#",
  "\\",
  "é",
  "\u0000",
];

const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...vocabulary), fc.constantFrom(" ", "", "\n", "\t", "\r\n")), { maxLength: 80 })
  .map((parts) => parts.map(([token, space]) => token + space).join(""));

/** Splits a spec into tokens and the whitespace between them, so token-level edits keep the text lexable. */
function tokensOf(text: string): string[] {
  return text.match(/[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*|->|\s+|[^\s]/gu) ?? [];
}

type Edit = { op: "delete" | "duplicate" | "swap" | "insert"; at: number; other: number; length: number; char: string };

const editArb: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom("delete", "duplicate", "swap", "insert"),
  at: fc.nat(),
  other: fc.nat(),
  length: fc.integer({ min: 1, max: 4 }),
  char: fc.constantFrom(";", "}", "{", "(", ")", "=", "-", "^", '"', "/*", "@", "x", " "),
});

/** Applies edits to a sequence of units (characters or tokens); positions wrap around its length. */
function mutate(units: string[], edits: readonly Edit[]): string {
  const out = [...units];
  for (const e of edits) {
    if (out.length === 0) break;
    const at = e.at % out.length;
    const other = e.other % out.length;
    if (e.op === "delete") out.splice(at, e.length);
    else if (e.op === "duplicate") out.splice(at, 0, ...out.slice(at, at + e.length));
    else if (e.op === "swap") [out[at], out[other]] = [out[other], out[at]];
    else out.splice(at, 0, e.char);
  }
  return out.join("");
}

const exampleIndex = fc.nat({ max: examples.length - 1 });

describe("robustness", () => {
  // The first parse builds the shared parser (grammar analysis) and warms the JIT: a one-time cost,
  // not a per-input one.
  beforeAll(() => {
    for (const text of examples) parse(text.slice(0, text.length >> 1));
  });

  it("helper control: out-of-range and inconsistent ranges are caught", () => {
    const text = "space X = R^2;";
    const lines = new LineMap(text);
    const bad = [
      { ...lines.range(3, 5), end: { line: 0, character: 99, offset: 99 } },
      { start: lines.position(6), end: lines.position(2) },
      { start: { line: 1, character: 0, offset: 3 }, end: lines.position(4) },
    ];
    for (const range of bad) {
      const d = diagnostic({ uri: "t", range, code: "LIN0103", message: "x" });
      expect(diagnosticProblems([d], text)).not.toEqual([]);
    }
    expect(diagnosticProblems([diagnostic({ uri: "t", range: lines.range(0, 5), code: "LIN0103", message: "x" })], text)).toEqual([]);
  });

  it("token soups: never throw, bounded time, valid ranges (4,000 inputs)", () => {
    fc.assert(
      fc.property(tokenSoup, (text) => {
        expect(contractViolations(text)).toEqual([]);
      }),
      { numRuns: 4000 },
    );
  });

  it("character mutations of the examples (3,000 inputs)", () => {
    fc.assert(
      fc.property(exampleIndex, fc.array(editArb, { minLength: 1, maxLength: 6 }), (index, edits) => {
        expect(contractViolations(mutate([...examples[index]], edits))).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it("token mutations of the examples: deletions, swaps, duplications (3,000 inputs)", () => {
    fc.assert(
      fc.property(exampleIndex, fc.array(editArb, { minLength: 1, maxLength: 6 }), (index, edits) => {
        expect(contractViolations(mutate(tokensOf(examples[index]), edits))).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it("deep nesting and long chains end in LIN0107, not a stack overflow", () => {
    const n = 5000;
    const inputs = [
      `let x = ${"(".repeat(n)}x${")".repeat(n)};`,
      `let x = ${"f(".repeat(n)}x${")".repeat(n)};`,
      `let x = ${"-".repeat(n)}x;`,
      `let x = ${"a ^ ".repeat(n)}x;`,
      `network G : X { ${"repeat 1 { ".repeat(n)}${"} ".repeat(n)}}`,
      `let x = ${"(".repeat(n)}`,
    ];
    for (const text of inputs) {
      expect(contractViolations(text)).toEqual([]);
      expect(parse(text).diagnostics.map((d) => d.code)).toContain("LIN0107");
    }
    // Control: nesting a real spec might use is fine.
    expect(parse(`let x = ${"f(".repeat(20)}x${")".repeat(20)} ^ -(-(-y));`).diagnostics).toEqual([]);
  });
});
