import { describe, expect, it } from "vitest";
import { LineMap } from "../../src/ast/source.js";
import { lex } from "../../src/parser/lexer.js";
import { limitNesting, maxBracketDepth, maxChain } from "../../src/parser/nesting.js";

function limit(text: string) {
  const lines = new LineMap(text);
  const { tokens } = lex(text, "t.lin", lines);
  const result = limitNesting(tokens, lines, "t.lin");
  return { tokens, result, kept: result.tokens.map((t) => t.image).join(" ") };
}

describe("limitNesting", () => {
  it("leaves a stream within the limits as it is (the same array)", () => {
    const text = `let x = ${"f(".repeat(maxBracketDepth)}y${")".repeat(maxBracketDepth)} ^ ${"-".repeat(maxChain - 1)}z;`;
    const { tokens, result } = limit(text);
    expect(result.tokens).toBe(tokens);
    expect(result.diagnostics).toEqual([]);
  });

  it("drops the contents of the first bracket past the limit and keeps the brackets", () => {
    const n = maxBracketDepth + 1;
    const text = `let x = ${"(".repeat(n)}a + b${")".repeat(n)};`;
    const { result, kept } = limit(text);
    expect(kept).toBe(`let x = ${"( ".repeat(n)}${") ".repeat(n)};`);
    const [d] = result.diagnostics;
    expect(d.code).toBe("LIN0107");
    expect(text.slice(d.range.start.offset, d.range.end.offset)).toBe("a + b");
  });

  it("drops the rest of an operand past the chain limit, up to the next separator", () => {
    const text = `let x = ${"-".repeat(maxChain + 1)}y, z;`;
    const { result, kept } = limit(text);
    expect(kept).toBe(`let x = ${"- ".repeat(maxChain)}, z ;`);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["LIN0107"]);
  });

  it("counts only prefix minus: a long difference is not a chain", () => {
    const text = `let x = ${Array.from({ length: 3 * maxChain }, (_, i) => `a${i}`).join(" - ")};`;
    expect(limit(text).result.diagnostics).toEqual([]);
  });
});

describe("limitNesting: postfix chains", () => {
  it("drops the rest of an operand past the chain limit of calls, fields and indexes", () => {
    for (const suffix of ["(x)", ".U", "[0]"]) {
      const text = `let y = f${suffix.repeat(maxChain + 1)}, z;`;
      const { result, kept } = limit(text);
      expect(result.diagnostics.map((d) => d.code)).toEqual(["LIN0107"]);
      expect(kept.endsWith(", z ;")).toBe(true);
    }
  });

  it("counts per operand: as many calls as the limit, and any number of short chains, pass", () => {
    const atLimit = `let y = f${"(x)".repeat(maxChain)};`;
    expect(limit(atLimit).result.diagnostics).toEqual([]);
    const many = `let y = ${Array.from({ length: 3 * maxChain }, () => "svd(f).U(x)").join(" + ")};`;
    expect(limit(many).result.diagnostics).toEqual([]);
    // The first bracket groups; each later one calls what came before: maxChain − 1 postfix forms.
    expect(limit(`let y = ${"(a)".repeat(maxChain)};`).result.diagnostics.map((d) => d.code)).toEqual([]);
  });
});
