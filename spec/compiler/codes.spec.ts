// Every checker code: a minimal failing spec produces exactly that code at the marked range, and the
// corrected spec checks clean. The registry and the cases cover the same codes.
import { describe, expect, it } from "vitest";
import { checkCodes } from "../../src/diagnostics/codes.js";
import { codeCases } from "./code-cases.js";
import { checkSource, mainUri, marked } from "./helpers.js";

describe("checker codes", () => {
  it("the registry has unique codes in the checker's ranges, and one case per code", () => {
    const codes = checkCodes.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^LIN0[2-6]\d\d$/);
    expect([...new Set(codeCases.map((c) => c.code))].sort()).toEqual([...codes].sort());
  });

  for (const c of codeCases) {
    it(`${c.code} at the marked range, and its fix checks clean`, () => {
      const files: Record<string, string> = {};
      let where = { uri: mainUri, ...marked(c.src) };
      for (const [path, src] of Object.entries(c.files ?? {})) {
        const m = marked(src);
        files[path] = m.text;
        if (m.start >= 0) where = { uri: path, ...m };
      }
      const main = marked(c.src).text;
      const out = checkSource(main, files);
      expect(out.diagnostics.map((d) => d.code)).toContain(c.code);
      expect(new Set(out.diagnostics.map((d) => d.code))).toEqual(new Set([c.code]));
      const d = out.diagnostics.find((x) => x.code === c.code);
      expect(d?.uri).toBe(where.uri);
      expect([d?.range.start.offset, d?.range.end.offset]).toEqual([where.start, where.end]);
      expect(d?.message.length).toBeGreaterThan(0);
      expect(d?.message).not.toContain("\n");

      const fixed = checkSource(c.fix, files);
      expect(fixed.diagnostics).toEqual([]);
    });
  }
});
