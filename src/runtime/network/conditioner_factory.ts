// Picks a coupling's conditioner from its description: the MLP of hidden/depth/activation (flat rows), or a
// convolutional one (resnet/unet on [C, H, W] images, built in ./conv/). The one place a coupling
// names a conditioner class, so that adding the convolutional ones changes only the conv branch.

import type { Conditioner } from "./conditioner.js";
import { buildConvConditioner } from "./conv/index.js";
import { NetworkError } from "./errors.js";
import { type Activation, Mlp } from "./mlp.js";
import type { Rng } from "../random.js";
import type { ConditionerSpec } from "./spec.js";

/** The MLP conditioner's arguments (used when no convolutional conditioner is given). */
export interface MlpSettings {
  readonly hidden: number;
  readonly depth: number;
  readonly activation: Activation;
}

/** What the coupling asks for: per-sample input and output shapes, [D] (flat) or [C, H, W] (images). */
export interface ConditionerShapes {
  readonly input: readonly number[];
  readonly output: readonly number[];
}

/** How the weights start: the tag input, the last layer's gain and the randomness. */
export interface ConditionerInit {
  readonly tagged: boolean;
  readonly outputGain: number;
  /**
   * The coupling's generator. The MLP draws from it in order (f's weights, then g's), which keeps the
   * numbers of networks built before conv conditioners existed; a conv conditioner takes one seed from it.
   */
  readonly rng: Rng;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Builds the conditioner `spec` describes (undefined: the MLP of `mlp`) from shapes.input to shapes.output. */
export function buildConditioner(spec: ConditionerSpec | undefined, mlp: MlpSettings, shapes: ConditionerShapes, init: ConditionerInit): Conditioner {
  if (spec === undefined) {
    return new Mlp({ ...mlp, inputs: size(shapes.input), outputs: size(shapes.output), tagged: init.tagged, outputGain: init.outputGain }, init.rng);
  }
  const [inChannels, height, width] = shapes.input;
  const [outChannels] = shapes.output;
  if (shapes.input.length !== 3 || shapes.output.length !== 3) {
    throw new NetworkError("LIN1091", spec.kind, `a convolutional conditioner needs [C, H, W] images, got [${shapes.input.join(", ")}]`);
  }
  return buildConvConditioner(
    spec,
    { inChannels, outChannels, height, width },
    { tagged: init.tagged, outputGain: init.outputGain, seed: Math.floor(init.rng.uniform() * 2 ** 32) },
  );
}
