// A feature network for FID and KID from user-supplied trunk weights: the trunk's last tap (relu5_3 of
// VGG16, relu5 of AlexNet), averaged over space, one row per image. Inception-v3 (the network published
// FIDs use) cannot be fetched here, so these numbers are comparable with each other, not with published
// FIDs; for those, extract Inception features elsewhere and give them as a .npy [n, 2048].
import * as tf from "@tensorflow/tfjs-core";
import { loadSafetensors } from "../io/safetensors.js";
import type { Matrix } from "../linalg/matrix.js";
import type { TrunkName } from "./architecture.js";
import { requireFiniteInput } from "./errors.js";
import { FeatureTrunk, type TrunkOptions } from "./trunk.js";
import { trunkWeightsOf } from "./weights.js";

/** Images per forward pass: bounds the memory of the taps (VGG16's first tap is 64·H·W floats per image). */
export const DEFAULT_FEATURE_BATCH = 16;

/** Features [n, C] of images [n, 3, H, W] (row-major data): the global average of the trunk's last tap, float64 on the host. */
export async function imageFeatures(trunk: FeatureTrunk, images: Float32Array, shape: readonly number[], batch = DEFAULT_FEATURE_BATCH): Promise<Matrix> {
  trunk.checkImages(shape, "images");
  requireFiniteInput(images, "images");
  const [n = 0, c = 0, h = 0, w = 0] = shape;
  const width = trunk.tapWidths[trunk.tapWidths.length - 1] ?? 0;
  const out = new Float64Array(n * width);
  for (let start = 0; start < n; start += batch) {
    const count = Math.min(batch, n - start);
    const pooled = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * c * h * w, (start + count) * c * h * w), [count, c, h, w]);
      const taps = trunk.taps(x);
      return tf.mean(taps[taps.length - 1] as tf.Tensor4D, [1, 2]);
    });
    out.set(await pooled.data(), start * width);
    pooled.dispose();
  }
  return { rows: n, cols: width, data: out };
}

/** A feature trunk from a safetensors file of trunk weights (LPIPS heads in it are ignored). */
export async function loadFeatureTrunk(file: string, net: TrunkName = "vgg16", options: TrunkOptions = {}): Promise<FeatureTrunk> {
  return new FeatureTrunk(trunkWeightsOf(await loadSafetensors(file), net, file, false), options);
}
