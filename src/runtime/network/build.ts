// Builds a network from its plain description. Repeats are unrolled, each copy with its own weights;
// block i gets the seed deriveSeed(seed, i), so a network is reproducible from (spec, shape, seed).

import type { Block } from "./block.js";
import { ActNorm } from "./actnorm.js";
import { Coupling } from "./coupling.js";
import { NetworkError } from "./errors.js";
import { InvertibleDense, InvertibleDenseMatrix } from "./inv_dense.js";
import { ACTIVATIONS } from "./mlp.js";
import { Permutation } from "./permutation.js";
import { deriveSeed } from "../random.js";
import { type BlockSpec, COUPLING_DEFAULTS, type NetworkSpec, SCALE_BOUND_DEFAULTS } from "./spec.js";
import { Squeeze, Unsqueeze } from "./squeeze.js";
import { Stack } from "./stack.js";

/** How `buildNetwork` initialises the weights. */
export interface BuildOptions {
  /**
   * Scale of the couplings' last-layer initial weights relative to Glorot. Small, so a new network is
   * near the identity (the reference initialises its output convs at 1e-5) yet the two tags already
   * differ; 0 gives exactly the identity.
   */
  readonly outputGain?: number;
}

/** The scale of a coupling's last Linear at initialisation, so that a new block starts near the identity. */
export const DEFAULT_OUTPUT_GAIN = 0.01;

function unroll(blocks: readonly BlockSpec[]): BlockSpec[] {
  const out: BlockSpec[] = [];
  for (const b of blocks) {
    if (b.kind === "repeat") {
      if (!Number.isInteger(b.count) || b.count < 1) throw new NetworkError("LIN1061", "repeat", `count must be a positive integer, got ${b.count}`);
      for (let i = 0; i < b.count; i++) out.push(...unroll(b.body));
    } else {
      out.push(b);
    }
  }
  return out;
}

function buildBlock(spec: BlockSpec, shape: readonly number[], seed: number, tagged: boolean, outputGain: number): Block {
  switch (spec.kind) {
    case "affine_coupling":
    case "additive_coupling": {
      const activation = spec.activation ?? COUPLING_DEFAULTS.activation;
      if (!ACTIVATIONS.includes(activation)) throw new NetworkError("LIN1061", spec.kind, `unknown activation "${activation}"`);
      const scale = spec.kind === "affine_coupling" ? (spec.scale ?? "tanh") : undefined;
      if (scale !== undefined && scale !== "tanh" && scale !== "clamp") throw new NetworkError("LIN1061", spec.kind, `unknown scale "${String(scale)}"`);
      const mask = spec.mask ?? "channel";
      if (mask !== "channel" && mask !== "checkerboard") throw new NetworkError("LIN1061", spec.kind, `unknown mask "${String(mask)}"`);
      return new Coupling(
        shape,
        {
          mlp: { hidden: spec.hidden ?? COUPLING_DEFAULTS.hidden, depth: spec.depth ?? COUPLING_DEFAULTS.depth, activation },
          conditioner: spec.conditioner,
          mask,
          scale,
          scaleBound: spec.kind === "affine_coupling" && scale !== undefined ? (spec.scale_bound ?? SCALE_BOUND_DEFAULTS[scale]) : undefined,
          tagged,
          outputGain,
        },
        seed,
      );
    }
    case "actnorm":
      return new ActNorm(shape);
    case "permute":
      return new Permutation(shape, spec.mode, spec.seed ?? seed);
    case "inv_dense":
      return spec.param === "matrix" ? new InvertibleDenseMatrix(shape, seed) : new InvertibleDense(shape, seed);
    case "squeeze":
      return new Squeeze(shape);
    case "unsqueeze":
      return new Unsqueeze(shape);
    case "repeat":
      throw new NetworkError("LIN1061", "repeat", "repeat must be unrolled before building");
  }
}

/** Builds the invertible network a spec declares on per-sample `inputShape`, its weights seeded by `seed`. */
export function buildNetwork(spec: NetworkSpec, inputShape: readonly number[], seed: number, options: BuildOptions = {}): Stack {
  if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new NetworkError("LIN1062", "", `bad input shape [${inputShape.join(", ")}]`);
  }
  const outputGain = options.outputGain ?? DEFAULT_OUTPUT_GAIN;
  const blocks: Block[] = [];
  let shape: readonly number[] = inputShape;
  try {
    unroll(spec.blocks).forEach((b, i) => {
      let block: Block;
      try {
        block = buildBlock(b, shape, deriveSeed(seed, i), spec.tagged, outputGain);
      } catch (e) {
        if (e instanceof NetworkError) throw new NetworkError(e.code, `blocks.${i} (${b.kind})`, e.message.replace(/^[a-z_]+: /, ""));
        throw e;
      }
      blocks.push(block);
      shape = block.outputShape;
    });
  } catch (e) {
    for (const b of blocks) b.dispose();
    throw e;
  }
  return new Stack(inputShape, blocks, spec.tagged);
}
