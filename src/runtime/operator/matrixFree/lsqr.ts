// LSQR (Paige & Saunders 1982, ACM TOMS 8(1)) for min ‖A·x − b‖₂ with only A·v and Aᵀ·u: Golub–Kahan
// bidiagonalisation started from b, solved by Givens rotations. From x₀ = 0 every iterate lies in
// range(Aᵀ), so the limit is the minimum-norm least-squares solution A⁺b even for a rank-deficient A.
// The recurrences follow the published algorithm (the damp = 0 case, as scipy.sparse.linalg.lsqr);
// hand-written because no maintained npm package runs LSQR on an abstract float64 map.
import { matrix, type Matrix } from "../host.js";
import { CountingMap, asColumn, column, norm2, requireOption, requireRows, setColumn, type MatrixFreeMap } from "./map.js";

/** Options of lsqr; every field has a default. */
export interface LsqrOptions {
  /** Relative error in A (default 1e-8): stop when ‖Aᵀr‖ ≤ atol·‖A‖·‖r‖ (the least-squares test). */
  readonly atol?: number;
  /** Relative error in b (default 1e-8): stop when ‖r‖ ≤ btol·‖b‖ + atol·‖A‖·‖x‖ (the consistent-system test). */
  readonly btol?: number;
  /** Stop when the condition estimate exceeds conlim (default 1e8); 0 disables. */
  readonly conlim?: number;
  /** Most iterations per right-hand side (default 4·min(rows, cols), at least 20). */
  readonly maxIterations?: number;
}

/**
 * Why LSQR stopped: `zero-solution` (Aᵀb = 0, so x = 0 is exact), `residual` (A·x ≈ b to btol, or
 * to machine precision), `normal-residual` (x solves the least-squares problem to atol), `condition`
 * (the condition estimate passed conlim: x may be dominated by noise), `max-iterations`.
 */
export type LsqrStop = "zero-solution" | "residual" | "normal-residual" | "condition" | "max-iterations";

/** What LSQR reports for one right-hand side. */
export interface LsqrColumn {
  readonly iterations: number;
  /** ‖b − A·x‖, recomputed from an explicit product. */
  readonly residualNorm: number;
  /** ‖Aᵀ·(b − A·x)‖, recomputed from an explicit product (zero at a least-squares solution). */
  readonly normalResidualNorm: number;
  /** LSQR's estimate of cond(A) on the Krylov space explored: ‖A‖_F estimate × ‖A⁺‖_F estimate. */
  readonly conditionEstimate: number;
  /** LSQR's estimate of ‖A‖_F (grows with the iterations to ‖A‖_F of the explored space). */
  readonly normEstimate: number;
  readonly stop: LsqrStop;
}

/** x (cols×r) for the r columns of b, with what each column's run reports. */
export interface LsqrResult {
  readonly x: Matrix;
  readonly columns: readonly LsqrColumn[];
  /** Whether every column stopped on zero-solution, residual or normal-residual. */
  readonly converged: boolean;
  /** Calls of times and transposeTimes (two per iteration per column, plus the final checks). */
  readonly products: number;
}

type Run = Omit<LsqrColumn, "residualNorm" | "normalResidualNorm">;

/** scal·v in place, returning v. */
function scaleInPlace(v: Float64Array, scal: number): Float64Array {
  for (let i = 0; i < v.length; i++) v[i] *= scal;
  return v;
}

/** LSQR on one right-hand side, x accumulated into `x`. */
function lsqrColumn(map: CountingMap, b: Float64Array, x: Float64Array, atol: number, btol: number, conlim: number, maxIterations: number): Run {
  const ctol = conlim > 0 ? 1 / conlim : 0;
  let u: Float64Array = Float64Array.from(b);
  let beta = norm2(u);
  if (beta > 0) scaleInPlace(u, 1 / beta);
  let v: Float64Array = beta > 0 ? map.transposeTimes(asColumn(u)).data : new Float64Array(x.length);
  let alpha = norm2(v);
  if (alpha > 0) scaleInPlace(v, 1 / alpha);
  const w = Float64Array.from(v);
  let rhobar = alpha;
  let phibar = beta;
  const bnorm = beta;
  let anorm = 0;
  let acond = 0;
  let ddnorm = 0;
  let xxnorm = 0;
  let z = 0;
  let cs2 = -1;
  let sn2 = 0;
  if (alpha * beta === 0) return { iterations: 0, conditionEstimate: 0, normEstimate: 0, stop: "zero-solution" };
  for (let itn = 1; ; itn++) {
    // Bidiagonalisation: β·u = A·v − α·u, α·v = Aᵀ·u − β·v.
    const av = map.times(asColumn(v)).data;
    for (let i = 0; i < u.length; i++) av[i] -= alpha * u[i];
    u = av;
    beta = norm2(u);
    if (beta > 0) {
      scaleInPlace(u, 1 / beta);
      anorm = Math.hypot(anorm, alpha, beta);
      const atu = map.transposeTimes(asColumn(u)).data;
      for (let i = 0; i < v.length; i++) atu[i] -= beta * v[i];
      v = atu;
      alpha = norm2(v);
      if (alpha > 0) scaleInPlace(v, 1 / alpha);
    }
    // The plane rotation that eliminates β from the lower bidiagonal.
    const rho = Math.hypot(rhobar, beta);
    const cs = rhobar / rho;
    const sn = beta / rho;
    const theta = sn * alpha;
    rhobar = -cs * alpha;
    const phi = cs * phibar;
    phibar = sn * phibar;
    const tau = sn * phi;
    const t1 = phi / rho;
    const t2 = -theta / rho;
    let dk = 0;
    for (let i = 0; i < x.length; i++) {
      const wi = w[i];
      x[i] += t1 * wi;
      w[i] = v[i] + t2 * wi;
      dk += (wi / rho) ** 2;
    }
    ddnorm += dk;
    // ‖x‖ estimate through a second rotation (Paige & Saunders §5.2).
    const delta = sn2 * rho;
    const gambar = -cs2 * rho;
    const rhs = phi - delta * z;
    const zbar = rhs / gambar;
    const xnorm = Math.sqrt(xxnorm + zbar * zbar);
    const gamma = Math.hypot(gambar, theta);
    cs2 = gambar / gamma;
    sn2 = theta / gamma;
    z = rhs / gamma;
    xxnorm += z * z;
    acond = anorm * Math.sqrt(ddnorm);
    const rnorm = phibar;
    const arnorm = alpha * Math.abs(tau);
    // The three stopping tests of the paper, each also at machine precision (1 + t ≤ 1).
    const test1 = rnorm / bnorm;
    const test2 = anorm * rnorm > 0 ? arnorm / (anorm * rnorm) : Infinity;
    const test3 = 1 / acond;
    const scaled1 = test1 / (1 + (anorm * xnorm) / bnorm);
    const rtol = btol + (atol * anorm * xnorm) / bnorm;
    const done = (stop: LsqrStop): Run => ({ iterations: itn, conditionEstimate: acond, normEstimate: anorm, stop });
    if (test1 <= rtol || 1 + scaled1 <= 1) return done("residual");
    if (test2 <= atol || 1 + test2 <= 1) return done("normal-residual");
    if (test3 <= ctol || 1 + test3 <= 1) return done("condition");
    if (itn >= maxIterations) return done("max-iterations");
  }
}

/** The resolved options of lsqr (defaults filled in and checked). */
function resolve(what: string, map: MatrixFreeMap, options: LsqrOptions): Required<LsqrOptions> {
  const atol = options.atol ?? 1e-8;
  const btol = options.btol ?? 1e-8;
  const conlim = options.conlim ?? 1e8;
  const maxIterations = options.maxIterations ?? Math.max(20, 4 * Math.min(map.rows, map.cols));
  requireOption(what, "atol", atol, 0);
  requireOption(what, "btol", btol, 0);
  requireOption(what, "conlim", conlim, 0);
  requireOption(what, "maxIterations", maxIterations, 1, Infinity, true);
  return { atol, btol, conlim, maxIterations };
}

/**
 * min ‖A·x − b‖ for each column of b (rows×r) by LSQR from x₀ = 0, so a rank-deficient A gives the
 * minimum-norm solution. Columns run one after another, each with its own stopping test (a blocked
 * run would share products but not iteration counts). ‖r‖ and ‖Aᵀr‖ are recomputed at the end from two
 * explicit products (the recurrences drift in floating point). Throws LIN1001 for a b with other than
 * rows rows, LIN1009 for an option out of range.
 */
export function lsqr(map: MatrixFreeMap, b: Matrix, options: LsqrOptions = {}): LsqrResult {
  return lsqrResolved("lsqr", map, b, resolve("lsqr", map, options));
}

function lsqrResolved(what: string, map: MatrixFreeMap, b: Matrix, options: Required<LsqrOptions>): LsqrResult {
  requireRows(what, b, map.rows);
  const counted = new CountingMap(map, what);
  const x = matrix(map.cols, b.cols);
  const runs: Run[] = [];
  for (let j = 0; j < b.cols; j++) {
    const xj = new Float64Array(map.cols);
    runs.push(lsqrColumn(counted, column(b, j), xj, options.atol, options.btol, options.conlim, options.maxIterations));
    setColumn(x, j, xj);
  }
  const r = counted.times(x);
  for (let i = 0; i < r.data.length; i++) r.data[i] = b.data[i] - r.data[i];
  const atr = counted.transposeTimes(r);
  const columns = runs.map((run, j) => ({ ...run, residualNorm: norm2(column(r, j)), normalResidualNorm: norm2(column(atr, j)) }));
  const converged = columns.every((c) => c.stop !== "condition" && c.stop !== "max-iterations");
  return { x, columns, converged, products: counted.products };
}

/** pinvApply's result: LSQR's, with the tolerances it ran to. */
export interface PinvApplyResult extends LsqrResult {
  /** The atol and btol the run used. */
  readonly tolerance: { readonly atol: number; readonly btol: number };
  /** The largest iteration count over the columns. */
  readonly iterations: number;
}

/**
 * A⁺·b without forming A⁺: LSQR from x₀ = 0 to tight tolerances (default atol = btol = 1e-12,
 * conlim = 1e12). Accuracy: x − A⁺b lies in range(Aᵀ) up to rounding and AᵀA·(x − A⁺b) = −Aᵀr, so
 * ‖x − A⁺b‖ ≤ ‖Aᵀr‖/σ_min⁺(A)² with σ_min⁺ the smallest non-zero singular value: columns[j].normalResidualNorm
 * certifies x given a lower bound on σ_min⁺.
 */
export function pinvApply(map: MatrixFreeMap, b: Matrix, options: LsqrOptions = {}): PinvApplyResult {
  const resolved = resolve("pinvApply", map, { atol: 1e-12, btol: 1e-12, conlim: 1e12, ...options });
  const result = lsqrResolved("pinvApply", map, b, resolved);
  return { ...result, tolerance: { atol: resolved.atol, btol: resolved.btol }, iterations: Math.max(0, ...result.columns.map((c) => c.iterations)) };
}
