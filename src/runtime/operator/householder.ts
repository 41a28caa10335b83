// The compact WY form of a product of Householder reflectors (Schreiber & Van Loan, 1989):
//   H₁H₂⋯H_k = I − V·T·Vᵀ,  H_i = I − 2·v_i·v_iᵀ (unit v_i),  V = [v₁ … v_k] (n×k),
// with T upper triangular k×k. Applying Q to a batch is then three matrix products instead of k
// sequential rank-one updates (tfjs would run ~4k tiny kernels; plain JS ~4·k·n·cols scalar flops),
// still without forming Q. Both the tfjs path (apply.ts) and the float64 host path (hostApply.ts)
// use this one T, and its heavy work runs through linalg's matmul (BLAS dgemm when the addon is built).
import { identityMatrix, matmul, matrix, transposeMatrix, type Matrix } from "./host.js";

const cache = new WeakMap<Matrix, Matrix>();

/** Below this many reflectors T is built column by column; above it, by blocks through matmul. */
const LEAF = 32;

/** T of the compact WY form for the unit reflector normals in the rows of `vectors` (k×n). */
export function compactWyFactor(vectors: Matrix): Matrix {
  const hit = cache.get(vectors);
  if (hit !== undefined) return hit;
  const k = vectors.rows;
  // Gram matrix G = V·Vᵀ of the rows (k×k): G_ij = v_i·v_j.
  const gram = matmul(vectors, transposeMatrix(vectors));
  const t = matrix(k, k);
  fillFactor(t, gram, 0, k);
  cache.set(vectors, t);
  return t;
}

/**
 * Fills the diagonal block T[lo:hi, lo:hi] (T is k×k, G the k×k Gram matrix). Splitting the
 * reflectors as Q = Q₁·Q₂ with Q_i = I − V_i·T_i·V_iᵀ gives
 *   T = [[T₁, −T₁·(V₁ᵀV₂)·T₂], [0, T₂]],
 * so the O(k³) part is two matmuls per level; the leaves use the column recurrence
 *   T_j = [[T_{j−1}, −2·T_{j−1}·(V_{j−1}ᵀ v_j)], [0, 2]]  (the split with V₂ = v_j).
 */
function fillFactor(t: Matrix, gram: Matrix, lo: number, hi: number): void {
  const k = t.cols;
  if (hi - lo <= LEAF) {
    for (let j = lo; j < hi; j++) {
      t.data[j * k + j] = 2;
      // T[i, j] = −2 · Σ_{i ≤ l < j} T[i, l]·G[l, j]  (T upper triangular)
      for (let i = lo; i < j; i++) {
        let s = 0;
        for (let l = i; l < j; l++) s += t.data[i * k + l] * gram.data[l * k + j];
        t.data[i * k + j] = -2 * s;
      }
    }
    return;
  }
  const mid = lo + ((hi - lo) >> 1);
  fillFactor(t, gram, lo, mid);
  fillFactor(t, gram, mid, hi);
  const t1 = block(t, lo, mid, lo, mid);
  const t2 = block(t, mid, hi, mid, hi);
  const t12 = matmul(matmul(t1, block(gram, lo, mid, mid, hi)), t2);
  const cols = hi - mid;
  for (let i = 0; i < mid - lo; i++) {
    for (let j = 0; j < cols; j++) t.data[(lo + i) * k + mid + j] = -t12.data[i * cols + j];
  }
}

/** a[r0:r1, c0:c1] as a fresh matrix. */
function block(a: Matrix, r0: number, r1: number, c0: number, c1: number): Matrix {
  const out = matrix(r1 - r0, c1 - c0);
  for (let i = r0; i < r1; i++) out.data.set(a.data.subarray(i * a.cols + c0, i * a.cols + c1), (i - r0) * out.cols);
  return out;
}

/** The cached T for `vectors`, if it was computed (so its uploaded copies can be released). */
export function cachedWyFactor(vectors: Matrix): Matrix | undefined {
  return cache.get(vectors);
}

/**
 * (H₁⋯H_k)·M = M − Vᵀ_rows·(T·(V_rows·M)) in float64 on the host, `vectors` holding the unit
 * normals as rows (k×n). Three matmuls once T is known.
 */
export function wyTimes(vectors: Matrix, m: Matrix): Matrix {
  if (vectors.rows === 0) return matrix(m.rows, m.cols, m.data);
  const t = compactWyFactor(vectors);
  const correction = matmul(transposeMatrix(vectors), matmul(t, matmul(vectors, m)));
  const out = matrix(m.rows, m.cols, m.data);
  for (let i = 0; i < out.data.length; i++) out.data[i] -= correction.data[i];
  return out;
}

/** The dense n×n matrix H₁⋯H_k = I − Vᵀ_rows·(T·V_rows): two matmuls, no product with I. */
export function wyMaterialise(vectors: Matrix): Matrix {
  const n = vectors.cols;
  const out = identityMatrix(n);
  if (vectors.rows === 0) return out;
  const correction = matmul(transposeMatrix(vectors), matmul(compactWyFactor(vectors), vectors));
  for (let i = 0; i < out.data.length; i++) out.data[i] -= correction.data[i];
  return out;
}
