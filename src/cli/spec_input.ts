// Reading and checking the spec file a command is given, the same way in every command: a file that
// cannot be read is a usage error (exit 2, saying why), a spec with errors prints its diagnostics on
// stderr (or the --json document on stdout) and exits 1. `-` reads the spec from standard input: it is
// shown as `<stdin>` and its imports resolve from the working directory. Commands that add declarations
// to the spec (sampler lets, interpolation mixes) build them as syntax nodes and check them in the spec's
// checked scope (apps/spec_text.ts, extendModule), without re-reading or re-checking the spec.
import { resolve } from "node:path";
import { hasErrors } from "../ast/diagnostic.js";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { checkWith } from "../compiler/checker/check.js";
import { nodeFileHost } from "../compiler/checker/node_host.js";
import { FormatError } from "../runtime/io/errors.js";
import { cannotRead, ExitCode, printFailure, UsageError, type CommandIO } from "./command.js";
import { stdinPath } from "./json_shape.js";
import { printDiagnostics } from "./output.js";

/** The spec file argument that means standard input. */
const STDIN_ARGUMENT = "-";
/** A spec on standard input longer than this is refused (LIN1206): far beyond any real spec, and bounded. */
export const STDIN_LIMIT_BYTES = 16 * 1024 * 1024;

/** A spec file that reads and checks. */
export interface CheckedSpec {
  /** The file's absolute path (its uri in the checked program; `<stdin>` in the working directory for `-`). */
  readonly path: string;
  readonly text: string;
  readonly program: CheckedProgram;
  /** The text of each module the check read, by uri (for rendering diagnostics). */
  readonly sources: (uri: string) => string | undefined;
}

/** process.stdin read to its end, refused (LIN1206) past STDIN_LIMIT_BYTES without reading further. */
export async function readProcessStdin(limit = STDIN_LIMIT_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > limit) {
      process.stdin.destroy();
      throw new UsageError(`the spec on standard input is longer than ${limit} bytes`, "LIN1206");
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The spec's path and text: `-` from standard input, else FILE relative to the working directory; a number is the exit code of a file that cannot be read. */
export async function readSpecText(file: string, io: CommandIO): Promise<{ path: string; text: string } | number> {
  if (file === STDIN_ARGUMENT) return { path: stdinPath(io.cwd), text: await (io.readStdin ?? readProcessStdin)() };
  const path = resolve(io.cwd, file);
  const text = nodeFileHost.readFile(path);
  if (text !== undefined) return { path, text };
  const why = cannotRead(file, path);
  printFailure("", io, new FormatError("LIN1111", why.replace(/^linea: /, "").trimEnd()));
  return ExitCode.Usage;
}

/** Reads FILE (or `-`) and checks it; on failure prints why and returns the exit code. */
export async function readCheckedSpec(file: string, io: CommandIO): Promise<CheckedSpec | number> {
  const read = await readSpecText(file, io);
  if (typeof read === "number") return read;
  const { path, text } = read;
  const outcome = checkWith({ uri: path, text }, { host: nodeFileHost });
  const sources = (u: string): string | undefined => outcome.sources.get(u);
  if (hasErrors(outcome.diagnostics) || outcome.program === undefined) {
    printDiagnostics(io, outcome.diagnostics, sources);
    return ExitCode.Errors;
  }
  return { path, text, program: outcome.program, sources };
}

/** The one spec file of a command line's positionals; anything else is a usage error. */
export function specFileArgument(positionals: readonly string[], command: string): string {
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError(`${command} needs exactly one spec file (or - for standard input)`);
  return file;
}
