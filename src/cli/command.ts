// The shape of a `linea` subcommand: each lives in its own module and is loaded only when named,
// so adding `run`, `compile`, `verify`, `train` or `svd` means adding a module and one table entry.
import { readFileSync, statSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { UsageCode } from "../diagnostics/codes.js";
import { LineaError } from "../diagnostics/error.js";
import { BackendError } from "../runtime/backend/errors.js";

export interface CommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line for `linea --help`. */
  readonly summary: string;
  readonly usage: string;
  /** Returns the exit code: 0 success, 1 the input has errors, 2 bad usage or an unreadable file. */
  run(args: readonly string[], io: CommandIO): Promise<number>;
}

export const ExitCode = { Ok: 0, Errors: 1, Usage: 2, Internal: 3 } as const;

/** Thrown for bad command lines; main prints the message and the usage, never a stack. */
export class UsageError extends LineaError<UsageCode> {
  override readonly name = "UsageError";
  constructor(message: string) {
    super("LIN1201", message);
  }
}

/**
 * Failures of the environment, not of the input: a backend that cannot be chosen or started, a file the
 * system will not read (LIN1111), a picture that cannot be drawn (LIN1140, LIN1141). They exit 2, like bad usage.
 */
function isEnvironmentFailure(e: LineaError): boolean {
  return e instanceof BackendError || e.code === "LIN1111" || e.code === "LIN1140" || e.code === "LIN1141";
}

/** A LineaError as the one line the CLI prints: `error[CODE]: message`, with the spec location when it has one. */
function failureLine(e: LineaError): string {
  // Some runtime errors start their message with the code; the line shows it once.
  const message = e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message;
  const at = e.location === undefined ? "" : ` (${e.location.uri}:${e.location.range.start.line + 1}:${e.location.range.start.character + 1})`;
  return `error[${e.code}]: ${message.replace(/\n/g, " ")}${at}`;
}

/**
 * The one error mapper of every command, called where main catches what a command throws (and by
 * `runTrain`, which also runs outside main): prints a LineaError as `linea COMMAND: error[CODE]: …` (never a
 * stack) and returns its exit code. A UsageError (main prints it with the usage) and anything that is not a
 * LineaError (a bug: main reports it as internal) are rethrown.
 */
export function reportFailure(command: string, io: CommandIO, e: unknown): number {
  if (!(e instanceof LineaError) || e instanceof UsageError) throw e;
  io.stderr(`linea ${command}: ${failureLine(e)}\n`);
  return isEnvironmentFailure(e) ? ExitCode.Usage : ExitCode.Errors;
}

type CommandLineConfig<O extends NonNullable<ParseArgsConfig["options"]>> = { args: string[]; options: O; allowPositionals: true; strict: true };

/** Parses a command's arguments strictly (positionals allowed); a malformed line is a UsageError. */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig["options"]>>(args: readonly string[], options: O): ReturnType<typeof parseArgs<CommandLineConfig<O>>> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
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
    else {
      readFileSync(path);
      why = "it could not be read";
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : e instanceof Error ? e.message : String(e);
  }
  return `linea: cannot read ${shown}: ${why}\n`;
}
