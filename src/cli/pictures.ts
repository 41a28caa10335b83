// Pictures of sample batches for `linea sample` and `linea invert`: points of a 2-D space as a
// scatter (one coloured, labelled series per batch), anything else through `linea svd`'s picture
// (an image grid for [C, H, W], heat-map rows otherwise), the batches one after another.
import { saveScatterPlot } from "../runtime/plot/index.js";
import { rowsOf, savePicture } from "./svd.js";

export interface SampleBatch {
  readonly label: string;
  /** rows × dim values, row-major. */
  readonly values: Float32Array;
}

/** `columns`: tiles per row of an image grid (ignored by the scatter). */
export async function saveSamples(file: string, batches: readonly SampleBatch[], shape: readonly number[], options: { readonly columns?: number; readonly title?: string } = {}): Promise<void> {
  const dim = shape.reduce((a, b) => a * b, 1);
  if (dim === 2) {
    const series = batches.map((b) => {
      const rows = rowsOf(b.values, b.values.length / 2);
      return { label: b.label, x: rows.map((r) => r[0] ?? 0), y: rows.map((r) => r[1] ?? 0) };
    });
    await saveScatterPlot(file, series, { width: 480, height: 480, radius: 2, ...(options.title === undefined ? {} : { title: options.title }) });
    return;
  }
  await savePicture(file, batches.flatMap((b) => rowsOf(b.values, b.values.length / dim)), shape, options.columns);
}
