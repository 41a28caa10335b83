// The coupling conditioner: an MLP from one half of the features (plus the tag) to the other half's
// shift (and raw log-scale). Weights are held [in, out] (see Parameter.transposedInFile). The tag
// enters as one extra input feature; it is kept as its own weight row "tag.weight" so that the
// matmul on the data stays a plain [batch, in] × [in, hidden] product.

import * as tf from "@tensorflow/tfjs-core";
import type { Parameter } from "./block.js";
import type { Conditioner } from "./conditioner.js";
import { NetworkError } from "./errors.js";
import { Rng } from "../random.js";
import { activate, type Activation } from "./activation.js";
import { ownedVariable } from "./variable.js";

export { ACTIVATIONS, type Activation } from "./activation.js";

export interface MlpConfig {
  readonly inputs: number;
  readonly outputs: number;
  readonly hidden: number;
  /** Number of hidden layers; depth 0 is a single linear map. */
  readonly depth: number;
  readonly activation: Activation;
  readonly tagged: boolean;
  /** Scale of the last layer's initial weights: 0 starts the coupling at the identity (Glow). */
  readonly outputGain: number;
}

/**
 * The activation to fuse into the matMul kernel, or undefined to apply it as separate ops. Only relu:
 * tfjs-core 4.22's fused matMul differentiates "linear" and "relu" alone (fused_util's
 * getFusedDyActivation throws for the rest) and conditioners are trained through this path, so
 * leaky_relu, which the wasm and cpu forward kernels could fuse, stays separate; tanh, gelu and silu
 * have no fused kernel at all (wasm's FusableActivation: linear, relu, relu6, prelu, leakyrelu,
 * sigmoid, elu).
 */
function fusedActivation(act: Activation): "relu" | undefined {
  return act === "relu" ? "relu" : undefined;
}

/** The MLP conditioner on flat rows [batch, inputs] → [batch, outputs]. */
export class Mlp implements Conditioner {
  readonly config: MlpConfig;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Layer k's weight [in, out] and bias [out]; the tag's weight row [1, out] of layer 0 (tagged only). */
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];
  readonly tagWeight: tf.Variable | undefined;

  constructor(config: MlpConfig, rng: Rng) {
    if (!Number.isInteger(config.hidden) || config.hidden < 1) {
      throw new NetworkError("LIN1061", "", `hidden must be a positive integer, got ${config.hidden}`);
    }
    if (!Number.isInteger(config.depth) || config.depth < 0) {
      throw new NetworkError("LIN1061", "", `depth must be a non-negative integer, got ${config.depth}`);
    }
    this.config = config;
    this.inputShape = [config.inputs];
    this.outputShape = [config.outputs];
    const widths = [config.inputs, ...Array<number>(config.depth).fill(config.hidden), config.outputs];
    for (let k = 0; k + 1 < widths.length; k++) {
      const fanIn = widths[k] + (k === 0 && config.tagged ? 1 : 0);
      const fanOut = widths[k + 1];
      const last = k + 2 === widths.length;
      const limit = Math.sqrt(6 / (fanIn + fanOut)) * (last ? config.outputGain : 1); // Glorot uniform
      this.weights.push(ownedVariable(() => tf.tensor2d(rng.uniformArray(widths[k] * fanOut, -limit, limit), [widths[k], fanOut])));
      this.biases.push(ownedVariable(() => tf.zeros([fanOut])));
      if (k === 0 && config.tagged) {
        this.tagWeight = ownedVariable(() => tf.tensor2d(rng.uniformArray(fanOut, -limit, limit), [1, fanOut]));
      }
    }
  }

  /** [batch, ...] with `inputs` features per sample (flattened here) → [batch, outputs]. */
  apply(x: tf.Tensor, tag: number | undefined): tf.Tensor2D {
    return tf.tidy(() => {
      let h = x.rank === 2 ? (x as tf.Tensor2D) : (tf.reshape(x, [x.shape[0], this.config.inputs]) as tf.Tensor2D);
      const n = this.weights.length;
      for (let k = 0; k < n; k++) {
        let bias: tf.Tensor = this.biases[k];
        // tag·w_tag folded into the first bias: the same as a tag column appended to the input.
        if (k === 0 && this.tagWeight !== undefined && tag !== undefined && tag !== 0) {
          bias = tf.add(bias, tf.mul(tf.reshape(this.tagWeight, [-1]), tag));
        }
        const last = k === n - 1;
        const act = this.config.activation;
        // One kernel for matMul + bias (+ activation where fusable); b is [in, out], never transposed.
        const fused = last ? "linear" : (fusedActivation(act) ?? "linear");
        h = tf.fused.matMul({ a: h, b: this.weights[k] as tf.Tensor2D, bias, activation: fused }) as tf.Tensor2D;
        if (!last && fused === "linear") h = activate(h, act);
      }
      return h;
    });
  }

  /** No dropout in the MLP: training and evaluation are the same map. */
  setTraining(): void {}

  parameters(prefix: string): Map<string, Parameter> {
    const out = new Map<string, Parameter>();
    this.weights.forEach((w, k) => {
      out.set(`${prefix}layers.${k}.weight`, { variable: w, transposedInFile: true });
      out.set(`${prefix}layers.${k}.bias`, { variable: this.biases[k], transposedInFile: false });
    });
    if (this.tagWeight !== undefined) out.set(`${prefix}tag.weight`, { variable: this.tagWeight, transposedInFile: true });
    return out;
  }

  dispose(): void {
    for (const v of [...this.weights, ...this.biases]) v.dispose();
    this.tagWeight?.dispose();
  }
}
