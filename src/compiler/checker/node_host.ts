// The checker's disk access, and the only part of it that needs Node: files read from the file system.
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import type { FileHost } from "./host.js";

/** The disk as a `FileHost`: regular files only, real paths resolved. */
export const nodeFileHost: FileHost = {
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
