// A fixed permutation of the feature axis (channels of [C, ...], or the features of a flat [D]):
// reverse, or a seeded random one. The indices are saved as state ("indices") so that a file keeps
// working even if the seeding ever changes.

import * as tf from "@tensorflow/tfjs-core";
import { type Block, type ForwardWithLogDet, type Parameter, type StateTensor, featureLayout } from "./block.js";
import { NetworkError } from "./errors.js";
import { gatherAxis1 } from "./gather.js";
import { Rng } from "../random.js";

/** A fixed permutation of the channels (reverse or seeded random). */
export class Permutation implements Block {
  readonly kind = "permute";
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly needsInitialization = false;
  /** featureLayout of the shape. */
  readonly channels: number;
  readonly positions: number;
  private indices: Int32Array;
  private inverseIndices: Int32Array;

  constructor(shape: readonly number[], mode: "reverse" | "random", seed: number) {
    this.inputShape = [...shape];
    this.outputShape = [...shape];
    [this.channels, this.positions] = featureLayout(shape);
    const c = this.channels;
    this.indices = mode === "reverse" ? Int32Array.from({ length: c }, (_, i) => c - 1 - i) : new Rng(seed).permutation(c);
    this.inverseIndices = invert(this.indices);
  }

  /** y[:, i] = x[:, indices[i]] along the feature axis. */
  private apply(x: tf.Tensor, idx: Int32Array): tf.Tensor {
    return tf.tidy(() => {
      const r = tf.reshape(x, [x.shape[0], this.channels, this.positions]);
      return tf.reshape(gatherAxis1(r, idx), x.shape);
    });
  }

  /** The gather indices of forward (y[:, i] = x[:, indices[i]]) or of the inverse; copies. */
  gatherIndices(inverse: boolean): Int32Array {
    return (inverse ? this.inverseIndices : this.indices).slice();
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.apply(x, this.indices);
  }

  forwardWithLogDet(x: tf.Tensor): ForwardWithLogDet {
    return { y: this.forward(x), logDet: tf.zeros([x.shape[0]]) };
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return this.apply(y, this.inverseIndices);
  }

  parameters(): ReadonlyMap<string, Parameter> {
    return new Map();
  }

  state(): ReadonlyMap<string, StateTensor> {
    return new Map([["indices", { shape: [this.channels], values: this.indices.slice() }]]);
  }

  setState(name: string, values: Int32Array): void {
    if (name !== "indices" || values.length !== this.channels || !isPermutation(values)) {
      throw new NetworkError("LIN1061", this.kind, `state "${name}" is not a permutation of 0..${this.channels - 1}`);
    }
    this.indices = values.slice();
    this.inverseIndices = invert(this.indices);
  }

  dispose(): void {}
}

export function isPermutation(p: Int32Array): boolean {
  const seen = new Uint8Array(p.length);
  for (const v of p) {
    if (v < 0 || v >= p.length || seen[v] === 1) return false;
    seen[v] = 1;
  }
  return true;
}

function invert(p: Int32Array): Int32Array {
  const inv = new Int32Array(p.length);
  p.forEach((v, i) => {
    inv[v] = i;
  });
  return inv;
}
