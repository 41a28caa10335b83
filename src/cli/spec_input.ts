// Reading and checking the spec file a command is given, the same way in every command: a file that
// cannot be read is a usage error (exit 2, saying why), a spec with errors prints its rendered
// diagnostics on stdout (exit 1). Commands that add declarations to the spec (sampler lets,
// interpolation mixes) build them as syntax nodes and check them in the spec's checked scope
// (apps/spec_text.ts, extendModule), without re-reading or re-checking the spec.
import { resolve } from "node:path";
import { hasErrors } from "../ast/diagnostic.js";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { checkWith } from "../compiler/checker/check.js";
import { nodeFileHost } from "../compiler/checker/node_host.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { cannotRead, ExitCode, UsageError, type CommandIO } from "./command.js";

/** A spec file that reads and checks. */
export interface CheckedSpec {
  /** The file's absolute path (its uri in the checked program). */
  readonly path: string;
  readonly text: string;
  readonly program: CheckedProgram;
  /** The text of each module the check read, by uri (for rendering diagnostics). */
  readonly sources: (uri: string) => string | undefined;
}

/** Reads FILE (relative to the working directory) and checks it; on failure prints why and returns the exit code. */
export function readCheckedSpec(file: string, io: CommandIO): CheckedSpec | number {
  const path = resolve(io.cwd, file);
  const text = nodeFileHost.readFile(path);
  if (text === undefined) {
    io.stderr(cannotRead(file, path));
    return ExitCode.Usage;
  }
  const outcome = checkWith({ uri: path, text }, { host: nodeFileHost });
  const sources = (u: string): string | undefined => outcome.sources.get(u);
  if (hasErrors(outcome.diagnostics) || outcome.program === undefined) {
    io.stdout(`${renderDiagnostics(outcome.diagnostics, sources, { cwd: io.cwd })}\n`);
    return ExitCode.Errors;
  }
  return { path, text, program: outcome.program, sources };
}

/** The one spec file of a command line's positionals; anything else is a usage error. */
export function specFileArgument(positionals: readonly string[], command: string): string {
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError(`${command} needs exactly one spec file`);
  return file;
}
