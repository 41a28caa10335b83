// The common shape of every invertible block. Tensors are batched: [batch, ...shape], channels first
// per sample ([C, H, W] like the reference's NCHW), float32.

import type * as tf from "@tensorflow/tfjs-core";

/** A block's output with the log-determinant of its Jacobian. */
export interface ForwardWithLogDet {
  readonly y: tf.Tensor;
  /** log|det ∂y/∂x| per sample, shape [batch]. */
  readonly logDet: tf.Tensor1D;
}

/** A learnable tensor of a block, under its local name ("f.layers.0.weight"). */
export interface Parameter {
  readonly variable: tf.Variable;
  /**
   * True for Linear weights: held as [in, out] here (tfjs's wasm matMul is ~10× slower with a
   * transposed operand) and stored as [out, in] in files, PyTorch's layout.
   */
  readonly transposedInFile: boolean;
}

/** Non-learned state saved with the weights (ActNorm's flag, fixed permutations, LU signs). */
export interface StateTensor {
  readonly shape: readonly number[];
  readonly values: Int32Array;
}

/** An invertible block (or a stack of them) on batched float32 tensors [batch, ...inputShape]. */
export interface Block {
  readonly kind: string;
  /** Per-sample shapes (without the batch axis). */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** y = g(x), for the tag's conditioning in a tagged network. */
  forward(x: tf.Tensor, tag?: number): tf.Tensor;
  /** x = g⁻¹(y), exact up to float32 rounding. */
  inverse(y: tf.Tensor, tag?: number): tf.Tensor;
  /** Present where the log-determinant is cheap (all blocks here). */
  forwardWithLogDet?(x: tf.Tensor, tag?: number): ForwardWithLogDet;
  /** The learnable tensors under their local names. */
  parameters(): ReadonlyMap<string, Parameter>;
  /** The non-learned state saved with the weights. */
  state(): ReadonlyMap<string, StateTensor>;
  /** Restores one state tensor read from a file; throws on a value that cannot be valid. */
  setState(name: string, values: Int32Array): void;
  /** Data-dependent initialisation (ActNorm); blocks without one leave it out. */
  initialize?(x: tf.Tensor, tag?: number): void;
  /** Dropout on (training) or off (evaluation, the default); blocks without dropout leave it out. */
  setTraining?(on: boolean): void;
  readonly needsInitialization: boolean;
  /** Frees the block's tensors. */
  dispose(): void;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The "feature axis" that ActNorm, permutations and invertible dense act on: the channel axis C of a
 * per-sample [C, ...spatial] shape (applied at every position, like Glow's 1×1 conv), or every
 * feature of a flat [D] shape. Returns [features, positions].
 */
export function featureLayout(shape: readonly number[]): [number, number] {
  if (shape.length <= 1) return [shape.length === 0 ? 1 : shape[0], 1];
  return [shape[0], sizeOf(shape.slice(1))];
}
