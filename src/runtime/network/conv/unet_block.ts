// SongUNet's UNetBlock with adaptive_scale = False (the configuration of the reference, paper-notes §2.2):
//   h = conv0(resample(act(norm0(x)))) + affine(emb);  h = conv1(dropout(act(norm1(h))))
//   x' = (h + skip(x)) · skip_scale;  with attention: x' = (x' + proj(attn(norm2(x')))) · skip_scale
// resample is a 2×2 average (down) or nearest ×2 (up) applied before conv0; skip is the identity, or a
// 1×1 conv (after the same resampling) when the channels change or the block resamples (resample_proj).
// conv1 and proj start at `outputGain` × their init (EDM's init_zero), so the block starts near x·skip_scale.

import * as tf from "@tensorflow/tfjs-core";
import type { Activation } from "../mlp.js";
import type { Rng } from "../../random.js";
import { SelfAttention } from "./attention.js";
import { GroupNorm } from "./group_norm.js";
import { activate, Conv2d, downsample2, dropout, Linear, type ParameterSink, upsample2 } from "./layers.js";

/** What a residual block is built with. */
export interface UNetBlockConfig {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Width of the tag embedding, or 0 for an untagged network (no affine layer). */
  readonly embedWidth: number;
  readonly resample: "none" | "down" | "up";
  readonly attention: boolean;
  readonly activation: Activation;
  readonly dropout: number;
  /** √½ in the UNet (SongUNet); 1 for a plain residual block. */
  readonly skipScale: number;
  readonly eps: number;
  readonly outputGain: number;
}

/** The block's per-call context: the tag embedding (absent when untagged) and a dropout seed (absent: no dropout). */
export interface BlockContext {
  readonly emb: tf.Tensor2D | undefined;
  readonly dropoutSeed: (() => number) | undefined;
}

/** One residual block of the UNet (or of the ResNet, with skipScale 1 and no resampling). */
export class UNetBlock {
  readonly norm0: GroupNorm;
  readonly conv0: Conv2d;
  readonly affine: Linear | undefined;
  readonly norm1: GroupNorm;
  readonly conv1: Conv2d;
  readonly skip: Conv2d | undefined;
  readonly attention: SelfAttention | undefined;

  constructor(
    readonly config: UNetBlockConfig,
    rng: Rng,
    where: string,
  ) {
    const { inChannels: cin, outChannels: cout, eps } = config;
    this.norm0 = new GroupNorm(cin, eps, where);
    this.conv0 = new Conv2d(cin, cout, 3, rng);
    this.affine = config.embedWidth > 0 ? new Linear(config.embedWidth, cout, rng) : undefined;
    this.norm1 = new GroupNorm(cout, eps, where);
    this.conv1 = new Conv2d(cout, cout, 3, rng, config.outputGain);
    this.skip = cin !== cout || config.resample !== "none" ? new Conv2d(cin, cout, 1, rng) : undefined;
    this.attention = config.attention ? new SelfAttention(cout, eps, config.outputGain, rng, where) : undefined;
  }

  private resample(x: tf.Tensor4D): tf.Tensor4D {
    if (this.config.resample === "down") return downsample2(x);
    if (this.config.resample === "up") return upsample2(x);
    return x;
  }

  apply(x: tf.Tensor4D, ctx: BlockContext): tf.Tensor4D {
    const { activation: act, skipScale } = this.config;
    let h = this.conv0.apply(this.resample(activate(this.norm0.apply(x), act) as tf.Tensor4D));
    if (this.affine !== undefined && ctx.emb !== undefined) h = tf.add(h, this.affine.apply(ctx.emb)); // [1, C] broadcast as a bias
    let a: tf.Tensor = activate(this.norm1.apply(h), act);
    if (ctx.dropoutSeed !== undefined) a = dropout(a, this.config.dropout, ctx.dropoutSeed());
    h = this.conv1.apply(a as tf.Tensor4D);
    const skipped = this.skip === undefined ? x : this.skip.apply(this.resample(x));
    let y: tf.Tensor4D = tf.mul(tf.add(h, skipped), skipScale);
    if (this.attention !== undefined) y = tf.mul(this.attention.apply(y), skipScale);
    return y;
  }

  collect(prefix: string, into: ParameterSink): void {
    this.norm0.collect(`${prefix}.norm0`, into);
    this.conv0.collect(`${prefix}.conv0`, into);
    this.affine?.collect(`${prefix}.affine`, into);
    this.norm1.collect(`${prefix}.norm1`, into);
    this.conv1.collect(`${prefix}.conv1`, into);
    this.skip?.collect(`${prefix}.skip`, into);
    this.attention?.collect(prefix, into);
  }

  dispose(): void {
    for (const layer of [this.norm0, this.conv0, this.affine, this.norm1, this.conv1, this.skip, this.attention]) layer?.dispose();
  }
}
