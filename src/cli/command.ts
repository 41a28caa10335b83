// The shape of a `linea` subcommand: each lives in its own module and is loaded only when named,
// so adding `run`, `compile`, `verify`, `train` or `svd` means adding a module and one table entry.
import { accessSync, constants, statSync } from "node:fs";
import { parseArgs } from "node:util";
import type { CodeRaisedBy } from "../diagnostics/codes.js";
import { MAX_SPEC_BYTES } from "../compiler/checker/node_host.js";
import { LineaError } from "../diagnostics/error.js";
import { displayPath } from "../diagnostics/display_path.js";
import { DEFAULT_MAX_DIAGNOSTICS } from "../diagnostics/render.js";
import { BackendError } from "../runtime/backend/errors.js";
import { COMMON_FLAGS, didYouMean, type FlagTable } from "./flags.js";
import { errorJson, JsonUris } from "./json_shape.js";

/** How a command prints, decided once by main from the common flags, the environment and the terminal. */
export interface OutputMode {
  /** --json: one JSON document on stdout, on success and on error. */
  readonly json: boolean;
  /** ANSI colour in human diagnostics (stderr is a TTY, or FORCE_COLOR; never with NO_COLOR). */
  readonly color: boolean;
  /** --max-diagnostics: diagnostics shown per file at most. */
  readonly maxDiagnostics: number;
}

const defaultOutput: OutputMode = { json: false, color: false, maxDiagnostics: DEFAULT_MAX_DIAGNOSTICS };

export interface CommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** How to print; main fills it in (default: human text without colour, the default cap). */
  readonly output?: OutputMode;
  /** All of standard input, for `-` as the spec file (default: process.stdin, bounded). */
  readonly readStdin?: () => Promise<string>;
}

export function outputOf(io: CommandIO): OutputMode {
  return io.output ?? defaultOutput;
}

export interface Command {
  readonly name: string;
  /** One line for `linea --help`. */
  readonly summary: string;
  readonly usage: string;
  /** Every flag the command takes: its parseArgs configuration and its help text (flags.ts). */
  readonly flags: FlagTable;
  /** Command lines for `linea help CMD`. */
  readonly examples: readonly string[];
  /** Returns the exit code: 0 success, 1 the input has errors, 2 bad usage or an unreadable file. */
  run(args: readonly string[], io: CommandIO): Promise<number>;
}

export const ExitCode = { Ok: 0, Errors: 1, Usage: 2, Internal: 3 } as const;

/** Thrown for bad command lines; main prints the message and the usage, never a stack. */
export class UsageError extends LineaError<CodeRaisedBy<"UsageError">> {
  override readonly name = "UsageError";
  constructor(message: string, code: CodeRaisedBy<"UsageError"> = "LIN1201") {
    super(code, message);
  }
}

/** What main reports when a command fails with something that is not a LineaError: a bug in Linea (exit 3). */
export class InternalError extends LineaError<CodeRaisedBy<"InternalError">> {
  override readonly name = "InternalError";
  constructor(cause: unknown) {
    super("LIN1202", `internal error: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Failures of the environment, not of the input: a backend that cannot be chosen or started, a file the
 * system will not read (LIN1111), one that is not a regular file (LIN1112) or beyond a reader's bound
 * (LIN1113), a picture that cannot be drawn (LIN1140, LIN1141). They exit 2, like bad usage.
 */
function isEnvironmentFailure(e: LineaError): boolean {
  return e instanceof BackendError || ["LIN1111", "LIN1112", "LIN1113", "LIN1140", "LIN1141"].includes(e.code);
}

/** A LineaError's message on one line, its code shown once (some runtime errors start their message with it). */
function oneLineMessage(e: LineaError): string {
  const message = e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message;
  return message.replace(/\n/g, " ");
}

/** A LineaError as the one line the CLI prints: `error[CODE]: message`, with the spec location (1-based, relative to cwd) when it has one. */
function failureLine(e: LineaError, cwd: string): string {
  const at = e.location === undefined ? "" : ` (${displayPath(e.location.uri, cwd)}:${e.location.range.start.line + 1}:${e.location.range.start.character + 1})`;
  return `error[${e.code}]: ${oneLineMessage(e)}${at}`;
}

/**
 * Prints a LineaError the way every command does: one line on stderr, or with --json the error document
 * on stdout; `usage` (a UsageError's) follows the line in text.
 */
export function printFailure(command: string, io: CommandIO, e: LineaError, usage?: string): void {
  if (outputOf(io).json) {
    io.stdout(`${JSON.stringify(errorJson(e, oneLineMessage(e), new JsonUris(io.cwd)), null, 2)}\n`);
    return;
  }
  io.stderr(`linea${command === "" ? "" : ` ${command}`}: ${failureLine(e, io.cwd)}\n${usage === undefined ? "" : `usage: ${usage}\n`}`);
}

/**
 * The one error mapper of every command, called where main catches what a command throws (and by
 * `runTrain`, which also runs outside main): prints a LineaError as `linea COMMAND: error[CODE]: …` (never a
 * stack) and returns its exit code. A UsageError (main prints it with the usage) and anything that is not a
 * LineaError (a bug: main reports it as internal) are rethrown.
 */
export function reportFailure(command: string, io: CommandIO, e: unknown): number {
  if (!(e instanceof LineaError) || e instanceof UsageError) throw e;
  printFailure(command, io, e);
  return isEnvironmentFailure(e) ? ExitCode.Usage : ExitCode.Errors;
}

type CommandLineConfig<O extends FlagTable> = { args: string[]; options: O; allowPositionals: true; strict: true };

/**
 * Parses a command's arguments strictly (positionals allowed) against its flag table; a malformed line is
 * a UsageError, an unknown flag LIN1204 with the nearest flag the command (or every command) takes.
 */
export function parseCommandLine<const O extends FlagTable>(args: readonly string[], options: O): ReturnType<typeof parseArgs<CommandLineConfig<O>>> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const unknown = e instanceof Error ? /^Unknown option '(-{1,2})([^']*)'/.exec(e.message) : null;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== null) {
      const [, dashes = "--", name = ""] = unknown;
      const known = [...Object.keys(options), ...Object.keys(COMMON_FLAGS)];
      throw new UsageError(`unknown flag '${dashes}${name}'${didYouMean(name, known, "--")}`, "LIN1204");
    }
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/**
 * The line every command prints for a spec file it cannot read, saying why (missing, a directory,
 * permissions), so a typo and a permissions problem read differently.
 */
export function cannotRead(shown: string, path: string): string {
  let why: string;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) why = "it is a directory";
    else if (!stats.isFile()) why = "it is not a regular file";
    else if (stats.size > MAX_SPEC_BYTES) why = `it is larger than a spec may be (${stats.size} bytes, at most ${MAX_SPEC_BYTES})`;
    else {
      // Permission only: the content is not read again (the file host already refused it).
      accessSync(path, constants.R_OK);
      why = "it could not be read";
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : e instanceof Error ? e.message : String(e);
  }
  return `linea: cannot read ${shown}: ${why}\n`;
}
