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

/** Image pairs a pass of `Lpips.distancesOf` by default: a VGG16 pass over 2·16 images of 64×64 stays well under 1 GB. */
export const DEFAULT_LPIPS_BATCH = 16;

/**
 * Images [n, 1 or 3, H, W] as RGB: a grey channel repeated three times (torchvision's Grayscale(3)), so a
 * trunk trained on RGB sees a grey picture; RGB as it is; other channel counts are LIN0952.
 */
export function asRgb(images: tf.Tensor4D, what = "images"): tf.Tensor4D {
  requireImageChannels(images.shape, what);
  return images.shape[1] === 3 ? images : tf.tile(images, [1, 3, 1, 1]);
}

/** LIN0952 unless `shape` is [n, 1 or 3, H, W]. */
function requireImageChannels(shape: readonly number[], what: string): void {
  if (shape.length === 4 && (shape[1] === 1 || shape[1] === 3)) return;
  throw new MetricError("LIN0952", `${what}: shape [${shape.join(", ")}], expected [n, 3, H, W] (RGB) or [n, 1, H, W] (grey), channels first`);
}

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

  /**
   * Per pair, LPIPS of host images a[i], b[i] of shape `shape` = [C, H, W] (C = 1 is compared as grey RGB,
   * asRgb), `batch` pairs a network pass; not differentiable (for evaluation).
   */
  async distancesOf(a: Float32Array, b: Float32Array, shape: readonly number[], what: string, batch = DEFAULT_LPIPS_BATCH): Promise<number[]> {
    const size = shape.reduce((s, d) => s * d, 1);
    const n = size === 0 ? 0 : a.length / size;
    if (shape.length !== 3 || a.length !== b.length || !Number.isInteger(n)) {
      throw new MetricError("LIN0952", `${what}: ${a.length} and ${b.length} values do not make pairs of images [${shape.join(", ")}]`);
    }
    requireImageChannels([n, ...shape], what);
    this.trunk.checkImages([n, 3, shape[1] ?? 0, shape[2] ?? 0], what);
    const distances: number[] = [];
    for (let start = 0; start < n; start += batch) {
      const count = Math.min(batch, n - start);
      const dims = [count, ...shape] as [number, number, number, number];
      const rows = (x: Float32Array): tf.Tensor4D => asRgb(tf.tensor4d(x.subarray(start * size, (start + count) * size), dims), what);
      const d = tf.tidy(() => this.distance(rows(a), rows(b)));
      distances.push(...(await d.data()));
      d.dispose();
    }
    return distances;
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
