// The renderer stays bounded and linear however broken the input: identical diagnostics once, at most
// maxPerFile drawn per file with a count of the rest, code-frame lines cut to a window around the range.
import { describe, expect, it } from "vitest";
import { diagnostic, type Diagnostic } from "../../src/ast/diagnostic.js";
import { LineMap } from "../../src/ast/source.js";
import { renderDiagnostics } from "../../src/diagnostics/render.js";

/** n diagnostics, one every 3 characters, on a one-line file of 16 kB (a minified or generated file). */
function flood(n: number): { text: string; diagnostics: Diagnostic[] } {
  const text = "x".repeat(16 * 1024);
  const lines = new LineMap(text);
  const diagnostics = Array.from({ length: n }, (_, i) =>
    diagnostic({ uri: "/p/a.lin", range: lines.range((3 * i) % text.length, ((3 * i) % text.length) + 2), code: "LIN0101", message: `unexpected character ${i}` }),
  );
  return { text, diagnostics };
}

// One diagnostic drawn: header (~40 chars), location, a frame of 2 lines of at most 120 columns plus
// gutter and ellipses (< 140 each), blank separators: < 400 characters. Bounds below use 1,000 each.
const PER_DIAGNOSTIC = 1000;

describe("renderDiagnostics limits", () => {
  it("5,000 diagnostics on a 16 kB line: 100 drawn, one count line, output bounded", () => {
    const { text, diagnostics } = flood(5000);
    const out = renderDiagnostics(diagnostics, () => text, { cwd: "/p" });
    expect(out.match(/^error\[LIN0101\]/gm)).toHaveLength(100);
    expect(out).toContain("… and 4900 more diagnostics in a.lin (not shown)");
    expect(out.trimEnd().endsWith("5000 errors, 0 warnings")).toBe(true);
    expect(out.length).toBeLessThan(100 * PER_DIAGNOSTIC);
  });

  it("with no cap every diagnostic is drawn, each frame cut to its window (control: the caret still sits under the range)", () => {
    const { text, diagnostics } = flood(5000);
    const out = renderDiagnostics(diagnostics, () => text, { cwd: "/p", maxPerFile: Infinity });
    expect(out.match(/^error\[LIN0101\]/gm)).toHaveLength(5000);
    expect(out.length).toBeLessThan(5000 * PER_DIAGNOSTIC);
    // Diagnostic 2000 starts at column 6000: the window starts 30 columns before it, after an ellipsis.
    const lines = out.split("\n");
    const at = lines.findIndex((l) => l === "error[LIN0101]: unexpected character 2000");
    const source = lines[at + 3] ?? "";
    const carets = lines[at + 4] ?? "";
    expect(source.startsWith(" 1 | …")).toBe(true);
    expect(source.length).toBeLessThan(140);
    expect(carets.indexOf("^")).toBe(" 1 | …".length + 30);
    expect(carets.match(/\^/g)).toHaveLength(2);
  });

  it("an identical diagnostic (code, message, range) is printed once", () => {
    const text = "let $ = 1;\n";
    const lines = new LineMap(text);
    const one = diagnostic({ uri: "/p/a.lin", range: lines.range(4, 5), code: "LIN0101", message: 'unexpected character "$"' });
    const other = diagnostic({ uri: "/p/a.lin", range: lines.range(4, 5), code: "LIN0103", message: "another" });
    const out = renderDiagnostics([one, one, other, one], () => text, { cwd: "/p" });
    expect(out.match(/^error\[LIN0101\]/gm)).toHaveLength(1);
    expect(out.match(/^error\[LIN0103\]/gm)).toHaveLength(1); // control: a different code at the same place stays
    expect(out.trimEnd().endsWith("2 errors, 0 warnings")).toBe(true);
  });
});
