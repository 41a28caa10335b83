// The few primitives a linear-algebra backend must supply. Two implementations exist: pure TypeScript
// (js/) and LAPACKE/OpenBLAS through a Node-API addon (native.ts). Everything else — input checks,
// singularity rule, solves from LU factors, pinv — is built once on top of these (linalg.ts), so both
// paths share one policy and differ only in arithmetic.
import type { Matrix } from "./matrix.js";

/** Which implementation computes: TypeScript (`js`) or the LAPACK addon (`native`). */
export type LinalgBackendName = "js" | "native";

/** A QR factorisation A = Q·R. */
export interface QrResult {
  /** m×k with orthonormal columns, k = min(m, n). */
  readonly q: Matrix;
  /** k×n upper triangular (trapezoidal when m < n). */
  readonly r: Matrix;
}

/** A symmetric eigendecomposition A = V·diag(w)·Vᵀ. */
export interface EighResult {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Orthonormal eigenvectors as columns: column j belongs to values[j]. */
  readonly vectors: Matrix;
}

/** A thin singular value decomposition A = U·diag(s)·Vᵀ. */
export interface SvdResult {
  /** m×k, orthonormal columns, k = min(m, n). */
  readonly u: Matrix;
  /** k singular values, descending, non-negative. */
  readonly s: Float64Array;
  /** n×k, orthonormal columns: A = U·diag(s)·Vᵀ. */
  readonly v: Matrix;
}

/** LU factors of a square matrix, packed as LAPACK does: strictly-lower part L (unit diagonal), upper U. */
export interface PackedLu {
  readonly packed: Matrix;
  /** Row i of P·A is row perm[i] of A. */
  readonly perm: Int32Array;
  /** det(P) = ±1. */
  readonly sign: 1 | -1;
}

export interface LinalgKernels {
  readonly name: LinalgBackendName;
  matmul(a: Matrix, b: Matrix): Matrix;
  qr(a: Matrix): QrResult;
  /** Partial-pivoting LU; never throws on singular input (linalg.ts decides). */
  luFactor(a: Matrix): PackedLu;
  /** Solves T·X = B for square triangular T without checking the diagonal. */
  triangularSolve(t: Matrix, b: Matrix, lower: boolean, unitDiagonal: boolean): Matrix;
  /** Symmetric eigendecomposition from the lower triangle. */
  eigh(a: Matrix): EighResult;
  svd(a: Matrix): SvdResult;
}
