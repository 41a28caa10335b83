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
  /**
   * Supervised data (`pairs(…)`): row i's target, [rows, ...targets.shape] row-major, the same row
   * count as `data`.
   */
  readonly targets?: { readonly data: Float32Array; readonly shape: readonly number[] };
  /** Per row, an integer label: for `pairs(…)` the index of the row's target (the style index). */
  readonly labels?: Int32Array;
  /** The range its pixels lie in, when the source knows it (mnist: unit [0, 1]; images: its `normalize`); LPIPS reads it. */
  readonly range?: "unit" | "symmetric";
}

/** The literal arguments of a data source call: positional ones under "0", "1", … */
export type DataArgs = ReadonlyMap<string, number | string>;

/** What a source needs besides its arguments: the seed, where paths start, and where errors point. */
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
  /** Where a long load reports progress lines (default: stderr). */
  readonly progress?: (line: string) => void;
}

/** A `data = name(…)` source: makes a Dataset from the call's literal arguments. */
export type DataSource = (args: DataArgs, context: DataContext) => Promise<Dataset>;

/** The number argument `name` (or `fallback`), LIN0903 when it is not a number passing `check`. */
export function numberArg(args: DataArgs, name: string, fallback: number, check: (v: number) => boolean, what: string): number {
  const v = args.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !check(v)) throw new TrainError("LIN0903", `data argument ${name} must be ${what}, got ${String(v)}`);
  return v;
}
