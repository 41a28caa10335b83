// The precision an operator's values were stored in. Every operator is held in float64, but one read
// from a weights file's F32 tensors knows only float32's ~7 digits: its rounding (σ₁·√n·2⁻²⁴ or so)
// lies far above a float64 rank cut-off (σ₁·max(m, n)·2⁻⁵²), so a rank-7 matrix would count as full
// rank and its pseudo-inverse would invert rounding noise. The SVD and pseudo-inverse therefore cut
// off at σ₁·max(m, n)·ε with ε of the precision the values were stored in.
import { FLOAT64_EPS } from "./host.js";
import type { LinearOperator } from "./kinds.js";

/** The precision an operator's values were stored in; its ε sets the rank cut-offs. */
export type Precision = "float32" | "float64";

/** Machine epsilon (the gap after 1) of each precision: 2⁻²³ and 2⁻⁵². */
export const MACHINE_EPSILON: Readonly<Record<Precision, number>> = { float32: 2 ** -23, float64: FLOAT64_EPS };

/** Operators marked as stored in float32 (records are immutable, so a side table rather than a field). */
const float32Values = new WeakSet<LinearOperator>();

/** Marks `op` as holding values stored in `precision` (float64 needs no mark); returns op. */
export function storedIn<T extends LinearOperator>(op: T, precision: Precision): T {
  if (precision === "float32") float32Values.add(op);
  return op;
}

/** The coarser of two precisions. */
export function coarsest(a: Precision, b: Precision): Precision {
  return a === "float32" || b === "float32" ? "float32" : "float64";
}

/** The precision of op's values: float32 when it, or a part of a lazy product, sum, scaling or transpose, is marked. */
export function precisionOf(op: LinearOperator): Precision {
  if (float32Values.has(op)) return "float32";
  switch (op.kind) {
    case "product":
      return op.factors.map(precisionOf).reduce(coarsest, "float64");
    case "sum":
      return op.terms.map(precisionOf).reduce(coarsest, "float64");
    case "scaled":
    case "transposed":
    case "iterative_pinv":
      return precisionOf(op.inner);
    case "kronecker":
      return coarsest(precisionOf(op.a), precisionOf(op.b));
    default:
      return "float64";
  }
}
