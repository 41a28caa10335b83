// Line and scatter charts: the SVG is well-formed XML and says what the picture shows (title and axis
// names with Greek letters and lower case as written, "log scale" and power-of-ten ticks on a log axis,
// a legend naming every series with distinct markers); the PNG rasterised from it has the asked size,
// the series' colour where the series is, and the same bytes for the same input. Each check has a
// control that the old renderer (a 3×5 capitals-only bitmap font, one marker for every series) fails.
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { plotLayout, plotSvg, rasterise, saveLinePlot, saveScatterPlot, svgPathBeside } from "../../../src/runtime/plot/index.js";
import { element, svgDocument, text } from "../../../src/runtime/plot/svg.js";
import { elementsOf, groupOf, textsOf, xmlError } from "../../support/xml.js";

/** Pixels whose colour is within `tolerance` (per channel) of [r, g, b]: anti-aliased edges blend, so exact matches undercount. */
function near(png: PNG, [r, g, b]: readonly [number, number, number], tolerance: number): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i] - r) <= tolerance && Math.abs(png.data[i + 1] - g) <= tolerance && Math.abs(png.data[i + 2] - b) <= tolerance) n++;
  }
  return n;
}

const red = [255, 0, 0] as const;

/** Columns with a pixel that is mostly red (see the first test for the bounds). */
function redColumns(png: PNG): number {
  let n = 0;
  for (let x = 0; x < png.width; x++) {
    for (let y = 0; y < png.height; y++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i] >= 200 && png.data[i + 1] <= 128 && png.data[i + 2] <= 128) {
        n++;
        break;
      }
    }
  }
  return n;
}

describe("charts", () => {
  it("rasterises a line plot of the asked size with the series' colour, and nothing red for an empty series (control)", () => {
    const x = Array.from({ length: 50 }, (_, i) => i);
    const series = [{ x, y: x.map((v) => Math.exp(-v / 10)), color: red }];
    const svg = plotSvg(series, "line", { width: 300, height: 200, logY: true });
    expect(xmlError(svg)).toBeUndefined();
    const png = PNG.sync.read(rasterise(svg));
    expect([png.width, png.height]).toEqual([300, 200]);
    // The data span 94% of the plot's width (3% padding each side). A 1.5 px wide line covers at least
    // half of some pixel in every column it crosses, and red at coverage ≥ ½ over white (255) or a grid
    // line (225) has red ≥ 200 and green, blue ≤ 128.
    const { left, right } = plotLayout(series, { width: 300, height: 200, logY: true });
    expect(redColumns(png)).toBeGreaterThanOrEqual(Math.floor(0.94 * (right - left)));
    const empty = PNG.sync.read(rasterise(plotSvg([{ x: [], y: [], color: red }], "line", { width: 300, height: 200 })));
    expect(redColumns(empty)).toBe(0);
  });

  it("gives the same PNG bytes for the same input", () => {
    const series = [{ x: [1, 2, 3], y: [3, 1, 2], label: "α" }];
    const a = rasterise(plotSvg(series, "scatter", { title: "σᵢ", width: 200, height: 150 }));
    const b = rasterise(plotSvg(series, "scatter", { title: "σᵢ", width: 200, height: 150 }));
    expect(a.equals(b)).toBe(true);
    const c = rasterise(plotSvg([{ ...series[0], y: [3, 1, 2.5] }], "scatter", { title: "σᵢ", width: 200, height: 150 }));
    expect(a.equals(c)).toBe(false);
  });

  it("sets text in a real font: α is not A and lower case is not upper case (the old bitmap font drew both alike)", () => {
    const word = (s: string): Buffer => rasterise(svgDocument(60, 30, "DejaVu Sans", [element("text", { x: 5, y: 22, "font-size": 18 }, text(s))]));
    const ink = (b: Buffer): number => near(PNG.sync.read(b), [0, 0, 0], 128);
    expect(ink(word("α"))).toBeGreaterThan(10);
    expect(word("α").equals(word("A"))).toBe(false);
    expect(word("loss").equals(word("LOSS"))).toBe(false);
    const svg = plotSvg([{ x: [0, 1], y: [1, 2] }], "line", { title: "α·f + (1−α)·g", xLabel: "index i", yLabel: "singular value σᵢ" });
    expect(textsOf(svg)).toEqual(expect.arrayContaining(["α·f + (1−α)·g", "index i", "singular value σᵢ"]));
  });

  it("escapes text, so a label with < and & keeps the SVG well formed", () => {
    const svg = plotSvg([{ x: [0, 1], y: [1, 2], label: "a<b & c" }], "line", { title: '"x" < y' });
    expect(xmlError(svg)).toBeUndefined();
    expect(textsOf(svg)).toEqual(expect.arrayContaining(["a<b & c", '"x" < y']));
    // Control: the check itself refuses an unescaped "<".
    expect(xmlError("<svg><text>a<b</text></svg>")).toBeDefined();
    expect(xmlError("<svg><g></svg>")).toBeDefined();
  });

  it("marks a log axis in its label and puts its ticks at powers of ten; a linear axis says neither (control)", () => {
    const x = [1, 2, 3, 4];
    const y = [1e-6, 1e-3, 1, 1e3];
    const log = plotSvg([{ x, y }], "line", { logY: true, yLabel: "singular value σᵢ" });
    expect(textsOf(log)).toContain("singular value σᵢ (log scale)");
    expect(elementsOf(log, "g").find((g) => g.class === "axes")?.["data-y-scale"]).toBe("log");
    const { yTicks } = plotLayout([{ x, y }], { logY: true });
    // Log-spaced: equal steps in log10, each label the power of ten at its place.
    const steps = yTicks.slice(1).map((t, i) => t.at - yTicks[i].at);
    expect(new Set(steps).size).toBe(1);
    for (const t of yTicks) expect(Number(t.label)).toBeCloseTo(10 ** t.at, 12);
    const linear = plotSvg([{ x, y }], "line", { yLabel: "singular value σᵢ" });
    expect(textsOf(linear).some((s) => s.includes("log scale"))).toBe(false);
    expect(textsOf(plotSvg([{ x, y }], "line", { logY: true }))).toContain("log scale");
  });

  it("draws two scatter series with different markers and a legend naming both; no legend without labels (control)", () => {
    const one = { x: [0, 1, 2], y: [0, 1, 0], label: "one-step" };
    const multi = { x: [0, 1, 2], y: [0, 1, 0.1], label: "multi-step" };
    const svg = plotSvg([one, multi], "scatter", { width: 300, height: 300 });
    const data = svg.slice(0, svg.indexOf('<g class="legend"'));
    const markers = elementsOf(data, "path").map((p) => p["data-marker"]);
    expect(new Set(markers)).toEqual(new Set(["circle", "cross"]));
    const legend = groupOf(svg, "legend") ?? "";
    expect(textsOf(legend)).toEqual(["one-step", "multi-step"]);
    expect(elementsOf(legend, "path").map((p) => p["data-marker"])).toEqual(["circle", "cross"]);
    expect(
      groupOf(
        plotSvg(
          [
            { x: [0], y: [0] },
            { x: [1], y: [1] },
          ],
          "scatter",
        ),
        "legend",
      ),
    ).toBeUndefined();
  });

  it("writes the PNG and an SVG of the same name beside it, atomically (no temporary file left)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "linea-plot-"));
    await saveLinePlot(path.join(dir, "l.png"), [{ x: [1, 2, 3], y: [3, 1, 2] }]);
    await saveScatterPlot(path.join(dir, "s.png"), [{ x: [1, 2, 3], y: [3, 1, 2] }]);
    expect(readdirSync(dir).sort()).toEqual(["l.png", "l.svg", "s.png", "s.svg"]);
    expect(svgPathBeside("out/a.b/y.png")).toBe("out/a.b/y.svg");
    expect(svgPathBeside("out/y")).toBe("out/y.svg");
    for (const f of ["l", "s"]) {
      const png = PNG.sync.read(readFileSync(path.join(dir, `${f}.png`)));
      expect([png.width, png.height]).toEqual([640, 420]);
      expect(xmlError(readFileSync(path.join(dir, `${f}.svg`), "utf8"))).toBeUndefined();
    }
  });

  it("widens the left margin to the widest y label, and for a y axis label", () => {
    const x = [1, 2, 3];
    const narrow = plotLayout([{ x, y: [0.1, 0.5, 0.9] }], { width: 300, height: 200 });
    const wide = plotLayout([{ x, y: [2.1e-15, 1e-3, 5] }], { width: 300, height: 200, logY: true });
    expect(wide.yTicks.some((t) => t.label.length >= 5)).toBe(true);
    expect(wide.left).toBeGreaterThan(narrow.left);
    const labelled = plotLayout([{ x, y: [0.1, 0.5, 0.9] }], { width: 300, height: 200, yLabel: "loss" });
    expect(labelled.left).toBeGreaterThan(narrow.left);
  });

  it("uses integer x ticks for index data, real numbers otherwise", () => {
    // Two points: a 1-2-5 step of 0.5 would fit the range, which the index axis refuses.
    const index = plotLayout([{ x: [1, 2], y: [2, 1] }], { width: 300, height: 200 });
    expect(index.xTicks.map((t) => t.at)).toEqual([1, 2]);
    const fractional = plotLayout([{ x: [1, 2], y: [2, 1] }], { width: 300, height: 200, integerX: false });
    expect(fractional.xTicks.some((t) => !Number.isInteger(t.at))).toBe(true);
    const svg = plotSvg([{ x: [1, 2], y: [2, 1] }], "line", { width: 300, height: 200, integerX: false });
    for (const t of fractional.xTicks) expect(textsOf(svg)).toContain(t.label);
  });
});
