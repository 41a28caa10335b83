// LU with partial pivoting in TypeScript (fallback for LAPACK's dgetrf), and triangular solves with
// many right-hand sides. Row-major throughout: eliminations and substitutions update whole
// contiguous rows.
import { matrix, type Matrix } from "../matrix.js";
import type { PackedLu } from "../kernels.js";

export function luFactorJs(a: Matrix): PackedLu {
  const n = a.rows;
  const lu = Float64Array.from(a.data);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign: 1 | -1 = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      const rowK = lu.slice(k * n, k * n + n);
      lu.copyWithin(k * n, p * n, p * n + n);
      lu.set(rowK, p * n);
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
      sign = sign === 1 ? -1 : 1;
    }
    const pivot = lu[k * n + k];
    // A zero pivot means the rest of the column is zero too: nothing to eliminate; linalg.ts reports it.
    if (pivot === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const l = lu[i * n + k] / pivot;
      lu[i * n + k] = l;
      if (l === 0) continue;
      const ri = i * n;
      const rk = k * n;
      for (let j = k + 1; j < n; j++) lu[ri + j] -= l * lu[rk + j];
    }
  }
  return { packed: { rows: n, cols: n, data: lu }, perm, sign };
}

/** Solves T·X = B, T square triangular (only its lower or upper triangle is read). */
export function triangularSolveJs(t: Matrix, b: Matrix, lower: boolean, unitDiagonal: boolean): Matrix {
  const n = t.rows;
  const w = b.cols;
  const x = matrix(n, w, b.data);
  const X = x.data;
  const T = t.data;
  const solveRow = (i: number, j0: number, j1: number): void => {
    const ri = i * w;
    for (let j = j0; j < j1; j++) {
      const tij = T[i * n + j];
      if (tij === 0) continue;
      const rj = j * w;
      for (let c = 0; c < w; c++) X[ri + c] -= tij * X[rj + c];
    }
    if (!unitDiagonal) {
      const d = T[i * n + i];
      for (let c = 0; c < w; c++) X[ri + c] /= d;
    }
  };
  if (lower) for (let i = 0; i < n; i++) solveRow(i, 0, i);
  else for (let i = n - 1; i >= 0; i--) solveRow(i, i + 1, n);
  return x;
}
