import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Expr, Program } from "../../src/ast/nodes.js";
import { emptyRange } from "../../src/ast/source.js";
import { parse, print } from "../../src/parser/index.js";
import { printExpr } from "../../src/parser/printer.js";
import { exprArb, programArb, withoutRanges } from "./arbitraries.js";

const examplesDir = join(import.meta.dirname, "../../examples");
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".lin"))
  .map((f) => readFileSync(join(examplesDir, f), "utf8"));

/** The law: printing a tree and parsing the text gives the same tree back, with no diagnostics. */
function roundTrips(program: Program, printer: (p: Program) => string = print): boolean {
  const text = printer(program);
  const reparsed = parse(text);
  return reparsed.diagnostics.length === 0 && isDeepStrictEqual(withoutRanges(reparsed.program.items), withoutRanges(program.items));
}

/** A printer that forgets parentheses around operators (in `let` values): the control the law must catch. */
function printWithoutParens(program: Program): string {
  const strip = (e: Expr): string => (e.kind === "Binary" ? `${strip(e.left)} ${e.op} ${strip(e.right)}` : e.kind === "Unary" ? `-${strip(e.operand)}` : printExpr(e));
  return program.items.map((item) => (item.kind === "LetDecl" ? `let ${item.name.name} = ${strip(item.value)};` : "")).join("\n");
}

describe("printer", () => {
  it("prints the canonical layout", () => {
    const text = "network G:X tagged{actnorm;repeat 2{permute(reverse);}}let h:X->Y=(g*f)+0.5*(a-b);verify linear(h)with runs=3;";
    expect(print(parse(text).program)).toBe(
      [
        "network G : X tagged {",
        "  actnorm;",
        "  repeat 2 {",
        "    permute(reverse);",
        "  }",
        "}",
        "let h : X -> Y = g * f + 0.5 * (a - b);",
        "verify linear(h) with runs = 3;",
        "",
      ].join("\n"),
    );
  });

  it("keeps only the parentheses precedence needs", () => {
    const cases: [string, string][] = [
      ["(a * b) * c", "a * b * c"],
      ["a * (b * c)", "a * (b * c)"],
      ["a - (b - c)", "a - (b - c)"],
      ["(a ^ b) ^ c", "(a ^ b) ^ c"],
      ["a ^ (b ^ c)", "a ^ b ^ c"],
      ["(-a) ^ 2", "(-a) ^ 2"],
      ["-(a ^ 2)", "-a ^ 2"],
      ["(f + g)(x)", "(f + g)(x)"],
      ["(-x).left", "(-x).left"],
      ["1e-3 * x", "1e-3 * x"],
    ];
    for (const [input, expected] of cases) {
      const item = parse(`let e = ${input};`).program.items[0];
      if (item?.kind !== "LetDecl") throw new Error("expected a let");
      expect(printExpr(item.value), input).toBe(expected);
    }
  });

  it("examples: print is a fixed point after one round and parse(print(ast)) ≡ ast", () => {
    for (const text of examples) {
      const { program } = parse(text);
      expect(roundTrips(program)).toBe(true);
      const once = print(program);
      expect(print(parse(once).program)).toBe(once);
    }
  });

  it("property: parse(print(ast)) ≡ ast on generated programs", () => {
    fc.assert(
      fc.property(programArb, (program) => roundTrips(program)),
      { numRuns: 400 },
    );
  });

  it("property: expressions alone round-trip through a let", () => {
    fc.assert(
      fc.property(exprArb, (value) =>
        roundTrips({
          kind: "Program",
          uri: "<input>",
          range: emptyRange,
          items: [{ kind: "LetDecl", name: { kind: "Ident", name: "e", range: emptyRange }, value, range: emptyRange }],
        }),
      ),
      { numRuns: 600 },
    );
  });

  it("control: a printer that drops needed parentheses is caught by the law", () => {
    const result = fc.check(
      fc.property(exprArb, (value) => {
        const program: Program = {
          kind: "Program",
          uri: "<input>",
          range: emptyRange,
          items: [{ kind: "LetDecl", name: { kind: "Ident", name: "e", range: emptyRange }, value, range: emptyRange }],
        };
        return roundTrips(program, printWithoutParens);
      }),
      { numRuns: 600, seed: 42 },
    );
    expect(result.failed).toBe(true);
  });

  it("control: the law notices a changed tree (comparison is not vacuous)", () => {
    const [first] = examples;
    const { program } = parse(first);
    const renamed = (p: Program) => print(p).replace(/\bspace (\w+)/, "space $1_renamed");
    expect(roundTrips(program, renamed)).toBe(false);
  });
});
