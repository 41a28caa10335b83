// Line plots (loss curves, spectra) and scatter plots (2-D samples against data) as PNG files, drawn
// on an RGB raster and encoded with pngjs. Saved atomically. Axes carry their min and max values.
import { PNG } from "pngjs";
import { writeFileAtomic } from "../io/index.js";
import { drawText, formatTick, GLYPH_HEIGHT, textWidth } from "./font.js";

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
}

const MARGIN = { left: 56, right: 12, top: 12, bottom: 28 };
const SCALE = 2;

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

/** Renders series as lines (`kind = "line"`) or points (`"scatter"`); returns PNG bytes. */
export function renderPlot(series: readonly Series[], kind: "line" | "scatter", options: PlotOptions = {}): Buffer {
  const width = options.width ?? 640;
  const height = options.height ?? 420;
  const raster = new Raster(width, height);
  const fy = (v: number): number => (options.logY ? Math.log10(v) : v);
  const keep = (v: number): boolean => Number.isFinite(v) && (!options.logY || v > 0);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      if (keep(s.y[i]) && Number.isFinite(s.x[i])) {
        xs.push(s.x[i]);
        ys.push(fy(s.y[i]));
      }
    }
  }
  let [x0, x1] = range(xs);
  let [y0, y1] = range(ys);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  if (options.equalAxes) {
    const perPixel = Math.max((x1 - x0) / plotW, (y1 - y0) / plotH);
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    [x0, x1] = [cx - (perPixel * plotW) / 2, cx + (perPixel * plotW) / 2];
    [y0, y1] = [cy - (perPixel * plotH) / 2, cy + (perPixel * plotH) / 2];
  }
  const px = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number): number => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH;
  const axis: Rgb = [0, 0, 0];
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  raster.line(left, top, left, bottom, axis);
  raster.line(left, bottom, right, bottom, axis);
  raster.line(left, top, right, top, [200, 200, 200]);
  raster.line(right, top, right, bottom, [200, 200, 200]);
  const text = (s: string, x: number, y: number): void => drawText(s, x, y, SCALE, (a, b) => raster.set(a, b, axis));
  const yLabel = (v: number): string => formatTick(options.logY ? 10 ** v : v);
  const lo = yLabel(y0 + 0.03 * (y1 - y0));
  const hi = yLabel(y1 - 0.03 * (y1 - y0));
  text(hi, left - 4 - textWidth(hi, SCALE), top);
  text(lo, left - 4 - textWidth(lo, SCALE), bottom - GLYPH_HEIGHT * SCALE);
  const xl = formatTick(x0 + 0.03 * (x1 - x0));
  const xh = formatTick(x1 - 0.03 * (x1 - x0));
  text(xl, left, bottom + 6);
  text(xh, right - textWidth(xh, SCALE), bottom + 6);
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
  return raster.encode();
}

export async function saveLinePlot(file: string, series: readonly Series[], options: PlotOptions = {}): Promise<void> {
  await writeFileAtomic(file, [renderPlot(series, "line", options)]);
}

export async function saveScatterPlot(file: string, series: readonly Series[], options: PlotOptions = {}): Promise<void> {
  await writeFileAtomic(file, [renderPlot(series, "scatter", { equalAxes: true, ...options })]);
}
