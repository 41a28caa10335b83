// Pictures of vectors as PNG files: a grid of images [C, H, W] (grey for C = 1, RGB for C = 3), and a
// heat map with one row per flat vector. Each tile or row is normalised on its own, since singular
// vectors (and most things one looks at this way) differ in scale. Encoded with pngjs, saved atomically.
import { PNG } from "pngjs";
import { writeFileAtomic } from "../io/index.js";
import type { Rgb } from "./png.js";

export interface GridOptions {
  /** Tiles per row (default: ⌈√n⌉). */
  readonly columns?: number;
  /** Each data pixel is drawn as scale×scale screen pixels (default 2). */
  readonly scale?: number;
  /** Pixels between tiles (default 2, white). */
  readonly gap?: number;
  /** One value range [lo, hi] for every tile, values outside clipped (default: each tile its own min–max). */
  readonly range?: readonly [number, number];
}

/** An image shape [C, H, W] with C = 1 or 3, or undefined for any other shape. */
export function imageShape(shape: readonly number[]): { channels: 1 | 3; height: number; width: number } | undefined {
  if (shape.length !== 3) return undefined;
  const [c, h, w] = shape;
  if ((c !== 1 && c !== 3) || h === undefined || w === undefined || h < 1 || w < 1) return undefined;
  return { channels: c, height: h, width: w };
}

function minMax(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}

function blank(width: number, height: number): PNG {
  const png = new PNG({ width, height });
  png.data.fill(255);
  return png;
}

function fillBlock(png: PNG, x0: number, y0: number, scale: number, [r, g, b]: Rgb): void {
  for (let dy = 0; dy < scale; dy++) {
    for (let dx = 0; dx < scale; dx++) {
      const i = ((y0 + dy) * png.width + x0 + dx) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
  }
}

/**
 * Images (each C·H·W values, channel-major as in [C, H, W]) as a grid PNG; each tile is min–max
 * normalised to [0, 255] (a constant tile is mid grey).
 */
export function renderImageGrid(images: readonly ArrayLike<number>[], shape: readonly number[], options: GridOptions = {}): Buffer {
  const image = imageShape(shape);
  if (image === undefined) throw new RangeError(`renderImageGrid: shape [${shape.join(", ")}] is not [1|3, H, W]`);
  const { channels, height, width } = image;
  const n = Math.max(images.length, 1);
  const columns = Math.max(1, Math.min(options.columns ?? Math.ceil(Math.sqrt(n)), n));
  const rows = Math.ceil(n / columns);
  const scale = options.scale ?? 2;
  const gap = options.gap ?? 2;
  const tileW = width * scale;
  const tileH = height * scale;
  const png = blank(columns * tileW + (columns + 1) * gap, rows * tileH + (rows + 1) * gap);
  const plane = height * width;
  images.forEach((values, k) => {
    if (values.length !== channels * plane) throw new RangeError(`renderImageGrid: image ${k} has ${values.length} values, expected ${channels * plane}`);
    const [lo, hi] = options.range ?? minMax(values);
    const level = (v: number): number => (hi > lo && Number.isFinite(v) ? Math.round((255 * (Math.min(hi, Math.max(lo, v)) - lo)) / (hi - lo)) : 128);
    const x0 = gap + (k % columns) * (tileW + gap);
    const y0 = gap + Math.floor(k / columns) * (tileH + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        const grey = level(values[p]);
        const color: Rgb = channels === 1 ? [grey, grey, grey] : [grey, level(values[plane + p]), level(values[2 * plane + p])];
        fillBlock(png, x0 + x * scale, y0 + y * scale, scale, color);
      }
    }
  });
  return PNG.sync.write(png);
}

/** Blue (negative) – white (0) – red (positive), t in [−1, 1]. */
function diverging(t: number): Rgb {
  const c = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const fade = Math.round(255 * (1 - Math.abs(c)));
  return c >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

/**
 * Flat vectors as a heat map, one row per vector and one column per coordinate, each row scaled by its
 * own max |value| on a diverging blue–white–red scale (so the sign pattern is visible).
 */
export function renderHeatmapRows(vectors: readonly ArrayLike<number>[], options: { readonly cell?: number } = {}): Buffer {
  const cell = options.cell ?? 6;
  const dim = vectors.reduce((m, v) => Math.max(m, v.length), 1);
  const png = blank(dim * cell, Math.max(vectors.length, 1) * cell);
  vectors.forEach((v, row) => {
    const [lo, hi] = minMax(v);
    const peak = Math.max(Math.abs(lo), Math.abs(hi));
    for (let j = 0; j < v.length; j++) fillBlock(png, j * cell, row * cell, cell, diverging(peak > 0 ? v[j] / peak : 0));
  });
  return PNG.sync.write(png);
}

export async function saveImageGrid(file: string, images: readonly ArrayLike<number>[], shape: readonly number[], options: GridOptions = {}): Promise<void> {
  await writeFileAtomic(file, [renderImageGrid(images, shape, options)]);
}

export async function saveHeatmapRows(file: string, vectors: readonly ArrayLike<number>[], options: { readonly cell?: number } = {}): Promise<void> {
  await writeFileAtomic(file, [renderHeatmapRows(vectors, options)]);
}
