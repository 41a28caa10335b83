// How every message shows a path: relative to the working directory when it lies inside it, as given
// otherwise. pathe (not node:path) so the renderer also runs in the browser playground.
import { isAbsolute, relative } from "pathe";

/**
 * `path` relative to `cwd` when it lies inside it, else `path` unchanged (a relative `path` is shown as
 * written). `here` is what `cwd` itself is shown as (the path, or "." for a folder).
 */
export function displayPath(path: string, cwd: string, here: string = path): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  if (rel === "") return here;
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
