// A trainable copy of the runtime's projector operator P = Q·Qᵀ (src/runtime/operator/kinds.ts): one
// tfjs Variable, the runtime's `basis` parameter [n, r], kept orthonormal so the forward map X ↦ X·W·Wᵀ
// is exactly (to float32 rounding) the projector the runtime builds from the same tensor.
//
// Parameterisation: Euclidean gradient step on the free n×r matrix W, then a retraction back to the
// Stiefel manifold (orthonormal columns) on the host: a float64 Householder QR from src/runtime/linalg,
// W ← Q·diag(sign(diag R)). Why this and not a differentiable orthonormalisation: tfjs has no QR,
// Cholesky or inverse with a gradient, and an unrolled Newton–Schulz iteration would put dozens of
// n×n-sized kernels on every step's tape. The retraction costs one n×r QR per step (O(n r²)), needs
// no gradient, and leaves the saved tensor orthonormal, so what the runtime rebuilds (its own QR of
// the file's basis) spans the same subspace. The sign fix makes the retraction continuous (QR of an
// already orthonormal W returns W), so Adam's per-coordinate moments keep following the same
// coordinates from step to step. (The paper's straight-through estimator is not specified.)
import * as tf from "@tensorflow/tfjs-core";
import { ownedVariable } from "../runtime/network/variable.js";
import { matrix, qr } from "../runtime/linalg/index.js";
import { projector, type Projector } from "../runtime/operator/index.js";

export class TrainableProjector {
  readonly n: number;
  readonly rank: number;
  /** [n, r], orthonormal columns after construction and after every retract(). */
  readonly basis: tf.Variable;

  constructor(op: Projector) {
    this.n = op.rows;
    this.rank = op.q.cols;
    // Start from the runtime's orthonormal Q (same span as the seeded free basis, so same projector).
    this.basis = ownedVariable(() => tf.tensor2d(Float32Array.from(op.q.data), [this.n, this.rank]));
  }

  /** Learnable tensors under the runtime's parameter names (the projector has one: "basis"). */
  parameters(): Map<string, { variable: tf.Variable; transposedInFile: boolean }> {
    return new Map([["basis", { variable: this.basis, transposedInFile: false }]]);
  }

  /** Rows z [b, n] ↦ z·W·Wᵀ: the projection of each row onto range(W). */
  apply(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.matMul(tf.matMul(z, this.basis), this.basis, false, true) as tf.Tensor2D);
  }

  /** W ← orthonormal basis of range(W), by a float64 QR with diag(R) ≥ 0 (see the file comment). */
  async retract(): Promise<void> {
    const w = (await this.basis.data()) as Float32Array;
    this.basis.assign(tf.tensor2d(orthonormalised(w, this.n, this.rank), [this.n, this.rank]));
  }

  /** The runtime operator with the current values (float32 values widened to float64). */
  async toOperator(): Promise<Projector> {
    return projector(matrix(this.n, this.rank, (await this.basis.data()) as Float32Array));
  }

  dispose(): void {
    this.basis.dispose();
  }
}

/** Q·diag(sign(diag R)) of the thin QR of an n×r row-major matrix, rounded to float32. */
export function orthonormalised(values: ArrayLike<number>, n: number, r: number): Float32Array {
  const { q, r: upper } = qr(matrix(n, r, values));
  const out = new Float32Array(n * r);
  for (let j = 0; j < r; j++) {
    const sign = upper.data[j * upper.cols + j] < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) out[i * r + j] = sign * q.data[i * q.cols + j];
  }
  return out;
}
