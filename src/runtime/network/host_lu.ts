// Small float64 host routines for initialising the invertible dense block: a random orthogonal matrix
// (QR of a Gaussian, Householder) and its LU decomposition with partial pivoting, W = P·L·U, as Glow.
// They run once per block at construction on C×C matrices, so plain loops suffice.

export interface LuFactors {
  /** A[perm[k]] = (L·U)[k]: A = P·L·U with P[perm[k]][k] = 1. */
  readonly perm: Int32Array;
  readonly lower: Float64Array; // unit lower, row-major n×n
  readonly upper: Float64Array; // upper, row-major n×n
}

/** Q of a QR decomposition of a row-major n×n matrix, with sign fix so that diag(R) > 0. */
export function orthogonalFromGaussian(a: Float64Array, n: number): Float64Array {
  // Modified Gram–Schmidt on columns, twice for orthogonality to round-off (n is small).
  const q = Float64Array.from(a);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i * n + k] * q[i * n + j];
        for (let i = 0; i < n; i++) q[i * n + j] -= dot * q[i * n + k];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += q[i * n + j] ** 2;
      norm = Math.sqrt(norm);
      for (let i = 0; i < n; i++) q[i * n + j] /= norm;
    }
  }
  return q;
}

/** Doolittle LU with partial pivoting of a row-major n×n matrix (see LuFactors for the convention). */
export function luDecompose(a: Float64Array, n: number): LuFactors {
  const m = Float64Array.from(a);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[p * n + k])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j];
        m[k * n + j] = m[p * n + j];
        m[p * n + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
    }
    const pivot = m[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (m[i * n + k] /= pivot);
      for (let j = k + 1; j < n; j++) m[i * n + j] -= f * m[k * n + j];
    }
  }
  const lower = new Float64Array(n * n);
  const upper = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j < i) lower[i * n + j] = m[i * n + j];
      else upper[i * n + j] = m[i * n + j];
    }
    lower[i * n + i] = 1;
  }
  return { perm, lower, upper };
}
