// Where the checker reads files from: the disk for the CLI (node_host.ts), a map of texts for tests,
// editors and browsers. Paths are absolute; URIs of files on disk are their absolute paths.
import { dirname, join, resolve } from "pathe";

/** How the checker reads files: the disk (`nodeFileHost`), memory (`memoryFileHost`) or an editor's buffers. */
export interface FileHost {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  /** Whether a file or folder exists at `path` (used to find the project root). */
  exists(path: string): boolean;
  /**
   * The path with every symbolic link resolved, where the host has links (the disk): the import
   * boundary is checked on it, so a link inside the project cannot reach a file outside.
   */
  realPath?(path: string): string | undefined;
  /** Bytes a compile may use on this host (node_host.ts: the machine's memory); 2 GiB when absent. */
  readonly memoryBudget?: number;
}

/** A host with no files: what a check of a text without a host reads its imports from. */
export const noFileHost: FileHost = { readFile: () => undefined, exists: () => false };

/** `path` with a trailing separator, so that a prefix test matches whole folder names only. */
function asFolder(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}

/** A host over in-memory files, keyed by absolute path; folders exist where some file lies below them. */
export function memoryFileHost(files: Readonly<Record<string, string>>): FileHost {
  const paths = Object.keys(files).map((p) => resolve(p));
  const texts = new Map(Object.entries(files).map(([p, t]) => [resolve(p), t]));
  return {
    readFile: (path) => texts.get(resolve(path)),
    exists: (path) => {
      const p = resolve(path);
      return paths.some((f) => f === p || f.startsWith(asFolder(p)));
    },
  };
}

const rootMarkers = ["linea.json", "package.json", ".git"];

/** The nearest folder above `file` holding linea.json, package.json or .git; else the file's folder. */
export function findProjectRoot(file: string, host: FileHost): string {
  const start = dirname(resolve(file));
  let dir = start;
  for (;;) {
    if (rootMarkers.some((m) => host.exists(join(dir, m)))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

/** Whether `path` lies inside folder `root` (or is it). */
export function isInside(root: string, path: string): boolean {
  const r = resolve(root);
  const p = resolve(path);
  return p === r || p.startsWith(asFolder(r));
}
