// The checker's disk access, and the only part of it that needs Node: files read from the file system.
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { totalmem } from "node:os";
import type { FileHost } from "./host.js";
import { parseBytes } from "./memory.js";

/** LINEA_MEMORY_BUDGET (`16G`, `512MiB`, bytes) when set and readable, else the machine's memory. */
function machineBudget(): number {
  const set = process.env.LINEA_MEMORY_BUDGET;
  return (set === undefined ? undefined : parseBytes(set)) ?? totalmem();
}

export const nodeFileHost: FileHost = {
  // Read on each check, so a budget set after start-up (a test, `--memory-budget`) applies.
  get memoryBudget() {
    return machineBudget();
  },
  readFile(path) {
    try {
      if (!statSync(path).isFile()) return undefined;
      return readFileSync(path, "utf8");
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
