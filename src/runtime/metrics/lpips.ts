// LPIPS (Zhang et al. 2018, the `lpips` package's version 0.1): for each tap of the trunk, unit-normalise
// every pixel's channel vector (x/(‖x‖ + 1e-10)), square the difference of the two images' normalised
// features, weight the channels by the non-negative 1×1 head, average over space, and sum over the taps.
// piq's LPIPS(replace_pooling=True), the reference's training loss, is the same with average pooling
// (TrunkOptions.replacePooling) on [0, 1] inputs (range "0,1"). It is a tfjs function of the images, so
// tf.grad through it trains a network with LPIPS as a loss.
import * as tf from "@tensorflow/tfjs-core";
import { loadSafetensors, type SafetensorsFile } from "../io/safetensors.js";
import type { TrunkName } from "./architecture.js";
import { MetricError } from "./errors.js";
import { registerMetricGradients } from "./gradients.js";
import { FeatureTrunk, type TrunkOptions } from "./trunk.js";
import { trunkWeightsOf, type TrunkWeights } from "./weights.js";

/** lpips' normalize_tensor epsilon, added to the norm (not under the square root). */
export const LPIPS_NORM_EPS = 1e-10;

/**
 * x/(‖x‖ + ε) over the channels of each pixel (lpips' normalize_tensor), with its exact gradient
 * g/(‖x‖ + ε) − x·(xᵀg)/(‖x‖·(‖x‖ + ε)²). Written out because autodiff through sqrt gives 0·∞ = NaN at
 * a pixel whose channels are all zero (ReLU often zeroes a whole pixel of a narrow tap), where the true
 * derivative is g/ε: the second term vanishes there, as x does.
 */
const unitChannels = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const norm = tf.sqrt(tf.sum(tf.square(x), -1, true));
  save([x, norm]);
  return {
    value: tf.div(x, tf.add(norm, LPIPS_NORM_EPS)),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, n] = saved as [tf.Tensor, tf.Tensor];
      const denominator = tf.add(n, LPIPS_NORM_EPS);
      const g = dy as tf.Tensor;
      const along = tf.sum(tf.mul(xs, g), -1, true);
      // x/‖x‖ with a float32-normal stand-in for ‖x‖ = 0, which happens only where x = 0 (so the term is 0 there).
      const direction = tf.div(xs, tf.maximum(n, 1e-30));
      return tf.sub(tf.div(g, denominator), tf.div(tf.mul(direction, along), tf.square(denominator)));
    },
  };
}) as (x: tf.Tensor4D) => tf.Tensor4D;

/** LPIPS with its trunk and heads on the active backend; `dispose()` frees them. */
export class Lpips {
  readonly trunk: FeatureTrunk;
  private readonly heads: readonly tf.Tensor1D[];

  /** From weights with heads (trunkWeightsOf(…, heads = true)). */
  constructor(weights: TrunkWeights, options: TrunkOptions = {}) {
    if (weights.heads === undefined) throw new Error("Lpips: the weights were read without their heads");
    registerMetricGradients(); // so tf.grad reaches the images through the trunk's convolutions and pooling
    this.trunk = new FeatureTrunk(weights, options);
    this.heads = weights.heads.map((h) => tf.tensor1d(h));
  }

  /** Per pair, the LPIPS distance of images a[i] and b[i] ([n, 3, H, W] each, same shape): a tensor [n]. Differentiable. */
  distance(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor1D {
    if (a.shape.some((d, i) => d !== b.shape[i])) {
      throw new MetricError("LIN0952", `the two image batches differ in shape: [${a.shape.join(", ")}] and [${b.shape.join(", ")}]; LPIPS compares pairs`);
    }
    this.trunk.checkImages(a.shape, "first images");
    return tf.tidy(() => {
      // One pass over both batches: the trunk's cost is per image, and this halves the kernel launches.
      const taps = this.trunk.taps(tf.concat([a, b], 0));
      const n = a.shape[0];
      const perTap = taps.map((t, k) => {
        const unit = unitChannels(t);
        const [ua, ub] = tf.split(unit, [n, n], 0);
        const head = this.heads[k];
        if (head === undefined || ua === undefined || ub === undefined) throw new Error("Lpips: a tap without its head");
        return tf.mean(tf.sum(tf.mul(tf.squaredDifference(ua, ub), head), -1), [1, 2]);
      });
      return tf.addN(perTap) as tf.Tensor1D;
    });
  }

  /** Frees the trunk and heads. */
  dispose(): void {
    this.trunk.dispose();
    tf.dispose([...this.heads]);
  }
}

/** LPIPS from a decoded safetensors file of trunk and heads (`file` names it in errors). */
export function lpipsOf(st: SafetensorsFile, net: TrunkName, file: string, options: TrunkOptions = {}): Lpips {
  return new Lpips(trunkWeightsOf(st, net, file, true), options);
}

/** LPIPS from a safetensors file named as the `lpips` package's state dict (metrics.md). */
export async function loadLpips(file: string, net: TrunkName = "vgg16", options: TrunkOptions = {}): Promise<Lpips> {
  return lpipsOf(await loadSafetensors(file), net, file, options);
}
