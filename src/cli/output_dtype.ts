// `--dtype float32|float64`: the element type of the .npy arrays a command writes. The computation
// runs in the backend's float32; float64 output keeps what the host computed in float64 and lets a
// numpy user read float64 without a cast (the values of a float32 result are widened exactly).
import type { NpyArray } from "../runtime/io/index.js";
import { UsageError } from "./command.js";
import type { FlagTable } from "./flags.js";

export type OutputDtype = "F32" | "F64";

/** The flag for parseCommandLine. */
export const DTYPE_FLAG = {
  dtype: { type: "string", value: "float32|float64", defaultText: "float32", help: "element type of the .npy arrays written" },
} as const satisfies FlagTable;

/** --dtype's value (default float32), or a usage error. */
export function outputDtypeFlag(value: string | undefined): OutputDtype {
  if (value === undefined || value === "float32") return "F32";
  if (value === "float64") return "F64";
  throw new UsageError(`--dtype needs float32 or float64, got '${value}'`);
}

/** An array to write in the chosen dtype. */
export function outputArray(dtype: OutputDtype, shape: readonly number[], data: Float32Array | Float64Array): NpyArray {
  return dtype === "F64"
    ? { dtype, shape: [...shape], data: data instanceof Float64Array ? data : Float64Array.from(data) }
    : { dtype, shape: [...shape], data: data instanceof Float32Array ? data : Float32Array.from(data) };
}
