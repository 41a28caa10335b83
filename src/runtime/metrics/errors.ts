// Errors of the evaluation metrics (codes LIN095x, see src/diagnostics/codes.ts): inputs that do not fit a
// metric (feature widths, sample counts, image shapes, non-finite values) and options out of range. Bad
// weight files are FormatErrors (LIN116x), raised where the weights are read (weights.ts).
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

/** The codes a `MetricError` carries (LIN095x). */
export type MetricErrorCode = CodeRaisedBy<"MetricError">;

/** Input a metric cannot be computed on; the message says which input and what to do. */
export class MetricError extends LineaError<MetricErrorCode> {
  override readonly name = "MetricError";
}

/** Throws LIN0953 at the first NaN or infinity of `values`, naming the input and the flat index. */
export function requireFiniteInput(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (!Number.isFinite(v)) throw new MetricError("LIN0953", `${what}: non-finite value ${v} at flat index ${i}; a metric needs finite numbers`);
  }
}
