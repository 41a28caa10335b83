// Elementwise and structural operations on Matrix that need no factorisation. matmulJs is the
// fallback product; the active backend's matmul (index.ts) uses BLAS when the addon is built.
import { LinalgError } from "./errors.js";
import { matrix, type Matrix } from "./matrix.js";

/** Aᵀ. */
export function transpose(a: Matrix): Matrix {
  const { rows, cols, data } = a;
  const out = matrix(cols, rows);
  const o = out.data;
  // Blocked so both the reads and the writes stay within a few cache lines.
  const block = 32;
  for (let i0 = 0; i0 < rows; i0 += block) {
    const i1 = Math.min(rows, i0 + block);
    for (let j0 = 0; j0 < cols; j0 += block) {
      const j1 = Math.min(cols, j0 + block);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) o[j * rows + i] = data[i * cols + j];
      }
    }
  }
  return out;
}

function requireSameShape(op: string, a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new LinalgError("LIN1041", `${op}: shapes [${a.rows}, ${a.cols}] and [${b.rows}, ${b.cols}] differ`);
  }
}

/** A + B, same shapes. */
export function add(a: Matrix, b: Matrix): Matrix {
  requireSameShape("add", a, b);
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] + b.data[i];
  return out;
}

/** A − B, same shapes. */
export function subtract(a: Matrix, b: Matrix): Matrix {
  requireSameShape("subtract", a, b);
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] - b.data[i];
  return out;
}

/** factor·A. */
export function scale(a: Matrix, factor: number): Matrix {
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] * factor;
  return out;
}

/** ‖A‖_F, scaled so that squares of huge or tiny entries neither overflow nor underflow. */
export function frobeniusNorm(a: Matrix): number {
  let big = 0;
  for (let i = 0; i < a.data.length; i++) big = Math.max(big, Math.abs(a.data[i]));
  if (big === 0 || !Number.isFinite(big)) return big;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i] / big;
    sum += x * x;
  }
  return big * Math.sqrt(sum);
}

/** max |a_ij|. */
export function maxAbs(a: Matrix): number {
  let big = 0;
  for (let i = 0; i < a.data.length; i++) big = Math.max(big, Math.abs(a.data[i]));
  return big;
}

export function requireProductShapes(a: Matrix, b: Matrix): void {
  if (a.cols !== b.rows) {
    throw new LinalgError("LIN1041", `matmul: [${a.rows}, ${a.cols}] · [${b.rows}, ${b.cols}] (inner sizes differ)`);
  }
}

/** A·B in i-k-j order: the inner loop runs along contiguous rows of B and C. */
export function matmulJs(a: Matrix, b: Matrix): Matrix {
  requireProductShapes(a, b);
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  const out = matrix(m, n);
  const A = a.data;
  const B = b.data;
  const C = out.data;
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) C[ci + j] += aip * B[bp + j];
    }
  }
  return out;
}
