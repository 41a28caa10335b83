// A file-system failure as a coded io error (LIN1111, exit 2): the errno in words beside the path, so
// `--out cb.lin/sub` says that a folder on the path is a file instead of surfacing as an internal error.
import { FormatError } from "./errors.js";

const reasons: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a folder on the path is a file",
  EISDIR: "it is a folder",
  EEXIST: "something that is not a folder is already there",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the file system is read-only",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  EIO: "input/output error",
};

/** The errno of a Node file-system error, if it is one. */
export function errnoOf(e: unknown): string | undefined {
  const code = typeof e === "object" && e !== null && "code" in e ? e.code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** `file: cannot <doing>: <reason> (ERRNO)`; a LineaError passes through unchanged. */
export function fileSystemError(e: unknown, file: string, doing: string): Error {
  if (e instanceof FormatError) return e;
  const code = errnoOf(e);
  const reason = code === undefined ? (e instanceof Error ? e.message : String(e)) : `${reasons[code] ?? (e instanceof Error ? e.message : code)} (${code})`;
  return new FormatError("LIN1111", `cannot ${doing}: ${reason}`, { file });
}
