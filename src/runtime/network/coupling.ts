// Affine and additive couplings, as the reference's InvUnetBlock: the features split into two parts
// x1, x2 by a mask, then two couplings, each shift-then-scale:
//   F: y1 = (x1 + t_F(x2)) · exp(s_F(x2))
//   G: y2 = (x2 + t_G(y1)) · exp(s_G(y1))
// Masks:
// - `channel`: x1 = the first ⌊D/2⌋ features (flattened per sample, C order), x2 the rest. For [C, H, W]
//   with even C that is chunk(2, dim=1), the reference's split; a conv conditioner sees x2 as
//   [C/2, H, W] and returns [shift | raw log-scale] as [2·C/2, H, W], whose flat layout is the same
//   [shift | raw] halves as the MLP's output.
// - `checkerboard` (RealNVP): x1 = the pixels with h + w even, x2 the others, every channel alike. The
//   conditioner sees the whole image with the transformed pixels zeroed and returns [shift | raw] for
//   every pixel; only the masked pixels use it, so the log-det sums over those alone.
// The log-scale s = bound(raw) is `tanh`: b·tanh(raw/b) (smooth, a gradient everywhere), or `clamp`:
// clamp(raw, −b, b), the reference's hard bound (zero gradient outside ±b). Additive couplings have s = 0.
// Inverse: x2 = y2·exp(−s_G(y1)) − t_G(y1), then x1 = y1·exp(−s_F(x2)) − t_F(x2).

import * as tf from "@tensorflow/tfjs-core";
import { type Block, type ForwardWithLogDet, type Parameter, type StateTensor, sizeOf } from "./block.js";
import type { Conditioner } from "./conditioner.js";
import { buildConditioner, type MlpSettings } from "./conditioner_factory.js";
import { expBounded, tanhFast } from "./elementwise.js";
import { NetworkError } from "./errors.js";
import { Rng } from "../random.js";
import type { ConditionerSpec, CouplingMask, ScaleBound } from "./spec.js";

/** Columns [0, a) and [a, a + b) of a [batch, a + b] tensor (two slices: faster than tf.split on wasm). */
function halves(t: tf.Tensor2D, a: number, b: number): [tf.Tensor2D, tf.Tensor2D] {
  return [tf.slice(t, [0, 0], [-1, a]), tf.slice(t, [0, a], [-1, b])];
}

/** How a coupling is built (from a BlockSpec with its defaults filled in). */
export interface CouplingConfig {
  /** The MLP conditioner's settings, used when `conditioner` is undefined. */
  readonly mlp: MlpSettings;
  readonly conditioner: ConditionerSpec | undefined;
  readonly mask: CouplingMask;
  /** How the log-scale is bounded; undefined for an additive coupling. */
  readonly scale: ScaleBound | undefined;
  /** Bound on |log-scale|; undefined for an additive coupling. */
  readonly scaleBound: number | undefined;
  readonly tagged: boolean;
  readonly outputGain: number;
}

/** The pixels with h + w even (1) and the others (0), repeated over channels, as a flat [1, C·H·W] row. */
export function checkerboardRow(shape: readonly number[]): Float32Array {
  const [c, h, w] = shape;
  const out = new Float32Array(c * h * w);
  for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[(k * h + i) * w + j] = (i + j) % 2 === 0 ? 1 : 0;
  return out;
}

/** An affine or additive coupling: half the features shift (and scale) by functions of the other half. */
export class Coupling implements Block {
  readonly kind: "affine_coupling" | "additive_coupling";
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly needsInitialization = false;
  /** Sizes of the two parts: x1 = the first d1 features, x2 the other d2 (channel mask). */
  readonly d1: number;
  readonly d2: number;
  /** The conditioners of the two couplings F (on x2) and G (on y1). */
  readonly f: Conditioner;
  readonly g: Conditioner;
  /** Checkerboard only: the first part's pixels (1) as [1, D], and its complement. */
  private readonly masks: [tf.Tensor2D, tf.Tensor2D] | undefined;
  readonly config: CouplingConfig;

  constructor(shape: readonly number[], config: CouplingConfig, seed: number) {
    this.kind = config.scale === undefined ? "additive_coupling" : "affine_coupling";
    const d = sizeOf(shape);
    if (d < 2) throw new NetworkError("LIN1062", this.kind, `needs at least 2 features to split, got shape [${shape.join(", ")}]`);
    if (config.scale !== undefined && !(config.scaleBound !== undefined && config.scaleBound > 0 && Number.isFinite(config.scaleBound))) {
      throw new NetworkError("LIN1061", this.kind, `scale_bound must be a positive number, got ${config.scaleBound}`);
    }
    const image = shape.length === 3;
    if (config.mask === "checkerboard" && !(image && shape[1] * shape[2] >= 2)) {
      throw new NetworkError("LIN1091", this.kind, `mask = checkerboard needs a [C, H, W] image with at least 2 pixels, got [${shape.join(", ")}]`);
    }
    if (config.conditioner !== undefined && config.mask === "channel" && !(image && shape[0] % 2 === 0)) {
      throw new NetworkError("LIN1091", this.kind, `a convolutional conditioner with mask = channel needs [C, H, W] with C even, got [${shape.join(", ")}]`);
    }
    this.config = config;
    this.inputShape = [...shape];
    this.outputShape = [...shape];
    this.d1 = Math.floor(d / 2);
    this.d2 = d - this.d1;
    const factor = config.scale === undefined ? 1 : 2;
    const [fShapes, gShapes] = this.conditionerShapes(shape, factor);
    const init = { tagged: config.tagged, outputGain: config.outputGain, rng: new Rng(seed) };
    this.f = buildConditioner(config.conditioner, config.mlp, fShapes, init);
    try {
      this.g = buildConditioner(config.conditioner, config.mlp, gShapes, init);
    } catch (e) {
      this.f.dispose();
      throw e;
    }
    if (config.mask === "checkerboard") {
      const row = checkerboardRow(shape);
      this.masks = [
        tf.tensor2d(row, [1, d]),
        tf.tensor2d(
          row.map((v) => 1 - v),
          [1, d],
        ),
      ];
    }
  }

  /** The conditioners' input and output shapes (F's, then G's), as the header describes per mask. */
  private conditionerShapes(shape: readonly number[], factor: number): [{ input: number[]; output: number[] }, { input: number[]; output: number[] }] {
    const conv = this.config.conditioner !== undefined;
    if (this.config.mask === "checkerboard") {
      const [c, h, w] = shape;
      const io = { input: [...shape], output: conv ? [factor * c, h, w] : [factor * sizeOf(shape)] };
      return [io, io];
    }
    if (conv) {
      const [c, h, w] = shape;
      const io = { input: [c / 2, h, w], output: [factor * (c / 2), h, w] };
      return [io, io];
    }
    return [
      { input: [this.d2], output: [factor * this.d1] },
      { input: [this.d1], output: [factor * this.d2] },
    ];
  }

  private bound(raw: tf.Tensor2D): tf.Tensor2D {
    const b = this.config.scaleBound ?? 0;
    if (this.config.scale === "clamp") {
      // clamp as select, not clipByValue: exact like torch.clamp, and differentiable with the gradients
      // training registers (Select and comparisons; ClipByValue has none there). Zero gradient beyond ±b.
      return tf.where(tf.greater(raw, b), tf.fill(raw.shape, b), tf.where(tf.less(raw, -b), tf.fill(raw.shape, -b), raw)) as tf.Tensor2D;
    }
    return tf.mul(tanhFast(tf.div(raw, b)), b) as tf.Tensor2D;
  }

  /** Shift and bounded log-scale (undefined when additive), each [batch, size], from the conditioner's input. */
  private condition(net: Conditioner, input: tf.Tensor2D, size: number, tag: number | undefined): [tf.Tensor2D, tf.Tensor2D | undefined] {
    const batch = input.shape[0];
    const out = tf.reshape(net.apply(tf.reshape(input, [batch, ...net.inputShape]), tag), [batch, -1]) as tf.Tensor2D;
    if (this.config.scale === undefined) return [out, undefined];
    const [shift, raw] = halves(out, size, size);
    return [shift, this.bound(raw)];
  }

  /** One shift-then-scale step on the masked pixels of `x` (m = 1), from the conditioner's output. */
  private static maskedStep(x: tf.Tensor2D, keep: tf.Tensor2D, m: tf.Tensor2D, shift: tf.Tensor2D, s: tf.Tensor2D | undefined): tf.Tensor2D {
    const moved = s === undefined ? tf.add(x, shift) : tf.mul(tf.add(x, shift), expBounded(s));
    return tf.add(tf.mul(x, keep), tf.mul(moved, m)) as tf.Tensor2D;
  }

  /** The inverse of maskedStep. */
  private static maskedStepInverse(y: tf.Tensor2D, keep: tf.Tensor2D, m: tf.Tensor2D, shift: tf.Tensor2D, s: tf.Tensor2D | undefined): tf.Tensor2D {
    const moved = s === undefined ? tf.sub(y, shift) : tf.sub(tf.mul(y, expBounded(tf.neg(s))), shift);
    return tf.add(tf.mul(y, keep), tf.mul(moved, m)) as tf.Tensor2D;
  }

  private run(x: tf.Tensor, tag: number | undefined): [tf.Tensor, tf.Tensor1D] {
    const batch = x.shape[0];
    const flat = tf.reshape(x, [batch, this.d1 + this.d2]) as tf.Tensor2D;
    if (this.masks !== undefined) {
      const [a, b] = this.masks;
      const d = this.d1 + this.d2;
      const [tF, sF] = this.condition(this.f, tf.mul(flat, b), d, tag);
      const y = Coupling.maskedStep(flat, b, a, tF, sF);
      const [tG, sG] = this.condition(this.g, tf.mul(y, a), d, tag);
      const z = Coupling.maskedStep(y, a, b, tG, sG);
      const logDet = sF === undefined || sG === undefined ? tf.zeros([batch]) : tf.add(tf.sum(tf.mul(sF, a), 1), tf.sum(tf.mul(sG, b), 1));
      return [tf.reshape(z, x.shape), logDet as tf.Tensor1D];
    }
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
      if (this.masks !== undefined) {
        const [a, b] = this.masks;
        const d = this.d1 + this.d2;
        const [tG, sG] = this.condition(this.g, tf.mul(flat, a), d, tag);
        const u = Coupling.maskedStepInverse(flat, a, b, tG, sG);
        const [tF, sF] = this.condition(this.f, tf.mul(u, b), d, tag);
        return tf.reshape(Coupling.maskedStepInverse(u, b, a, tF, sF), y.shape);
      }
      const [y1, y2] = halves(flat, this.d1, this.d2);
      const [tG, sG] = this.condition(this.g, y1, this.d2, tag);
      const x2 = (sG === undefined ? tf.sub(y2, tG) : tf.sub(tf.mul(y2, expBounded(tf.neg(sG))), tG)) as tf.Tensor2D;
      const [tF, sF] = this.condition(this.f, x2, this.d1, tag);
      const x1 = sF === undefined ? tf.sub(y1, tF) : tf.sub(tf.mul(y1, expBounded(tf.neg(sF))), tF);
      return tf.reshape(tf.concat([x1, x2], 1), y.shape);
    });
  }

  /** Dropout of conv conditioners on (training) or off (evaluation, the default). */
  setTraining(on: boolean): void {
    this.f.setTraining(on);
    this.g.setTraining(on);
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
    for (const m of this.masks ?? []) m.dispose();
  }
}
