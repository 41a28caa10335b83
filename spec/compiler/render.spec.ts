// Terminal rendering: header with code, location, a code frame with carets under exactly the range,
// the because notes, the help line and the related locations.
import { describe, expect, it } from "vitest";
import { renderDiagnostic, renderDiagnostics } from "../../src/diagnostics/render.js";
import { diagnostic } from "../../src/ast/diagnostic.js";
import { LineMap } from "../../src/ast/source.js";
import { checkSource, mainUri } from "./helpers.js";

describe("renderDiagnostic", () => {
  it("draws carets under the range on its line", () => {
    const text = "space X = R^2;\nlet y = nope + 1;\n";
    const lines = new LineMap(text);
    const start = text.indexOf("nope");
    const d = diagnostic({
      uri: "/proj/a.lin",
      range: lines.range(start, start + 4),
      code: "LIN0201",
      message: "unknown name `nope`",
      because: ["nothing declares it"],
      fix: { title: "declare it", edits: [] },
      related: [{ location: { uri: "/proj/a.lin", range: lines.range(6, 7) }, message: "X declared here" }],
    });
    const out = renderDiagnostic(d, () => text, { cwd: "/proj" }).split("\n");
    expect(out[0]).toBe("error[LIN0201]: unknown name `nope`");
    expect(out[1]).toBe(" --> a.lin:2:9");
    const src = out.findIndex((l) => l.includes("let y = nope + 1;"));
    expect(out[src]).toBe(" 2 | let y = nope + 1;");
    // The caret line starts under the gutter and has one caret per character of the range.
    expect(out[src + 1]).toBe("   |         ^^^^");
    expect(out).toContain("  = because nothing declares it");
    expect(out).toContain("  = help: declare it");
    expect(out).toContain("  related: X declared here at a.lin:1:7");
  });

  it("renders the central error from a real check with both networks named", () => {
    const text = [
      "space X = R^4;",
      "network G : R^4 tagged { actnorm; }",
      "network H : R^4 { actnorm; }",
      "space D = induced G[1];",
      "space D2 = induced H;",
      "map f : X -> D = dense;",
      "map h : D2 -> X = dense;",
      "let k = h * f;",
    ].join("\n");
    const out = checkSource(text);
    const rendered = renderDiagnostics(out.diagnostics, (u) => out.sources.get(u), { cwd: "/proj" });
    expect(rendered).toContain("error[LIN0301]");
    expect(rendered).toContain(" --> main.lin:8:9");
    expect(rendered).toContain(" 8 | let k = h * f;");
    expect(rendered).toContain("   |         ^^^^^");
    expect(rendered).toContain("network G declared here at main.lin:2:9");
    expect(rendered).toContain("network H declared here at main.lin:3:9");
    expect(rendered.trimEnd().endsWith("1 error, 0 warnings")).toBe(true);
    expect(out.diagnostics[0].uri).toBe(mainUri);
  });
});
