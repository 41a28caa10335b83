// The ResNet conditioner: conv_in 3×3 → `blocks` residual blocks at one resolution → GroupNorm + act +
// conv_out 3×3. Each block is the UNet's block without resampling or attention and with a plain residual
// (skip scale 1): GroupNorm, act, conv0, [+ tag bias], GroupNorm, act, dropout, conv1, + x.
// Names: conv_in, blocks.{i}.{norm0,conv0,affine,norm1,conv1}, norm_out, conv_out, map_layer0/1 (tagged).

import * as tf from "@tensorflow/tfjs-core";
import type { Activation } from "../mlp.js";
import type { Rng } from "../../random.js";
import { GroupNorm } from "./group_norm.js";
import { activate, Conv2d, type ParameterSink } from "./layers.js";
import type { ConvBody, ConvIo } from "./network.js";
import { type BlockContext, UNetBlock } from "./unet_block.js";

/** The ResNet's settings, with defaults resolved. */
export interface ResNetSettings {
  readonly channels: number;
  readonly blocks: number;
  readonly dropout: number;
  readonly activation: Activation;
  /** Width of the tag embedding the blocks receive (4·embed), 0 when untagged. */
  readonly embedWidth: number;
  readonly outputGain: number;
}

const EPS = 1e-6;

/** The residual body on NHWC tensors. */
export class ResNetBody implements ConvBody {
  readonly convIn: Conv2d;
  readonly blocks: UNetBlock[] = [];
  readonly normOut: GroupNorm;
  readonly convOut: Conv2d;

  constructor(
    io: ConvIo,
    readonly s: ResNetSettings,
    rng: Rng,
    where: string,
  ) {
    const c = s.channels;
    this.convIn = new Conv2d(io.inChannels, c, 3, rng);
    for (let i = 0; i < s.blocks; i++) {
      this.blocks.push(
        new UNetBlock(
          {
            inChannels: c,
            outChannels: c,
            embedWidth: s.embedWidth,
            resample: "none",
            attention: false,
            activation: s.activation,
            dropout: s.dropout,
            skipScale: 1,
            eps: EPS,
            outputGain: s.outputGain,
          },
          rng,
          `${where} blocks.${i}`,
        ),
      );
    }
    this.normOut = new GroupNorm(c, EPS, `${where} norm_out`);
    this.convOut = new Conv2d(c, io.outChannels, 3, rng, s.outputGain);
  }

  apply(x: tf.Tensor4D, ctx: BlockContext): tf.Tensor4D {
    let h = this.convIn.apply(x);
    for (const block of this.blocks) h = block.apply(h, ctx);
    return this.convOut.apply(activate(this.normOut.apply(h), this.s.activation) as tf.Tensor4D);
  }

  collect(into: ParameterSink): void {
    this.convIn.collect("conv_in", into);
    this.blocks.forEach((b, i) => b.collect(`blocks.${i}`, into));
    this.normOut.collect("norm_out", into);
    this.convOut.collect("conv_out", into);
  }

  dispose(): void {
    this.convIn.dispose();
    for (const b of this.blocks) b.dispose();
    this.normOut.dispose();
    this.convOut.dispose();
  }
}
