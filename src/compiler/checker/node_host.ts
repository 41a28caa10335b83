// The checker's disk access, and the only part of it that needs Node: files read from the file system.
import { existsSync, realpathSync } from "node:fs";
import { readWholeFileSync } from "../../runtime/io/read_file.js";
import { totalmem } from "node:os";
import type { FileHost } from "./host.js";
import { parseBytes } from "./memory.js";

/** LINEA_MEMORY_BUDGET (`16G`, `512MiB`, bytes) when set and readable, else the machine's memory. */
function machineBudget(): number {
  const set = process.env.LINEA_MEMORY_BUDGET;
  return (set === undefined ? undefined : parseBytes(set)) ?? totalmem();
}

/** The largest spec file read: far beyond any hand-written spec, far below what would exhaust memory. */
export const MAX_SPEC_BYTES = 16 * 1024 * 1024;

/** The disk as a `FileHost`: regular files only, bounded reads, real paths resolved. */
export const nodeFileHost: FileHost = {
  // Read on each check, so a budget set after start-up (a test, `--memory-budget`) applies.
  get memoryBudget() {
    return machineBudget();
  },
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
