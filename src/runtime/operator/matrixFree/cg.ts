// Conjugate gradients (Hestenes & Stiefel 1952) for A·x = b with A symmetric positive (semi)definite,
// known only by A·v: a symmetric operator, or the normal equations through gramMap (AᵀA) and
// gramMap(transposeMap(A)) (A·Aᵀ). From x₀ = 0 the iterates stay in the Krylov space of b, so for a
// semidefinite A and b in its range the limit is the minimum-norm solution. For least squares prefer
// lsqr: CG on AᵀA squares the condition number. Hand-written: a dozen lines no npm package offers on
// an abstract float64 map.
import { OperatorError } from "../errors.js";
import { matrix, type Matrix } from "../host.js";
import { CountingMap, asColumn, column, norm2, requireOption, requireRows, setColumn, type MatrixFreeMap } from "./map.js";

/** Options of cg; every field has a default. */
export interface CgOptions {
  /** Stop when ‖b − A·x‖ ≤ tol·‖b‖ (default 1e-10). */
  readonly tol?: number;
  /** Most iterations per right-hand side (default 2·rows, at least 20). */
  readonly maxIterations?: number;
}

/**
 * Why CG stopped: `residual` (the tolerance was met), `breakdown` (pᵀA·p ≤ 0: A is not positive
 * definite on the Krylov space, e.g. indefinite, or b leaves the range of a semidefinite A),
 * `max-iterations`.
 */
export type CgStop = "residual" | "breakdown" | "max-iterations";

/** What CG reports for one right-hand side. */
export interface CgColumn {
  readonly iterations: number;
  /** ‖b − A·x‖, recomputed from an explicit product. */
  readonly residualNorm: number;
  readonly stop: CgStop;
}

/** x (rows×r) for the r columns of b, with what each column's run reports. */
export interface CgResult {
  readonly x: Matrix;
  readonly columns: readonly CgColumn[];
  /** Whether every column met the tolerance (by the explicit residual). */
  readonly converged: boolean;
  /** Calls of times (one per iteration per column, plus the final check). */
  readonly products: number;
}

/** CG on one right-hand side, accumulating into x; returns the iterations and why it stopped. */
function cgColumn(map: CountingMap, b: Float64Array, x: Float64Array, target: number, maxIterations: number): { iterations: number; stop: CgStop } {
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = norm2(r) ** 2;
  if (Math.sqrt(rr) <= target) return { iterations: 0, stop: "residual" };
  for (let itn = 1; itn <= maxIterations; itn++) {
    const ap = map.times(asColumn(p)).data;
    let pap = 0;
    for (let i = 0; i < p.length; i++) pap += p[i] * ap[i];
    if (!(pap > 0)) return { iterations: itn, stop: "breakdown" };
    const alpha = rr / pap;
    for (let i = 0; i < x.length; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * ap[i];
    }
    const next = norm2(r) ** 2;
    if (Math.sqrt(next) <= target) return { iterations: itn, stop: "residual" };
    const beta = next / rr;
    rr = next;
    for (let i = 0; i < p.length; i++) p[i] = r[i] + beta * p[i];
  }
  return { iterations: maxIterations, stop: "max-iterations" };
}

/**
 * Solves A·x = b for each column of b by CG from x₀ = 0, A symmetric positive (semi)definite (only
 * times is used; symmetry is the caller's promise, not checked). Columns run one after another, each
 * with its own stopping test. The residual reported is recomputed from one explicit product, and
 * `converged` is judged on it, not on the recurrence. Throws LIN1002 for a non-square map, LIN1001 for
 * a b with other than rows rows, LIN1009 for an option out of range.
 */
export function cg(map: MatrixFreeMap, b: Matrix, options: CgOptions = {}): CgResult {
  if (map.rows !== map.cols) throw new OperatorError("LIN1002", `cg: a ${map.rows}×${map.cols} map is not square`);
  requireRows("cg", b, map.rows);
  const tol = options.tol ?? 1e-10;
  const maxIterations = options.maxIterations ?? Math.max(20, 2 * map.rows);
  requireOption("cg", "tol", tol, 0);
  requireOption("cg", "maxIterations", maxIterations, 1, Infinity, true);
  const counted = new CountingMap(map, "cg");
  const x = matrix(map.cols, b.cols);
  const targets: number[] = [];
  const runs = [];
  for (let j = 0; j < b.cols; j++) {
    const bj = column(b, j);
    const xj = new Float64Array(map.cols);
    targets.push(tol * norm2(bj));
    runs.push(cgColumn(counted, bj, xj, targets[j], maxIterations));
    setColumn(x, j, xj);
  }
  const ax = counted.times(x);
  for (let i = 0; i < ax.data.length; i++) ax.data[i] = b.data[i] - ax.data[i];
  const columns = runs.map((run, j) => ({ ...run, residualNorm: norm2(column(ax, j)) }));
  return { x, columns, converged: columns.every((c, j) => c.residualNorm <= targets[j]), products: counted.products };
}
