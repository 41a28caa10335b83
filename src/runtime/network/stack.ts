// A sequence of blocks: forward in order, inverse in reverse order. Tensor names are
// "blocks.{i}.{local name}", i counting the flattened sequence (repeats unrolled), like a PyTorch
// nn.ModuleList named "blocks". The stack checks the tag and the input shape once per call.

import * as tf from "@tensorflow/tfjs-core";
import type { Block, ForwardWithLogDet, Parameter, StateTensor } from "./block.js";
import { NetworkError } from "./errors.js";
import { checkTag } from "./tag.js";

/** Blocks applied in order (and inverted in reverse): the network a declaration builds. */
export class Stack implements Block {
  readonly kind = "stack";
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly blocks: readonly Block[];
  readonly tagged: boolean;

  constructor(inputShape: readonly number[], blocks: readonly Block[], tagged: boolean) {
    let shape = [...inputShape];
    blocks.forEach((b, i) => {
      if (b.inputShape.join(",") !== shape.join(",")) {
        throw new NetworkError("LIN1062", `blocks.${i} (${b.kind})`, `expects [${b.inputShape.join(", ")}], gets [${shape.join(", ")}]`);
      }
      shape = [...b.outputShape];
    });
    this.inputShape = [...inputShape];
    this.outputShape = shape;
    this.blocks = blocks;
    this.tagged = tagged;
  }

  get needsInitialization(): boolean {
    return this.blocks.some((b) => b.needsInitialization);
  }

  private checkInput(x: tf.Tensor, shape: readonly number[], tag: number | undefined, what: string): number | undefined {
    const t = checkTag(this.tagged, tag, "");
    const got = x.shape.slice(1);
    if (x.shape.length !== shape.length + 1 || got.join(",") !== shape.join(",")) {
      throw new NetworkError("LIN1062", "", `${what} expects [batch, ${shape.join(", ")}], got [${x.shape.join(", ")}]`);
    }
    return t;
  }

  forward(x: tf.Tensor, tag?: number): tf.Tensor {
    const t = this.checkInput(x, this.inputShape, tag, "forward");
    // clone: the result is always a new tensor the caller owns, even for an empty stack
    return tf.tidy(() => this.blocks.reduce((h, b) => b.forward(h, t), tf.clone(x)));
  }

  forwardWithLogDet(x: tf.Tensor, tag?: number): ForwardWithLogDet {
    const t = this.checkInput(x, this.inputShape, tag, "forward");
    const [y, logDet] = tf.tidy(() => {
      let h = tf.clone(x);
      let total: tf.Tensor = tf.zeros([x.shape[0]]);
      for (const b of this.blocks) {
        if (b.forwardWithLogDet === undefined) throw new NetworkError("LIN1061", b.kind, "has no cheap log-determinant");
        const r = b.forwardWithLogDet(h, t);
        h = r.y;
        total = tf.add(total, r.logDet);
      }
      return [h, total as tf.Tensor1D];
    });
    return { y, logDet };
  }

  inverse(y: tf.Tensor, tag?: number): tf.Tensor {
    const t = this.checkInput(y, this.outputShape, tag, "inverse");
    return tf.tidy(() => this.blocks.reduceRight((h, b) => b.inverse(h, t), tf.clone(y)));
  }

  /** Runs the data-dependent initialisation of every block that needs it, in order, on batch x. */
  initialize(x: tf.Tensor, tag?: number): void {
    const t = this.checkInput(x, this.inputShape, tag, "initialize");
    tf.tidy(() => {
      let h = x;
      for (const b of this.blocks) {
        if (b.needsInitialization && b.initialize !== undefined) b.initialize(h, t);
        h = b.forward(h, t);
      }
    });
  }

  parameters(): ReadonlyMap<string, Parameter> {
    const out = new Map<string, Parameter>();
    this.blocks.forEach((b, i) => {
      for (const [name, p] of b.parameters()) out.set(`blocks.${i}.${name}`, p);
    });
    return out;
  }

  state(): ReadonlyMap<string, StateTensor> {
    const out = new Map<string, StateTensor>();
    this.blocks.forEach((b, i) => {
      for (const [name, s] of b.state()) out.set(`blocks.${i}.${name}`, s);
    });
    return out;
  }

  setState(name: string, values: Int32Array): void {
    const m = /^blocks\.(\d+)\.(.+)$/.exec(name);
    const block = m === null ? undefined : this.blocks[Number(m[1])];
    if (m === null || block === undefined) throw new NetworkError("LIN1061", "", `no state tensor "${name}"`);
    block.setState(m[2], values);
  }

  /** Number of learnable scalars. */
  parameterCount(): number {
    let n = 0;
    for (const p of this.parameters().values()) n += p.variable.size;
    return n;
  }

  /** Dropout on or off in every block that has it (the conv conditioners'); off by default. */
  setTraining(on: boolean): void {
    for (const b of this.blocks) b.setTraining?.(on);
  }

  dispose(): void {
    for (const b of this.blocks) b.dispose();
  }
}
