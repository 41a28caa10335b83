// Batches of result rows as the picture a person would look at, one dispatch on the shape for every
// command: images [C, H, W] as a grid, points of a plane as a scatter (one labelled series per batch),
// other vectors as a heat map (one row each), per-row scalars as a line.
import { saveLinePlot, saveScatterPlot, type PlotOptions } from "./png.js";
import { imageShape, saveHeatmapRows, saveImageGrid } from "./grid.js";

/** Rows drawn in a heat map at most by saveRowsPicture: beyond this the picture stops being readable. */
export const MAX_HEATMAP_ROWS = 256;

export type RowsPicture = "image grid" | "scatter" | "heat map" | "line";

/** `k` rows of a flat row-major array, as views. */
export function rowsOf(flat: Float32Array, k: number): Float32Array[] {
  const width = k === 0 ? 0 : flat.length / k;
  return Array.from({ length: k }, (_, i) => flat.subarray(i * width, (i + 1) * width));
}

/** A grid of images for an image space [C, H, W], else a heat map with one row per vector (cells sized to the dimension). */
export async function savePicture(
  file: string,
  vectors: Float32Array[],
  shape: readonly number[],
  columns = Math.min(8, Math.max(1, Math.ceil(Math.sqrt(vectors.length)))),
): Promise<void> {
  if (imageShape(shape) !== undefined) await saveImageGrid(file, vectors, shape, { columns });
  else
    await saveHeatmapRows(file, vectors, {
      cell: Math.max(
        2,
        Math.min(
          12,
          Math.floor(
            640 /
              Math.max(
                1,
                shape.reduce((a, b) => a * b, 1),
              ),
          ),
        ),
      ),
    });
}

export interface SampleBatch {
  readonly label: string;
  /** rows × dim values, row-major. */
  readonly values: Float32Array;
}

/**
 * Batches of samples: points of a 2-D space as a scatter (one coloured, labelled series per batch),
 * anything else through savePicture, the batches one after another. `columns`: tiles per row of an
 * image grid (ignored by the scatter).
 */
export async function saveSamples(
  file: string,
  batches: readonly SampleBatch[],
  shape: readonly number[],
  options: { readonly columns?: number; readonly title?: string } = {},
): Promise<void> {
  const dim = shape.reduce((a, b) => a * b, 1);
  if (dim === 2) {
    const series = batches.map((b) => {
      const rows = rowsOf(b.values, b.values.length / 2);
      return { label: b.label, x: rows.map((r) => r[0] ?? 0), y: rows.map((r) => r[1] ?? 0) };
    });
    await saveScatterPlot(file, series, { width: 480, height: 480, radius: 2, ...(options.title === undefined ? {} : { title: options.title }) });
    return;
  }
  await savePicture(
    file,
    batches.flatMap((b) => rowsOf(b.values, b.values.length / dim)),
    shape,
    options.columns,
  );
}

/**
 * Writes `rows` results (each `shape`'s product of values; `shape` = [] for one scalar per row) to `file`
 * as a PNG, atomically, and says which kind of picture it drew (`linea run --picture`).
 */
export async function saveRowsPicture(file: string, values: Float32Array, rows: number, shape: readonly number[], title?: string): Promise<RowsPicture> {
  const dim = shape.reduce((a, b) => a * b, 1);
  const titled: PlotOptions = title === undefined ? {} : { title };
  if (shape.length === 0 || dim === 1) {
    const x = Float64Array.from({ length: rows }, (_, i) => i);
    await saveLinePlot(file, [{ x, y: Float64Array.from(values.subarray(0, rows)) }], { xLabel: "ROW", ...titled });
    return "line";
  }
  const all = rowsOf(values.subarray(0, rows * dim), rows);
  if (dim === 2) {
    await saveScatterPlot(file, [{ x: Float64Array.from(all, (r) => r[0] ?? NaN), y: Float64Array.from(all, (r) => r[1] ?? NaN) }], { radius: 1, ...titled });
    return "scatter";
  }
  const image = imageShape(shape) !== undefined;
  await savePicture(file, image ? all : all.slice(0, MAX_HEATMAP_ROWS), shape, image ? Math.max(1, Math.ceil(Math.sqrt(rows))) : undefined);
  return image ? "image grid" : "heat map";
}
