// Evaluation of time-conditioned operators at a time t: each time_conditioned node becomes its
// identity-plus-low-rank value A(t), and the surrounding expression is rebuilt through the algebra so
// that, e.g., a product of A(t₁)·A(t₂) is again identity-plus-low-rank.
import { product, scale, sum, transpose } from "./algebra.js";
import type { LinearOperator } from "./kinds.js";
import { needsTime } from "./kinds.js";
import { timeConditionedAt } from "./timeConditioned.js";
import { styleAt } from "./depthwiseConv.js";

/** A time-conditioned operator at time t, an indexed one at style t (other operators unchanged). */
export function at(op: LinearOperator, t: number): LinearOperator {
  if (!needsTime(op)) return op;
  switch (op.kind) {
    case "time_conditioned":
      return timeConditionedAt(op, t);
    case "indexed_depthwise_conv":
      return styleAt(op, t);
    case "product":
      return op.factors.map((f) => at(f, t)).reduce((a, b) => product(a, b));
    case "sum":
      return op.terms.map((f) => at(f, t)).reduce((a, b) => sum(a, b));
    case "scaled":
      return scale(op.scale, at(op.inner, t));
    case "transposed":
      return transpose(at(op.inner, t));
    default:
      return op;
  }
}
