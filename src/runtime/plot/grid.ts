// A grid of images [C, H, W] (grey for C = 1, RGB for C = 3) as SVG: each tile enlarged with crisp
// pixels to a readable size, an optional caption under each tile and label left of each row, a title,
// and for one-channel images a colour bar. Every tile is drawn on one value scale (by default the
// min–max of all tiles), so that the colour bar holds for all of them and tiles can be compared.
import { colorBar, colorBarSpace } from "./colorbar.js";
import { scaleColor, type ColorScale, type Rgb } from "./colors.js";
import { FONT_SIZE, label, textWidth, titleWidth } from "./labels.js";
import { ensurePictureFits, MAX_PICTURE_SIDE } from "./limits.js";
import { pixelImage } from "./pixels.js";
import { FONT_FAMILY, saveSvgAndPng } from "./raster.js";
import { element, group, svgDocument, type Markup } from "./svg.js";

export interface GridOptions {
  /** Tiles per row (default: ⌈√n⌉). */
  readonly columns?: number;
  /** Each data pixel is drawn as scale×scale screen pixels (default: tiles about 72 px, at most 24). */
  readonly scale?: number;
  /** Pixels between tiles (default 4). */
  readonly gap?: number;
  /** One value range [lo, hi] for every tile, values outside clipped (default: the min–max of all tiles). */
  readonly range?: readonly [number, number];
  /** grey (default) or diverging (blue–white–red, for signed vectors: the range is then made symmetric about 0). */
  readonly colors?: ColorScale;
  /** A caption under each tile, in order (e.g. "v₁  σ = 3.2"). */
  readonly captions?: readonly string[];
  /** A label left of each row of tiles. */
  readonly rowLabels?: readonly string[];
  readonly title?: string;
  /** The colour bar's title (the quantity the colours show). */
  readonly valueLabel?: string;
}

/** Tiles of about this many pixels are readable at a glance. */
const TILE_TARGET = 72;
const MAX_SCALE = 24;

/** An image shape [C, H, W] with C = 1 or 3, or undefined for any other shape. */
export function imageShape(shape: readonly number[]): { channels: 1 | 3; height: number; width: number } | undefined {
  if (shape.length !== 3) return undefined;
  const [c, h, w] = shape;
  if ((c !== 1 && c !== 3) || h === undefined || w === undefined || h < 1 || w < 1) return undefined;
  return { channels: c, height: h, width: w };
}

/** The finite min–max of `arrays` ([0, 0] when none is finite). */
export function valueRange(arrays: readonly ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}

/** The range a diverging scale shows: symmetric about 0, so that white is 0. */
export function symmetricRange([lo, hi]: readonly [number, number]): [number, number] {
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  return m > 0 ? [-m, m] : [-1, 1];
}

/** Where `v` lies in [lo, hi], as t ∈ [0, 1] (a constant picture is the middle). */
export function position(v: number, [lo, hi]: readonly [number, number]): number {
  return hi > lo && Number.isFinite(v) ? (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo) : 0.5;
}

/** Images (each C·H·W values, channel-major as in [C, H, W]) as a grid, an SVG document. */
export function imageGridSvg(images: readonly ArrayLike<number>[], shape: readonly number[], options: GridOptions = {}): Markup {
  const image = imageShape(shape);
  if (image === undefined) throw new RangeError(`imageGridSvg: shape [${shape.join(", ")}] is not [1|3, H, W]`);
  const { channels, height, width } = image;
  const plane = height * width;
  images.forEach((values, k) => {
    if (values.length !== channels * plane) throw new RangeError(`imageGridSvg: image ${k} has ${values.length} values, expected ${channels * plane}`);
  });
  const n = Math.max(images.length, 1);
  const columns = Math.max(1, Math.min(options.columns ?? Math.ceil(Math.sqrt(n)), n));
  const rows = Math.ceil(n / columns);
  const gap = options.gap ?? 4;
  const colors = options.colors ?? "grey";
  const full = options.range ?? valueRange(images);
  const range = colors === "diverging" ? symmetricRange(full) : full;
  const captionH = options.captions === undefined ? 0 : FONT_SIZE.caption + 5;
  // Room above the tiles for the title, or for the colour bar's top tick label.
  const titleH = options.title === undefined ? 8 : FONT_SIZE.title + 20;
  const rowLabelW = Math.ceil(Math.max(0, ...(options.rowLabels ?? []).map((s) => textWidth(s, FONT_SIZE.caption) + 8)));
  const captionW = Math.max(0, ...(options.captions ?? []).map((s) => textWidth(s, FONT_SIZE.caption)));
  const bar = channels === 1 && range[1] > range[0];
  const layout = (scale: number) => {
    // A column is as wide as its tile or its caption, whichever is wider.
    const cellW = Math.ceil(Math.max(width * scale, captionW + 4));
    const gridW = rowLabelW + gap + columns * (cellW + gap);
    const gridH = rows * (height * scale + captionH + gap) + gap;
    // Wide enough for the title too.
    const totalW = Math.ceil(Math.max(gridW + (bar ? colorBarSpace(range, options.valueLabel) : 0), titleWidth(options.title)));
    return { cellW, gridW, gridH, totalW, totalH: titleH + gridH };
  };
  // Tiles of about TILE_TARGET pixels, smaller (down to 1 pixel a data pixel) where the grid would not fit the limit.
  let scale = options.scale ?? Math.max(1, Math.min(MAX_SCALE, Math.ceil(TILE_TARGET / Math.max(height, width))));
  while (options.scale === undefined && scale > 1 && (layout(scale).totalW > MAX_PICTURE_SIDE || layout(scale).totalH > MAX_PICTURE_SIDE)) scale--;
  const { cellW, gridW, gridH, totalW, totalH } = layout(scale);
  ensurePictureFits(totalW, totalH, `a grid of ${images.length} ${height}×${width} images`);
  const tileW = width * scale;
  const tileH = height * scale;
  const level = (v: number): number => Math.round(255 * position(v, range));
  const parts: Markup[] = [];
  if (options.title !== undefined) parts.push(label(options.title, totalW / 2, 8 + FONT_SIZE.title, { size: FONT_SIZE.title, anchor: "middle", bold: true }));
  const tiles: Markup[] = [];
  images.forEach((values, k) => {
    const color = (x: number, y: number): Rgb => {
      const p = y * width + x;
      if (channels === 3) return [level(values[p]), level(values[plane + p]), level(values[2 * plane + p])];
      return scaleColor(colors, position(values[p], range));
    };
    const cx = rowLabelW + gap + (k % columns) * (cellW + gap);
    const cy = titleH + gap + Math.floor(k / columns) * (tileH + captionH + gap);
    const tx = cx + Math.floor((cellW - tileW) / 2);
    tiles.push(pixelImage({ width, height, color }, tx, cy, scale, scale, { "data-tile": String(k) }));
    // A 1-pixel frame just outside the tile (the stroke covers [x − 1, x]), so white pixels do not merge into the background.
    tiles.push(element("rect", { x: tx - 0.5, y: cy - 0.5, width: tileW + 1, height: tileH + 1, fill: "none", stroke: "#a0a0a0", "stroke-width": 1 }));
    const caption = options.captions?.[k];
    if (caption !== undefined) tiles.push(label(caption, cx + cellW / 2, cy + tileH + FONT_SIZE.caption + 1, { size: FONT_SIZE.caption, anchor: "middle" }));
  });
  parts.push(group({ class: "tiles" }, tiles));
  (options.rowLabels ?? []).slice(0, rows).forEach((s, r) => {
    parts.push(label(s, rowLabelW, titleH + gap + r * (tileH + captionH + gap) + tileH / 2, { size: FONT_SIZE.caption, anchor: "end", middle: true }));
  });
  if (bar) parts.push(colorBar("grid-scale", gridW + 6, titleH + gap, Math.max(40, gridH - 2 * gap), colors, range, options.valueLabel));
  return svgDocument(totalW, totalH, FONT_FAMILY, parts);
}

export async function saveImageGrid(file: string, images: readonly ArrayLike<number>[], shape: readonly number[], options: GridOptions = {}): Promise<void> {
  await saveSvgAndPng(file, imageGridSvg(images, shape, options));
}
