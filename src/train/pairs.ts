// `pairs(inputs = "content.png", targets = "styles/", size = 256)`: supervised rows for a map X → Y
// (style transfer): row i of the inputs with row i of the targets, and `labels[i] = i`, the target's
// index (the reference's style index). Each side is an .npy stack [N, …] or an image file or folder
// (read as images(…) reads them, with the same size, crop, channels and normalize). One input and k
// targets repeats the input k times, as the reference's style transfer repeats its one content image
// for its four styles; otherwise the row counts must be equal (LIN0933).
import { requireWithinBudget } from "./dataMemory.js";
import type { DataArgs, DataContext, Dataset, DataSource } from "./dataSource.js";
import { TrainError } from "./errors.js";
import type { SharpLoader } from "./imageDecoder.js";
import { imageFiles, pipelineArgs, readImageRows } from "./images.js";
import { readNpyStack } from "./npyData.js";

/** One side's rows: an .npy stack, or images through the pipeline. */
async function side(written: string, args: DataArgs, context: DataContext, load: SharpLoader | undefined): Promise<Dataset> {
  if (written.toLowerCase().endsWith(".npy")) return readNpyStack(written, context);
  const pipeline = pipelineArgs(args, "pairs");
  const files = await imageFiles(written, args, context, pipeline, "pairs");
  const data = await readImageRows(files, pipeline, load, context.progress, `pairs(${written})`);
  const { channels, size } = pipeline;
  return { name: written, data, rows: files.length, shape: [channels, size, size], range: pipeline.normalize };
}

/** `inputs` rows repeated to `rows` (from one row), or as they are when there are already `rows`. */
function repeated(inputs: Dataset, rows: number): Float32Array {
  if (inputs.rows === rows) return inputs.data;
  const out = new Float32Array(rows * inputs.data.length);
  for (let i = 0; i < rows; i++) out.set(inputs.data, i * inputs.data.length);
  return out;
}

/** The `pairs(…)` source, with sharp loaded by `load` (tests pass their own). */
export function pairsSource(load?: SharpLoader): DataSource {
  return async (args, context): Promise<Dataset> => {
    const inputsPath = args.get("inputs");
    const targetsPath = args.get("targets");
    if (typeof inputsPath !== "string" || typeof targetsPath !== "string") {
      throw new TrainError("LIN0903", 'pairs(…) needs two path strings, e.g. pairs(inputs = "content.png", targets = "styles/", size = 256)');
    }
    const inputs = await side(inputsPath, args, context, load);
    const targets = await side(targetsPath, args, context, load);
    if (inputs.rows !== targets.rows && inputs.rows !== 1) {
      throw new TrainError(
        "LIN0933",
        `pairs(): ${inputsPath} has ${inputs.rows} rows and ${targetsPath} has ${targets.rows}; give as many inputs as targets, or one input for all the targets`,
        { location: context.location },
      );
    }
    const rows = targets.rows;
    // The repeated input is a new allocation: count it with the targets before making it.
    requireWithinBudget(`pairs(${inputsPath}, ${targetsPath})`, rows, inputs.data.length / inputs.rows + targets.data.length / targets.rows);
    const labels = Int32Array.from({ length: rows }, (_, i) => i);
    return {
      name: `pairs(${inputs.name} → ${targets.name}: ${rows} pairs)`,
      data: repeated(inputs, rows),
      rows,
      shape: inputs.shape,
      targets: { data: targets.data, shape: targets.shape },
      labels,
      // LPIPS compares predictions with targets: their range is the data's (none for an .npy stack).
      ...(targets.range === undefined ? {} : { range: targets.range }),
    };
  };
}

/** `pairs(inputs = …, targets = …)` with the installed sharp. */
export const pairs: DataSource = pairsSource();
