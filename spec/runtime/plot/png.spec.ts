// Line and scatter plots decode as PNGs of the asked size, with each series' colour drawn where its
// points are and nowhere when a series is empty (the control); a title, a legend and the left margin
// appear where and as wide as they should, each against a plot without them.
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { canDraw, plotLayout, renderPlot, saveLinePlot, saveScatterPlot, formatTick, TITLE_TOP, type Rgb } from "../../../src/runtime/plot/index.js";

function count(png: PNG, [r, g, b]: Rgb): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) n++;
  return n;
}

const red: Rgb = [255, 0, 0];
const green: Rgb = [0, 200, 0];

describe("PNG plots", () => {
  it("draws a line plot of the asked size with the series colour", () => {
    const x = Array.from({ length: 50 }, (_, i) => i);
    const series = [{ x, y: x.map((v) => Math.exp(-v / 10)), color: red }];
    const png = PNG.sync.read(renderPlot(series, "line", { width: 300, height: 200, logY: true }));
    expect([png.width, png.height]).toEqual([300, 200]);
    // The data span 94% of the plot area's width (3% padding each side), one pixel per column at least.
    const { left, right } = plotLayout(series, { width: 300, height: 200, logY: true });
    expect(count(png, red)).toBeGreaterThanOrEqual(Math.floor(0.94 * (right - left)));
    const empty = PNG.sync.read(renderPlot([{ x: [], y: [], color: red }], "line", { width: 300, height: 200 }));
    expect(count(empty, red)).toBe(0);
  });

  it("scatters two clouds in their colours, with equal axes", () => {
    const a = { x: [0, 1, 2], y: [0, 1, 0], color: red };
    const b = { x: [5], y: [5], color: green };
    const png = PNG.sync.read(renderPlot([a, b], "scatter", { width: 240, height: 240, equalAxes: true, radius: 0 }));
    // radius 0: one pixel per point, blended at 60% over white, or over the light grey (225) of a grid
    // line where the point sits on a tick.
    const blend = (c: Rgb, under: number): Rgb => [Math.round(under * 0.4 + c[0] * 0.6), Math.round(under * 0.4 + c[1] * 0.6), Math.round(under * 0.4 + c[2] * 0.6)];
    const dots = (c: Rgb): number => count(png, blend(c, 255)) + count(png, blend(c, 225));
    expect(dots(red)).toBe(3);
    expect(dots(green)).toBe(1);
  });

  it("saves atomically and the files decode", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "linea-plot-"));
    await saveLinePlot(path.join(dir, "l.png"), [{ x: [1, 2, 3], y: [3, 1, 2] }]);
    await saveScatterPlot(path.join(dir, "s.png"), [{ x: [1, 2, 3], y: [3, 1, 2] }]);
    expect(readdirSync(dir).sort()).toEqual(["l.png", "s.png"]);
    for (const f of ["l.png", "s.png"]) {
      const png = PNG.sync.read(readFileSync(path.join(dir, f)));
      expect([png.width, png.height]).toEqual([640, 420]);
    }
  });

  it("formats axis numbers briefly", () => {
    expect(formatTick(0.012345)).toBe("0.0123");
    expect(formatTick(123456)).toBe("1.2e5");
    expect(formatTick(0)).toBe("0");
  });

  it("draws the title in the title band, and nothing there without one (control)", () => {
    const series = [{ x: [1, 2, 3], y: [3, 1, 2] }];
    const band = (png: PNG): number => {
      let n = 0;
      for (let y = 0; y < TITLE_TOP + 10; y++) for (let x = 0; x < png.width; x++) if (png.data[(y * png.width + x) * 4] !== 255) n++;
      return n;
    };
    const titled = PNG.sync.read(renderPlot(series, "line", { width: 300, height: 200, title: "training loss" }));
    const plain = PNG.sync.read(renderPlot(series, "line", { width: 300, height: 200 }));
    expect(band(titled)).toBeGreaterThan(0);
    expect(band(plain)).toBe(0);
    expect(canDraw("singular values of f: σᵢ (index i)")).toBe(true);
    expect(canDraw("λ")).toBe(false);
  });

  it("widens the left margin to the widest y label, and for a y axis label", () => {
    const x = [1, 2, 3];
    // "0.5" against "1e-15"-style labels (5 characters): the left margin grows with the label width.
    const narrow = plotLayout([{ x, y: [0.1, 0.5, 0.9] }], { width: 300, height: 200 });
    const wide = plotLayout([{ x, y: [2.1e-15, 1e-3, 5] }], { width: 300, height: 200, logY: true });
    expect(wide.yTicks.some((t) => t.label.length >= 5)).toBe(true);
    expect(wide.left).toBeGreaterThan(narrow.left);
    const labelled = plotLayout([{ x, y: [0.1, 0.5, 0.9] }], { width: 300, height: 200, yLabel: "loss" });
    expect(labelled.left).toBeGreaterThan(narrow.left);
    // The y axis is drawn at that margin: a black column over the plot's height.
    const png = PNG.sync.read(renderPlot([{ x, y: [2.1e-15, 1e-3, 5] }], "line", { width: 300, height: 200, logY: true }));
    const black = (xx: number): number => {
      let n = 0;
      for (let y = wide.top; y <= wide.bottom; y++) if (png.data[(y * 300 + xx) * 4] === 0 && png.data[(y * 300 + xx) * 4 + 2] === 0) n++;
      return n;
    };
    expect(black(wide.left)).toBe(wide.bottom - wide.top + 1);
    expect(black(narrow.left)).toBeLessThan(wide.bottom - wide.top + 1);
  });

  it("uses integer x ticks for index data and draws a legend only for labelled series", () => {
    // Two points: a 1-2-5 step of 0.5 would fit the range, which the index axis refuses.
    const index = plotLayout([{ x: [1, 2], y: [2, 1] }], { width: 300, height: 200 });
    expect(index.xTicks.map((t) => t.at)).toEqual([1, 2]);
    const fractional = plotLayout([{ x: [1, 2], y: [2, 1] }], { width: 300, height: 200, integerX: false });
    expect(fractional.xTicks.some((t) => !Number.isInteger(t.at))).toBe(true);
    const x = [1, 2, 3, 4];
    const two = [
      { x, y: [4, 3, 2, 1], color: red },
      { x, y: [1, 2, 3, 4], color: green },
    ];
    // The legend's swatches are solid 3-pixel-high bars; plain lines are 1 pixel wide, so a column
    // of 3 identical red pixels appears only with the legend.
    const bar = (png: PNG): boolean => {
      for (let y = 0; y + 2 < png.height; y++) {
        for (let xx = 0; xx < png.width; xx++) {
          const same = [0, 1, 2].every((d) => count1(png, xx, y + d, red) && count1(png, xx + 1, y + d, red));
          if (same) return true;
        }
      }
      return false;
    };
    const labelled = PNG.sync.read(
      renderPlot(
        two.map((s, i) => ({ ...s, label: i === 0 ? "down" : "up" })),
        "line",
        { width: 300, height: 200 },
      ),
    );
    const unlabelled = PNG.sync.read(renderPlot(two, "line", { width: 300, height: 200 }));
    expect(bar(labelled)).toBe(true);
    expect(bar(unlabelled)).toBe(false);
  });
});

function count1(png: PNG, x: number, y: number, [r, g, b]: Rgb): boolean {
  if (x >= png.width) return false;
  const i = (y * png.width + x) * 4;
  return png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b;
}
