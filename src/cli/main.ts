#!/usr/bin/env node
// The `linea` command line: dispatches to one module per subcommand. Bad input never shows a stack:
// usage errors exit 2 with the usage, every other LineaError is one line with its code (command.ts),
// and anything unexpected is reported in one line (exit 3).
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LineaError } from "../diagnostics/error.js";
import { ExitCode, reportFailure, UsageError, type Command, type CommandIO } from "./command.js";
import { takeMemoryBudget } from "./memory_budget.js";

/** Subcommands, loaded on demand so each pulls in only what it needs (the runtime is heavy). */
const commands: Readonly<Record<string, () => Promise<Command>>> = {
  check: async () => (await import("./check.js")).checkCommand,
  verify: async () => (await import("./verify.js")).verifyCommand,
  train: async () => (await import("./train.js")).trainCommand,
  compile: async () => (await import("./compile.js")).compileCommand,
  run: async () => (await import("./run.js")).runCommand,
  svd: async () => (await import("./svd.js")).svdCommand,
  sample: async () => (await import("./sample.js")).sampleCommand,
  invert: async () => (await import("./invert.js")).invertCommand,
  interpolate: async () => (await import("./interpolate.js")).interpolateCommand,
};

/** The usage with every command's one-line summary (this loads every command module, so only for help). */
async function help(): Promise<string> {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  const lines = await Promise.all(names.map(async (n) => `  ${n.padEnd(width)}  ${(await commands[n]?.())?.summary ?? ""}`));
  return ["usage: linea <command> [options]", "", "commands:", ...lines, "", "run `linea <command> --help` for a command's usage, `linea --version` for the version"].join("\n");
}

/** The package's version: package.json sits two folders above this module, in src/cli and in dist/cli alike. */
function version(): string {
  const manifest: unknown = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"));
  const v = typeof manifest === "object" && manifest !== null && "version" in manifest ? manifest.version : undefined;
  return typeof v === "string" ? v : "unknown";
}

export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V") {
    io.stdout(`linea ${version()}\n`);
    return ExitCode.Ok;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(`${await help()}\n`);
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`linea: unknown command '${name}'\n${await help()}\n`);
    return ExitCode.Usage;
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`usage: ${command.usage}\n${command.summary}\n`);
    return ExitCode.Ok;
  }
  let restoreBudget = (): void => undefined;
  try {
    const budget = takeMemoryBudget(rest);
    restoreBudget = budget.restore;
    return await command.run(budget.args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`linea ${name}: ${e.message}\nusage: ${command.usage}\n`);
      return ExitCode.Usage;
    }
    if (e instanceof LineaError) return reportFailure(name, io, e);
    io.stderr(`linea ${name}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
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
  });
  process.exitCode = code;
}
