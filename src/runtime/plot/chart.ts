// Line plots (loss curves, spectra) and scatter plots (2-D samples against data) as SVG: axes with
// ticks at nice real values and light grid lines, axis names (a log axis says "log scale" and has its
// ticks at powers of ten), a title, and a legend that shows each series' marker or line. Series are
// told apart by colour and by marker (filled circle, cross, square, …), so overlapping clouds stay
// distinguishable. Saved as PNG + SVG (raster.ts).
import { cssColor, paletteColor, type Rgb } from "./colors.js";
import { FONT_SIZE, label, textWidth } from "./labels.js";
import { ensurePictureFits } from "./limits.js";
import { markerFor, markerPath, type MarkerShape } from "./markers.js";
import { FONT_FAMILY, saveSvgAndPng } from "./raster.js";
import { element, group, svgDocument, svgNumber, type Markup } from "./svg.js";
import { linearTicks, logTicks, type Tick } from "./ticks.js";

export interface Series {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly color?: Rgb;
  /** Name in the legend; the legend lists the labelled series and is drawn when there is one. */
  readonly label?: string;
  /** The point marker (scatter: by default the series' place in MARKERS; line: none unless given). */
  readonly marker?: MarkerShape;
}

export interface PlotOptions {
  readonly width?: number;
  readonly height?: number;
  /** Log-scale y axis (non-positive values are dropped); the y label then says "log scale". */
  readonly logY?: boolean;
  /** Marker half size in pixels. */
  readonly radius?: number;
  /** Equal scales on both axes (for point clouds). */
  readonly equalAxes?: boolean;
  readonly title?: string;
  /** Name (and unit) of the x axis, e.g. "index i". */
  readonly xLabel?: string;
  /** Name (and unit) of the y axis, e.g. "singular value σᵢ"; read bottom to top. */
  readonly yLabel?: string;
  /** Integer x ticks (an index axis); by default on when every x value is an integer. */
  readonly integerX?: boolean;
}

/** Where the plot area lies, and its axis ranges and ticks (axis coordinates: log10 y on a log axis). */
export interface PlotLayout {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  /** The y axis's label as drawn (with "log scale" on a log axis), if any. */
  readonly yLabel: string | undefined;
}

const TICK_LENGTH = 4;
const GAP = 6;
const AXIS = "#000000";
const GRID = "#e1e1e1";
const FRAME = "#bebebe";

/** The y axis label as drawn: a log axis says so. */
export function yAxisLabel(options: PlotOptions): string | undefined {
  if (options.logY !== true) return options.yLabel;
  return options.yLabel === undefined ? "log scale" : `${options.yLabel} (log scale)`;
}

function range(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = 0.03 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** The points of `series` that can be drawn, in axis coordinates. */
function points(series: readonly Series[], logY: boolean): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      if (Number.isFinite(s.y[i]) && (!logY || s.y[i] > 0) && Number.isFinite(s.x[i])) {
        xs.push(s.x[i]);
        ys.push(logY ? Math.log10(s.y[i]) : s.y[i]);
      }
    }
  }
  return { xs, ys };
}

/**
 * Margins sized to what they hold: the left one to the widest y tick label (plus the y label), the
 * top one to the title, the bottom one to the x labels; then the axis ranges and their ticks.
 */
export function plotLayout(series: readonly Series[], options: PlotOptions = {}): PlotLayout {
  const width = options.width ?? 640;
  const height = options.height ?? 420;
  const logY = options.logY ?? false;
  const yLabel = yAxisLabel(options);
  const { xs, ys } = points(series, logY);
  let [x0, x1] = range(xs);
  let [y0, y1] = range(ys);
  const top = options.title ? FONT_SIZE.title + 2 * GAP + 4 : 14;
  const bottom = height - (TICK_LENGTH + 4 + FONT_SIZE.tick + (options.xLabel ? GAP + FONT_SIZE.axis : 0) + GAP + 2);
  // Ticks every ~50 px vertically; the y labels decide the left margin, which decides the x ticks.
  const yTarget = Math.max(2, Math.round((bottom - top) / 50));
  const ticksY = (a: number, b: number): Tick[] => (logY ? logTicks(a, b, yTarget) : linearTicks(a, b, yTarget));
  const labelWidth = Math.max(0, ...ticksY(y0, y1).map((t) => textWidth(t.label, FONT_SIZE.tick)));
  const left = Math.ceil(GAP + (yLabel ? FONT_SIZE.axis + GAP : 0) + labelWidth + TICK_LENGTH + 4);
  const right = width - 16;
  const plotW = right - left;
  const plotH = bottom - top;
  if (options.equalAxes) {
    const perPixel = Math.max((x1 - x0) / plotW, (y1 - y0) / plotH);
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    [x0, x1] = [cx - (perPixel * plotW) / 2, cx + (perPixel * plotW) / 2];
    [y0, y1] = [cy - (perPixel * plotH) / 2, cy + (perPixel * plotH) / 2];
  }
  const integerX = options.integerX ?? (xs.length > 0 && xs.every(Number.isInteger));
  // Ticks every ~80 px horizontally (labels are up to ~7 characters, 50 px).
  const xTicks = linearTicks(x0, x1, Math.max(2, Math.round(plotW / 80)), integerX);
  return { left, right, top, bottom, x: [x0, x1], y: [y0, y1], xTicks, yTicks: ticksY(y0, y1), yLabel };
}

interface LegendEntry {
  readonly label: string;
  readonly color: Rgb;
  readonly marker: MarkerShape | undefined;
}

/** A box in the plot's top-right corner: each labelled series' marker (or a line) and its label. */
function legend(entries: readonly LegendEntry[], right: number, top: number, radius: number): Markup[] {
  if (entries.length === 0) return [];
  const swatch = 18;
  const row = FONT_SIZE.caption + 7;
  const boxW = swatch + GAP + Math.max(...entries.map((e) => textWidth(e.label, FONT_SIZE.caption))) + 2 * GAP;
  const boxH = entries.length * row + GAP;
  const bx = right - 8 - boxW;
  const by = top + 8;
  const parts: Markup[] = [element("rect", { x: bx, y: by, width: boxW, height: boxH, fill: "#ffffff", "fill-opacity": 0.85, stroke: FRAME })];
  entries.forEach((e, i) => {
    const cy = by + GAP + i * row + row / 2 - 3;
    const sx = bx + GAP;
    parts.push(
      e.marker === undefined
        ? element("line", { x1: sx, y1: cy, x2: sx + swatch, y2: cy, stroke: cssColor(e.color), "stroke-width": 2 })
        : markerPath(e.marker, [[sx + swatch / 2, cy]], Math.max(3, radius), e.color),
    );
    parts.push(label(e.label, sx + swatch + GAP, cy, { size: FONT_SIZE.caption, middle: true }));
  });
  return [group({ class: "legend" }, parts)];
}

/** The chart as an SVG document: series as lines (`kind = "line"`) or as markers (`"scatter"`). */
export function plotSvg(series: readonly Series[], kind: "line" | "scatter", options: PlotOptions = {}): Markup {
  const width = options.width ?? 640;
  const height = options.height ?? 420;
  const logY = options.logY ?? false;
  const radius = options.radius ?? 2.5;
  ensurePictureFits(width, height, "a chart");
  const layout = plotLayout(series, options);
  const { left, right, top, bottom } = layout;
  const [x0, x1] = layout.x;
  const [y0, y1] = layout.y;
  const px = (x: number): number => left + ((x - x0) / (x1 - x0)) * (right - left);
  const py = (y: number): number => top + (1 - (y - y0) / (y1 - y0)) * (bottom - top);
  const keep = (x: number, y: number): boolean => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0);
  const parts: Markup[] = [];

  // Grid first, so that data and axes draw over it.
  const grid = [
    ...layout.xTicks.map((t) => element("line", { x1: px(t.at), y1: top, x2: px(t.at), y2: bottom, stroke: GRID })),
    ...layout.yTicks.map((t) => element("line", { x1: left, y1: py(t.at), x2: right, y2: py(t.at), stroke: GRID })),
  ];
  parts.push(group({ class: "grid" }, grid));
  parts.push(element("rect", { x: left, y: top, width: right - left, height: bottom - top, fill: "none", stroke: FRAME }));
  parts.push(element("defs", {}, element("clipPath", { id: "plot-area" }, element("rect", { x: left, y: top, width: right - left, height: bottom - top }))));

  const entries: LegendEntry[] = [];
  const data: Markup[] = [];
  series.forEach((s, k) => {
    const color = s.color ?? paletteColor(k);
    const marker = s.marker ?? (kind === "scatter" ? markerFor(k) : undefined);
    const runs: [number, number][][] = [[]];
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      const x = s.x[i];
      const y = s.y[i];
      if (!keep(x, y)) {
        if (runs[runs.length - 1].length > 0) runs.push([]);
        continue;
      }
      runs[runs.length - 1].push([px(x), py(logY ? Math.log10(y) : y)]);
    }
    const all = runs.flat();
    const attrs = { class: "series", "data-label": s.label, "data-points": all.length };
    const drawn: Markup[] = [];
    if (kind === "line") {
      for (const run of runs.filter((r) => r.length > 1)) {
        drawn.push(element("polyline", { points: run.map(([x, y]) => `${svgNumber(x)},${svgNumber(y)}`).join(" "), fill: "none", stroke: cssColor(color), "stroke-width": 1.5 }));
      }
    }
    if (marker !== undefined && all.length > 0) drawn.push(markerPath(marker, all, radius, color));
    else if (kind === "line" && all.length > 0 && runs.every((r) => r.length <= 1)) drawn.push(markerPath("circle", all, 1.5, color));
    data.push(group(attrs, drawn));
    if (s.label !== undefined) entries.push({ label: s.label, color, marker });
  });
  parts.push(group({ "clip-path": "url(#plot-area)" }, data));

  const axes: Markup[] = [
    element("line", { x1: left, y1: top, x2: left, y2: bottom, stroke: AXIS }),
    element("line", { x1: left, y1: bottom, x2: right, y2: bottom, stroke: AXIS }),
  ];
  for (const t of layout.yTicks) {
    const y = py(t.at);
    axes.push(element("line", { x1: left - TICK_LENGTH, y1: y, x2: left, y2: y, stroke: AXIS }));
    axes.push(label(t.label, left - TICK_LENGTH - 3, y, { size: FONT_SIZE.tick, anchor: "end", middle: true }));
  }
  for (const t of layout.xTicks) {
    const x = px(t.at);
    axes.push(element("line", { x1: x, y1: bottom, x2: x, y2: bottom + TICK_LENGTH, stroke: AXIS }));
    axes.push(label(t.label, x, bottom + TICK_LENGTH + 3 + FONT_SIZE.tick, { size: FONT_SIZE.tick, anchor: "middle" }));
  }
  parts.push(group({ class: "axes", "data-y-scale": logY ? "log" : "linear" }, axes));
  if (options.title) parts.push(label(options.title, width / 2, GAP + FONT_SIZE.title, { size: FONT_SIZE.title, anchor: "middle", bold: true }));
  if (options.xLabel) parts.push(label(options.xLabel, (left + right) / 2, height - GAP - 2, { size: FONT_SIZE.axis, anchor: "middle" }));
  if (layout.yLabel) parts.push(label(layout.yLabel, GAP + FONT_SIZE.axis - 2, (top + bottom) / 2, { size: FONT_SIZE.axis, anchor: "middle", rotate: -90 }));
  parts.push(...legend(entries, right, top, radius));
  return svgDocument(width, height, FONT_FAMILY, parts);
}

export async function saveLinePlot(file: string, series: readonly Series[], options: PlotOptions = {}): Promise<void> {
  await saveSvgAndPng(file, plotSvg(series, "line", options));
}

export async function saveScatterPlot(file: string, series: readonly Series[], options: PlotOptions = {}): Promise<void> {
  await saveSvgAndPng(file, plotSvg(series, "scatter", { equalAxes: true, ...options }));
}
