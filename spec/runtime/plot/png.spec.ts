// Line and scatter plots decode as PNGs of the asked size, with each series' colour drawn where its
// points are and nowhere when a series is empty (the control).
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { renderPlot, saveLinePlot, saveScatterPlot, formatTick, type Rgb } from "../../../src/runtime/plot/index.js";

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
    const png = PNG.sync.read(renderPlot([{ x, y: x.map((v) => Math.exp(-v / 10)), color: red }], "line", { width: 300, height: 200, logY: true }));
    expect([png.width, png.height]).toEqual([300, 200]);
    // The data span 94% of the plot area's width (3% padding each side), one pixel per column at least.
    expect(count(png, red)).toBeGreaterThanOrEqual(Math.floor(0.94 * (300 - 56 - 12)));
    const empty = PNG.sync.read(renderPlot([{ x: [], y: [], color: red }], "line", { width: 300, height: 200 }));
    expect(count(empty, red)).toBe(0);
  });

  it("scatters two clouds in their colours, with equal axes", () => {
    const a = { x: [0, 1, 2], y: [0, 1, 0], color: red };
    const b = { x: [5], y: [5], color: green };
    const png = PNG.sync.read(renderPlot([a, b], "scatter", { width: 240, height: 240, equalAxes: true, radius: 0 }));
    // radius 0: one fully opaque-ish dot per point, blended at 60% over white.
    const blend = (c: Rgb): Rgb => [Math.round(255 * 0.4 + c[0] * 0.6), Math.round(255 * 0.4 + c[1] * 0.6), Math.round(255 * 0.4 + c[2] * 0.6)];
    expect(count(png, blend(red))).toBe(3);
    expect(count(png, blend(green))).toBe(1);
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
});
