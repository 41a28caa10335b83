// Batches of result rows as the picture a person would look at, one dispatch on the shape for every
// command: images [C, H, W] as a grid, points of a plane as a scatter (one labelled series per batch,
// each with its own marker), other vectors as a heat map (one row each), per-row scalars as a line.
import type { ColorScale } from "./colors.js";
import { saveLinePlot, saveScatterPlot, type PlotOptions } from "./chart.js";
import { imageShape, saveImageGrid } from "./grid.js";
import { saveHeatmapRows } from "./heatmap.js";

/** Rows drawn at most by saveRowsPicture, as heat-map rows or grid tiles: beyond this the picture stops being readable. */
export const MAX_PICTURE_ROWS = 256;

export type RowsPicture = "image grid" | "scatter" | "heat map" | "line";

/** `k` rows of a flat row-major array, as views. */
export function rowsOf(flat: Float32Array, k: number): Float32Array[] {
  const width = k === 0 ? 0 : flat.length / k;
  return Array.from({ length: k }, (_, i) => flat.subarray(i * width, (i + 1) * width));
}

export interface VectorPictureOptions {
  /** Tiles per row of an image grid (default: ⌈√n⌉, at most 8). */
  readonly columns?: number;
  readonly title?: string;
  /** One label per vector: a tile's caption, or a heat-map row's label. */
  readonly captions?: readonly string[];
  /** Labels of the grid's rows of tiles (image grids only). */
  readonly rowLabels?: readonly string[];
  /** The colour bar's title. */
  readonly valueLabel?: string;
  /** Image grids: grey (default) or diverging (signed vectors such as singular vectors). */
  readonly colors?: ColorScale;
  /** Image grids: one value range for every tile (default: their min–max). */
  readonly range?: readonly [number, number];
}

/** A grid of images for an image space [C, H, W], else a heat map with one row per vector. */
export async function saveVectorPicture(file: string, vectors: readonly Float32Array[], shape: readonly number[], options: VectorPictureOptions = {}): Promise<void> {
  const { title, captions, valueLabel } = options;
  if (imageShape(shape) !== undefined) {
    const columns = options.columns ?? Math.min(8, Math.max(1, Math.ceil(Math.sqrt(vectors.length))));
    await saveImageGrid(file, vectors, shape, { columns, title, captions, valueLabel, rowLabels: options.rowLabels, colors: options.colors, range: options.range });
  } else await saveHeatmapRows(file, vectors, { title, rowLabels: captions, valueLabel });
}

export interface SampleBatch {
  readonly label: string;
  /** rows × dim values, row-major. */
  readonly values: Float32Array;
}

/**
 * Batches of samples: points of a 2-D space as a scatter (one labelled series per batch, told apart by
 * colour and marker, with a legend), anything else through saveVectorPicture, the batches one after
 * another; in an image grid each batch that starts a row of tiles labels that row.
 */
export async function saveSamples(
  file: string,
  batches: readonly SampleBatch[],
  shape: readonly number[],
  options: { readonly columns?: number; readonly title?: string; readonly captions?: readonly string[]; readonly rowLabels?: readonly string[] } = {},
): Promise<void> {
  const dim = shape.reduce((a, b) => a * b, 1);
  if (dim === 2) {
    const series = batches.map((b) => {
      const rows = rowsOf(b.values, b.values.length / 2);
      return { label: b.label, x: rows.map((r) => r[0] ?? 0), y: rows.map((r) => r[1] ?? 0) };
    });
    await saveScatterPlot(file, series, { width: 480, height: 480, radius: 3.5, title: options.title, xLabel: "x₁", yLabel: "x₂" });
    return;
  }
  const vectors = batches.flatMap((b) => rowsOf(b.values, b.values.length / dim));
  const columns = options.columns ?? Math.min(8, Math.max(1, Math.ceil(Math.sqrt(vectors.length))));
  const title = options.title ?? (batches.length === 1 ? batches[0].label : undefined);
  await saveVectorPicture(file, vectors, shape, {
    columns,
    title,
    captions: options.captions,
    rowLabels: options.rowLabels ?? (batches.length > 1 ? batchRowLabels(batches, dim, columns) : undefined),
  });
}

/** Each grid row's label: the batch that starts it, "" for a row a batch continues or shares. */
function batchRowLabels(batches: readonly SampleBatch[], dim: number, columns: number): string[] {
  const total = batches.reduce((n, b) => n + b.values.length / dim, 0);
  const labels = Array.from({ length: Math.ceil(total / columns) }, () => "");
  let start = 0;
  for (const b of batches) {
    if (start % columns === 0) labels[start / columns] = b.label;
    start += b.values.length / dim;
  }
  return labels;
}

/**
 * Writes `rows` results (each `shape`'s product of values; `shape` = [] for one scalar per row) to `file`
 * as a PNG (and an SVG beside it), atomically, and says which kind of picture it drew (`linea run --picture`).
 */
export async function saveRowsPicture(file: string, values: Float32Array, rows: number, shape: readonly number[], title?: string): Promise<RowsPicture> {
  const dim = shape.reduce((a, b) => a * b, 1);
  const titled: PlotOptions = title === undefined ? {} : { title };
  if (shape.length === 0 || dim === 1) {
    const x = Float64Array.from({ length: rows }, (_, i) => i);
    await saveLinePlot(file, [{ x, y: Float64Array.from(values.subarray(0, rows)) }], { xLabel: "row", yLabel: "value", ...titled });
    return "line";
  }
  const all = rowsOf(values.subarray(0, rows * dim), rows);
  if (dim === 2) {
    await saveScatterPlot(file, [{ x: Float64Array.from(all, (r) => r[0] ?? NaN), y: Float64Array.from(all, (r) => r[1] ?? NaN) }], {
      radius: 2,
      xLabel: "y₁",
      yLabel: "y₂",
      ...titled,
    });
    return "scatter";
  }
  const image = imageShape(shape) !== undefined;
  const drawn = all.slice(0, MAX_PICTURE_ROWS);
  const shown = drawn.length < rows ? `first ${drawn.length} of ${rows} rows` : undefined;
  await saveVectorPicture(file, drawn, shape, {
    columns: image ? Math.max(1, Math.ceil(Math.sqrt(drawn.length))) : undefined,
    title: [title, shown].filter((s) => s !== undefined).join(", ") || undefined,
  });
  return image ? "image grid" : "heat map";
}
