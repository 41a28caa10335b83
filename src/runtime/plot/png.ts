// Line plots (loss curves, spectra) and scatter plots (2-D samples against data) as PNG files, drawn
// on an RGB raster and encoded with pngjs. Saved atomically. Axes carry ticks at nice values with
// light grid lines, and optionally a title, axis labels and a legend.
import { PNG } from "pngjs";
import { writeFileAtomic } from "../io/index.js";
import { drawText, GLYPH_HEIGHT, textWidth } from "./font.js";
import { linearTicks, logTicks, type Tick } from "./ticks.js";

export type Rgb = readonly [number, number, number];

export const PALETTE: readonly Rgb[] = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [255, 127, 14],
  [148, 103, 189],
];

export interface Series {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly color?: Rgb;
  /** Name in the legend; the legend lists the labelled series and is drawn when there is one. */
  readonly label?: string;
}

export interface PlotOptions {
  readonly width?: number;
  readonly height?: number;
  /** Log-scale y axis (non-positive values are dropped). */
  readonly logY?: boolean;
  /** Scatter point radius in pixels. */
  readonly radius?: number;
  /** Equal scales on both axes (for point clouds). */
  readonly equalAxes?: boolean;
  /** Text above the plot. */
  readonly title?: string;
  /** Text under the x axis. */
  readonly xLabel?: string;
  /** Text left of the y axis, read bottom to top. */
  readonly yLabel?: string;
  /** Integer x ticks (an index axis); by default on when every x value is an integer. */
  readonly integerX?: boolean;
}

/** Font pixels are drawn as SCALE × SCALE squares. */
const SCALE = 2;
const TEXT_HEIGHT = GLYPH_HEIGHT * SCALE;
/** Rows [TITLE_TOP, TITLE_TOP + TEXT_HEIGHT) hold the title; without one nothing is drawn there. */
export const TITLE_TOP = 4;
const TICK_LENGTH = 4;
const GAP = 6;
const AXIS: Rgb = [0, 0, 0];
const GRID: Rgb = [225, 225, 225];
const FRAME: Rgb = [190, 190, 190];

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
}

class Raster {
  readonly png: PNG;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }

  set(x: number, y: number, [r, g, b]: Rgb, alpha = 1): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const i = (yi * this.width + xi) * 4;
    const d = this.png.data;
    d[i] = Math.round(d[i] * (1 - alpha) + r * alpha);
    d[i + 1] = Math.round(d[i + 1] * (1 - alpha) + g * alpha);
    d[i + 2] = Math.round(d[i + 2] * (1 - alpha) + b * alpha);
    d[i + 3] = 255;
  }

  /** Bresenham, one pixel wide. */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
    let [x, y] = [Math.round(x0), Math.round(y0)];
    const [xe, ye] = [Math.round(x1), Math.round(y1)];
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      this.set(x, y, color);
      if (x === xe && y === ye) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  dot(cx: number, cy: number, radius: number, color: Rgb): void {
    const r = Math.max(0, radius);
    for (let dy = -Math.ceil(r); dy <= Math.ceil(r); dy++) {
      for (let dx = -Math.ceil(r); dx <= Math.ceil(r); dx++) if (dx * dx + dy * dy <= r * r + 0.25) this.set(cx + dx, cy + dy, color, 0.6);
    }
  }

  fill(x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha = 1): void {
    for (let y = Math.round(y0); y <= Math.round(y1); y++) for (let x = Math.round(x0); x <= Math.round(x1); x++) this.set(x, y, color, alpha);
  }

  text(s: string, x: number, y: number, color: Rgb = AXIS): void {
    drawText(s, x, y, SCALE, (a, b) => this.set(a, b, color));
  }

  /** Text turned a quarter left (read bottom to top), its first letter's lower-left corner at (x, yBottom). */
  textUp(s: string, x: number, yBottom: number, color: Rgb = AXIS): void {
    drawText(s, 0, 0, SCALE, (a, b) => this.set(x + b, yBottom - a, color));
  }

  encode(): Buffer {
    return PNG.sync.write(this.png);
  }
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
  const { xs, ys } = points(series, logY);
  let [x0, x1] = range(xs);
  let [y0, y1] = range(ys);
  const top = options.title ? TITLE_TOP + TEXT_HEIGHT + 12 : 20;
  const bottom = height - (TICK_LENGTH + 4 + TEXT_HEIGHT + (options.xLabel ? GAP + TEXT_HEIGHT : 0) + GAP);
  // Ticks every ~50 px vertically; the y labels decide the left margin, which decides the x ticks.
  const yTarget = Math.max(2, Math.round((bottom - top) / 50));
  const ticksY = (a: number, b: number): Tick[] => (logY ? logTicks(a, b, yTarget) : linearTicks(a, b, yTarget));
  const labelWidth = Math.max(0, ...ticksY(y0, y1).map((t) => textWidth(t.label, SCALE)));
  const left = GAP + (options.yLabel ? TEXT_HEIGHT + GAP : 0) + labelWidth + TICK_LENGTH + 4;
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
  // Ticks every ~80 px horizontally (labels are up to ~7 characters, 55 px).
  const xTicks = linearTicks(x0, x1, Math.max(2, Math.round(plotW / 80)), integerX);
  return { left, right, top, bottom, x: [x0, x1], y: [y0, y1], xTicks, yTicks: ticksY(y0, y1) };
}

/** Renders series as lines (`kind = "line"`) or points (`"scatter"`); returns PNG bytes. */
export function renderPlot(series: readonly Series[], kind: "line" | "scatter", options: PlotOptions = {}): Buffer {
  const width = options.width ?? 640;
  const height = options.height ?? 420;
  const raster = new Raster(width, height);
  const logY = options.logY ?? false;
  const layout = plotLayout(series, options);
  const { left, right, top, bottom } = layout;
  const [x0, x1] = layout.x;
  const [y0, y1] = layout.y;
  const px = (x: number): number => left + ((x - x0) / (x1 - x0)) * (right - left);
  const py = (y: number): number => top + (1 - (y - y0) / (y1 - y0)) * (bottom - top);
  const fy = (v: number): number => (logY ? Math.log10(v) : v);
  const keep = (v: number): boolean => Number.isFinite(v) && (!logY || v > 0);

  // Grid first, so that data and axes draw over it.
  for (const t of layout.xTicks) raster.line(px(t.at), top, px(t.at), bottom, GRID);
  for (const t of layout.yTicks) raster.line(left, py(t.at), right, py(t.at), GRID);
  raster.line(left, top, right, top, FRAME);
  raster.line(right, top, right, bottom, FRAME);

  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    let prev: [number, number] | undefined;
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      if (!keep(s.y[i]) || !Number.isFinite(s.x[i])) {
        prev = undefined;
        continue;
      }
      const p: [number, number] = [px(s.x[i]), py(fy(s.y[i]))];
      if (kind === "scatter") raster.dot(p[0], p[1], options.radius ?? 1.5, color);
      else if (prev !== undefined) raster.line(prev[0], prev[1], p[0], p[1], color);
      else raster.set(p[0], p[1], color);
      prev = p;
    }
  });

  raster.line(left, top, left, bottom, AXIS);
  raster.line(left, bottom, right, bottom, AXIS);
  for (const t of layout.yTicks) {
    const y = py(t.at);
    raster.line(left - TICK_LENGTH, y, left, y, AXIS);
    raster.text(t.label, left - TICK_LENGTH - 4 - textWidth(t.label, SCALE), Math.round(y - TEXT_HEIGHT / 2));
  }
  for (const t of layout.xTicks) {
    const x = px(t.at);
    raster.line(x, bottom, x, bottom + TICK_LENGTH, AXIS);
    const w = textWidth(t.label, SCALE);
    // Centred under the tick, kept inside the image.
    raster.text(t.label, Math.min(width - 1 - w, Math.max(0, Math.round(x - w / 2))), bottom + TICK_LENGTH + 4);
  }
  if (options.title) raster.text(options.title, Math.max(0, Math.round((left + right - textWidth(options.title, SCALE)) / 2)), TITLE_TOP);
  if (options.xLabel) raster.text(options.xLabel, Math.round((left + right - textWidth(options.xLabel, SCALE)) / 2), height - GAP - TEXT_HEIGHT);
  if (options.yLabel) raster.textUp(options.yLabel, GAP, Math.round((top + bottom + textWidth(options.yLabel, SCALE)) / 2));
  drawLegend(raster, series, right, top);
  return raster.encode();
}

/** A box in the plot's top-right corner: a colour swatch and the label of each labelled series. */
function drawLegend(raster: Raster, series: readonly Series[], right: number, top: number): void {
  const entries = series.flatMap((s, k) => (s.label === undefined ? [] : [{ label: s.label, color: s.color ?? PALETTE[k % PALETTE.length] }]));
  if (entries.length === 0) return;
  const swatch = 16;
  const row = TEXT_HEIGHT + 6;
  const boxW = swatch + GAP + Math.max(...entries.map((e) => textWidth(e.label, SCALE))) + 2 * GAP;
  const boxH = entries.length * row + GAP;
  const bx = right - 8 - boxW;
  const by = top + 8;
  raster.fill(bx, by, bx + boxW, by + boxH, [255, 255, 255], 0.85);
  raster.line(bx, by, bx + boxW, by, FRAME);
  raster.line(bx, by + boxH, bx + boxW, by + boxH, FRAME);
  raster.line(bx, by, bx, by + boxH, FRAME);
  raster.line(bx + boxW, by, bx + boxW, by + boxH, FRAME);
  entries.forEach((e, i) => {
    const y = by + GAP + i * row;
    raster.fill(bx + GAP, y + TEXT_HEIGHT / 2 - 1, bx + GAP + swatch, y + TEXT_HEIGHT / 2 + 1, e.color);
    raster.text(e.label, bx + GAP + swatch + GAP, y);
  });
}

export async function saveLinePlot(file: string, series: readonly Series[], options: PlotOptions = {}): Promise<void> {
  await writeFileAtomic(file, [renderPlot(series, "line", options)]);
}

export async function saveScatterPlot(file: string, series: readonly Series[], options: PlotOptions = {}): Promise<void> {
  await writeFileAtomic(file, [renderPlot(series, "scatter", { equalAxes: true, ...options })]);
}
