// Atomic file writes: a temp file in the same directory (so rename stays on one file system), fsync,
// rename over the target, fsync the directory. A crash leaves the old file or the new one, never half,
// and at worst a temp file `.<name>.<pid>.<hex>.tmp`, which removeOrphanedTempFiles clears.

import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileSystemError } from "./fs_failure.js";

/** The temp file's name for `file`: hidden, the writer's pid (to tell orphans from live writes), random. */
function tempName(file: string): string {
  return `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
}

const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Writes a file atomically: a temporary file beside it, fsync, rename, fsync of the directory. */
export async function writeFileAtomic(file: string, chunks: readonly Uint8Array[]): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, tempName(file));
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, "wx");
    for (const c of chunks) await handle.write(c);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, file);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw fileSystemError(e, file, "write");
  }
  // Make the rename itself durable; not all file systems allow opening a directory, hence best effort.
  try {
    const d = await fs.open(dir, "r");
    await d.sync().catch(() => undefined);
    await d.close();
  } catch {
    /* best effort */
  }
}

/**
 * Deletes the temp files of atomic writes in `dir` whose writer is gone (`alive(pid)` false): what a
 * crash or a kill in the middle of a write leaves. Returns the names removed; a missing folder has none.
 */
export async function removeOrphanedTempFiles(dir: string, alive: (pid: number) => boolean): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    try {
      await fs.unlink(path.join(dir, name));
      removed.push(name);
    } catch (e) {
      throw fileSystemError(e, path.join(dir, name), "remove a temporary file left by a crashed run");
    }
  }
  return removed;
}
