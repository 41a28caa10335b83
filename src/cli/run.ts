// `linea run FILE --entry NAME (--input x.npy|x.json … | --random N) [--output y.npy|y.json] …`: compiles
// the spec and runs one entry (or map) on row batches. The helpers above the command are shared with
// `linea compile`: compiling with the CLI's flags and turning every failure a user can cause into one
// line with its code (never a stack trace).
import { loadNpy, readWholeFile, requireFinite, saveNpy, writeFileAtomic } from "../runtime/io/index.js";
import { seededRandom } from "../runtime/operator/index.js";
import { saveRowsPicture } from "../runtime/plot/index.js";
import { resolve } from "node:path";
import { ExecuteError } from "../compiler/execute/errors.js";
import { compile, type CompiledProgram, type CompileOptions } from "../compiler/execute/program.js";
import { FormatError } from "../runtime/io/index.js";
import { ExitCode, parseCommandLine, UsageError, type Command, type CommandIO } from "./command.js";
import type { FlagTable } from "./flags.js";
import { OPERATOR_FLAG, operatorFlagOptions } from "./operator_flag.js";
import { jsonUri, printResult } from "./output.js";
import { DTYPE_FLAG, outputArray, outputDtypeFlag, type OutputDtype } from "./output_dtype.js";
import { readCheckedSpec, specFileArgument } from "./spec_input.js";
import { pinvSummaries } from "../apps/spectrum.js";
import { pinvWarning } from "./pinv_warning.js";
import type { PinvApplyResult } from "../runtime/operator/index.js";

/** The largest JSON input read (JSON has no header to bound it): 256 MiB of text, some 20 M numbers; use .npy beyond. */
const MAX_JSON_INPUT_BYTES = 256 * 1024 * 1024;

/** One line on an LSQR run: columns, iteration range, tolerance, worst relative residual, convergence. */
function lsqrSummary(s: PinvApplyResult): string {
  const its = s.columns.map((c) => c.iterations);
  const stops = [...new Set(s.columns.map((c) => c.stop))].join(", ");
  return `${s.columns.length} vector(s), ${Math.min(...its)}–${Math.max(...its)} iterations (atol ${s.tolerance.atol}, btol ${s.tolerance.btol}), stop: ${stops}${s.converged ? "" : " — NOT converged"}`;
}

/** Parses an integer flag, or throws a usage error naming it. */
export function integerFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} needs an integer ≥ ${min}, got '${value}'`);
  return n;
}

/** The flags of every command that compiles a spec, for parseCommandLine. */
export const COMPILE_FLAGS = {
  weights: { type: "string", value: "W.safetensors", defaultText: "seeded initial weights", help: "trained weights to bind" },
  seed: { type: "string", value: "S", defaultText: "0", help: "seed of the initial weights and of random inputs" },
  backend: { type: "string", value: "NAME", defaultText: "LINEA_BACKEND, else wasm", help: "wasm, cpu, webgpu, tensorflow, or onnx (plans on ONNX Runtime)" },
  threads: { type: "string", value: "N", defaultText: "every core", help: "ONNX Runtime's threads (--backend onnx)" },
} as const satisfies FlagTable;

const RUN_FLAGS = {
  entry: { type: "string", value: "NAME", help: "the entry (or map) to run (required)" },
  input: { type: "string", multiple: true, value: "x.npy|x.json", help: "the rows of one parameter, once per parameter" },
  random: { type: "string", value: "N", help: "N seeded standard-normal rows per parameter instead of --input" },
  output: { type: "string", value: "y.npy|y.json", defaultText: "JSON rows on stdout", help: "write the outputs to a file" },
  picture: { type: "string", value: "y.png", help: "draw the outputs: image grid, scatter or heat map" },
  batch: { type: "string", value: "N", defaultText: "all rows at once", help: "rows per run" },
  ...DTYPE_FLAG,
  ...OPERATOR_FLAG,
  ...COMPILE_FLAGS,
} as const satisfies FlagTable;

/** Compile options from --weights (relative to the working directory) and --backend, with the seed the command read. */
export function compileFlagOptions(
  values: { readonly weights?: string | undefined; readonly backend?: string | undefined; readonly threads?: string | undefined },
  seed: number,
  cwd: string,
): { seed: number; backend?: string; weights?: string; threads?: number } {
  return {
    seed,
    ...(values.backend === undefined ? {} : { backend: values.backend }),
    ...(values.weights === undefined ? {} : { weights: resolve(cwd, values.weights) }),
    ...(values.threads === undefined ? {} : { threads: threadsFlag(values.threads) }),
  };
}

/** --threads N: a positive integer (checked again, with its code, when ONNX Runtime starts). */
function threadsFlag(text: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`--threads ${text}: expected a positive integer`);
  return n;
}

/** Checks and compiles FILE; on spec errors prints the rendered diagnostics and returns the exit code. */
export async function compileForCli(file: string, io: CommandIO, options: CompileOptions): Promise<CompiledProgram | number> {
  const spec = await readCheckedSpec(file, io);
  if (typeof spec === "number") return spec;
  return compile(spec.program, options);
}

/**
 * Rows of one input: a .npy array [b, …] or a JSON array of samples (numbers or nested arrays), each
 * sample holding exactly `dim` values. The shape is checked here, while it is still known: flattened,
 * a [2, 5] array would silently read as five rows of a 2-dimensional space.
 */
export async function readInput(file: string, cwd: string, dim: number, what: string): Promise<Float32Array> {
  const path = resolve(cwd, file);
  const bad = (found: string): ExecuteError => new ExecuteError("LIN0802", `--input ${file}: ${what} needs samples of ${dim} value(s) each, but ${found}`);
  if (file.endsWith(".npy")) {
    const array = await loadNpy(path);
    const [rows, ...rest] = array.shape;
    const perRow = rest.reduce((n, d) => n * d, 1);
    // [b, …] with dim values per row; a 1-D array is one sample of dim values (or b scalars when dim is 1).
    const fits = rows !== undefined && rows > 0 && (rest.length > 0 ? perRow === dim : rows === dim || dim === 1);
    if (!fits) throw bad(`the array has shape [${array.shape.join(", ")}]`);
    requireFinite(array.data, array.shape, { file });
    return Float32Array.from(array.data, Number);
  }
  if (!file.endsWith(".json")) throw new UsageError(`--input ${file}: expected a .npy or .json file`);
  const text = new TextDecoder().decode(await readWholeFile(path, MAX_JSON_INPUT_BYTES, "a JSON input"));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FormatError("LIN1102", `not JSON: ${(e as Error).message}`, { file });
  }
  const walk = (v: unknown, into: number[]): void => {
    if (typeof v === "number" && Number.isFinite(v)) into.push(v);
    else if (Array.isArray(v)) v.forEach((e) => walk(e, into));
    else throw new FormatError("LIN1110", "expected an array of samples (numbers or nested arrays of numbers)", { file });
  };
  if (!Array.isArray(value) || value.length === 0) throw new FormatError("LIN1110", "expected a non-empty JSON array of samples", { file });
  // A flat list of exactly dim numbers is one sample, as before; otherwise each element is one sample.
  const samples: readonly unknown[] = dim > 1 && value.every((v) => typeof v === "number") ? [value] : value;
  const flat: number[] = [];
  samples.forEach((sample, i) => {
    const values: number[] = [];
    walk(sample, values);
    if (values.length !== dim) throw bad(`sample ${i} holds ${values.length} value(s)`);
    flat.push(...values);
  });
  return Float32Array.from(flat);
}

/** n standard-normal rows of `dim` values from the seed (host generator: the same on every backend). */
export function randomRows(n: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = random.normal();
  return out;
}

/** Where a command's input rows come from: `--input` files (one per parameter), or `--random N` rows seeded by `--seed S`. */
export interface RowSource {
  readonly inputs: readonly string[];
  readonly random: number | undefined;
  readonly seed: number;
}

/** Reads --input, --random and --seed; exactly one of --input and --random must be given (else `either`, a usage error). */
export function rowSourceFlags(
  values: { readonly input?: string | readonly string[] | undefined; readonly random?: string | undefined; readonly seed?: string | undefined },
  either: string,
): RowSource {
  const inputs = values.input === undefined ? [] : typeof values.input === "string" ? [values.input] : [...values.input];
  const random = integerFlag("random", values.random, 1);
  if (inputs.length > 0 === (random !== undefined)) throw new UsageError(either);
  return { inputs, random, seed: integerFlag("seed", values.seed, 0) ?? 0 };
}

/** The rows of parameter `index` (`dim` values each): its --input file, or --random rows from seed S + 1 + index. */
export async function inputRows(source: RowSource, index: number, dim: number, what: string, cwd: string): Promise<Float32Array> {
  const file = source.inputs[index];
  return file === undefined ? randomRows(source.random ?? 1, dim, source.seed + 1 + index) : readInput(file, cwd, dim, what);
}

async function writeOutput(file: string, cwd: string, y: Float32Array, shape: readonly number[], dtype: OutputDtype): Promise<void> {
  const path = resolve(cwd, file);
  if (file.endsWith(".npy")) return saveNpy(path, outputArray(dtype, shape, y));
  if (!file.endsWith(".json")) throw new UsageError(`--output ${file}: expected a .npy or .json file`);
  await writeFileAtomic(path, [new TextEncoder().encode(`${toJson(y, shape)}\n`)]);
}

/** One row per sample (an array, or a number for a scalar entry), so the file reads back as an input. */
function toJson(y: Float32Array, shape: readonly number[]): string {
  const rows = shape[0] ?? 0;
  const width = rows === 0 ? 0 : y.length / rows;
  const out: (number | number[])[] = [];
  for (let i = 0; i < rows; i++) out.push(shape.length === 1 ? (y[i] ?? 0) : Array.from(y.subarray(i * width, (i + 1) * width)));
  return JSON.stringify(out);
}

export const runCommand: Command = {
  name: "run",
  summary: "compile a spec and run one of its entries (or maps) on .npy / .json inputs",
  usage:
    "linea run FILE --entry NAME (--input x.npy|x.json ... | --random N) [--output y.npy|y.json] [--picture y.png] " +
    "[--dtype float32|float64] [--operator A=a.npy ...] [--backend wasm|cpu|webgpu|tensorflow|onnx] [--threads N] [--seed S] [--weights W.safetensors] [--batch N]",
  flags: RUN_FLAGS,
  examples: ["linea run examples/toy2d_train.lin --entry sample --random 4", "linea run spec.lin --entry f --input x.npy --output y.npy --backend cpu"],
  async run(args, io) {
    const parsed = parseCommandLine(args, RUN_FLAGS);
    const file = specFileArgument(parsed.positionals, "run");
    const entry = parsed.values.entry;
    if (entry === undefined) throw new UsageError("run needs --entry NAME");
    const rowSource = rowSourceFlags(parsed.values, "give either --input (one per parameter) or --random N");
    const { inputs, seed } = rowSource;
    const batch = integerFlag("batch", parsed.values.batch, 1);
    const output = parsed.values.output;
    const dtype = outputDtypeFlag(parsed.values.dtype);
    if (output !== undefined && !output.endsWith(".npy") && !output.endsWith(".json")) throw new UsageError(`--output ${output}: expected a .npy or .json file`);
    const picture = parsed.values.picture;
    if (picture !== undefined && !picture.toLowerCase().endsWith(".png")) throw new UsageError(`--picture ${picture}: expected a .png file`);
    const compiled = await compileForCli(file, io, {
      ...compileFlagOptions(parsed.values, seed, io.cwd),
      ...(await operatorFlagOptions(parsed.values.operator, io.cwd)),
      targets: [entry],
    });
    if (typeof compiled === "number") return compiled;
    try {
      io.stderr(`backend: ${compiled.backend.description}\n`);
      const plan = compiled.planOf(entry);
      // The rank each pseudo-inverse keeps, and svd's warning when a float32 pinv is unreliable.
      for (const { label, summary: s, route } of pinvSummaries(compiled, entry)) {
        if (s === undefined) {
          io.stderr(`${entry}: pinv(${label}) is applied matrix-free: ${route.reason}; its rank is not computed\n`);
          continue;
        }
        io.stderr(
          `${entry}: pinv(${label}) keeps rank ${s.rank} of ${Math.min(s.rows, s.cols)} (cut-off σ_max·max(m,n)·ε_${s.precision} = ${s.cutoff.toExponential(2)}; weights stored in ${s.precision})\n`,
        );
        const warning = pinvWarning(label, s);
        if (warning !== undefined) io.stderr(`${warning}\n`);
      }
      if (inputs.length > 0 && inputs.length !== plan.inputs.length) {
        throw new UsageError(`${entry} takes ${plan.inputs.length} input(s) (${plan.inputs.map((p) => p.name).join(", ")}): give --input once for each`);
      }
      const data = await Promise.all(plan.inputs.map((p, i) => inputRows(rowSource, i, p.dim, `${entry}(${p.name})`, io.cwd)));
      const started = performance.now();
      const rows = plan.inputs.map((p, i) => (data[i]?.length ?? 0) / Math.max(p.dim, 1));
      const total = rows[0] ?? 0;
      // Checked before batching: with --batch the slices could agree while the files do not.
      if (rows.some((r) => r !== total)) {
        throw new ExecuteError("LIN0802", `${entry}: the inputs have different numbers of samples (${rows.join(", ")}); give each parameter the same number`);
      }
      const step = batch ?? Math.max(total, 1);
      const pieces: Float32Array[] = [];
      let shape: number[] = [];
      for (let start = 0; start < Math.max(total, 1); start += step) {
        const count = Math.min(step, total - start);
        const slice = plan.inputs.map((p, i) => (data[i] ?? new Float32Array(0)).subarray(start * p.dim, (start + Math.max(count, 0)) * p.dim));
        const y = await compiled.runAsync(entry, ...slice);
        pieces.push((await y.data()) as Float32Array);
        shape = y.shape;
        y.dispose();
      }
      const ms = performance.now() - started;
      const values = new Float32Array(pieces.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const p of pieces) {
        values.set(p, offset);
        offset += p.length;
      }
      // The result space's own shape (R[1, 4, 4] rows come back as [b, 1, 4, 4], not flattened to [b, 16]).
      const outShape = [total, ...(plan.result.kind === "vector" ? plan.result.shape : shape.slice(1))];
      if (output !== undefined) await writeOutput(output, io.cwd, values, outShape, dtype);
      if (picture !== undefined) {
        const kind = await saveRowsPicture(resolve(io.cwd, picture), values, total, plan.result.kind === "vector" ? plan.result.shape : [], entry);
        io.stderr(`${entry}: ${kind} of ${total} row(s) written to ${picture}\n`);
      }
      const inShape = plan.inputs.map((p) => `[${[total, ...p.shape].join(", ")}]`).join(", ");
      io.stderr(`${entry}: ${inShape} -> [${outShape.join(", ")}] in ${ms.toFixed(1)} ms${output === undefined ? "" : ` (written to ${output})`}\n`);
      for (const { label, solve } of compiled.iterativeSolves()) {
        if (solve !== undefined) io.stderr(`${entry}: ${label} by LSQR (last batch): ${lsqrSummary(solve)}\n`);
      }
      const rowsJson = toJson(values, outShape);
      printResult(
        io,
        {
          entry,
          backend: compiled.backend.description,
          shape: outShape,
          ms,
          ...(output === undefined ? { values: JSON.parse(rowsJson) as unknown } : { output: jsonUri(io, resolve(io.cwd, output)) }),
          ...(picture === undefined ? {} : { picture: jsonUri(io, resolve(io.cwd, picture)) }),
        },
        () => (output === undefined ? `${rowsJson}\n` : ""),
      );
      return ExitCode.Ok;
    } finally {
      compiled.dispose();
    }
  },
};
