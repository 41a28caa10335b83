// Atomic file writes: a temp file in the same directory (so rename stays on one file system), fsync,
// rename over the target, fsync the directory. A crash leaves the old file or the new one, never half.

import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { FormatError } from "./errors.js";

/** Writes a file atomically: a temporary file beside it, fsync, rename, fsync of the directory. */
export async function writeFileAtomic(file: string, chunks: readonly Uint8Array[]): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
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
    throw new FormatError("LIN1111", `cannot write: ${(e as Error).message}`, { file });
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

export async function readFileOrThrow(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (e) {
    throw new FormatError("LIN1111", `cannot read: ${(e as Error).message}`, { file });
  }
}
