// The output folder of a run, made ready before the first step, so that a path that cannot be written
// fails in a second with a coded io error (LIN1111, exit 2) and not after an hour of training: the
// checkpoints folder created (refused when a file is in its place), every file the run writes refused
// when a folder is in its place, and the temp files of a crashed run's atomic writes removed.
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileSystemError, removeOrphanedTempFiles } from "../runtime/io/index.js";
import { processAlive } from "./lock.js";

/** The checkpoints folder of a run's output folder. */
export function checkpointDir(outDir: string): string {
  return path.join(outDir, "checkpoints");
}

/** The files a run writes in its output folder (besides checkpoints/). */
export const OUTPUT_FILES = ["weights.safetensors", "loss.csv", "loss.json", "loss.png", "samples.png", "projections.png"] as const;

async function isFolder(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isDirectory();
  } catch {
    return false;
  }
}

/** Prepares `outDir` (which the caller holds the lock of); returns the names of orphaned temp files removed. */
export async function prepareOutput(outDir: string): Promise<string[]> {
  const checkpoints = checkpointDir(outDir);
  for (const dir of [outDir, checkpoints]) {
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (e) {
      throw fileSystemError(e, dir, "create the folder");
    }
    if (!(await isFolder(dir))) throw fileSystemError(Object.assign(new Error("not a folder"), { code: "ENOTDIR" }), dir, "use it as a folder");
    try {
      await fs.access(dir, fs.constants.W_OK);
    } catch (e) {
      throw fileSystemError(e, dir, "write in the folder");
    }
  }
  for (const name of OUTPUT_FILES) {
    const file = path.join(outDir, name);
    if (await isFolder(file)) throw fileSystemError(Object.assign(new Error("is a folder"), { code: "EISDIR" }), file, "write the file");
  }
  // Another live process's write in progress (its pid alive) is left alone.
  const alive = (pid: number): boolean => pid !== process.pid && processAlive(pid);
  return [...(await removeOrphanedTempFiles(outDir, alive)), ...(await removeOrphanedTempFiles(checkpoints, alive))];
}
