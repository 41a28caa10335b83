// ActNorm (Glow; the reference's ActNorm2d): y = (x + b)·exp(s) per channel. Initialised once from
// data by initialize(x): b = −mean, s = −log(std + 1e-6), statistics over batch and positions with the
// unbiased std, as the reference. Unlike the reference, initialisation is explicit and the flag is
// saved (state "initialized"); forward or inverse before it is an error, not a silent identity.

import * as tf from "@tensorflow/tfjs-core";
import { type Block, type ForwardWithLogDet, type Parameter, type StateTensor, featureLayout } from "./block.js";
import { NetworkError } from "./errors.js";
import { ownedVariable } from "./variable.js";

/** Per-channel affine normalisation, initialised once from data (Glow's ActNorm). */
export class ActNorm implements Block {
  readonly kind = "actnorm";
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** featureLayout of the shape; the per-channel bias b and log-scale s. */
  readonly channels: number;
  readonly positions: number;
  readonly bias: tf.Variable;
  readonly logScale: tf.Variable;
  private initialized = false;

  constructor(shape: readonly number[]) {
    this.inputShape = [...shape];
    this.outputShape = [...shape];
    [this.channels, this.positions] = featureLayout(shape);
    this.bias = ownedVariable(() => tf.zeros([this.channels]));
    this.logScale = ownedVariable(() => tf.zeros([this.channels]));
  }

  get needsInitialization(): boolean {
    return !this.initialized;
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  initialize(x: tf.Tensor): void {
    const n = x.shape[0] * this.positions;
    if (n < 2) throw new NetworkError("LIN1062", this.kind, "initialisation needs at least 2 values per channel");
    tf.tidy(() => {
      const r = this.rows(x);
      const { mean, variance } = tf.moments(r, [0, 2]);
      const std = tf.sqrt(tf.mul(variance, n / (n - 1))); // unbiased, as torch.std
      this.bias.assign(tf.neg(mean));
      this.logScale.assign(tf.neg(tf.log(tf.add(std, 1e-6))));
    });
    this.initialized = true;
  }

  private rows(x: tf.Tensor): tf.Tensor3D {
    return tf.reshape(x, [x.shape[0], this.channels, this.positions]);
  }

  private check(): void {
    if (!this.initialized) {
      throw new NetworkError("LIN1065", this.kind, "ActNorm is not initialised: call initialize(x) on a first batch (or load saved weights)");
    }
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.check();
    return tf.tidy(() => {
      const b = tf.reshape(this.bias, [1, this.channels, 1]);
      const s = tf.reshape(tf.exp(this.logScale), [1, this.channels, 1]);
      return tf.reshape(tf.mul(tf.add(this.rows(x), b), s), x.shape);
    });
  }

  forwardWithLogDet(x: tf.Tensor): ForwardWithLogDet {
    const y = this.forward(x);
    const logDet = tf.tidy(() => tf.mul(tf.ones([x.shape[0]]), tf.mul(tf.sum(this.logScale), this.positions))) as tf.Tensor1D;
    return { y, logDet };
  }

  inverse(y: tf.Tensor): tf.Tensor {
    this.check();
    return tf.tidy(() => {
      const b = tf.reshape(this.bias, [1, this.channels, 1]);
      const s = tf.reshape(tf.exp(tf.neg(this.logScale)), [1, this.channels, 1]);
      return tf.reshape(tf.sub(tf.mul(this.rows(y), s), b), y.shape);
    });
  }

  parameters(): ReadonlyMap<string, Parameter> {
    return new Map([
      ["bias", { variable: this.bias, transposedInFile: false }],
      ["log_scale", { variable: this.logScale, transposedInFile: false }],
    ]);
  }

  state(): ReadonlyMap<string, StateTensor> {
    return new Map([["initialized", { shape: [], values: Int32Array.of(this.initialized ? 1 : 0) }]]);
  }

  setState(name: string, values: Int32Array): void {
    if (name !== "initialized" || values.length !== 1 || (values[0] !== 0 && values[0] !== 1)) {
      throw new NetworkError("LIN1061", this.kind, `bad state "${name}"`);
    }
    this.initialized = values[0] === 1;
  }

  dispose(): void {
    this.bias.dispose();
    this.logScale.dispose();
  }
}
