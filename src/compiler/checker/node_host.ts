// The checker's disk access, and the only part of it that needs Node: files read from the file system.
import { existsSync, realpathSync } from "node:fs";
import { readWholeFileSync } from "../../runtime/io/read_file.js";
import type { FileHost } from "./host.js";

/** The largest spec file read: far beyond any hand-written spec, far below what would exhaust memory. */
export const MAX_SPEC_BYTES = 16 * 1024 * 1024;

/** The disk as a `FileHost`: regular files only, bounded reads, real paths resolved. */
export const nodeFileHost: FileHost = {
  readFile(path) {
    try {
      // Opened without blocking and checked with fstat (runtime/io/read_file.ts): a FIFO does not hang, a device is not read.
      return new TextDecoder("utf-8", { ignoreBOM: true }).decode(readWholeFileSync(path, MAX_SPEC_BYTES, "a spec file"));
    } catch {
      return undefined;
    }
  },
  exists(path) {
    return existsSync(path);
  },
  realPath(path) {
    try {
      return realpathSync(path);
    } catch {
      return undefined;
    }
  },
};
