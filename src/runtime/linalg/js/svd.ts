// SVD by one-sided Jacobi (Hestenes) in TypeScript: the fallback for LAPACK's dgesdd. It orthogonalises
// the columns of A by plane rotations, never forming AᵀA, so it keeps full accuracy on ill-conditioned
// and rank-deficient input (small singular values come out with small absolute error, and U stays
// orthogonal). Columns are stored as rows (the transpose) so every rotation runs over contiguous memory.
// Tall input is first reduced by Householder QR to its n×n triangle, which Jacobi then handles.
import { LinalgError } from "../errors.js";
import { matrix, type Matrix } from "../matrix.js";
import { matmulJs, transpose } from "../arithmetic.js";
import type { SvdResult } from "../kernels.js";
import { householderQr } from "./qr.js";
import { rotatePair } from "./rotation.js";

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 80;

export function jacobiSvd(a: Matrix): SvdResult {
  if (a.rows < a.cols) {
    const t = jacobiSvd(transpose(a));
    return { u: t.v, s: t.s, v: t.u };
  }
  if (a.rows > a.cols && a.cols > 0) {
    const { q, r } = householderQr(a);
    const inner = squareOrTallSvd(r);
    return { u: matmulJs(q, inner.u), s: inner.s, v: inner.v };
  }
  return squareOrTallSvd(a);
}

/** One-sided Jacobi on A (m ≥ n). */
function squareOrTallSvd(a: Matrix): SvdResult {
  const m = a.rows;
  const n = a.cols;
  let big = 0;
  for (let i = 0; i < a.data.length; i++) big = Math.max(big, Math.abs(a.data[i]));
  // Scale to max |a_ij| = 1 so squared norms neither overflow nor underflow; σ is scaled back at the end.
  const unit = big === 0 ? 1 : 1 / big;
  const w = new Float64Array(n * m); // row j = column j of A
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) w[j * m + i] = a.data[i * n + j] * unit;
  }
  const vt = new Float64Array(n * n); // row j = column j of V
  for (let j = 0; j < n; j++) vt[j * n + j] = 1;

  // Columns j, k count as orthogonal once |⟨w_j, w_k⟩| ≤ tol·‖w_j‖·‖w_k‖; √m·ε is the typical rounding
  // error of that inner product (LAPACK's dgesvj uses the same), so the test is as strict as it can be.
  const tol = Math.sqrt(Math.max(m, 1)) * EPS;
  let converged = n < 2;
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
    let rotated = false;
    for (let j = 0; j < n - 1; j++) {
      const rj = j * m;
      for (let k = j + 1; k < n; k++) {
        const rk = k * m;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[rj + i];
          const y = w[rk + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.hypot(1, t);
        const s = c * t;
        rotatePair(w, rj, rk, 1, m, c, s);
        rotatePair(vt, j * n, k * n, 1, n, c, s);
      }
    }
    converged = !rotated;
  }
  if (!converged) throw new LinalgError("LIN1046", `svd: one-sided Jacobi did not converge in ${MAX_SWEEPS} sweeps ([${m}, ${n}])`);

  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += w[j * m + i] * w[j * m + i];
    norms[j] = Math.sqrt(sum);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const s = new Float64Array(n);
  const uCols: Float64Array[] = [];
  const v = matrix(n, n);
  const missing: number[] = [];
  order.forEach((src, col) => {
    s[col] = norms[src] * big;
    const u = new Float64Array(m);
    // A column that is exactly zero (or below the smallest normal numbers) has no direction of its own.
    if (norms[src] > 1e-300) {
      for (let i = 0; i < m; i++) u[i] = w[src * m + i] / norms[src];
    } else {
      missing.push(col);
    }
    uCols.push(u);
    for (let i = 0; i < n; i++) v.data[i * n + col] = vt[src * n + i];
  });
  completeOrthonormal(uCols, missing);
  const u = matrix(m, n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) u.data[i * n + j] = uCols[j][i];
  }
  return { u, s, v };
}

/** Fills the columns listed in `missing` with unit vectors orthogonal to all the others. */
function completeOrthonormal(cols: Float64Array[], missing: readonly number[]): void {
  if (missing.length === 0) return;
  const m = cols[0].length;
  const filled = cols.map((_, j) => j).filter((j) => !missing.includes(j));
  // covered[i] = Σ_j u_j[i]² over filled columns, so ‖e_i − projection‖² = 1 − covered[i]: the best
  // starting vector e_i is found without projecting each one (and its residual is ≥ 1/√m by pigeonhole).
  const covered = new Float64Array(m);
  for (const j of filled) for (let i = 0; i < m; i++) covered[i] += cols[j][i] * cols[j][i];
  for (const col of missing) {
    let best = 0;
    for (let i = 1; i < m; i++) if (covered[i] < covered[best]) best = i;
    const x = new Float64Array(m);
    x[best] = 1;
    // Gram–Schmidt twice: one pass loses orthogonality when x is close to the span already.
    for (let pass = 0; pass < 2; pass++) {
      for (const j of filled) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += cols[j][i] * x[i];
        for (let i = 0; i < m; i++) x[i] -= dot * cols[j][i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += x[i] * x[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) {
      cols[col][i] = x[i] / norm;
      covered[i] += cols[col][i] * cols[col][i];
    }
    filled.push(col);
  }
}
