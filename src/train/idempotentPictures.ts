// projections.png after an idempotent run: three kinds of input (Gaussian noise, data rows, data rows
// plus noise_level·𝒩(0, I)) and their projections p(x), drawn by the sample pictures' code
// (src/runtime/plot/rows.ts). For 2-D data a scatter, as samples.png is for flow matching: the noise, the
// data, and where p sends the noise and the noisy data. Otherwise `linea svd`'s picture: for an image
// space [C, H, W] a grid with the inputs in the top row and their projections right below them
// (heat-map rows in the same order for other shapes).
import { saveSamples } from "../runtime/plot/index.js";
import { seededRandom } from "../runtime/operator/index.js";
import type { IdempotentSession } from "./idempotentSession.js";

/** Points per input kind in the 2-D scatter; images per input kind in the grid. */
export const SCATTER_POINTS = 1000;
export const GRID_IMAGES = 4;

/** The three input kinds, each [count, dim] row-major, from one seeded generator. */
export function projectionInputs(session: IdempotentSession, count: number, seed: number): { noise: Float32Array; data: Float32Array; corrupted: Float32Array } {
  const random = seededRandom(seed);
  const dim = session.data.dim;
  const rows = Math.min(count, session.dataset.rows);
  const noise = Float32Array.from({ length: count * dim }, () => random.normal());
  const data = Float32Array.from(session.dataset.data.subarray(0, rows * dim));
  const corrupted = data.map((v) => v + session.plan.noiseLevel * random.normal());
  return { noise, data, corrupted };
}

/** Writes the picture; returns a one-line legend. */
export async function saveProjections(file: string, session: IdempotentSession, seed: number): Promise<string> {
  const shape = session.data.ref.shape;
  const twoD = session.data.dim === 2;
  const { noise, data, corrupted } = projectionInputs(session, twoD ? SCATTER_POINTS : GRID_IMAGES, seed);
  if (twoD) {
    const batches = [
      { label: "noise", values: noise },
      { label: "data", values: data },
      { label: "p(noise)", values: await session.projectRows(noise) },
      { label: "p(noisy data)", values: await session.projectRows(corrupted) },
    ];
    await saveSamples(file, batches, shape, { title: "idempotent projections" });
    return "noise, data, p(noise), p(noisy data)";
  }
  const inputs = new Float32Array([...noise, ...data, ...corrupted]);
  await saveSamples(
    file,
    [
      { label: "inputs", values: inputs },
      { label: "projections", values: await session.projectRows(inputs) },
    ],
    shape,
    { columns: 3 * GRID_IMAGES, title: "inputs (noise, data, noisy data) and their projections p(x)" },
  );
  return `top: ${GRID_IMAGES} noise, ${GRID_IMAGES} data, ${GRID_IMAGES} noisy data; below: their projections`;
}
