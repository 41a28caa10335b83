// Batched application on the tfjs backend. Batches are ROW vectors: apply(A, X) with X of shape
// [b, cols] returns X·Aᵀ of shape [b, rows] (row i of the result is A·xᵢ). applyTranspose(A, Y) with
// Y of shape [b, rows] returns Y·A, i.e. Aᵀ·yᵢ per row. Structured kinds are applied factor by factor
// (low-rank as (X·V)·Uᵀ, Householder products in compact WY form); nothing is materialised to apply it.
import * as tf from "@tensorflow/tfjs-core";
import { OperatorError } from "./errors.js";
import { materialise, multiplyHost } from "./hostApply.js";
import { transpose } from "./transpose.js";
import { transposeMatrix, type Matrix } from "./host.js";
import { circulantRows, transposeCirculant } from "./circulantConv.js";
import { convRows, transposeConv } from "./depthwiseConv.js";
import { compactWyFactor } from "./householder.js";
import { shapeOf, type LinearOperator } from "./kinds.js";
import { float32Tensor, matrixTensor, rowTensor, transposedMatrixTensor } from "./tensors.js";

/**
 * Q = H₁⋯H_k = I − V·T·Vᵀ (compact WY, householder.ts) with the reflector normals as the rows of
 * `vectors` (k×n): X·Qᵀ = X − ((X·V)·Tᵀ)·Vᵀ and X·Q = X − ((X·V)·T)·Vᵀ.
 */
function householderRows(vectors: Matrix, x: tf.Tensor2D, transposed: boolean): tf.Tensor2D {
  if (vectors.rows === 0) return tf.clone(x);
  const t = compactWyFactor(vectors);
  const xv = tf.matMul(x, transposedMatrixTensor(vectors)); // X·V, [b, k]
  const xvt = tf.matMul(xv, transposed ? matrixTensor(t) : transposedMatrixTensor(t));
  return tf.sub(x, tf.matMul(xvt, matrixTensor(vectors)));
}

/** X·Aᵀ when `transposed` is false, X·A when true. Must run inside tf.tidy. */
function applyRows(op: LinearOperator, x: tf.Tensor2D, transposed: boolean): tf.Tensor2D {
  switch (op.kind) {
    case "dense":
      return tf.matMul(x, transposed ? matrixTensor(op.matrix) : transposedMatrixTensor(op.matrix));
    case "diagonal": {
      // Rectangular: the first min(rows, cols) coordinates are scaled, the output padded with zeros.
      const k = op.diag.length;
      const out = transposed ? op.cols : op.rows;
      const scaled: tf.Tensor2D = tf.mul(x.shape[1] === k ? x : tf.slice(x, [0, 0], [-1, k]), rowTensor(op.diag));
      return out === k
        ? scaled
        : tf.pad(scaled, [
            [0, 0],
            [0, out - k],
          ]);
    }
    case "identity":
      return tf.clone(x);
    case "scaled_identity":
      return tf.mul(x, op.scale);
    case "lowrank": {
      // X·(U·Vᵀ)ᵀ = (X·V)·Uᵀ; X·(U·Vᵀ) = (X·U)·Vᵀ.
      const [inner, outer] = transposed ? [op.u, op.v] : [op.v, op.u];
      return tf.matMul(tf.matMul(x, matrixTensor(inner)), transposedMatrixTensor(outer));
    }
    case "identity_plus_lowrank": {
      const [inner, outer] = transposed ? [op.u, op.v] : [op.v, op.u];
      const low: tf.Tensor2D = tf.matMul(tf.matMul(x, matrixTensor(inner)), transposedMatrixTensor(outer));
      return op.alpha === 0 ? low : tf.add<tf.Tensor2D>(tf.mul(x, op.alpha), low);
    }
    case "orthogonal":
      if (op.form.type === "householder") return householderRows(op.form.vectors, x, transposed);
      return tf.matMul(x, transposed ? matrixTensor(op.form.q) : transposedMatrixTensor(op.form.q));
    case "svd_factored": {
      const [inner, outer] = transposed ? [op.u, op.v] : [op.v, op.u];
      return tf.matMul(tf.mul(tf.matMul(x, matrixTensor(inner)), rowTensor(op.s)), transposedMatrixTensor(outer));
    }
    case "projector": {
      return tf.matMul(tf.matMul(x, matrixTensor(op.q)), transposedMatrixTensor(op.q));
    }
    case "time_conditioned":
      throw new OperatorError("LIN1007", `${shapeOf(op)} needs a time: apply at(op, t) instead`);
    case "indexed_depthwise_conv":
      throw new OperatorError("LIN1007", `${shapeOf(op)} needs a style index: apply at(op, s) instead`);
    case "depthwise_conv":
      return convRows(transposed ? transposeConv(op) : op, x);
    case "circulant_conv":
      return circulantRows(transposed ? transposeCirculant(op) : op, x);
    case "iterative_pinv": {
      // A⁺ is never formed: the rows go to the host, LSQR solves for each in float64 (multiplyHost),
      // and the result comes back as float32. X·(A⁺)ᵀ = (A⁺·Xᵀ)ᵀ; X·A⁺ = ((A⁺)ᵀ·Xᵀ)ᵀ.
      const target = transposed ? transpose(op) : op;
      const [b, n] = x.shape;
      const rows = { rows: b, cols: n, data: Float64Array.from(x.dataSync()) };
      const solved = transposeMatrix(multiplyHost(target, transposeMatrix(rows)));
      return tf.tensor2d(Float32Array.from(solved.data), [b, target.rows]);
    }
    case "kronecker": {
      // Row r of X is vec(X_r), X_r [a.in, b.in] row-major: B acts on the last axis (rows of X_r),
      // then the two axes swap so that A acts on the other, and swap back: vec(A·X_r·Bᵀ).
      const batch = x.shape[0];
      const [aIn, aOut] = transposed ? [op.a.rows, op.a.cols] : [op.a.cols, op.a.rows];
      const [bIn, bOut] = transposed ? [op.b.rows, op.b.cols] : [op.b.cols, op.b.rows];
      const byB = applyRows(op.b, tf.reshape(x, [batch * aIn, bIn]), transposed); // [batch·aIn, bOut]
      const swapped = tf.reshape<tf.Rank.R2>(tf.transpose(tf.reshape(byB, [batch, aIn, bOut]), [0, 2, 1]), [batch * bOut, aIn]);
      const byA = applyRows(op.a, swapped, transposed); // [batch·bOut, aOut]
      return tf.reshape<tf.Rank.R2>(tf.transpose(tf.reshape(byA, [batch, bOut, aOut]), [0, 2, 1]), [batch, aOut * bOut]);
    }
    case "product": {
      // A = F₀⋯F_{m−1}: X·Aᵀ = X·F_{m−1}ᵀ⋯F₀ᵀ (last factor first); X·A = X·F₀⋯F_{m−1}.
      let out = x;
      const m = op.factors.length;
      for (let step = 0; step < m; step++) {
        out = applyRows(op.factors[transposed ? step : m - 1 - step], out, transposed);
      }
      return out;
    }
    case "sum":
      return op.terms.map((term) => applyRows(term, x, transposed)).reduce((a, b) => tf.add(a, b));
    case "scaled":
      return tf.mul(applyRows(op.inner, x, transposed), op.scale);
    case "transposed":
      return applyRows(op.inner, x, !transposed);
  }
}

function checkBatch(op: LinearOperator, x: tf.Tensor2D, width: number, what: string): void {
  if (x.rank !== 2 || x.shape[1] !== width) {
    throw new OperatorError("LIN1001", `${what} of ${shapeOf(op)} expects a batch [b, ${width}], got [${x.shape.join(", ")}]`);
  }
}

/** X·Aᵀ: each row of X (shape [b, cols]) mapped by A; result [b, rows]. */
export function apply(op: LinearOperator, x: tf.Tensor2D): tf.Tensor2D {
  checkBatch(op, x, op.cols, "apply");
  return tf.tidy(() => applyRows(op, x, false));
}

/** Y·A: each row of Y (shape [b, rows]) mapped by Aᵀ; result [b, cols]. */
export function applyTranspose(op: LinearOperator, y: tf.Tensor2D): tf.Tensor2D {
  checkBatch(op, y, op.rows, "applyTranspose");
  return tf.tidy(() => applyRows(op, y, true));
}

/** A as a float32 tensor [rows, cols], owned by the caller. */
export function toTensor(op: LinearOperator): tf.Tensor2D {
  return float32Tensor(materialise(op));
}
