// The one way Linea opens a file for reading. It opens without blocking (a FIFO with no writer would
// otherwise hang the open), checks with fstat on the open descriptor that it is a regular file (no
// device such as /dev/zero, no FIFO, socket or directory: their "size" bounds nothing) and knows the
// file's size before reading a byte, so every format can check what its header says against the size
// before it allocates. Errors are FormatErrors: LIN1111 the system refused, LIN1112 not a regular
// file, LIN1113 larger than the reader's bound, LIN1101 fewer bytes than asked for.

import { closeSync, constants, fstatSync, openSync, promises as fs, readSync, type Stats } from "node:fs";
import { FormatError } from "./errors.js";

/** O_NONBLOCK where the platform has it (not on Windows, which has no FIFOs to block on either). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** An open regular file of known size; `read` returns exactly the bytes asked for, or fails. */
export interface ReadableFile {
  readonly path: string;
  readonly size: number;
  /** Exactly `length` bytes from `offset`, or LIN1101 when the file has fewer. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Closes the file descriptor. */
  close(): Promise<void>;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

function notRegular(file: string, stats: Stats): FormatError {
  return new FormatError("LIN1112", `${kindOf(stats)}, not a regular file: Linea reads only regular files`, { file });
}

function refused(file: string, e: unknown): FormatError {
  return new FormatError("LIN1111", `cannot read: ${(e as Error).message}`, { file });
}

/** LIN1113 unless `size` ≤ `maxBytes`; `what` says whose bound it is ("a JSON input"). */
export function checkSizeBound(file: string, size: number, maxBytes: number, what: string): void {
  if (size > maxBytes) throw new FormatError("LIN1113", `${size} bytes is more than ${what} may be (at most ${maxBytes} bytes)`, { file });
}

/** Opens `file` for reading: a regular file, or a coded FormatError. The caller closes it. */
export async function openForReading(file: string): Promise<ReadableFile> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_FLAGS);
  } catch (e) {
    throw refused(file, e);
  }
  let stats: Stats;
  try {
    stats = await handle.stat();
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw refused(file, e);
  }
  if (!stats.isFile()) {
    await handle.close().catch(() => undefined);
    throw notRegular(file, stats);
  }
  const size = stats.size;
  return {
    path: file,
    size,
    async read(offset, length) {
      if (offset + length > size) throw new FormatError("LIN1101", `needs bytes ${offset}–${offset + length}, the file has ${size}`, { file });
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        let n: number;
        try {
          n = (await handle.read(out, done, length - done, offset + done)).bytesRead;
        } catch (e) {
          throw refused(file, e);
        }
        // The file shrank after fstat (another process truncated it).
        if (n === 0) throw new FormatError("LIN1101", `ended after ${offset + done} bytes while reading`, { file });
        done += n;
      }
      return out;
    },
    close: () => handle.close(),
  };
}

/** Reads a whole regular file of at most `maxBytes` bytes (`what` names the bound in the error). */
export async function readWholeFile(file: string, maxBytes: number, what: string): Promise<Uint8Array> {
  const f = await openForReading(file);
  try {
    checkSizeBound(file, f.size, maxBytes, what);
    return await f.read(0, f.size);
  } finally {
    await f.close().catch(() => undefined);
  }
}

/** readWholeFile for synchronous callers (the checker's file host). */
export function readWholeFileSync(file: string, maxBytes: number, what: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw refused(file, e);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegular(file, stats);
    checkSizeBound(file, stats.size, maxBytes, what);
    const out = new Uint8Array(stats.size);
    let done = 0;
    while (done < out.length) {
      const n = readSync(fd, out, done, out.length - done, done);
      if (n === 0) throw new FormatError("LIN1101", `ended after ${done} bytes while reading`, { file });
      done += n;
    }
    return out;
  } catch (e) {
    throw e instanceof FormatError ? e : refused(file, e);
  } finally {
    closeSync(fd);
  }
}
