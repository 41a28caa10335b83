// What the UNet and the ResNet share around their body: the NCHW ↔ NHWC boundary, the tag embedding, the
// training switch and seeded dropout, the parameter map and disposal.

import * as tf from "@tensorflow/tfjs-core";
import type { Parameter } from "../block.js";
import type { Conditioner } from "../conditioner.js";
import { NetworkError } from "../errors.js";
import { Rng } from "../../random.js";
import { checkTag } from "../tag.js";
import type { TagEmbedding } from "./embedding.js";
import type { ParameterSink } from "./layers.js";
import type { BlockContext } from "./unet_block.js";

/** The conditioner's image sizes. */
export interface ConvIo {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly height: number;
  readonly width: number;
}

/** A convolutional conditioner's body on NHWC tensors, with its parameters. */
export interface ConvBody {
  /** [batch, H, W, in] → [batch, H, W, out]. */
  apply(x: tf.Tensor4D, ctx: BlockContext): tf.Tensor4D;
  collect(into: ParameterSink): void;
  dispose(): void;
}

/** Wraps a body as a `Conditioner` on [batch, C, H, W] tensors. */
export class ConvConditioner implements Conditioner {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  private training = false;
  private readonly dropoutRng: Rng;

  constructor(
    readonly kind: string,
    io: ConvIo,
    readonly body: ConvBody,
    readonly embedding: TagEmbedding | undefined,
    private readonly dropoutRate: number,
    seed: number,
  ) {
    this.inputShape = [io.inChannels, io.height, io.width];
    this.outputShape = [io.outChannels, io.height, io.width];
    // Its own stream, so the masks are reproducible for a seed and independent of the weights' draws.
    this.dropoutRng = new Rng(seed ^ 0x5bd1e995);
  }

  apply(x: tf.Tensor, tag: number | undefined): tf.Tensor {
    const expected = this.inputShape;
    if (x.rank !== 4 || x.shape.slice(1).some((d, i) => d !== expected[i])) {
      throw new NetworkError("LIN1062", this.kind, `expects [batch, ${expected.join(", ")}], got [${x.shape.join(", ")}]`);
    }
    const t = checkTag(this.embedding !== undefined, tag, this.kind);
    return tf.tidy(() => {
      const emb = this.embedding !== undefined && t !== undefined ? this.embedding.apply(t) : undefined;
      const dropoutSeed = this.training && this.dropoutRate > 0 ? () => Math.floor(this.dropoutRng.uniform() * 2 ** 31) : undefined;
      const nhwc = tf.transpose(x as tf.Tensor4D, [0, 2, 3, 1]);
      return tf.transpose(this.body.apply(nhwc, { emb, dropoutSeed }), [0, 3, 1, 2]);
    });
  }

  setTraining(on: boolean): void {
    this.training = on;
  }

  parameters(prefix: string): ReadonlyMap<string, Parameter> {
    const local: ParameterSink = new Map();
    this.embedding?.collect("", local);
    this.body.collect(local);
    return new Map([...local].map(([name, p]) => [`${prefix}${name}`, p]));
  }

  dispose(): void {
    this.embedding?.dispose();
    this.body.dispose();
  }
}
