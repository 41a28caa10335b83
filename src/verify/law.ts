// A law check: one property (an equation between two sides) over runtime objects, with the inputs it
// is checked on (a fast-check arbitrary) and a measured error against a derived tolerance per sample.
// Checks are built generic in their sample type and erased to `Check` so a list can mix them.
import type fc from "fast-check";
import type { Vector } from "../runtime/space/index.js";

/** An error measured on one sample and the tolerance it must stay within. */
export interface Measurement {
  readonly error: number;
  readonly tolerance: number;
}

/** Collects the vectors a measurement makes, so they are freed whatever happens. */
export class Scope {
  private readonly vectors: Vector[] = [];

  keep(v: Vector): Vector {
    this.vectors.push(v);
    return v;
  }

  dispose(): void {
    for (const v of this.vectors) v.dispose();
    this.vectors.length = 0;
  }
}

/** What `makeCheck` turns into a Check: how to draw a sample and measure the law on it. */
export interface CheckSpec<T> {
  /** The law's name, as `verify` spells it where it has one (linear, roundtrip, pinv, …). */
  readonly law: string;
  /** The equation checked, in words: "f(a⊙x ⊕ b⊙y) = a⊙f(x) ⊕ b⊙f(y) in Y's coordinates". */
  readonly property: string;
  /** What it is checked on: "f : X -> Y". */
  readonly subject: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Async: results are read with tensor.data(), the one read tfjs-backend-webgpu has under Node. */
  measure(sample: T, scope: Scope): Promise<Measurement>;
  /** The sample in a form a person can read (a counterexample). */
  show(sample: T): string;
  /** What the samples showed beyond pass or fail (norm_preserving's observed band), read after the run. */
  summary?(): string | undefined;
}

/** How many samples a check draws, and from which seed. */
export interface RunOptions {
  readonly runs: number;
  readonly seed: number;
  /** fast-check's replay path of a failure (with its seed, replays exactly that counterexample). */
  readonly path?: string;
  /** Overrides the derived tolerance (`verify … with tolerance = T`). */
  readonly tolerance?: number;
}

/** The outcome of a check: passed or not, the worst measurement and its counterexample. */
export interface CheckResult {
  readonly law: string;
  readonly property: string;
  readonly subject: string;
  readonly passed: boolean;
  readonly runs: number;
  /** The largest error measured, and the tolerance of that sample. */
  readonly worstError: number;
  readonly tolerance: number;
  readonly seed: number;
  /** On failure: the shrunk counterexample, its error and tolerance, and the path that replays it. */
  readonly counterexample?: string;
  readonly counterexampleError?: number;
  readonly counterexampleTolerance?: number;
  readonly path?: string;
  /** An exception the law raised (e.g. a space mismatch), as its message. */
  readonly failure?: string;
  /** What the check observed over its samples, in words (CheckSpec.summary). */
  readonly note?: string;
}

/** One property test of a law, run with `run`. */
export interface Check {
  readonly law: string;
  readonly property: string;
  readonly subject: string;
  /** Runs the property on `options.runs` seeded samples. */
  run(options: RunOptions): Promise<CheckResult>;
}
