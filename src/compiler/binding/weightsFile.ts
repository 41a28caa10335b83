// A program's weights file: read and decoded once, whatever number of networks and operators take their
// tensors from it, and its format errors restated with the tensors' full names.
import { FormatError, loadSafetensors, type SafetensorsFile } from "../../runtime/io/index.js";
import { ExecuteError } from "../execute/errors.js";

/** Reads and decodes a safetensors file (injectable, so a test can count the reads). */
export type WeightsReader = (file: string) => Promise<SafetensorsFile>;

/** A weights file as decoded, with the path its errors name. */
export interface WeightsFile {
  readonly path: string;
  readonly tensors: SafetensorsFile["tensors"];
}

/** Prefix of the tensors a training checkpoint adds beside the model's (see src/train/checkpoint.ts). */
export const TRAINING_STATE_PREFIX = "train/";

/** The codes of a file that could not be read at all: the system refused, not a regular file, too large. */
const UNREADABLE: ReadonlySet<string> = new Set(["LIN1111", "LIN1112", "LIN1113"]);

/** Reads the file once; an unreadable or malformed file fails as compile reports it. */
export async function readWeightsFile(path: string, read: WeightsReader = loadSafetensors): Promise<WeightsFile> {
  try {
    return { path, tensors: (await read(path)).tensors };
  } catch (e) {
    throw weightsError(e, "") ?? e;
  }
}

/**
 * A FormatError restated with the tensor's full name in the file (`prefix` + the runtime's own name);
 * undefined for anything else. An unreadable file stays a FormatError LIN1111, LIN1112 or LIN1113 (the CLI's
 * "unreadable file", exit 2).
 */
export function weightsError(e: unknown, prefix: string): ExecuteError | undefined {
  if (e instanceof FormatError && !UNREADABLE.has(e.code)) {
    const tensor = e.tensor === undefined ? undefined : `${prefix}${e.tensor}`;
    // FormatError's message starts with "file: tensor \"local name\": "; restate it with the file's full name.
    const where = [e.file, e.tensor === undefined ? undefined : `tensor "${e.tensor}"`].filter((w) => w !== undefined).join(": ");
    const detail = where !== "" && e.message.startsWith(`${where}: `) ? e.message.slice(where.length + 2) : e.message;
    const head = [e.file, tensor === undefined ? undefined : `tensor "${tensor}"`].filter((w) => w !== undefined).join(": ");
    return new ExecuteError("LIN0804", `${head === "" ? "" : `${head}: `}${e.code}: ${detail}`, tensor);
  }
  return undefined;
}
