#!/usr/bin/env node
// The `linea` command line: dispatches to one module per subcommand. Bad input never shows a stack:
// usage errors exit 2 with the usage, every other LineaError is one line with its code (command.ts),
// and anything unexpected is LIN1202 (exit 3). The common flags (--json, --max-diagnostics), colour and
// help are decided here, once, for every command.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { LineaError } from "../diagnostics/error.js";
import { DEFAULT_MAX_DIAGNOSTICS } from "../diagnostics/render.js";
import { useColour, type Environment } from "./colour.js";
import { ExitCode, InternalError, printFailure, reportFailure, UsageError, type Command, type CommandIO, type OutputMode } from "./command.js";
import { didYouMean, helpText } from "./flags.js";
import { takeMemoryBudget } from "./memory_budget.js";
import { packageVersion } from "./version.js";

/** Subcommands, loaded on demand so each pulls in only what it needs (the runtime is heavy). */
const commands: Readonly<Record<string, () => Promise<Command>>> = {
  check: async () => (await import("./check.js")).checkCommand,
  verify: async () => (await import("./verify.js")).verifyCommand,
  train: async () => (await import("./train.js")).trainCommand,
  compile: async () => (await import("./compile.js")).compileCommand,
  run: async () => (await import("./run.js")).runCommand,
  svd: async () => (await import("./svd.js")).svdCommand,
  gsvd: async () => (await import("./gsvd.js")).gsvdCommand,
  sample: async () => (await import("./sample.js")).sampleCommand,
  invert: async () => (await import("./invert.js")).invertCommand,
  interpolate: async () => (await import("./interpolate.js")).interpolateCommand,
  metrics: async () => (await import("./metrics.js")).metricsCommand,
  explain: async () => (await import("./explain.js")).explainCommand,
  export: async () => (await import("./export.js")).exportCommand,
};

/** What main takes beyond a command's IO: the environment and the terminal, for colour (defaults: none, not a terminal). */
export interface MainIO extends CommandIO {
  readonly env?: Environment;
  readonly stderrIsTTY?: boolean;
}

/** The usage with every command's one-line summary (this loads every command module, so only for help). */
async function help(): Promise<string> {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  const lines = await Promise.all(names.map(async (n) => `  ${n.padEnd(width)}  ${(await commands[n]?.())?.summary ?? ""}`));
  return [
    "usage: linea <command> [options]",
    "",
    "commands:",
    ...lines,
    "",
    "run `linea help <command>` (or `linea <command> --help`) for a command's flags, `linea --version` for the version",
  ].join("\n");
}

/** The command a name loads, or LIN1203 with the nearest command name. */
async function commandNamed(name: string): Promise<Command> {
  const load = commands[name];
  if (load === undefined) throw new UsageError(`unknown command '${name}'${didYouMean(name, Object.keys(commands))}`, "LIN1203");
  return load();
}

/** The common flags, taken out of a command's arguments (up to a `--`); the rest is the command's. */
function commonFlags(args: readonly string[]): { rest: string[]; json: boolean; maxDiagnostics: string | undefined } {
  const rest: string[] = [];
  let json = false;
  let maxDiagnostics: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (a === "--json") json = true;
    else if (a === "--max-diagnostics") maxDiagnostics = args[++i] ?? "";
    else if (a.startsWith("--max-diagnostics=")) maxDiagnostics = a.slice("--max-diagnostics=".length);
    else rest.push(a);
  }
  return { rest, json, maxDiagnostics };
}

function maxDiagnosticsFlag(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_DIAGNOSTICS;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 1) throw new UsageError(`--max-diagnostics needs an integer ≥ 1, got '${value}'`);
  return n;
}

export async function main(argv: readonly string[], io: MainIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === "--version" || name === "-V") {
    io.stdout(`linea ${packageVersion()}\n`);
    // --verbose: what the library keeps to itself otherwise, e.g. why the LAPACK addon is not used.
    if (args.includes("--verbose")) io.stdout(`${(await import("../runtime/linalg/backend.js")).linalgStatus()}\n`);
    return ExitCode.Ok;
  }
  if (name === undefined) {
    io.stderr(`${await help()}\n`);
    return ExitCode.Usage;
  }
  const { rest, json, maxDiagnostics } = commonFlags(args);
  const output: OutputMode = { json, color: useColour(io.env ?? {}, io.stderrIsTTY ?? false), maxDiagnostics: DEFAULT_MAX_DIAGNOSTICS };
  const failing: CommandIO = { ...io, output };
  let command: Command | undefined;
  let restoreBudget = (): void => undefined;
  try {
    if (name === "--help" || name === "-h" || (name === "help" && rest.length === 0)) {
      io.stdout(`${await help()}\n`);
      return ExitCode.Ok;
    }
    if (name === "help") {
      const [topic, ...extra] = rest;
      if (topic === undefined || extra.length > 0) throw new UsageError("help takes one command name");
      io.stdout(helpText(await commandNamed(topic)));
      return ExitCode.Ok;
    }
    command = await commandNamed(name);
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout(helpText(command));
      return ExitCode.Ok;
    }
    const budget = takeMemoryBudget(rest);
    restoreBudget = budget.restore;
    return await command.run(budget.args, { ...failing, output: { ...output, maxDiagnostics: maxDiagnosticsFlag(maxDiagnostics) } });
  } catch (e) {
    if (e instanceof UsageError) {
      printFailure(command?.name ?? "", failing, e, command?.usage);
      if (e.code === "LIN1203" && !json) io.stderr(`${await help()}\n`);
      return ExitCode.Usage;
    }
    if (e instanceof LineaError) return reportFailure(name, failing, e);
    printFailure(name, failing, new InternalError(e));
    return ExitCode.Internal;
  } finally {
    restoreBudget();
  }
}

/** Run when executed directly or through bin/linea.js (possibly via npm's symlink), not when imported. */
function invokedAsCli(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  let real: string;
  try {
    real = realpathSync(script);
  } catch {
    return false;
  }
  return import.meta.url === pathToFileURL(real).href || /[\\/]bin[\\/]linea(\.js)?$/.test(real);
}

if (invokedAsCli()) {
  const code = await main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    stderrIsTTY: process.stderr.isTTY === true,
  });
  process.exitCode = code;
}
