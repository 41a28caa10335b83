// What a training data source is (the `data = …` of a train section): a function of the call's literal
// arguments and a context that makes a Dataset. Its own module so that sources defined elsewhere
// (mnist.ts) and the registry (data.ts) share it without importing each other.
import type { Location } from "../ast/source.js";
import { TrainError } from "./errors.js";

/** Training data: rows of one shape, float32, row-major. */
export interface Dataset {
  readonly name: string;
  /** Row-major [rows, ...shape]. */
  readonly data: Float32Array;
  readonly rows: number;
  /** Per-row shape. */
  readonly shape: readonly number[];
  /** Supervised targets, row i for input row i. */
  readonly targets?: { data: Float32Array; shape: readonly number[] };
  /** Class labels, row i for input row i. */
  readonly labels?: Int32Array;
}

/** The literal arguments of a data source call: positional ones under "0", "1", … */
export type DataArgs = ReadonlyMap<string, number | string>;

export interface DataContext {
  readonly seed: number;
  /** Directory that relative paths are resolved against (the spec's). */
  readonly baseDir: string;
  /**
   * The project folder a spec's data paths may not leave, checked on real paths (LIN0910); absent for
   * a path the user typed on the command line.
   */
  readonly root?: string;
  /** Where the spec names the data, for the errors about it. */
  readonly location?: Location;
}

/** A `data = name(…)` source: makes a Dataset from the call's literal arguments. */
export type DataSource = (args: DataArgs, context: DataContext) => Promise<Dataset>;

export function numberArg(args: DataArgs, name: string, fallback: number, check: (v: number) => boolean, what: string): number {
  const v = args.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !check(v)) throw new TrainError("LIN0903", `data argument ${name} must be ${what}, got ${String(v)}`);
  return v;
}
