// Checks a convolutional conditioner's settings against its image and builds it. Every check runs before
// any tensor is allocated, so a bad configuration throws without leaking variables.

import type { Conditioner } from "../conditioner.js";
import { NetworkError } from "../errors.js";
import { ACTIVATIONS, type Activation } from "../mlp.js";
import { Rng } from "../../random.js";
import { CONV_CONDITIONER_DEFAULTS, type ConditionerSpec } from "../spec.js";
import { TagEmbedding } from "./embedding.js";
import { groupCount } from "./group_norm.js";
import { ConvConditioner, type ConvBody, type ConvIo } from "./network.js";
import { ResNetBody } from "./resnet.js";
import { UNetBody } from "./unet.js";

/** How a coupling's conditioner is built: conditioned on a tag or not, the output convs' init gain, the seed. */
export interface ConvConditionerOptions {
  readonly tagged: boolean;
  /** Scale of the output conv's and each block's second conv's init (the reference: 1e-5). */
  readonly outputGain: number;
  readonly seed: number;
}

function integerAtLeast(value: number, min: number, name: string, where: string): number {
  if (!Number.isInteger(value) || value < min) {
    throw new NetworkError("LIN1069", where, `${name} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

function checkActivation(value: Activation, where: string): Activation {
  if (!(ACTIVATIONS as readonly string[]).includes(value)) {
    throw new NetworkError("LIN1069", where, `activation must be one of ${ACTIVATIONS.join(", ")}, got ${String(value)}`);
  }
  return value;
}

function checkDropout(value: number, where: string): number {
  if (!(value >= 0 && value < 1)) throw new NetworkError("LIN1069", where, `dropout must be in [0, 1), got ${value}`);
  return value;
}

function checkEmbed(value: number, where: string): number {
  // EDM's endpoint=True divides by E/2 − 1, and the sin/cos halves need E even.
  if (!Number.isInteger(value) || value < 4 || value % 2 !== 0) {
    throw new NetworkError("LIN1069", where, `embed must be an even integer ≥ 4 (sin and cos halves), got ${value}`);
  }
  return value;
}

function checkIo(io: ConvIo, where: string): void {
  for (const [name, v] of Object.entries(io)) {
    if (!Number.isInteger(v) || (v as number) < 1) throw new NetworkError("LIN1062", where, `${name} must be a positive integer, got ${String(v)}`);
  }
}

function checkOutputGain(gain: number, where: string): void {
  if (!(gain >= 0 && Number.isFinite(gain))) throw new NetworkError("LIN1069", where, `outputGain must be a finite number ≥ 0, got ${gain}`);
}

/** The resnet has no `embed` of its own: the tag embedding takes the UNet's default width. */
const RESNET_EMBED = CONV_CONDITIONER_DEFAULTS.unet.embed;

/**
 * Builds the convolutional conditioner a coupling needs: [batch, inChannels, H, W] → [batch, outChannels, H, W].
 * Throws NetworkError LIN1066–LIN1069 for a configuration that cannot be built on this image, LIN1062 for bad sizes.
 */
export function buildConvConditioner(spec: ConditionerSpec, io: ConvIo, options: ConvConditionerOptions): Conditioner {
  const where = `conditioner ${spec.kind}`;
  checkIo(io, where);
  checkOutputGain(options.outputGain, where);
  const rng = new Rng(options.seed);
  let body: ConvBody;
  let embed: number;
  let dropoutRate: number;
  let activation: Activation;
  if (spec.kind === "unet") {
    const d = CONV_CONDITIONER_DEFAULTS.unet;
    const channels = integerAtLeast(spec.channels ?? d.channels, 1, "channels", where);
    const levels = integerAtLeast(spec.levels ?? d.levels, 1, "levels", where);
    const blocks = integerAtLeast(spec.blocks ?? d.blocks, 0, "blocks", where);
    const attention = integerAtLeast(spec.attention ?? d.attention, 0, "attention", where);
    dropoutRate = checkDropout(spec.dropout ?? d.dropout, where);
    embed = checkEmbed(spec.embed ?? d.embed, where);
    activation = checkActivation(spec.activation ?? d.activation, where);
    const factor = 2 ** (levels - 1);
    if (io.height % factor !== 0 || io.width % factor !== 0) {
      throw new NetworkError(
        "LIN1068",
        where,
        `levels = ${levels} halves the image ${levels - 1} times, so H and W must be multiples of ${factor}; the image is ${io.height}×${io.width}: use fewer levels`,
      );
    }
    const resolutions = Array.from({ length: levels }, (_, l) => io.height >> l);
    if (attention !== 0 && !resolutions.includes(attention)) {
      throw new NetworkError(
        "LIN1067",
        where,
        `attention = ${attention} is not a resolution of this UNet (its levels have heights ${resolutions.join(", ")}): use one of them or 0 for none`,
      );
    }
    groupCount(channels, where); // encoder blocks and the output norm
    groupCount(2 * channels, where); // decoder blocks see the concatenated skip
    const embedWidth = options.tagged ? 4 * embed : 0;
    body = new UNetBody(io, { channels, levels, blocks, attention, dropout: dropoutRate, activation, embedWidth, outputGain: options.outputGain }, rng, where);
  } else {
    const d = CONV_CONDITIONER_DEFAULTS.resnet;
    const channels = integerAtLeast(spec.channels ?? d.channels, 1, "channels", where);
    const blocks = integerAtLeast(spec.blocks ?? d.blocks, 0, "blocks", where);
    dropoutRate = checkDropout(spec.dropout ?? d.dropout, where);
    activation = checkActivation(spec.activation ?? d.activation, where);
    embed = RESNET_EMBED;
    groupCount(channels, where);
    const embedWidth = options.tagged ? 4 * embed : 0;
    body = new ResNetBody(io, { channels, blocks, dropout: dropoutRate, activation, embedWidth, outputGain: options.outputGain }, rng, where);
  }
  const embedding = options.tagged ? new TagEmbedding(embed, activation, rng) : undefined;
  return new ConvConditioner(spec.kind, io, body, embedding, dropoutRate, options.seed);
}
