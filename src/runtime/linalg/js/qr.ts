// Householder QR in TypeScript (the fallback when the LAPACK addon is not built). Row-major: each
// reflector is applied as w = vᵀ·A (accumulated row by row) then A -= τ·v·w, so the inner loops run
// along contiguous rows instead of striding down columns.
import { matrix, type Matrix } from "../matrix.js";
import type { QrResult } from "../kernels.js";

/** Reflector H = I − τ·v·vᵀ (v[0] = 1) with H·x = β·e₁; LAPACK's dlarfg convention. */
interface Reflector {
  readonly v: Float64Array;
  readonly tau: number;
  readonly beta: number;
}

function reflector(x: Float64Array): Reflector {
  const v = new Float64Array(x.length);
  v[0] = 1;
  let tailScale = 0;
  for (let i = 1; i < x.length; i++) tailScale = Math.max(tailScale, Math.abs(x[i]));
  if (tailScale === 0) return { v, tau: 0, beta: x[0] };
  let tail = 0;
  for (let i = 1; i < x.length; i++) {
    const t = x[i] / tailScale;
    tail += t * t;
  }
  const norm = Math.hypot(x[0], tailScale * Math.sqrt(tail));
  const beta = x[0] >= 0 ? -norm : norm;
  const tau = (beta - x[0]) / beta;
  const inv = 1 / (x[0] - beta);
  for (let i = 1; i < x.length; i++) v[i] = x[i] * inv;
  return { v, tau, beta };
}

/** Applies H to rows [row0, row0+len) and columns [col0, cols) of the row-major `data`. */
function applyReflector(h: Reflector, data: Float64Array, cols: number, row0: number, col0: number): void {
  if (h.tau === 0 || col0 >= cols) return;
  const width = cols - col0;
  const w = new Float64Array(width);
  for (let i = 0; i < h.v.length; i++) {
    const vi = h.v[i];
    if (vi === 0) continue;
    const base = (row0 + i) * cols + col0;
    for (let j = 0; j < width; j++) w[j] += vi * data[base + j];
  }
  for (let i = 0; i < h.v.length; i++) {
    const f = h.tau * h.v[i];
    if (f === 0) continue;
    const base = (row0 + i) * cols + col0;
    for (let j = 0; j < width; j++) data[base + j] -= f * w[j];
  }
}

/** Economy QR: Q is m×k with orthonormal columns, R is k×n upper triangular, k = min(m, n). */
export function householderQr(a: Matrix): QrResult {
  const m = a.rows;
  const n = a.cols;
  const k = Math.min(m, n);
  const work = Float64Array.from(a.data);
  const reflectors: Reflector[] = [];
  for (let j = 0; j < k; j++) {
    const x = new Float64Array(m - j);
    for (let i = j; i < m; i++) x[i - j] = work[i * n + j];
    const h = reflector(x);
    reflectors.push(h);
    work[j * n + j] = h.beta;
    for (let i = j + 1; i < m; i++) work[i * n + j] = 0;
    applyReflector(h, work, n, j, j + 1);
  }
  const r = matrix(k, n);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < n; j++) r.data[i * n + j] = work[i * n + j];
  }
  // Q = H₀·H₁·…·H_{k−1}·I[:, :k], applied from the last reflector so each touches only its trailing block.
  const q = matrix(m, k);
  for (let i = 0; i < k; i++) q.data[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) applyReflector(reflectors[j], q.data, k, j, j);
  return { q, r };
}
