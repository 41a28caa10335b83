// `npy("file.npy")`: a stack of rows [N, ...] from an .npy file, any dtype the reader takes
// (runtime/io/npy.ts), checked finite in float32. Image stacks are [N, C, H, W], PyTorch's layout;
// whether the rows fit the model's data space is checked where the space is known (rowLayout.ts).
import path from "node:path";
import { FormatError, loadNpy, requireFinite } from "../runtime/io/index.js";
import { resolveDataPath } from "./dataPaths.js";
import type { DataContext, Dataset, DataSource } from "./dataSource.js";
import { TrainError } from "./errors.js";

/** The .npy file `written` (relative to the spec, inside the project) as a Dataset of its first axis. */
export async function readNpyStack(written: string, context: DataContext): Promise<Dataset> {
  const resolved = resolveDataPath(written, context);
  let array;
  let data: Float32Array;
  try {
    array = await loadNpy(resolved);
    // Checked in float32, what training computes in: a float64 beyond float32's range is an infinity too.
    data = Float32Array.from(array.data, Number);
    requireFinite(data, array.shape, { file: written });
  } catch (e) {
    if (e instanceof FormatError) throw new TrainError("LIN0903", `${written}: ${e.code}: ${e.message}`);
    throw e;
  }
  if (array.shape.length < 2 || array.shape[0] < 1) throw new TrainError("LIN0903", `${written}: expected an array of shape [rows, …], got [${array.shape.join(", ")}]`);
  return { name: path.basename(written), data, rows: array.shape[0], shape: array.shape.slice(1) };
}

/** An .npy file of shape [rows, ...]; the path is the first argument (or `path = …`). */
export const npyFile: DataSource = async (args, context) => {
  const file = args.get("0") ?? args.get("path");
  if (typeof file !== "string") throw new TrainError("LIN0903", "npy(…) needs a path string as its first argument");
  return readNpyStack(file, context);
};
