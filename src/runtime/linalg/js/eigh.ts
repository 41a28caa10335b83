// Symmetric eigendecomposition by cyclic Jacobi rotations (fallback for LAPACK's dsyevd). Jacobi is
// chosen over tridiagonal QL for its simple, provably accurate convergence; it costs ~10 sweeps of
// O(n³) and is meant for the small matrices the fallback serves.
import { LinalgError } from "../errors.js";
import { matrix, type Matrix } from "../matrix.js";
import type { EighResult } from "../kernels.js";
import { rotatePair } from "./rotation.js";

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 100;

export function jacobiEigh(input: Matrix): EighResult {
  const n = input.rows;
  // Work on the symmetric matrix the lower triangle describes (LAPACK's 'L' convention).
  const a = new Float64Array(n * n);
  let sumSq = 0;
  let big = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = input.data[i * n + j];
      a[i * n + j] = v;
      a[j * n + i] = v;
      big = Math.max(big, Math.abs(v));
    }
  }
  for (let i = 0; i < n * n; i++) {
    const x = big === 0 ? 0 : a[i] / big;
    sumSq += x * x;
  }
  // Rotations are orthogonal, so ‖A‖_F is invariant: an off-diagonal entry below ε·‖A‖_F is noise.
  const threshold = EPS * big * Math.sqrt(sumSq);
  // Rows of vt are the eigenvectors (columns of V), so rotating them touches contiguous memory.
  const vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vt[i * n + i] = 1;

  let converged = n < 2;
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) <= threshold) continue;
        rotated = true;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.hypot(1, theta));
        const c = 1 / Math.hypot(1, t);
        const s = c * t;
        const app = a[p * n + p] - t * apq;
        const aqq = a[q * n + q] + t * apq;
        // A ← JᵀA (rows p, q), then A ← A·J (columns p, q).
        rotatePair(a, p * n, q * n, 1, n, c, s);
        rotatePair(a, p, q, n, n, c, s);
        a[p * n + p] = app;
        a[q * n + q] = aqq;
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        rotatePair(vt, p * n, q * n, 1, n, c, s);
      }
    }
    converged = !rotated;
  }
  if (!converged) throw new LinalgError("LIN1046", `eigh: Jacobi did not converge in ${MAX_SWEEPS} sweeps (n = ${n})`);

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  const values = new Float64Array(n);
  const vectors = matrix(n, n);
  order.forEach((src, col) => {
    values[col] = a[src * n + src];
    for (let k = 0; k < n; k++) vectors.data[k * n + col] = vt[src * n + k];
  });
  return { values, vectors };
}
