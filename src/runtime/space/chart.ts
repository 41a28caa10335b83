// A chart g: the bijection that induces a vector space. Coordinates are flattened: [batch, dim].
// forward and inverse return new tensors owned by the caller and leave their input alone.
import * as tf from "@tensorflow/tfjs-core";
import { sizeOf, type Block } from "../network/block.js";
import { SpaceError } from "./errors.js";

export interface Chart {
  /** g: data points [b, dim] → coordinates [b, dim]. */
  forward(x: tf.Tensor2D): tf.Tensor2D;
  /** g⁻¹: coordinates [b, dim] → data points [b, dim]. */
  inverse(z: tf.Tensor2D): tf.Tensor2D;
  readonly dim: number;
  /** The network and tag a blockChart runs (for exporters that rebuild it elsewhere); absent for identity charts. */
  readonly source?: { readonly block: Block; readonly tag: number | undefined };
}

export function identityChart(dim: number): Chart {
  return { dim, forward: (x) => tf.clone(x), inverse: (z) => tf.clone(z) };
}

const blockCharts = new WeakMap<Block, Map<number | undefined, Chart>>();

/**
 * An invertible network (a Block on [b, ...inputShape]) seen as a chart on flattened coordinates,
 * with its conditioning tag bound. The same (block, tag) always gives the same Chart object, so the
 * induced spaces of one network and tag are equal and those of different tags are not.
 */
export function blockChart(block: Block, tag?: number): Chart {
  let byTag = blockCharts.get(block);
  if (byTag === undefined) {
    byTag = new Map();
    blockCharts.set(block, byTag);
  }
  const hit = byTag.get(tag);
  if (hit !== undefined) return hit;
  const dim = sizeOf(block.inputShape);
  if (sizeOf(block.outputShape) !== dim) {
    throw new SpaceError("LIN1022", `a chart must keep the dimension: ${block.kind} maps [${block.inputShape.join(", ")}] to [${block.outputShape.join(", ")}]`);
  }
  const through = (x: tf.Tensor2D, from: readonly number[], run: (t: tf.Tensor) => tf.Tensor): tf.Tensor2D =>
    tf.tidy(() => tf.reshape(run(tf.reshape(x, [x.shape[0], ...from])), [x.shape[0], dim]) as tf.Tensor2D);
  const chart: Chart = {
    dim,
    source: { block, tag },
    forward: (x) => through(x, block.inputShape, (t) => block.forward(t, tag)),
    inverse: (z) => through(z, block.outputShape, (t) => block.inverse(t, tag)),
  };
  byTag.set(tag, chart);
  return chart;
}
