// 2×2 squeeze in the reference's channel order (Squeeze2x2): [C, H, W] → [4C, H/2, W/2] with new
// channel c·4 + 2·i + j for row offset i and column offset j. This is NOT tfjs's spaceToDepth order
// (block-major, NHWC), so it is written as reshape + transpose.

import * as tf from "@tensorflow/tfjs-core";
import type { Block, ForwardWithLogDet, Parameter, StateTensor } from "./block.js";
import { NetworkError } from "./errors.js";

/** Space-to-depth: [C, H, W] to [4C, H/2, W/2], no parameters. */
export class Squeeze implements Block {
  readonly kind = "squeeze";
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly needsInitialization = false;

  constructor(shape: readonly number[]) {
    if (shape.length !== 3 || shape[1] % 2 !== 0 || shape[2] % 2 !== 0) {
      throw new NetworkError("LIN1062", this.kind, `needs a [C, H, W] shape with H and W even, got [${shape.join(", ")}]`);
    }
    const [c, h, w] = shape;
    this.inputShape = [c, h, w];
    this.outputShape = [4 * c, h / 2, w / 2];
  }

  forward(x: tf.Tensor): tf.Tensor {
    const [c, h, w] = this.inputShape;
    return tf.tidy(() => {
      const b = x.shape[0];
      const r = tf.reshape(x, [b, c, h / 2, 2, w / 2, 2]);
      return tf.reshape(tf.transpose(r, [0, 1, 3, 5, 2, 4]), [b, 4 * c, h / 2, w / 2]);
    });
  }

  forwardWithLogDet(x: tf.Tensor): ForwardWithLogDet {
    return { y: this.forward(x), logDet: tf.zeros([x.shape[0]]) };
  }

  inverse(y: tf.Tensor): tf.Tensor {
    const [c, h, w] = this.inputShape;
    return tf.tidy(() => {
      const b = y.shape[0];
      const r = tf.reshape(y, [b, c, 2, 2, h / 2, w / 2]);
      return tf.reshape(tf.transpose(r, [0, 1, 4, 2, 5, 3]), [b, c, h, w]);
    });
  }

  parameters(): ReadonlyMap<string, Parameter> {
    return new Map();
  }

  state(): ReadonlyMap<string, StateTensor> {
    return new Map();
  }

  setState(name: string): void {
    throw new NetworkError("LIN1061", this.kind, `has no state tensor "${name}"`);
  }

  dispose(): void {}
}

/**
 * Depth-to-space, the exact inverse of Squeeze: [4C, H, W] to [C, 2H, 2W] (channel c·4 + 2·i + j goes
 * to row offset i, column offset j of channel c), no parameters.
 */
export class Unsqueeze implements Block {
  readonly kind = "unsqueeze";
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly needsInitialization = false;
  /** The squeeze this undoes: its forward is this block's inverse. */
  readonly squeeze: Squeeze;

  constructor(shape: readonly number[]) {
    if (shape.length !== 3 || shape[0] % 4 !== 0) {
      throw new NetworkError("LIN1092", this.kind, `needs a [4C, H, W] shape (channels divisible by 4), got [${shape.join(", ")}]`);
    }
    const [c4, h, w] = shape;
    this.inputShape = [c4, h, w];
    this.outputShape = [c4 / 4, 2 * h, 2 * w];
    this.squeeze = new Squeeze(this.outputShape);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.squeeze.inverse(x);
  }

  forwardWithLogDet(x: tf.Tensor): ForwardWithLogDet {
    return { y: this.forward(x), logDet: tf.zeros([x.shape[0]]) };
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return this.squeeze.forward(y);
  }

  parameters(): ReadonlyMap<string, Parameter> {
    return new Map();
  }

  state(): ReadonlyMap<string, StateTensor> {
    return new Map();
  }

  setState(name: string): void {
    throw new NetworkError("LIN1061", this.kind, `has no state tensor "${name}"`);
  }

  dispose(): void {}
}
