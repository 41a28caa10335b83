// Flat vectors as a heat map: one row per vector, one column per coordinate, on a diverging
// blue–white–red scale symmetric about 0 (so the sign pattern is visible) shared by every row, with a
// colour bar, the coordinate axis, a label per row (or index ticks when the rows are too thin) and a
// title. Cells are enlarged with crisp pixels.
import { colorBar, colorBarSpace } from "./colorbar.js";
import { scaleColor } from "./colors.js";
import { position, symmetricRange, valueRange } from "./grid.js";
import { FONT_SIZE, label, textWidth, titleWidth } from "./labels.js";
import { ensurePictureFits } from "./limits.js";
import { pixelImage } from "./pixels.js";
import { FONT_FAMILY, saveSvgAndPng } from "./raster.js";
import { element, group, svgDocument, type Markup } from "./svg.js";
import { linearTicks } from "./ticks.js";

export interface HeatmapOptions {
  /** Cell width in pixels (default: the map about 480 px wide, cells 1–48 px). */
  readonly cell?: number;
  /** A label left of each row (default: the row's index). */
  readonly rowLabels?: readonly string[];
  readonly title?: string;
  /** The coordinate axis's name (default "coordinate j"). */
  readonly xLabel?: string;
  /** The colour bar's title. */
  readonly valueLabel?: string;
  /** The value range (default: symmetric about 0 over every row). */
  readonly range?: readonly [number, number];
}

const TICK = 4;

export function heatmapSvg(vectors: readonly ArrayLike<number>[], options: HeatmapOptions = {}): Markup {
  const dim = vectors.reduce((m, v) => Math.max(m, v.length), 1);
  const rows = Math.max(vectors.length, 1);
  const cellW = options.cell ?? Math.max(1, Math.min(48, Math.floor(480 / dim)));
  // Rows as tall as cells are wide, up to 28 px; thinner when there are many, 2 px at least.
  const rowH = Math.max(2, Math.min(Math.max(cellW, 16), 28, Math.floor(400 / rows)));
  const range = options.range ?? symmetricRange(valueRange(vectors));
  const labelled = rowH >= FONT_SIZE.caption + 1;
  const rowLabels = labelled ? Array.from({ length: rows }, (_, r) => options.rowLabels?.[r] ?? String(r)) : [];
  const rowTicks = labelled ? [] : linearTicks(0, rows - 1, Math.max(2, Math.round((rows * rowH) / 40)), true);
  const leftLabels = [...rowLabels, ...rowTicks.map((t) => t.label)];
  const left = Math.ceil(8 + Math.max(0, ...leftLabels.map((s) => textWidth(s, FONT_SIZE.caption))) + 6);
  const top = options.title === undefined ? 10 : FONT_SIZE.title + 18;
  const mapW = dim * cellW;
  const mapH = rows * rowH;
  const xLabel = options.xLabel ?? "coordinate j";
  const height = top + mapH + TICK + 4 + FONT_SIZE.tick + 6 + FONT_SIZE.axis + 8;
  // Wide enough for the title too.
  const width = Math.ceil(Math.max(left + mapW + 8 + colorBarSpace(range, options.valueLabel), titleWidth(options.title)));
  ensurePictureFits(width, height, `a heat map of ${vectors.length} row${vectors.length === 1 ? "" : "s"} of ${dim} coordinates`);
  const color = (x: number, y: number) => scaleColor("diverging", position(vectors[y]?.[x] ?? NaN, range));
  const parts: Markup[] = [];
  if (options.title !== undefined) parts.push(label(options.title, width / 2, 8 + FONT_SIZE.title, { size: FONT_SIZE.title, anchor: "middle", bold: true }));
  parts.push(pixelImage({ width: dim, height: rows, color }, left, top, cellW, rowH));
  parts.push(element("rect", { x: left, y: top, width: mapW, height: mapH, fill: "none", stroke: "#000000", "stroke-width": 0.6 }));
  const axis: Markup[] = [];
  rowLabels.forEach((s, r) => axis.push(label(s, left - 6, top + (r + 0.5) * rowH, { size: FONT_SIZE.caption, anchor: "end", middle: true })));
  for (const t of rowTicks) axis.push(label(t.label, left - 6, top + (t.at + 0.5) * rowH, { size: FONT_SIZE.caption, anchor: "end", middle: true }));
  for (const t of linearTicks(0, dim - 1, Math.max(2, Math.round(mapW / 60)), true)) {
    const x = left + (t.at + 0.5) * cellW;
    axis.push(element("line", { x1: x, y1: top + mapH, x2: x, y2: top + mapH + TICK, stroke: "#000000" }));
    axis.push(label(t.label, x, top + mapH + TICK + 2 + FONT_SIZE.tick, { size: FONT_SIZE.tick, anchor: "middle" }));
  }
  axis.push(label(xLabel, left + mapW / 2, height - 8, { size: FONT_SIZE.axis, anchor: "middle" }));
  parts.push(group({ class: "axes" }, axis));
  parts.push(colorBar("heatmap-scale", left + mapW + 8, top, Math.max(40, mapH), "diverging", range, options.valueLabel));
  return svgDocument(width, height, FONT_FAMILY, parts);
}

export async function saveHeatmapRows(file: string, vectors: readonly ArrayLike<number>[], options: HeatmapOptions = {}): Promise<void> {
  await saveSvgAndPng(file, heatmapSvg(vectors, options));
}
