// The UNet conditioner: EDM's DDPM++ SongUNet with channel_mult all 1 (paper-notes §2.2). Module names, as
// in SongUNet's state_dict (r = "HxW" at that level):
//   enc.{r0}_conv, enc.{r}_down (levels > 0), enc.{r}_block{i} (i < blocks);
//   dec.{rL}_in0 (always with attention), dec.{rL}_in1 at the lowest level, dec.{r}_up above it,
//   dec.{r}_block{i} (i ≤ blocks; each takes the concatenated skip; attention in the last one at the
//   attention resolution), dec.{r0}_aux_norm, dec.{r0}_aux_conv (the output conv);
//   map_layer0, map_layer1 (tagged only); inside a block: norm0, conv0, affine, norm1, conv1, skip, norm2, qkv, proj.

import * as tf from "@tensorflow/tfjs-core";
import type { Activation } from "../mlp.js";
import type { Rng } from "../../random.js";
import { GroupNorm } from "./group_norm.js";
import { activate, Conv2d, type ParameterSink } from "./layers.js";
import type { ConvBody, ConvIo } from "./network.js";
import { type BlockContext, UNetBlock } from "./unet_block.js";

/** The UNet's settings, with defaults resolved. */
export interface UNetSettings {
  readonly channels: number;
  readonly levels: number;
  readonly blocks: number;
  readonly attention: number;
  readonly dropout: number;
  readonly activation: Activation;
  /** Width of the tag embedding the blocks receive (4·embed), 0 when untagged. */
  readonly embedWidth: number;
  readonly outputGain: number;
}

const EPS = 1e-6;

/** One named block of the UNet; decoder blocks with concatSkip take the last skip, concatenated on the channels. */
export type UNetStep = { readonly name: string; readonly block: UNetBlock; readonly concatSkip: boolean };

/** The SongUNet body on NHWC tensors. */
export class UNetBody implements ConvBody {
  readonly convIn: Conv2d;
  readonly encoder: UNetStep[] = [];
  readonly decoder: UNetStep[] = [];
  readonly normOut: GroupNorm;
  readonly convOut: Conv2d;
  private readonly names: { convIn: string; normOut: string; convOut: string };

  constructor(
    io: ConvIo,
    readonly s: UNetSettings,
    rng: Rng,
    where: string,
  ) {
    const c = s.channels;
    const res = (level: number): string => `${io.height >> level}x${io.width >> level}`;
    const attentionAt = (level: number): boolean => s.attention !== 0 && io.height >> level === s.attention;
    // One named step: the block is built under its state_dict name; decoder blocks take the popped skip.
    const step = (name: string, cin: number, resample: "none" | "down" | "up", attention: boolean, concatSkip: boolean): UNetStep => ({
      name,
      concatSkip,
      block: new UNetBlock(
        {
          inChannels: cin,
          outChannels: c,
          embedWidth: s.embedWidth,
          resample,
          attention,
          activation: s.activation,
          dropout: s.dropout,
          skipScale: Math.SQRT1_2,
          eps: EPS,
          outputGain: s.outputGain,
        },
        rng,
        `${where} ${name}`,
      ),
    });
    this.names = { convIn: `enc.${res(0)}_conv`, normOut: `dec.${res(0)}_aux_norm`, convOut: `dec.${res(0)}_aux_conv` };
    this.convIn = new Conv2d(io.inChannels, c, 3, rng);
    for (let level = 0; level < s.levels; level++) {
      if (level > 0) this.encoder.push(step(`enc.${res(level)}_down`, c, "down", false, false));
      for (let i = 0; i < s.blocks; i++) this.encoder.push(step(`enc.${res(level)}_block${i}`, c, "none", attentionAt(level), false));
    }
    for (let level = s.levels - 1; level >= 0; level--) {
      if (level === s.levels - 1) {
        this.decoder.push(step(`dec.${res(level)}_in0`, c, "none", true, false)); // always attention, as SongUNet
        this.decoder.push(step(`dec.${res(level)}_in1`, c, "none", false, false));
      } else {
        this.decoder.push(step(`dec.${res(level)}_up`, c, "up", false, false));
      }
      for (let i = 0; i <= s.blocks; i++) this.decoder.push(step(`dec.${res(level)}_block${i}`, 2 * c, "none", i === s.blocks && attentionAt(level), true));
    }
    this.normOut = new GroupNorm(c, EPS, `${where} ${this.names.normOut}`);
    this.convOut = new Conv2d(c, io.outChannels, 3, rng, s.outputGain);
  }

  apply(x: tf.Tensor4D, ctx: BlockContext): tf.Tensor4D {
    let h = this.convIn.apply(x);
    const skips: tf.Tensor4D[] = [h];
    for (const step of this.encoder) {
      h = step.block.apply(h, ctx);
      skips.push(h);
    }
    for (const step of this.decoder) {
      if (step.concatSkip) {
        const skip = skips.pop();
        if (skip === undefined) throw new Error("UNet: fewer skips than decoder blocks (construction bug)");
        h = tf.concat([h, skip], 3);
      }
      h = step.block.apply(h, ctx);
    }
    return this.convOut.apply(activate(this.normOut.apply(h), this.s.activation) as tf.Tensor4D);
  }

  collect(into: ParameterSink): void {
    this.convIn.collect(this.names.convIn, into);
    for (const step of [...this.encoder, ...this.decoder]) step.block.collect(step.name, into);
    this.normOut.collect(this.names.normOut, into);
    this.convOut.collect(this.names.convOut, into);
  }

  dispose(): void {
    this.convIn.dispose();
    for (const step of [...this.encoder, ...this.decoder]) step.block.dispose();
    this.normOut.dispose();
    this.convOut.dispose();
  }
}
