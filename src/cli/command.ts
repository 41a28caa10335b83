// The shape of a `linea` subcommand: each lives in its own module and is loaded only when named,
// so adding `run`, `compile`, `verify`, `train` or `svd` means adding a module and one table entry.

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
