// Where a data source's path argument points: resolved against the spec's folder and kept inside the
// project folder (LIN0910), as imports are. Shared by every source that reads files (npy, images, pairs).
import { realpathSync } from "node:fs";
import path from "node:path";
import { isInside } from "../compiler/checker/host.js";
import type { DataContext } from "./dataSource.js";
import { TrainError } from "./errors.js";

/** The real path, or the path itself when it does not exist (the reader then says so). */
function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** Refuses (LIN0910) a data path that leaves the project folder once links are resolved, as imports are (LIN0207). */
function insideProject(written: string, resolved: string, root: string, context: DataContext): void {
  const real = realPath(resolved);
  if (isInside(realPath(root), real)) return;
  const via = real === resolved ? "" : ` (a symbolic link to ${real})`;
  throw new TrainError("LIN0910", `data path ${written}${via} is outside the project folder ${root}; move or copy the data into the project folder`, {
    location: context.location,
  });
}

/** `written` resolved against the spec's folder, refused (LIN0910) when it leaves the project folder. */
export function resolveDataPath(written: string, context: DataContext): string {
  const resolved = path.resolve(context.baseDir, written);
  if (context.root !== undefined) insideProject(written, resolved, context.root, context);
  return resolved;
}
