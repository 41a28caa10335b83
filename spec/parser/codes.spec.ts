import { describe, expect, it } from "vitest";
import { SyntaxCode, syntaxCodes } from "../../src/diagnostics/codes.js";

describe("syntax code registry", () => {
  it("lists each code once, in the LIN01xx range, with a title and a one-line summary", () => {
    const codes = syntaxCodes.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of syntaxCodes) {
      expect(c.code).toMatch(/^LIN01\d\d$/);
      expect(c.title.length).toBeGreaterThan(0);
      expect(c.summary.length).toBeGreaterThan(0);
      expect(c.summary).not.toContain("\n");
    }
  });

  it("registers every code the parser can emit", () => {
    expect([...codes()].sort()).toEqual(syntaxCodes.map((c) => c.code).sort());
  });
});

function codes(): Set<string> {
  return new Set(Object.values(SyntaxCode));
}
