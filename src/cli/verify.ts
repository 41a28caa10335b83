// `linea verify FILE [--runs N] [--seed S] [--json] [--all]`: checks the laws a spec claims (its
// `verify` statements; with --all, every applicable law of every declaration) as fast-check properties
// on the bound runtime values. One line per law as it completes; a failure shows the shrunk
// counterexample and the seed that replays it. Exit 0 all pass, 1 any failure, 2 bad usage.
import { relative, resolve } from "node:path";
import type { CheckResult } from "../verify/law.js";
import { verificationOf } from "../verify/program.js";
import { failedCount, formatLocation, formatResult, formatSummary, toJson, type TargetReport } from "../verify/report.js";
import { ExitCode, outputOf, parseCommandLine, UsageError, type Command } from "./command.js";
import type { FlagTable } from "./flags.js";
import { JsonUris } from "./json_shape.js";
import { COMPILE_FLAGS, integerFlag } from "./run.js";
import { readCheckedSpec } from "./spec_input.js";

/** Runs per law when neither the statement nor --runs says. */
export const DEFAULT_RUNS = 100;

const VERIFY_FLAGS = {
  runs: { type: "string", value: "N", defaultText: `the statement's runs, else ${DEFAULT_RUNS}`, help: "property-test runs per law" },
  all: { type: "boolean", help: "check every applicable law of every declaration, not only the verify statements" },
  ...COMPILE_FLAGS,
  seed: { type: "string", value: "S", defaultText: "the statement's seed, else 0", help: "seed of the property tests (a failure prints the one that replays it)" },
} as const satisfies FlagTable;

export const verifyCommand: Command = {
  name: "verify",
  summary: "check the laws a spec claims (linear, pinv, idempotent, …) on its bound values",
  usage: "linea verify FILE [--runs N] [--seed S] [--json] [--all] [--weights FILE] [--backend NAME]",
  flags: VERIFY_FLAGS,
  examples: [
    "linea verify examples/idempotent_mnist.lin --runs 50",
    "linea verify spec.lin --all --json",
    "linea verify examples/idempotent_mnist.lin --weights runs/idem/weights.safetensors",
  ],
  async run(args, io) {
    const parsed = parseCommandLine(args, VERIFY_FLAGS);
    const [file, ...extra] = parsed.positionals;
    if (file === undefined) throw new UsageError("verify needs a file");
    if (extra.length > 0) throw new UsageError(`verify takes one file, got ${parsed.positionals.length}`);
    const runs = integerFlag("runs", parsed.values.runs, 1);
    const seed = integerFlag("seed", parsed.values.seed, 0);
    const json = outputOf(io).json;
    const spec = await readCheckedSpec(file, io);
    if (typeof spec === "number") return spec;
    const { path, text, program } = spec;
    const verification = await verificationOf(
      program,
      {
        all: parsed.values.all === true,
        ...(parsed.values.weights === undefined ? {} : { weights: resolve(io.cwd, parsed.values.weights) }),
        ...(parsed.values.backend === undefined ? {} : { backend: parsed.values.backend }),
      },
      text,
    );
    try {
      // On stderr, so that --json output stays one parseable document.
      io.stderr(`backend: ${verification.backend}\n`);
      const shown = relative(io.cwd, path) || file;
      const rel = (uri: string): string => relative(io.cwd, uri) || uri;
      const reports: TargetReport[] = [];
      const replay = `linea verify ${file}${parsed.values.all === true ? " --all" : ""}${runs === undefined ? "" : ` --runs ${runs}`}`;
      if (verification.targets.length === 0 && !json) io.stdout(`${shown}: no verify statements (use --all to check every declaration)\n`);
      for (const target of verification.targets) {
        if (!json) io.stdout(`${target.label}${formatLocation(target.location, rel)}\n`);
        if (target.problem !== undefined && !json) io.stdout(`  ✗ cannot check: ${target.problem}\n`);
        const results: CheckResult[] = [];
        for (const check of target.checks) {
          const r = await check.run({
            runs: runs ?? target.runs ?? DEFAULT_RUNS,
            seed: seed ?? target.seed ?? 0,
            ...(target.tolerance === undefined ? {} : { tolerance: target.tolerance }),
          });
          results.push(r);
          // one line per law as it completes: the progress of a long run
          if (!json) io.stdout(`${formatResult(r, replay)}\n`);
        }
        reports.push({
          label: target.label,
          ...(target.location === undefined ? {} : { location: target.location }),
          ...(target.problem === undefined ? {} : { problem: target.problem }),
          results,
        });
      }
      const uris = new JsonUris(io.cwd);
      if (json)
        io.stdout(
          `${JSON.stringify({ ok: failedCount(reports) === 0, backend: verification.backend, ...toJson(uris.uri(path), reports, (l) => uris.location(l.uri, l.range)) }, null, 2)}\n`,
        );
      else io.stdout(`${formatSummary(reports)}\n`);
      return failedCount(reports) === 0 ? ExitCode.Ok : ExitCode.Errors;
    } finally {
      verification.dispose();
    }
  },
};
