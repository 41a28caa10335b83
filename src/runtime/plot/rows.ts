// A batch of results as the picture a person would look at: images [C, H, W] as a grid, points of a
// plane as a scatter, other vectors as a heat map (one row each), per-row scalars as a line. One
// dispatch on the shape, shared by every command that can write its output as a picture.
import { saveLinePlot, saveScatterPlot } from "./png.js";
import { imageShape, saveHeatmapRows, saveImageGrid } from "./grid.js";

/** Rows drawn in a heat map at most: beyond this the picture stops being readable. */
export const MAX_HEATMAP_ROWS = 256;

export type RowsPicture = "image grid" | "scatter" | "heat map" | "line";

/**
 * Writes `rows` (each `shape`'s product of values; `shape` = [] for one scalar per row) to `file` as a
 * PNG, atomically, and says which kind of picture it drew.
 */
export async function saveRowsPicture(file: string, values: Float32Array, rows: number, shape: readonly number[], title?: string): Promise<RowsPicture> {
  const dim = shape.reduce((a, b) => a * b, 1);
  const row = (i: number): Float32Array => values.subarray(i * dim, (i + 1) * dim);
  const all = Array.from({ length: rows }, (_, i) => row(i));
  if (shape.length === 0 || dim === 1) {
    const x = Float64Array.from({ length: rows }, (_, i) => i);
    await saveLinePlot(file, [{ x, y: Float64Array.from(values.subarray(0, rows)) }], { xLabel: "ROW", ...(title === undefined ? {} : { title }) });
    return "line";
  }
  if (imageShape(shape) !== undefined) {
    await saveImageGrid(file, all, shape);
    return "image grid";
  }
  if (dim === 2) {
    const x = Float64Array.from(all, (r) => r[0] ?? NaN);
    const y = Float64Array.from(all, (r) => r[1] ?? NaN);
    await saveScatterPlot(file, [{ x, y }], { radius: 1, ...(title === undefined ? {} : { title }) });
    return "scatter";
  }
  await saveHeatmapRows(file, all.slice(0, MAX_HEATMAP_ROWS));
  return "heat map";
}
