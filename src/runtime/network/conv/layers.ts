// The small layers of the convolutional conditioners, on NHWC tensors (tfjs's native layout; the conditioner
// transposes from the coupling's NCHW once at each end): Linear, Conv2d, activations, dropout, 2× down- and
// up-sampling. Weights are held like PyTorch's state_dict where the layout costs nothing (conv filters
// [out, in, k, k], transposed to HWIO per call, a tiny op), and [in, out] for Linear (mlp.ts: tfjs-wasm's
// matMul is much slower with a transposed operand). Initialisation is EDM's xavier_uniform × gain, biases 0.

import * as tf from "@tensorflow/tfjs-core";
import type { Parameter } from "../block.js";
import type { Rng } from "../../random.js";
import { ownedVariable } from "../variable.js";
import { conv2dSame } from "./conv2d.js";

export { activate } from "../activation.js";

/** A collection of named parameters that a layer adds to under a prefix. */
export type ParameterSink = Map<string, Parameter>;

/** Uniform in ±gain·√(6/(fanIn + fanOut)) (xavier_uniform, EDM's weight_init). */
function xavier(rng: Rng, n: number, fanIn: number, fanOut: number, gain: number): Float32Array {
  const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
  return rng.uniformArray(n, -limit, limit);
}

/** A fully connected layer y = x·W + b, W held [in, out] (stored [out, in] in files). */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(inputs: number, outputs: number, rng: Rng, gain = 1) {
    this.weight = ownedVariable(() => tf.tensor2d(xavier(rng, inputs * outputs, inputs, outputs, gain), [inputs, outputs]));
    this.bias = ownedVariable(() => tf.zeros([outputs]));
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weight as tf.Tensor2D), this.bias);
  }

  collect(prefix: string, into: ParameterSink): void {
    into.set(`${prefix}.weight`, { variable: this.weight, transposedInFile: true });
    into.set(`${prefix}.bias`, { variable: this.bias, transposedInFile: false });
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}

/** A k×k convolution (k odd, stride 1, "same" padding) with bias; weight held [out, in, k, k] like PyTorch. */
export class Conv2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly kernel: number;

  constructor(inputs: number, outputs: number, kernel: number, rng: Rng, gain = 1) {
    this.kernel = kernel;
    const area = kernel * kernel;
    this.weight = ownedVariable(() => tf.tensor4d(xavier(rng, outputs * inputs * area, inputs * area, outputs * area, gain), [outputs, inputs, kernel, kernel]));
    this.bias = ownedVariable(() => tf.zeros([outputs]));
  }

  /** x [batch, H, W, in] → [batch, H, W, out]. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [o, i] = this.weight.shape;
    if (this.kernel === 1) {
      // A 1×1 convolution is a matMul over the positions; autodiff of matMul works on every backend.
      const [b, h, w] = x.shape;
      const flat = tf.reshape(x, [b * h * w, i]);
      const wIO = tf.transpose(tf.reshape(this.weight, [o, i]));
      return tf.reshape(tf.add(tf.matMul(flat, wIO), this.bias), [b, h, w, o]);
    }
    const hwio = tf.transpose(this.weight, [2, 3, 1, 0]) as tf.Tensor4D;
    return tf.add(conv2dSame(x, hwio), this.bias);
  }

  collect(prefix: string, into: ParameterSink): void {
    into.set(`${prefix}.weight`, { variable: this.weight, transposedInFile: false });
    into.set(`${prefix}.bias`, { variable: this.bias, transposedInFile: false });
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}

/** Nearest ×2 by concatenating each pixel, then each row, with itself on a new axis. */
function repeat2(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const cols = tf.reshape(x, [b, h, w, 1, c]);
  const rows = tf.reshape(tf.concat([cols, cols], 3), [b, h, 1, 2 * w * c]);
  return tf.reshape(tf.concat([rows, rows], 2), [b, 2 * h, 2 * w, c]);
}

// Down- and up-sampling are adjoint up to a factor 4, so each one's gradient is the other (written out:
// tfjs registers no AvgPool gradient here, and Concat's gradient, a split on an inner axis, is slow on wasm).
// Measured on wasm for [16, 64, 64, 32] → [16, 32, 32, 32]: avgPool 8 ms, reshape + mean over the 2×2
// axes 33 ms; for [16, 32, 32, 32] → ×2: the concatenations 22 ms, resizeNearestNeighbor 34 ms (and no
// registered gradient), reshape + broadcastTo 760 ms (wasm's Tile kernel).
const avgPool2 = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x] = args as [tf.Tensor4D];
  return { value: tf.avgPool(x, 2, 2, "valid"), gradFunc: (dy: tf.Tensor) => tf.mul(repeat2(dy as tf.Tensor4D), 0.25) };
});

const nearest2 = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x] = args as [tf.Tensor4D];
  return { value: repeat2(x), gradFunc: (dy: tf.Tensor) => tf.mul(tf.avgPool(dy as tf.Tensor4D, 2, 2, "valid"), 4) };
});

/** 2×2 average pooling, stride 2 (SongUNet's down-sampling with resample_filter [1, 1]). */
export function downsample2(x: tf.Tensor4D): tf.Tensor4D {
  return avgPool2(x) as tf.Tensor4D;
}

/** Nearest-neighbour ×2 up-sampling (SongUNet's transposed conv with filter [1, 1] is exactly this). */
export function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  return nearest2(x) as tf.Tensor4D;
}

/** Inverted dropout with drop probability `rate`, its mask drawn from `seed` (reproducible training). */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  return rate > 0 ? tf.dropout(x, rate, undefined, seed) : x;
}
