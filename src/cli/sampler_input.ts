// The sampler flags of `linea sample` and `linea invert`, and the spec with its sampler lets as a command
// reads it: spec errors and errors in the generated lets print their diagnostics (exit 1).
import type { CompileOptions } from "../compiler/execute/program.js";
import type { SamplerMethod } from "../compiler/checker/builtins.js";
import { samplerSpec, type SamplerChoice, type SamplerSpec } from "../apps/sampling.js";
import { UsageError, type CommandIO } from "./command.js";
import { printingGenerated } from "./generated.js";
import { readCheckedSpec } from "./spec_input.js";

/** Parses `euler`, `rk4` or `rk` (the reference's name for its RK4 branch). */
export function samplerMethod(flag: string, value: string): SamplerMethod {
  const v = value.trim().toLowerCase();
  if (v === "euler") return "euler";
  if (v === "rk4" || v === "rk") return "rk4";
  throw new UsageError(`--${flag}: unknown sampler method '${value}' (euler or rk4)`);
}

/** Step counts T ≥ 2: a T-step sampler takes T − 1 steps (compiler/ir/sampler.ts), so T = 1 takes none. */
export function samplerSteps(flag: string, value: string): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 2) throw new UsageError(`--${flag} needs integers ≥ 2, got '${value}'`);
  return n;
}

/** Reads and checks FILE with the sampler lets of `choices`; on diagnostics prints them and returns the exit code. */
export async function samplerSpecForCli(file: string, io: CommandIO, map: string, choices: readonly SamplerChoice[], options: CompileOptions): Promise<SamplerSpec | number> {
  const spec = await readCheckedSpec(file, io);
  if (typeof spec === "number") return spec;
  return printingGenerated(io, spec.sources, async () => samplerSpec({ ...spec, cwd: io.cwd }, map, choices, options));
}
