// How a compile-time constant is held: the cheapest form to apply per row (cost model, ir/cost.ts) among
// its structured form, with any low-rank part recompressed to its numerical rank, and its dense matrix.
// A lazy runtime kind (product, sum, scaled, transposed) is never kept as a constant: it would be applied
// term by term, which is what folding is meant to avoid.
// columns/scaleColumns are the operator module's host helpers (not re-exported by its index).
import { columns, scaleColumns } from "../../runtime/operator/host.js";
import { DENSE_SVD_LIMIT, dense, materialise, svd, type LinearOperator } from "../../runtime/operator/index.js";
import { cheaper, operatorCost, structureCost } from "../ir/cost.js";

const LAZY_KINDS: ReadonlySet<LinearOperator["kind"]> = new Set(["product", "sum", "scaled", "transposed"]);

export const isLazyKind = (op: LinearOperator): boolean => LAZY_KINDS.has(op.kind);

/**
 * The low-rank part U·Vᵀ rewritten as U'·V'ᵀ with rank(U') its numerical rank: thin QR of U and V and an
 * SVD of the small core (runtime svd of the lowrank kind), singular values below σ_max·max(m, n)·ε dropped.
 * Sums of identity-plus-low-rank operators concatenate factors, so without this ranks only grow.
 */
export function recompress(op: LinearOperator): LinearOperator {
  if (op.kind !== "identity_plus_lowrank" && op.kind !== "lowrank") return op;
  if (op.u.cols === 0) return op;
  const factors = svd({ kind: "lowrank", rows: op.rows, cols: op.cols, u: op.u, v: op.v });
  if (factors.rank >= op.u.cols) return op;
  const u = scaleColumns(columns(factors.u, 0, factors.rank), factors.s.subarray(0, factors.rank));
  const v = columns(factors.v, 0, factors.rank);
  return { ...op, u, v };
}

/** The cheaper to apply of the (recompressed) structured form and the dense matrix; never a lazy kind. */
export function cheapestForm(op: LinearOperator): LinearOperator {
  return denseIfCheaper(recompress(op));
}

/**
 * `structured` (already at its numerical rank, e.g. the collapse's truncated B) or its dense matrix,
 * whichever is cheaper to apply; never a lazy kind below the dense limit.
 */
export function denseIfCheaper(structured: LinearOperator): LinearOperator {
  // Past the dense limit a dense matrix is never the form to hold (route.ts): keep the structure, even
  // a lazy product of convolutions, which is then applied factor by factor.
  if (structured.rows * structured.cols > DENSE_SVD_LIMIT) return structured;
  if (isLazyKind(structured)) return dense(materialise(structured));
  if (structured.kind === "dense") return structured;
  return cheaper(structureCost("dense", structured.rows, structured.cols), operatorCost(structured)) ? dense(materialise(structured)) : structured;
}
