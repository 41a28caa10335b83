// float32 copies of float64 host parameters, uploaded to the tfjs backend once per parameter array and
// kept out of tf.tidy scopes. A FinalizationRegistry frees the copy when its host array is collected;
// releaseTensors() frees them at once (tfjs memory is not garbage-collected by itself).
import * as tf from "@tensorflow/tfjs-core";
import { matrix, type Matrix } from "./host.js";
import { cachedWyFactor } from "./householder.js";
import type { LinearOperator } from "./kinds.js";

const cache = new WeakMap<object, tf.Tensor>();
// Transposed uploads, keyed by the same host array: tfjs's wasm matMul is several times slower with a
// transposed operand, so X·Wᵀ runs as X·(Wᵀ) with Wᵀ uploaded once.
const transposedCache = new WeakMap<object, tf.Tensor>();
const finaliser = new FinalizationRegistry<tf.Tensor>((tensor) => {
  if (!tensor.isDisposed) tensor.dispose();
});

function cached<T extends tf.Tensor>(key: object, make: () => T, store = cache): T {
  const hit = store.get(key);
  if (hit !== undefined && !hit.isDisposed) return hit as T;
  const tensor = tf.keep(make());
  store.set(key, tensor);
  finaliser.register(key, tensor, tensor);
  return tensor;
}

/** m rounded to a fresh float32 tensor [rows, cols], owned by the caller (not cached). */
export function float32Tensor(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols], "float32");
}

/**
 * A float64 host copy of a tensor [rows, cols]. Read asynchronously: tfjs-backend-webgpu cannot read
 * synchronously under Node (its dataSync needs OffscreenCanvas); on wasm and cpu it resolves at once.
 */
export async function hostMatrix(t: tf.Tensor2D): Promise<Matrix> {
  return matrix(t.shape[0], t.shape[1], await t.data());
}

/** m as a float32 tensor uploaded once and cached against m (see releaseTensors). */
export function matrixTensor(m: Matrix): tf.Tensor2D {
  return cached(m, () => float32Tensor(m));
}

/** mᵀ as a float32 tensor [cols, rows]. */
export function transposedMatrixTensor(m: Matrix): tf.Tensor2D {
  return cached(
    m,
    () => {
      const t = new Float32Array(m.data.length);
      for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) t[j * m.rows + i] = m.data[i * m.cols + j];
      return tf.tensor2d(t, [m.cols, m.rows], "float32");
    },
    transposedCache,
  );
}

/** A vector as a [1, n] row, so it broadcasts over a batch. */
export function rowTensor(values: Float64Array): tf.Tensor2D {
  return cached(values, () => tf.tensor2d(Float32Array.from(values), [1, values.length], "float32"));
}

function release(key: object): void {
  for (const store of [cache, transposedCache]) {
    const hit = store.get(key);
    if (hit !== undefined) {
      store.delete(key);
      finaliser.unregister(hit);
      if (!hit.isDisposed) hit.dispose();
    }
  }
}

/** Frees the backend copies of op's parameters (they are re-uploaded if op is applied again). */
export function releaseTensors(op: LinearOperator): void {
  switch (op.kind) {
    case "dense":
      return release(op.matrix);
    case "diagonal":
      return release(op.diag);
    case "lowrank":
    case "identity_plus_lowrank":
      release(op.u);
      return release(op.v);
    case "orthogonal": {
      if (op.form.type === "cayley") return release(op.form.q);
      const t = cachedWyFactor(op.form.vectors);
      if (t !== undefined) release(t);
      return release(op.form.vectors);
    }
    case "svd_factored":
      release(op.u);
      release(op.s);
      return release(op.v);
    case "projector":
      return release(op.q);
    case "product":
      return op.factors.forEach(releaseTensors);
    case "sum":
      return op.terms.forEach(releaseTensors);
    case "scaled":
    case "transposed":
    case "iterative_pinv":
      return releaseTensors(op.inner);
    case "kronecker":
      releaseTensors(op.a);
      return releaseTensors(op.b);
    case "identity":
    case "scaled_identity":
    case "time_conditioned":
    case "depthwise_conv": // its [k, k, C, 1] filter is built inside each apply's tidy
    case "indexed_depthwise_conv":
    case "circulant_conv": // likewise its window's filter
      return;
  }
}
