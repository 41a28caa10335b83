// GroupNorm as EDM's: min(32, ⌊C/4⌋) groups, biased variance, per-channel affine (weight 1, bias 0 at start).

import * as tf from "@tensorflow/tfjs-core";
import { NetworkError } from "../errors.js";
import { ownedVariable } from "../variable.js";
import type { ParameterSink } from "./layers.js";

/** EDM's group count for C channels: min(32, ⌊C/4⌋). Throws LIN1066 when C cannot be split into it. */
export function groupCount(channels: number, where: string): number {
  const groups = Math.min(32, Math.floor(channels / 4));
  if (groups < 1) {
    throw new NetworkError("LIN1066", where, `GroupNorm needs at least 4 channels (min(32, ⌊C/4⌋) groups), got ${channels}; use channels ≥ 4`);
  }
  if (channels % groups !== 0) {
    throw new NetworkError(
      "LIN1066",
      where,
      `GroupNorm over ${channels} channels has min(32, ⌊C/4⌋) = ${groups} groups, which do not divide it; choose channels that are a multiple of 4 (and of 32 above 128)`,
    );
  }
  return groups;
}

/** Group normalisation of an NHWC tensor over (positions, channels of the group). */
export class GroupNorm {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly groups: number;

  constructor(
    channels: number,
    readonly eps: number,
    where: string,
  ) {
    this.groups = groupCount(channels, where);
    this.weight = ownedVariable(() => tf.ones([channels]));
    this.bias = ownedVariable(() => tf.zeros([channels]));
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    const g = this.groups;
    // Each group's values made contiguous ([b, G, H·W·C/G]) so both statistics reduce the innermost axis:
    // wasm reduces an inner axis directly but transposes for an outer one; measured on [16, 32, 32, 32],
    // 8 groups: 33–39 ms reducing axes [1, 3] in place, ~6 ms per innermost mean after one transpose.
    const grouped = tf.reshape(tf.transpose(tf.reshape(x, [b, h * w, g, c / g]), [0, 2, 1, 3]), [b, g, -1]);
    const centred = tf.sub(grouped, tf.mean(grouped, 2, true));
    const variance = tf.mean(tf.square(centred), 2, true);
    // 1/√(var + ε) on the [b, G, 1] statistics, then one multiply of the full tensor (cheaper than a divide);
    // div and sqrt rather than rsqrt, whose gradient the trainer does not register (src/train/gradients.ts).
    const normed = tf.mul(centred, tf.div(1, tf.sqrt(tf.add(variance, this.eps))));
    const back = tf.reshape(tf.transpose(tf.reshape(normed, [b, g, h * w, c / g]), [0, 2, 1, 3]), [b, h, w, c]);
    return tf.add(tf.mul(back, this.weight), this.bias);
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
