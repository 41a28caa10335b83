// What a coupling asks of its conditioner: a map from the kept part of the features (plus the tag) to
// the shift and raw log-scale of the other part. The MLP (mlp.ts) works on flat [batch, d] rows; the
// convolutional ones (conv/) on [batch, C, H, W] images, channels first like the reference's NCHW.

import type * as tf from "@tensorflow/tfjs-core";
import type { Parameter } from "./block.js";

/** A coupling's conditioner network. */
export interface Conditioner {
  /** Per-sample shapes of its input and output (without the batch axis). */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** [batch, ...inputShape] → [batch, ...outputShape], conditioned on the tag (0/1) of a tagged network. */
  apply(x: tf.Tensor, tag: number | undefined): tf.Tensor;
  /**
   * Dropout on (training) or off (the default: evaluation, so that forward and inverse agree exactly;
   * the reference keeps dropout on in its inverse, paper-notes §4.2). Conditioners without dropout ignore it.
   */
  setTraining(on: boolean): void;
  /** The learnable tensors under `prefix` + their local names (PyTorch's state_dict names where one exists). */
  parameters(prefix: string): ReadonlyMap<string, Parameter>;
  dispose(): void;
}
