// Dense float64 linear algebra that tfjs lacks. The functions here use the active backend (LAPACK via
// the native addon when built, else TypeScript; see backend.ts); jsLinalg / nativeLinalg() give one
// backend explicitly.
import { activeLinalg } from "./backend.js";
import type { EighResult, QrResult, SvdResult } from "./kernels.js";
import type { LuResult, PinvResult, TriangularSolveOptions } from "./linalg.js";
import type { Matrix } from "./matrix.js";

export { matrix, identityMatrix, diagonalMatrix, fromFloat32, toFloat32, fromRows, at, type Matrix } from "./matrix.js";
export { transpose, add, subtract, scale, frobeniusNorm, maxAbs } from "./arithmetic.js";
export { LinalgError, type LinalgErrorCode } from "./errors.js";
export type { EighResult, QrResult, SvdResult, LinalgBackendName } from "./kernels.js";
export { FLOAT64_EPS, singularDiagonal, type Linalg, type LuResult, type PinvResult, type TriangularSolveOptions } from "./linalg.js";
export {
  jsLinalg,
  nativeLinalg,
  selectLinalg,
  activeLinalg,
  useLinalg,
  setLinalgLogger,
  debugLinalgLogger,
  linalgStatus,
  debugRequested,
  type LinalgChoice,
  type LinalgLogger,
  type NativeAvailability,
} from "./backend.js";
export { loadNativeKernelsFrom, findAddonPath, type NativeLoad } from "./native.js";
export { reconstructionError, orthogonalityError, productResidual, penroseViolations, type PenroseViolations } from "./checks.js";

/** A·B on the active backend. */
export function matmul(a: Matrix, b: Matrix): Matrix {
  return activeLinalg().matmul(a, b);
}

/** Householder QR, economy size: Q m×k, R k×n, k = min(m, n). */
export function qr(a: Matrix): QrResult {
  return activeLinalg().qr(a);
}

/** P·A = L·U with partial pivoting; LinalgError LIN1043 when A is singular to working precision. */
export function lu(a: Matrix): LuResult {
  return activeLinalg().lu(a);
}

/** X with A·X = B from lu(A): factor once, solve many times (two triangular solves each). */
export function luSolve(factors: LuResult, b: Matrix): Matrix {
  return activeLinalg().luSolve(factors, b);
}

/** X with A·X = B (A square, nonsingular). */
export function solve(a: Matrix, b: Matrix): Matrix {
  return activeLinalg().solve(a, b);
}

/** A⁻¹ (A square, nonsingular) on the active backend. */
export function inverse(a: Matrix): Matrix {
  return activeLinalg().inverse(a);
}

/** X with T·X = B, T triangular, on the active backend. */
export function triangularSolve(t: Matrix, b: Matrix, options: TriangularSolveOptions): Matrix {
  return activeLinalg().triangularSolve(t, b, options);
}

/** Symmetric eigendecomposition: values ascending, vectors as columns. */
export function eigh(a: Matrix): EighResult {
  return activeLinalg().eigh(a);
}

/** Thin SVD: U m×k, s descending (k = min(m, n)), V n×k; never via the eigenvalues of AᵀA. */
export function svd(a: Matrix): SvdResult {
  return activeLinalg().svd(a);
}

/** Moore–Penrose pseudo-inverse with relative cut-off rcond·σ_max (default max(m, n)·ε) and its rank. */
export function pinv(a: Matrix, rcond?: number): PinvResult {
  return activeLinalg().pinv(a, rcond);
}
