// `--operator NAME=FILE.npy` (repeatable) on run, sample, svd and invert: an operator's values from a
// numpy array, kept in float64 (compiler/binding/operator_matrix.ts says which operators a matrix sets).
import { resolve } from "node:path";
import type { OperatorMatrix } from "../compiler/binding/operator_matrix.js";
import { loadNpy, numbersOf, requireFinite } from "../runtime/io/index.js";
import { UsageError } from "./command.js";
import type { FlagTable } from "./flags.js";

/** The flag for parseCommandLine. */
export const OPERATOR_FLAG = {
  operator: { type: "string", multiple: true, value: "NAME=FILE.npy", help: "set a dense (or diagonal) operator from a float64 .npy matrix of its declared shape" },
} as const satisfies FlagTable;

/** The matrices the --operator flags name, read and checked, by operator name; {} without the flag. */
export async function operatorFlagOptions(values: readonly string[] | undefined, cwd: string): Promise<{ operatorMatrices?: ReadonlyMap<string, OperatorMatrix> }> {
  if (values === undefined || values.length === 0) return {};
  const out = new Map<string, OperatorMatrix>();
  for (const value of values) {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)=(.+)$/.exec(value);
    if (m === null || !m[2].endsWith(".npy")) throw new UsageError(`--operator needs NAME=FILE.npy (e.g. --operator A=a.npy), got '${value}'`);
    const [, name, file] = m;
    if (out.has(name)) throw new UsageError(`--operator ${name} is given twice`);
    const array = await loadNpy(resolve(cwd, file));
    if (array.dtype !== "F64" && array.dtype !== "F32") throw new UsageError(`--operator ${name}=${file}: expected a float64 (or float32) array, got ${array.dtype}`);
    const data = numbersOf(array);
    requireFinite(data, array.shape, { file });
    out.set(name, { file, shape: array.shape, data });
  }
  return { operatorMatrices: out };
}
