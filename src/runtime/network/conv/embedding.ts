// The tag's embedding, as SongUNet's noise mapping: EDM's PositionalEmbedding (endpoint = True) of the
// scalar tag, its [cos | sin] halves swapped to [sin | cos] as the reference does, then two Linear + act
// layers to 4× the width. The tag is one number per call, so the embedding is a single [1, 4E] row that
// every residual block turns into a per-channel bias.

import * as tf from "@tensorflow/tfjs-core";
import type { Activation } from "../mlp.js";
import type { Rng } from "../../random.js";
import { activate, Linear, type ParameterSink } from "./layers.js";

/**
 * [sin(t·f_k) | cos(t·f_k)], f_k = (1/10000)^(k/(E/2 − 1)) for k < E/2, in float32 like PyTorch's
 * (frequencies rounded to float32 before the product).
 */
export function positionalEmbedding(tag: number, channels: number): Float32Array {
  const half = channels / 2;
  const out = new Float32Array(channels);
  for (let k = 0; k < half; k++) {
    const f = Math.fround(Math.pow(1 / 10000, Math.fround(k / (half - 1))));
    const angle = Math.fround(tag * f);
    out[k] = Math.sin(angle);
    out[half + k] = Math.cos(angle);
  }
  return out;
}

/** The tag's mapping network: embedding → map_layer0 → act → map_layer1 → act. */
export class TagEmbedding {
  private readonly layer0: Linear;
  private readonly layer1: Linear;

  constructor(
    readonly channels: number,
    readonly activation: Activation,
    rng: Rng,
  ) {
    this.layer0 = new Linear(channels, 4 * channels, rng);
    this.layer1 = new Linear(4 * channels, 4 * channels, rng);
  }

  /** Width of the embedding the blocks receive (4E). */
  get width(): number {
    return 4 * this.channels;
  }

  /** [1, 4E]. */
  apply(tag: number): tf.Tensor2D {
    const e = tf.tensor2d(positionalEmbedding(tag, this.channels), [1, this.channels]);
    const h = activate(this.layer0.apply(e), this.activation) as tf.Tensor2D;
    return activate(this.layer1.apply(h), this.activation) as tf.Tensor2D;
  }

  collect(prefix: string, into: ParameterSink): void {
    this.layer0.collect(`${prefix}map_layer0`, into);
    this.layer1.collect(`${prefix}map_layer1`, into);
  }

  dispose(): void {
    this.layer0.dispose();
    this.layer1.dispose();
  }
}
