// Shared support for the optimiser specs: seeded constant leaves, the float64 comparison of an
// optimised tree against the reference interpreter on the original, and the derived tolerance.
import { frobeniusNorm, subtract, type Matrix } from "../../../src/runtime/linalg/index.js";
import { materialise } from "../../../src/runtime/operator/hostApply.js";
import { randomSvdFactored } from "../../../src/runtime/operator/init.js";
import { dense, type LinearOperator } from "../../../src/runtime/operator/kinds.js";
import { seededOperator, type SeededKind } from "../../support/operators.js";
import * as ir from "../../../src/compiler/ir/expr.js";
import { materialiseExpr } from "../../../src/compiler/ir/evaluate.js";

export const EPS64 = 2 ** -52;

/**
 * Tolerance of one optimised-vs-reference comparison, relative to max(‖reference‖_F, 1).
 * Both sides are float64 evaluations of at most DEPTH = 4 products/SVDs of matrices of size ≤ N = 8;
 * each backward-stable product or SVD adds at most c·N·ε relative error with c ≤ 4 (Higham, γ_n), and
 * a pseudo-inverse amplifies relative perturbations by at most κ² ≤ 16 for the operands generated here
 * (singular values in [1, 1 + |N(0,1)|] clipped by construction, diagonals 1 ± 0.1·N(0,1)). Hence
 *   tol = κ² · c · N · DEPTH · ε = 16 · 4 · 8 · 4 · ε ≈ 4.5e-13.
 * A wrong rewrite moves the result by O(1) (see the controls), eleven orders of magnitude above this.
 */
export const TOLERANCE = 16 * 4 * 8 * 4 * EPS64;

export function relativeError(got: Matrix, want: Matrix): number {
  return frobeniusNorm(subtract(got, want)) / Math.max(frobeniusNorm(want), 1);
}

/** ‖materialise(after) − materialise(before)‖ relative, by the reference interpreter on both trees. */
export function rewriteError(before: ir.OpExpr, after: ir.OpExpr): number {
  return relativeError(materialiseExpr(after), materialiseExpr(before));
}

export type ConstantKind = Exclude<SeededKind, "identity"> | "conditioned";

/** "conditioned" is a dense matrix with singular values in [1, 1 + |N(0,1)|] and full rank min(m, n). */
export function constantOperator(kind: ConstantKind, rows: number, cols: number, seed: number, rank = Math.min(rows, cols)): LinearOperator {
  if (kind === "conditioned") return dense(materialise(randomSvdFactored(rows, cols, Math.min(rows, cols), seed)));
  return seededOperator(kind, rows, cols, rank, seed);
}

let counter = 0;
/** A bound leaf with a fresh name. */
export function constant(kind: ConstantKind, rows: number, cols: number, seed: number, rank?: number): ir.LeafExpr {
  return ir.boundLeaf(`${kind[0].toUpperCase()}${counter++}`, constantOperator(kind, rows, cols, seed, rank));
}

/** A symbolic (unbound) leaf: only structural rules can touch it. */
export function symbolic(structure: LinearOperator["kind"], rows: number, cols: number, rank?: number): ir.LeafExpr {
  return ir.leaf(`S${counter++}`, structure, rows, cols, rank === undefined ? {} : { rank });
}
