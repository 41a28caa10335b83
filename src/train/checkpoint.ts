// Checkpoints: one safetensors file per saved step, `checkpoints/step-00000420.safetensors`, written
// atomically (temp file + rename, src/runtime/io/atomic.ts). A file holds
//   - every tensor of the program under the names `compile(…, { weights })` loads ("G.blocks.0…",
//     "A.u.0.weight"), so `linea run FILE --weights` can use it after dropping the `train/` tensors;
//   - the optimiser's state: `train/adam/m/<name>` and `train/adam/v/<name>` for each trained tensor
//     (Adam's moments, float32 as tfjs keeps them), the iteration count in the metadata;
//   - `train/loss`: the loss history so far, [steps, 5] (total and the four terms);
// and metadata: format, step, seed, train name, optimiser, iterations.
import { promises as fs } from "node:fs";
import path from "node:path";
import { encodeSafetensors, fileSystemError, FormatError, loadSafetensors, writeFileAtomic, type HostTensor } from "../runtime/io/index.js";
import { TRAINING_STATE_PREFIX } from "../compiler/binding/weightsFile.js";
import { TrainError } from "./errors.js";

/** The `format` metadata of a checkpoint file. */
export const CHECKPOINT_FORMAT = "linea-checkpoint";
/** The run's own tensors; `compile` skips them when a checkpoint is loaded as weights. */
export const TRAIN_PREFIX = TRAINING_STATE_PREFIX;

/** Writes bytes to a file; the default is atomic. Tests inject writers that fail midway. */
export type FileWriter = (file: string, chunks: readonly Uint8Array[]) => Promise<void>;

/** A checkpoint read back: its step, file, tensors and metadata. */
export interface Checkpoint {
  readonly step: number;
  readonly file: string;
  readonly tensors: ReadonlyMap<string, HostTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** The file name of step `step`'s checkpoint. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, "0")}.safetensors`;
}

const NAME = /^step-(\d{8,})\.safetensors$/;

/** Writes step `step`'s checkpoint into `dir`, atomically. */
export async function saveCheckpoint(
  dir: string,
  step: number,
  tensors: ReadonlyMap<string, HostTensor>,
  metadata: Record<string, string>,
  writer: FileWriter = writeFileAtomic,
): Promise<string> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw fileSystemError(e, dir, "create the checkpoints folder");
  }
  const file = path.join(dir, checkpointName(step));
  await writer(file, encodeSafetensors(tensors, { ...metadata, format: CHECKPOINT_FORMAT, step: String(step) }));
  return file;
}

/** Checkpoint files in `dir`, newest step first (temp files and other names are ignored). */
export async function listCheckpoints(dir: string): Promise<{ step: number; file: string }[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((n) => {
      const m = NAME.exec(n);
      return m === null ? [] : [{ step: Number(m[1]), file: path.join(dir, n) }];
    })
    .sort((a, b) => b.step - a.step);
}

/** Reads and validates a checkpoint file; TrainError LIN0905 when it cannot be used. */
export async function readCheckpoint(file: string): Promise<Checkpoint> {
  let decoded;
  try {
    // Bounded by the header and the file's size; a device or FIFO in the folder is refused, not read.
    decoded = await loadSafetensors(file);
  } catch (e) {
    if (e instanceof FormatError) throw new TrainError("LIN0905", `${file}: ${e.code}: ${e.message}`);
    throw e;
  }
  if (decoded.metadata.format !== CHECKPOINT_FORMAT) {
    throw new TrainError("LIN0905", `${file}: not a linea checkpoint (format ${decoded.metadata.format ?? "missing"})`);
  }
  const text = decoded.metadata.step;
  if (text === undefined || !/^\d{1,15}$/.test(text))
    throw new TrainError("LIN0909", `${file}: field step: ${text === undefined ? "missing" : `${JSON.stringify(text)} is not a non-negative integer`}`);
  return { step: Number(text), file, tensors: decoded.tensors, metadata: decoded.metadata };
}

/**
 * The newest checkpoint that reads back whole. A damaged newer file (a writer that was not atomic, a
 * disk error) is skipped with a warning, so resuming loses at most the steps since the previous one.
 */
export async function latestCheckpoint(dir: string, warn: (message: string) => void = () => undefined): Promise<Checkpoint | undefined> {
  for (const { file } of await listCheckpoints(dir)) {
    try {
      return await readCheckpoint(file);
    } catch (e) {
      if (!(e instanceof TrainError)) throw e;
      warn(`skipping unreadable checkpoint: ${e.message}`);
    }
  }
  return undefined;
}

/** Deletes all but the `keep` newest checkpoints. */
export async function pruneCheckpoints(dir: string, keep: number): Promise<void> {
  const all = await listCheckpoints(dir);
  for (const { file } of all.slice(keep)) await fs.unlink(file).catch(() => undefined);
}

/** The program's tensors of a checkpoint, without the training state: what `--weights` loads. */
export function modelTensors(tensors: ReadonlyMap<string, HostTensor>): Map<string, HostTensor> {
  return new Map([...tensors].filter(([name]) => !name.startsWith(TRAIN_PREFIX)));
}
