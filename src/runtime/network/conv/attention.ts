// SongUNet's single-head self-attention over the positions of an NHWC feature map: qkv by a 1×1 conv
// of GroupNorm(x), whose output channel 3c + j is channel c of q (j = 0), k (1), v (2) (the reference
// reshapes [N, 3C, HW] to [N, C, 3, HW]); w = softmax_k(q·k/√C); out = x + proj(w·v). The caller
// applies the block's skip scale.

import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../../random.js";
import { GroupNorm } from "./group_norm.js";
import { Conv2d, type ParameterSink } from "./layers.js";

/** Softmax over the last axis with its gradient written out (tfjs registers no Softmax gradient here). */
const softmaxLast = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [logits, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const y = tf.softmax(logits);
  save([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(s, tf.sub(dy, tf.sum(tf.mul(dy, s), -1, true))),
  };
});

/** Self-attention with one head (SongUNet's num_heads = 1), residual. */
export class SelfAttention {
  readonly norm: GroupNorm;
  readonly qkv: Conv2d;
  readonly proj: Conv2d;

  /** `outputGain` scales proj's init (EDM's init_zero, 1e-5); qkv uses EDM's init_attn gain √0.2. */
  constructor(channels: number, eps: number, outputGain: number, rng: Rng, where: string) {
    this.norm = new GroupNorm(channels, eps, where);
    this.qkv = new Conv2d(channels, 3 * channels, 1, rng, Math.sqrt(0.2));
    this.proj = new Conv2d(channels, channels, 1, rng, outputGain);
  }

  /** x [batch, H, W, C] → x + proj(attention(x)). */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    const n = h * w;
    const normed = tf.reshape(this.norm.apply(x), [b * n, c]);
    // q, k, v by three products with rows j, 3 + j, … of qkv's weight (a tiny gather) instead of slicing the
    // [b, HW, C, 3] output on its innermost axis (measured: the strided slices cost more than the products).
    const weight = tf.reshape(this.qkv.weight, [c, 3, c]);
    const bias = tf.reshape(this.qkv.bias, [c, 3]);
    const part = (j: number): tf.Tensor3D => {
      const wj = tf.transpose(tf.reshape(tf.slice(weight, [0, j, 0], [c, 1, c]), [c, c]));
      const bj = tf.reshape(tf.slice(bias, [0, j], [c, 1]), [c]);
      return tf.reshape(tf.add(tf.matMul(normed, wj), bj), [b, n, c]);
    };
    const logits = tf.mul(tf.matMul(part(0), part(1), false, true), 1 / Math.sqrt(c));
    const attended = tf.matMul(softmaxLast(logits) as tf.Tensor3D, part(2));
    return tf.add(x, this.proj.apply(tf.reshape(attended, [b, h, w, c])));
  }

  collect(prefix: string, into: ParameterSink): void {
    this.norm.collect(`${prefix}.norm2`, into);
    this.qkv.collect(`${prefix}.qkv`, into);
    this.proj.collect(`${prefix}.proj`, into);
  }

  dispose(): void {
    this.norm.dispose();
    this.qkv.dispose();
    this.proj.dispose();
  }
}
