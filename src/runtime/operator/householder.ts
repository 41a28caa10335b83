// The compact WY form of a product of Householder reflectors (Schreiber & Van Loan, 1989):
//   H₁H₂⋯H_k = I − V·T·Vᵀ,  H_i = I − 2·v_i·v_iᵀ (unit v_i),  V = [v₁ … v_k] (n×k),
// with T upper triangular k×k. Applying Q to a batch is then three matrix products instead of k
// sequential rank-one updates (which tfjs runs as ~4k tiny kernels), still without forming Q.
// Recurrence: T₁ = [2]; T_j = [[T_{j−1}, −2·T_{j−1}·(V_{j−1}ᵀ v_j)], [0, 2]].
import { matrix, transposeTimes, type Matrix } from "./host.js";

const cache = new WeakMap<Matrix, Matrix>();

/** T of the compact WY form for the unit reflector normals in the rows of `vectors` (k×n). */
export function compactWyFactor(vectors: Matrix): Matrix {
  const hit = cache.get(vectors);
  if (hit !== undefined) return hit;
  const k = vectors.rows;
  // Gram matrix G = V·Vᵀ of the rows (k×k): G_ij = v_i·v_j.
  const rowsAsColumns = { rows: vectors.cols, cols: k, data: transposeData(vectors) };
  const gram = transposeTimes(rowsAsColumns, rowsAsColumns);
  const t = matrix(k, k);
  for (let j = 0; j < k; j++) {
    t.data[j * k + j] = 2;
    // T[0:j, j] = −2 · T[0:j, 0:j] · G[0:j, j]  (T upper triangular: only i ≤ l < j contribute)
    for (let i = 0; i < j; i++) {
      let s = 0;
      for (let l = i; l < j; l++) s += t.data[i * k + l] * gram.data[l * k + j];
      t.data[i * k + j] = -2 * s;
    }
  }
  cache.set(vectors, t);
  return t;
}

function transposeData(m: Matrix): Float64Array {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[i * m.cols + j];
  return out;
}

/** The cached T for `vectors`, if it was computed (so its uploaded copies can be released). */
export function cachedWyFactor(vectors: Matrix): Matrix | undefined {
  return cache.get(vectors);
}
