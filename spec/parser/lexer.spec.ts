import { describe, expect, it } from "vitest";
import { LineMap } from "../../src/ast/source.js";
import { lex, stringValue } from "../../src/parser/lexer.js";

function run(text: string) {
  return lex(text, "t.lin", new LineMap(text));
}

function kinds(text: string): string[] {
  return run(text).tokens.map((t) => t.tokenType.name);
}

describe("lexer", () => {
  it("reads the unicode synonyms as their ASCII tokens", () => {
    expect(kinds("ℝ^3 R^3")).toEqual(kinds("R^3 R^3"));
    expect(kinds("g ∘ f")).toEqual(["Ident", "Star", "Ident"]);
    expect(kinds("X → Y")).toEqual(["Ident", "Arrow", "Ident"]);
  });

  it("tells keywords from identifiers that start with one", () => {
    expect(kinds("map mapping R Rx space_ scalar")).toEqual(["Kw_map", "Ident", "Kw_R", "Ident", "Ident", "Kw_scalar"]);
  });

  it("skips both kinds of comments and keeps a slash that starts none", () => {
    expect(kinds("a // b c\n/* d\n e */ / f")).toEqual(["Ident", "Slash", "Ident"]);
  });

  it("reads every number form as one token, and no sign", () => {
    const text = "123 0.5 1e-3 2.5E+2 -4";
    expect(run(text).tokens.map((t) => t.image)).toEqual(["123", "0.5", "1e-3", "2.5E+2", "-", "4"]);
  });

  it("decodes string escapes", () => {
    const [token] = run(String.raw`"a\"b\\c\nd\te"`).tokens;
    expect(stringValue(token)).toBe('a"b\\c\nd\te');
  });

  it("reports an unexpected character with its range and keeps lexing (LIN0101)", () => {
    const text = "space X @$ = R^2;";
    const result = run(text);
    expect(result.diagnostics.map((d) => [d.code, d.range.start.offset, d.range.end.offset])).toEqual([["LIN0101", 8, 10]]);
    expect(result.tokens.map((t) => t.image).join(" ")).toBe("space X = R ^ 2 ;");
  });

  it("reports an unterminated string to the end of its line (LIN0102)", () => {
    const text = 'import "./nets.lin as nets;\nspace X = R^2;';
    const result = run(text);
    const [d] = result.diagnostics;
    expect(d.code).toBe("LIN0102");
    expect([d.range.start.offset, d.range.end.offset]).toEqual([7, 27]);
    expect(result.tokens.some((t) => t.image === "space")).toBe(true);
  });

  it("reports an unterminated block comment (LIN0102)", () => {
    const text = "space X = R^2; /* no end\nspace Y = R^3;";
    const [d] = run(text).diagnostics;
    expect(d.code).toBe("LIN0102");
    expect([d.range.start.offset, d.range.end.offset]).toEqual([15, text.length]);
  });

  it("reports an invalid escape at the escape (LIN0106)", () => {
    const text = String.raw`import "a\qb" as n;`;
    const [d] = run(text).diagnostics;
    expect(d.code).toBe("LIN0106");
    expect(text.slice(d.range.start.offset, d.range.end.offset)).toBe("\\q");
  });

  it("control: a clean text gives no diagnostics", () => {
    expect(run('import "./a.lin" as a; space X = ℝ[1, 28, 28];').diagnostics).toEqual([]);
  });
});
