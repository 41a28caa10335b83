// The memory bound on what a data source holds: image folders can be far larger than memory (200k
// CelebA faces at 64×64×3 float32 are 9.8 GB), so a source checks rows × values before it allocates
// or decodes anything. The budget is the check's (LINEA_MEMORY_BUDGET, which --memory-budget sets),
// else the machine's memory: one budget for everything a run holds.
import { totalmem } from "node:os";
import { parseBytes } from "../compiler/checker/memory.js";
import { TrainError } from "./errors.js";

/** LINEA_MEMORY_BUDGET (`16G`, `512MiB`, bytes) when set and readable, else the machine's memory. */
export function dataMemoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.LINEA_MEMORY_BUDGET;
  return (set === undefined ? undefined : parseBytes(set)) ?? totalmem();
}

/** Bytes as `9.8 GB` (decimal, as file managers show sizes). */
function bytesText(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${bytes} bytes`;
}

/**
 * LIN0932 when `rows` float32 rows of `rowValues` values (`what`: which source) exceed the budget;
 * the message says how many rows would fit.
 */
export function requireWithinBudget(what: string, rows: number, rowValues: number, budget: number = dataMemoryBudget()): void {
  const bytes = rows * rowValues * 4;
  if (bytes <= budget) return;
  const fit = Math.floor(budget / (rowValues * 4));
  throw new TrainError(
    "LIN0932",
    `${what}: ${rows} rows of ${rowValues} float32 values are ${bytesText(bytes)}, more than the memory budget of ${bytesText(budget)}; ` +
      `read at most ${fit} rows with n = ${Math.max(1, fit)}, use a smaller size, or raise the budget with --memory-budget or LINEA_MEMORY_BUDGET`,
  );
}
