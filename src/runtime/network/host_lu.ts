// Small float64 host routines for initialising the invertible dense block: a random orthogonal matrix
// (QR of a Gaussian) and its LU decomposition with partial pivoting, W = P·L·U, as Glow. Both come
// from ../linalg's TypeScript backend, named explicitly rather than the active one, so a network's
// initial weights are bit-for-bit the same whether or not the LAPACK addon is built.
import { jsLinalg, matrix } from "../linalg/index.js";

export interface LuFactors {
  /** A[perm[k]] = (L·U)[k]: A = P·L·U with P[perm[k]][k] = 1. */
  readonly perm: Int32Array;
  readonly lower: Float64Array; // unit lower, row-major n×n
  readonly upper: Float64Array; // upper, row-major n×n
}

/** Q of a QR decomposition of a row-major n×n matrix, with sign fix so that diag(R) > 0. */
export function orthogonalFromGaussian(a: Float64Array, n: number): Float64Array {
  const { q, r } = jsLinalg.qr(matrix(n, n, a));
  // Householder QR leaves the signs of R's diagonal to the reflectors; fixing diag(R) > 0 makes Q
  // unique (A = Q·R with that sign is unique for invertible A), so it does not depend on the method.
  const out = Float64Array.from(q.data);
  for (let j = 0; j < n; j++) {
    if (r.data[j * n + j] >= 0) continue;
    for (let i = 0; i < n; i++) out[i * n + j] = -out[i * n + j];
  }
  return out;
}

/**
 * LU with partial pivoting of a row-major n×n matrix (see LuFactors for the convention). Throws
 * LinalgError LIN1043 for a singular matrix; the orthogonal matrices it is used on never are.
 */
export function luDecompose(a: Float64Array, n: number): LuFactors {
  const { perm, l, u } = jsLinalg.lu(matrix(n, n, a));
  return { perm, lower: l.data, upper: u.data };
}
