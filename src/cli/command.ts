// The shape of a `linea` subcommand: each lives in its own module and is loaded only when named,
// so adding `run`, `compile`, `verify`, `train` or `svd` means adding a module and one table entry.
import { readFileSync, statSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";

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
export class UsageError extends Error {}

type CommandLineConfig<O extends NonNullable<ParseArgsConfig["options"]>> = { args: string[]; options: O; allowPositionals: true; strict: true };

/** Parses a command's arguments strictly (positionals allowed); a malformed line is a UsageError. */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig["options"]>>(
  args: readonly string[],
  options: O,
): ReturnType<typeof parseArgs<CommandLineConfig<O>>> {
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
