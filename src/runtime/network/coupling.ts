// Affine and additive couplings, as the reference's InvUnetBlock: features (flattened per sample, C
// order, so an even channel count splits into channel halves like chunk(2, dim=1)) split into x1 (first
// ⌊D/2⌋) and x2 (the rest), then two couplings, each shift-then-scale:
//   F: y1 = (x1 + t_F(x2)) · exp(s_F(x2))
//   G: y2 = (x2 + t_G(y1)) · exp(s_G(y1))
// The conditioner's output is [shift | raw log-scale]. The log-scale is bounded softly,
// s = bound·tanh(raw/bound), instead of the reference's hard clamp(raw, −5, 5): the same range for
// bound = 5, but with a gradient everywhere. Additive couplings drop the scale (s = 0).
// Inverse: x2 = y2·exp(−s_G(y1)) − t_G(y1), then x1 = y1·exp(−s_F(x2)) − t_F(x2).

import * as tf from "@tensorflow/tfjs-core";
import { type Block, type ForwardWithLogDet, type Parameter, type StateTensor, sizeOf } from "./block.js";
import { expBounded, tanhFast } from "./elementwise.js";
import { NetworkError } from "./errors.js";
import { type Activation, Mlp } from "./mlp.js";
import { Rng } from "../random.js";

/** Columns [0, a) and [a, a + b) of a [batch, a + b] tensor (two slices: faster than tf.split on wasm). */
function halves(t: tf.Tensor2D, a: number, b: number): [tf.Tensor2D, tf.Tensor2D] {
  return [tf.slice(t, [0, 0], [-1, a]), tf.slice(t, [0, a], [-1, b])];
}

export interface CouplingConfig {
  readonly hidden: number;
  readonly depth: number;
  readonly activation: Activation;
  /** Bound on |log-scale|; undefined for an additive coupling. */
  readonly scaleBound: number | undefined;
  readonly tagged: boolean;
  readonly outputGain: number;
}

/** An affine or additive coupling: half the features shift (and scale) by functions of the other half. */
export class Coupling implements Block {
  readonly kind: "affine_coupling" | "additive_coupling";
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly needsInitialization = false;
  private readonly d1: number;
  private readonly d2: number;
  private readonly f: Mlp;
  private readonly g: Mlp;
  private readonly scaleBound: number | undefined;
  readonly config: CouplingConfig;

  constructor(shape: readonly number[], config: CouplingConfig, seed: number) {
    this.kind = config.scaleBound === undefined ? "additive_coupling" : "affine_coupling";
    const d = sizeOf(shape);
    if (d < 2) throw new NetworkError("LIN1062", this.kind, `needs at least 2 features to split, got shape [${shape.join(", ")}]`);
    if (config.scaleBound !== undefined && !(config.scaleBound > 0 && Number.isFinite(config.scaleBound))) {
      throw new NetworkError("LIN1061", this.kind, `scale_bound must be a positive number, got ${config.scaleBound}`);
    }
    this.config = config;
    this.inputShape = [...shape];
    this.outputShape = [...shape];
    this.d1 = Math.floor(d / 2);
    this.d2 = d - this.d1;
    this.scaleBound = config.scaleBound;
    const factor = config.scaleBound === undefined ? 1 : 2;
    const rng = new Rng(seed);
    const common = {
      hidden: config.hidden,
      depth: config.depth,
      activation: config.activation,
      tagged: config.tagged,
      outputGain: config.outputGain,
    };
    this.f = new Mlp({ ...common, inputs: this.d2, outputs: factor * this.d1 }, rng);
    this.g = new Mlp({ ...common, inputs: this.d1, outputs: factor * this.d2 }, rng);
  }

  /** Shift and bounded log-scale (undefined when additive) for a half of size `size`. */
  private condition(net: Mlp, input: tf.Tensor2D, size: number, tag: number | undefined): [tf.Tensor2D, tf.Tensor2D | undefined] {
    const out = net.apply(input, tag);
    if (this.scaleBound === undefined) return [out, undefined];
    const b = this.scaleBound;
    const [shift, raw] = halves(out, size, size);
    return [shift, tf.mul(tanhFast(tf.div(raw, b)), b) as tf.Tensor2D];
  }

  private run(x: tf.Tensor, tag: number | undefined): [tf.Tensor, tf.Tensor1D] {
    const batch = x.shape[0];
    const flat = tf.reshape(x, [batch, this.d1 + this.d2]) as tf.Tensor2D;
    const [x1, x2] = halves(flat, this.d1, this.d2);
    const [tF, sF] = this.condition(this.f, x2, this.d1, tag);
    const y1 = sF === undefined ? tf.add(x1, tF) : tf.mul(tf.add(x1, tF), expBounded(sF));
    const [tG, sG] = this.condition(this.g, y1 as tf.Tensor2D, this.d2, tag);
    const y2 = sG === undefined ? tf.add(x2, tG) : tf.mul(tf.add(x2, tG), expBounded(sG));
    const y = tf.reshape(tf.concat([y1, y2], 1), x.shape);
    const logDet = sF === undefined || sG === undefined ? tf.zeros([batch]) : tf.add(tf.sum(sF, 1), tf.sum(sG, 1));
    return [y, logDet as tf.Tensor1D];
  }

  forward(x: tf.Tensor, tag?: number): tf.Tensor {
    return tf.tidy(() => this.run(x, tag)[0]);
  }

  forwardWithLogDet(x: tf.Tensor, tag?: number): ForwardWithLogDet {
    const [y, logDet] = tf.tidy(() => this.run(x, tag));
    return { y, logDet };
  }

  inverse(y: tf.Tensor, tag?: number): tf.Tensor {
    return tf.tidy(() => {
      const batch = y.shape[0];
      const flat = tf.reshape(y, [batch, this.d1 + this.d2]) as tf.Tensor2D;
      const [y1, y2] = halves(flat, this.d1, this.d2);
      const [tG, sG] = this.condition(this.g, y1, this.d2, tag);
      const x2 = (sG === undefined ? tf.sub(y2, tG) : tf.sub(tf.mul(y2, expBounded(tf.neg(sG))), tG)) as tf.Tensor2D;
      const [tF, sF] = this.condition(this.f, x2, this.d1, tag);
      const x1 = sF === undefined ? tf.sub(y1, tF) : tf.sub(tf.mul(y1, expBounded(tf.neg(sF))), tF);
      return tf.reshape(tf.concat([x1, x2], 1), y.shape);
    });
  }

  parameters(): ReadonlyMap<string, Parameter> {
    return new Map([...this.f.parameters("f."), ...this.g.parameters("g.")]);
  }

  state(): ReadonlyMap<string, StateTensor> {
    return new Map();
  }

  setState(name: string): void {
    throw new NetworkError("LIN1061", this.kind, `has no state tensor "${name}"`);
  }

  dispose(): void {
    this.f.dispose();
    this.g.dispose();
  }
}
