// `images(path = "faces/", size = 64, crop = center, channels = 3, normalize = unit, n = …, seed = …)`:
// every PNG/JPEG in a folder (sorted by path; sub-folders with `recursive = true`), or one image file,
// decoded by sharp (imageDecoder.ts) and put through torchvision's Resize(size) → CenterCrop(size) →
// ToTensor() [→ Normalize(0.5, 0.5)] (runtime/image/transforms.ts), giving rows [channels, size, size].
// The rows are counted against the memory budget (dataMemory.ts) before anything is decoded.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { applyPipeline, type ImagePipeline } from "../runtime/image/transforms.js";
import { Rng } from "../runtime/random.js";
import { requireWithinBudget } from "./dataMemory.js";
import { resolveDataPath } from "./dataPaths.js";
import { numberArg, type DataArgs, type DataContext, type Dataset, type DataSource } from "./dataSource.js";
import { TrainError } from "./errors.js";
import { imageDecoder, type SharpLoader } from "./imageDecoder.js";

/** The file names (lower-cased) `images(…)` reads. */
const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg"];

/** A load of this many images or more reports its progress. */
const PROGRESS_FROM = 500;

/** Images decoded at once: sharp decodes on libuv's threads, so a few in flight keep them busy. */
const IN_FLIGHT = 8;

const isImage = (name: string): boolean => IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());

/** A word argument (an identifier or a string) among `allowed`, LIN0903 otherwise. */
export function wordArg<W extends string>(args: DataArgs, name: string, fallback: W, allowed: readonly W[], source: string): W {
  const v = args.get(name);
  if (v === undefined) return fallback;
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as W;
  throw new TrainError("LIN0903", `${source}(): ${name} must be one of ${allowed.join(", ")}, got ${String(v)}`);
}

/** The pipeline arguments `images(…)` and `pairs(…)` share: size (required), crop, channels, normalize. */
export function pipelineArgs(args: DataArgs, source: string): ImagePipeline {
  if (args.get("size") === undefined) throw new TrainError("LIN0903", `${source}(): give the side of the square rows, e.g. size = 64`);
  const size = numberArg(args, "size", 0, (v) => Number.isInteger(v) && v > 0 && v <= 16384, "a positive integer (at most 16384)");
  const channels = numberArg(args, "channels", 3, (v) => v === 1 || v === 3, "1 (grey) or 3 (RGB)") as 1 | 3;
  const crop = wordArg(args, "crop", "center", ["center", "none"], source);
  const normalize = wordArg(args, "normalize", "unit", ["unit", "symmetric"], source);
  return { size, channels, crop, normalize };
}

/**
 * The image files at `resolved` (a folder, or one image file), sorted by their path below it;
 * LIN0931 when there is none. `written` is the path as the spec gives it, for messages.
 */
export async function listImages(resolved: string, written: string, recursive: boolean): Promise<string[]> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(resolved)).isDirectory();
  } catch (e) {
    throw new TrainError("LIN0931", `image data path ${written} (${resolved}) cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!isFolder) {
    if (!isImage(resolved)) throw new TrainError("LIN0931", `image data path ${written} is neither a folder nor a .png, .jpg or .jpeg file`);
    return [resolved];
  }
  const entries = await readdir(resolved, { recursive, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && isImage(e.name)).map((e) => path.join(e.parentPath, e.name));
  if (files.length === 0) {
    const where = recursive ? "or its sub-folders" : "(sub-folders are read with recursive = true)";
    throw new TrainError("LIN0931", `image folder ${written} ${where} holds no .png, .jpg or .jpeg file`);
  }
  // Sorted by UTF-16 code units of the path below the folder: the same order on every machine.
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Reads `files` through `pipeline` into [files.length, channels, size, size], reporting progress. */
export async function readImageRows(
  files: readonly string[],
  pipeline: ImagePipeline,
  load: SharpLoader | undefined,
  progress: ((line: string) => void) | undefined,
  label: string,
): Promise<Float32Array> {
  const decode = await imageDecoder(load);
  const rowValues = pipeline.channels * pipeline.size * pipeline.size;
  const out = new Float32Array(files.length * rowValues);
  const report = files.length >= PROGRESS_FROM ? (progress ?? ((line: string) => process.stderr.write(line))) : undefined;
  let nextMark = 1;
  for (let start = 0; start < files.length; start += IN_FLIGHT) {
    const batch = files.slice(start, start + IN_FLIGHT);
    const decoded = await Promise.all(batch.map(decode));
    decoded.forEach((image, i) => applyPipeline(image, pipeline, out, (start + i) * rowValues));
    const done = start + batch.length;
    if (report !== undefined && (done * 10 >= nextMark * files.length || done === files.length)) {
      report(`${label}: ${done}/${files.length} images (${Math.floor((100 * done) / files.length)}%)\n`);
      while (nextMark * files.length <= done * 10) nextMark++;
    }
  }
  return out;
}

/** `n` of `files` (all when `n` is absent), a seeded subset kept in file order. */
function seededSubset(files: readonly string[], args: DataArgs, context: DataContext): string[] {
  const n = numberArg(args, "n", files.length, (v) => Number.isInteger(v) && v > 0, "a positive integer");
  if (n >= files.length) return [...files];
  const seed = numberArg(args, "seed", context.seed, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer");
  const picked = Array.from(new Rng(seed).permutation(files.length).subarray(0, n)).sort((a, b) => a - b);
  return picked.map((i) => files[i]);
}

/** True for `recursive = true` (or 1); false when absent, `false` or 0. */
export function recursiveArg(args: DataArgs, source: string): boolean {
  const v = args.get("recursive");
  if (v === undefined || v === "false" || v === 0) return false;
  if (v === "true" || v === 1) return true;
  throw new TrainError("LIN0903", `${source}(): recursive must be true or false, got ${String(v)}`);
}

/** The image files a path argument names, capped by `n` and counted against the memory budget. */
export async function imageFiles(written: string, args: DataArgs, context: DataContext, pipeline: ImagePipeline, source: string): Promise<string[]> {
  const all = await listImages(resolveDataPath(written, context), written, recursiveArg(args, source));
  const files = seededSubset(all, args, context);
  requireWithinBudget(`${source}(${written})`, files.length, pipeline.channels * pipeline.size * pipeline.size);
  return files;
}

/** The `images(…)` source, with sharp loaded by `load` (tests pass a loader that fails). */
export function imagesSource(load?: SharpLoader): DataSource {
  return async (args, context): Promise<Dataset> => {
    const written = args.get("0") ?? args.get("path");
    if (typeof written !== "string") throw new TrainError("LIN0903", 'images(…) needs a folder or image path string, e.g. images(path = "faces/", size = 64)');
    const pipeline = pipelineArgs(args, "images");
    const files = await imageFiles(written, args, context, pipeline, "images");
    const data = await readImageRows(files, pipeline, load, context.progress, `images(${written})`);
    const { channels, size } = pipeline;
    return { name: `images(${written}: ${files.length} images, ${channels}×${size}×${size})`, data, rows: files.length, shape: [channels, size, size], range: pipeline.normalize };
  };
}

/** `images(path = …, size = …)` with the installed sharp. */
export const images: DataSource = imagesSource();
