// Batched triangular solves with tfjs ops: tfjs has no triangular solve (nor any solve), and a general
// inverse per call is what the reference does and what we avoid. Rows of X are solutions:
// X·Lᵀ = Z with L lower-triangular, i.e. L·x = z for every row. Blocked: each block of columns is
// first updated with one matmul against the solved columns, then solved column by column inside the
// block, so the op count is about C + 2C/block and the flops sit in matmuls.

import * as tf from "@tensorflow/tfjs-core";

const BLOCK = 32;

/** Solves X·Lᵀ = Z for X (Z: [N, C], L: [C, C] lower-triangular; unitDiagonal ignores L's diagonal). */
export function solveLowerRows(z: tf.Tensor2D, lower: tf.Tensor2D, unitDiagonal: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const c = lower.shape[0];
    const lowerT = tf.transpose(lower) as tf.Tensor2D; // column j of Lᵀ = row j of L
    const diag = unitDiagonal ? undefined : tf.sum(tf.mul(lower, tf.eye(c)), 1);
    let solved: tf.Tensor2D | undefined; // X[:, :a]
    for (let a = 0; a < c; a += BLOCK) {
      const b = Math.min(c, a + BLOCK);
      let rhs = tf.slice(z, [0, a], [-1, b - a]) as tf.Tensor2D;
      if (solved !== undefined) {
        rhs = tf.sub(rhs, tf.matMul(solved, tf.slice(lowerT, [0, a], [a, b - a])));
      }
      const cols: tf.Tensor2D[] = [];
      for (let j = a; j < b; j++) {
        let col = tf.slice(rhs, [0, j - a], [-1, 1]) as tf.Tensor2D;
        if (j > a) {
          const done = cols.length === 1 ? cols[0] : (tf.concat(cols, 1) as tf.Tensor2D);
          col = tf.sub(col, tf.matMul(done, tf.slice(lowerT, [a, j], [j - a, 1])));
        }
        if (diag !== undefined) col = tf.div(col, tf.slice(diag, [j], [1]));
        cols.push(col);
      }
      const block = tf.concat(cols, 1) as tf.Tensor2D;
      solved = solved === undefined ? block : (tf.concat([solved, block], 1) as tf.Tensor2D);
    }
    if (solved === undefined) return tf.clone(z);
    return solved;
  });
}

/** Solves X·Uᵀ = Z for X with U upper-triangular, by reversing both axes (which makes U lower). */
export function solveUpperRows(z: tf.Tensor2D, upper: tf.Tensor2D, unitDiagonal: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const flipped = tf.reverse(upper, [0, 1]) as tf.Tensor2D;
    const x = solveLowerRows(tf.reverse(z, [1]) as tf.Tensor2D, flipped, unitDiagonal);
    return tf.reverse(x, [1]) as tf.Tensor2D;
  });
}
