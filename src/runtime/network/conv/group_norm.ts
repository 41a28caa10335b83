// GroupNorm as EDM's: min(32, ⌊C/4⌋) groups, biased variance, per-channel affine (weight 1, bias 0 at start).

import * as tf from "@tensorflow/tfjs-core";
import { NetworkError } from "../errors.js";
import { ownedVariable } from "../variable.js";
import type { ParameterSink } from "./layers.js";

/** EDM's group count for C channels: min(32, ⌊C/4⌋). Throws LIN1066 when C cannot be split into it. */
export function groupCount(channels: number, where: string): number {
  const groups = Math.min(32, Math.floor(channels / 4));
  if (groups < 1 || channels % groups !== 0) {
    throw new NetworkError(
      "LIN1066",
      where,
      `GroupNorm over ${channels} channels needs min(32, ⌊C/4⌋) = ${groups} groups to divide C; choose channels that are a multiple of 4 (and of 32 above 128)`,
    );
  }
  return groups;
}

/** Group normalisation of an NHWC tensor over (positions, channels of the group). */
export class GroupNorm {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  private readonly groups: number;

  constructor(
    channels: number,
    private readonly eps: number,
    where: string,
  ) {
    this.groups = groupCount(channels, where);
    this.weight = ownedVariable(() => tf.ones([channels]));
    this.bias = ownedVariable(() => tf.zeros([channels]));
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    const g = tf.reshape(x, [b, h * w, this.groups, c / this.groups]);
    const centred = tf.sub(g, tf.mean(g, [1, 3], true));
    const variance = tf.mean(tf.square(centred), [1, 3], true);
    // div by sqrt (not rsqrt): both have gradients registered by the trainer (src/train/gradients.ts).
    const normed = tf.reshape(tf.div(centred, tf.sqrt(tf.add(variance, this.eps))), [b, h, w, c]);
    return tf.add(tf.mul(normed, this.weight), this.bias);
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
