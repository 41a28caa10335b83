// Plain descriptions of networks, with the block names and argument names of docs/language.md
// ("Network blocks"), so the compiler can hand a checked declaration to buildNetwork.

import type { Activation } from "./mlp.js";

/** One block of a network declaration, with the arguments of docs/language.md ("Network blocks"). */
export type BlockSpec =
  | ({
      readonly kind: "affine_coupling";
      /** How the log-scale is bounded: `tanh` (smooth, default) or the reference's hard `clamp` (±scale_bound). */
      readonly scale?: ScaleBound;
      readonly scale_bound?: number;
    } & CouplingShape)
  | ({ readonly kind: "additive_coupling" } & CouplingShape)
  | { readonly kind: "actnorm" }
  | { readonly kind: "permute"; readonly mode: "reverse" | "random"; readonly seed?: number }
  /** Invertible dense over the channels (1×1 conv): `lu` (Glow's P·L·U, default) or the reference's stored `matrix`. */
  | { readonly kind: "inv_dense"; readonly param?: "lu" | "matrix" }
  | { readonly kind: "squeeze" }
  /** The inverse of squeeze: [4C, H, W] → [C, 2H, 2W] (the reference un-squeezes after its blocks). */
  | { readonly kind: "unsqueeze" }
  | { readonly kind: "repeat"; readonly count: number; readonly body: readonly BlockSpec[] };

/** The log-scale bound of an affine coupling. */
export type ScaleBound = "tanh" | "clamp";

/**
 * How a coupling splits the features: `channel` (first ⌊C/2⌋ channels, or of the flat features for a
 * flat space, as today) or `checkerboard` (alternate pixels of [C, H, W]; the conditioner sees the
 * masked input, RealNVP-style).
 */
export type CouplingMask = "channel" | "checkerboard";

/** What the couplings share: the conditioner (an MLP of hidden/depth/activation unless `conditioner` is given) and the mask. */
export interface CouplingShape {
  /** The MLP conditioner's width, depth and activation (today's arguments; ignored with a conv conditioner). */
  readonly hidden?: number;
  readonly depth?: number;
  readonly activation?: Activation;
  /** A convolutional conditioner, from the language's flat keywords `conditioner = unet, channels = 16, …`. */
  readonly conditioner?: ConditionerSpec;
  readonly mask?: CouplingMask;
}

/**
 * A coupling's convolutional conditioner (absent: the MLP of hidden/depth/activation). `resnet` and `unet` are
 * convolutional, on [C, H, W] spaces: 3×3 convs, GroupNorm (min(32, C/4) groups, eps 1e-6), SiLU,
 * residual blocks with the tag entering as a positional embedding added as a bias (the reference's
 * SongUNet, paper-notes §2.2); `unet` has `levels` resolutions (down/up by 2 with skips), self-attention
 * at resolution `attention` (0 = none) and dropout.
 */
export type ConditionerSpec =
  | {
      readonly kind: "resnet";
      readonly channels?: number;
      readonly blocks?: number;
      readonly activation?: Activation;
      readonly dropout?: number;
    }
  | {
      readonly kind: "unet";
      /** model_channels of the reference (16). */
      readonly channels?: number;
      /** Resolutions, each at channels × mult = 1 (the reference's channel_mult [1, 1] is levels = 2). */
      readonly levels?: number;
      /** Residual blocks per level (num_blocks, 2). */
      readonly blocks?: number;
      /** Self-attention at this resolution (16 in the reference); 0 = none. */
      readonly attention?: number;
      readonly dropout?: number;
      /** Channels of the tag's positional embedding (16; widened ×4 by two Linear+SiLU layers). */
      readonly embed?: number;
      readonly activation?: Activation;
    };

/** A network declaration's blocks, and whether it takes a tag. */
export interface NetworkSpec {
  /** Takes a conditioning tag 0/1 (`network G : X tagged { … }`). */
  readonly tagged: boolean;
  readonly blocks: readonly BlockSpec[];
}

/** Defaults of docs/language.md. */
export const COUPLING_DEFAULTS = { hidden: 256, depth: 2, activation: "relu" as Activation, scale_bound: 2.0 } as const;

/** scale_bound where none is written, per bound: tanh keeps 2; clamp is the reference's ±5. */
export const SCALE_BOUND_DEFAULTS: Readonly<Record<ScaleBound, number>> = { tanh: COUPLING_DEFAULTS.scale_bound, clamp: 5 };

/** Defaults of the convolutional conditioners: the reference's SongUNet settings (paper-notes §2.2). */
export const CONV_CONDITIONER_DEFAULTS = {
  resnet: { channels: 32, blocks: 2, activation: "silu" as Activation, dropout: 0 },
  unet: { channels: 16, levels: 2, blocks: 2, attention: 16, dropout: 0.1, embed: 16, activation: "silu" as Activation },
} as const;
