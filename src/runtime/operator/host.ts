// Float64 host helpers the operator algebra needs around the dense routines of ../linalg: column
// slicing and concatenation, row/column scaling, and thin wrappers that pin down the shapes the
// algebra relies on (thin QR, descending SVD). The dense kernels themselves (matmul, QR, SVD, pinv,
// solve) and the elementwise operations come from ../linalg, re-exported here under the names the
// operator modules use; only the O(size) bookkeeping linalg has no use for lives here.
import * as linalg from "../linalg/index.js";
import { matrix, type Matrix } from "../linalg/matrix.js";

export { identityMatrix, matrix, type Matrix } from "../linalg/matrix.js";
export { add as addMatrices, FLOAT64_EPS, frobeniusNorm as frobenius, matmul, solve, transpose as transposeMatrix } from "../linalg/index.js";

/** c·a (linalg's scale with the scalar first, as the algebra writes it). */
export const scaleMatrix = (c: number, a: Matrix): Matrix => linalg.scale(a, c);

/** α·a + b, the pattern the low-rank product rules need. */
export const axpy = (alpha: number, a: Matrix, b: Matrix): Matrix => linalg.add(linalg.scale(a, alpha), b);

/**
 * Below this many multiply-adds, or for a b of fewer than BLAS_MIN_COLUMNS columns, aᵀ·b runs in the
 * loop below: copying aᵀ for BLAS would cost about as much as the product.
 */
const BLAS_MIN_WORK = 1 << 16;
const BLAS_MIN_COLUMNS = 8;

/**
 * aᵀ·b for tall a (m×p) and b (m×q): the low-rank rules need many Gram-type products (VᵀX, VᵀM) of
 * tall factors. Small ones run without forming aᵀ; large ones (the sampler collapse's D×R factors)
 * copy aᵀ once and go to BLAS, which is ~10× faster than the loop at D = 1024, R = 64.
 */
export function transposeTimes(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) {
    throw new RangeError(`transposeTimes: [${a.rows}, ${a.cols}]ᵀ·[${b.rows}, ${b.cols}] needs equal row counts`);
  }
  const p = a.cols;
  const q = b.cols;
  if (q >= BLAS_MIN_COLUMNS && a.rows * p * q >= BLAS_MIN_WORK) return linalg.matmul(linalg.transpose(a), b);
  const out = matrix(p, q);
  for (let i = 0; i < a.rows; i++) {
    const ai = i * p;
    const bi = i * q;
    for (let j = 0; j < p; j++) {
      const aij = a.data[ai + j];
      if (aij === 0) continue;
      const oj = j * q;
      for (let k = 0; k < q; k++) out.data[oj + k] += aij * b.data[bi + k];
    }
  }
  return out;
}

/** [a | b]: the columns of a followed by the columns of b. */
export function concatColumns(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, a.cols + b.cols);
  for (let i = 0; i < a.rows; i++) {
    out.data.set(a.data.subarray(i * a.cols, (i + 1) * a.cols), i * out.cols);
    out.data.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), i * out.cols + a.cols);
  }
  return out;
}

/** The rows of a followed by the rows of b. */
export function concatRows(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows + b.rows, a.cols);
  out.data.set(a.data, 0);
  out.data.set(b.data, a.data.length);
  return out;
}

/** Columns [start, end) of a. */
export function columns(a: Matrix, start: number, end: number): Matrix {
  const out = matrix(a.rows, end - start);
  for (let i = 0; i < a.rows; i++) {
    out.data.set(a.data.subarray(i * a.cols + start, i * a.cols + end), i * out.cols);
  }
  return out;
}

/** diag(d)·a. */
export function scaleRows(d: ArrayLike<number>, a: Matrix): Matrix {
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] = d[i] * a.data[i * a.cols + j];
  }
  return out;
}

/** a·diag(d). */
export function scaleColumns(a: Matrix, d: ArrayLike<number>): Matrix {
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] = a.data[i * a.cols + j] * d[j];
  }
  return out;
}

/** Thin (economy) QR: q is m×k with orthonormal columns and r is k×n upper trapezoidal, k = min(m, n). */
export const thinQr = (a: Matrix): { q: Matrix; r: Matrix } => linalg.qr(a);

/** Dense SVD with singular values in descending order: a = u·diag(s)·vᵀ, k = min(m, n). */
export function denseSvd(a: Matrix): { u: Matrix; s: Float64Array; v: Matrix } {
  const { u, s, v } = linalg.svd(a);
  return { u, s, v };
}

/** Dense Moore–Penrose pseudo-inverse with the relative cut-off rcond·σ_max (linalg's default rcond: max(m, n)·ε₆₄). */
export function densePinv(a: Matrix, rcond?: number): { pinv: Matrix; rank: number; cutoff: number; condition: number } {
  const { pinv, rank, cutoff, condition } = linalg.pinv(a, rcond);
  return { pinv, rank, cutoff, condition };
}
