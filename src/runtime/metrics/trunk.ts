// A VGG16 or AlexNet trunk in tfjs, run on images [n, 3, H, W] (PyTorch's layout, as the .npy stacks
// and the rest of Linea store them): lpips' input scaling, then each slice's conv + ReLU and pooling,
// returning the five taps. The filters are constants, so gradients flow to the images only, through
// tf.conv2d's input gradient (Conv2DBackpropInput) and the pooling gradients, which every backend has.
import * as tf from "@tensorflow/tfjs-core";
import { ARCHITECTURES, minimumInputSize, type TrunkName } from "./architecture.js";
import { MetricError } from "./errors.js";
import type { InputScaling, TrunkWeights } from "./weights.js";

/** The range the images are in: lpips' default [−1, 1], or [0, 1] (lpips' `normalize=True`, and piq). */
export type InputRange = "-1,1" | "0,1";

/** The input ranges a trunk takes. */
export const INPUT_RANGES: readonly InputRange[] = ["-1,1", "0,1"];

/** How a trunk runs: the images' range, and whether pooling averages (piq's `replace_pooling=True`, the reference's LPIPS). */
export interface TrunkOptions {
  readonly range?: InputRange;
  readonly replacePooling?: boolean;
}

interface ConvTensors {
  readonly filter: tf.Tensor4D;
  readonly bias: tf.Tensor1D;
  readonly stride: number;
  readonly padding: number;
}

/** A trunk with its filters on the active backend; `dispose()` frees them. */
export class FeatureTrunk {
  readonly net: TrunkName;
  readonly range: InputRange;
  readonly replacePooling: boolean;
  /** Channels of each tap. */
  readonly tapWidths: readonly number[];
  private readonly slices: readonly (readonly (ConvTensors | { readonly pool: number; readonly stride: number })[])[];
  private readonly shift: tf.Tensor1D;
  private readonly scale: tf.Tensor1D;

  constructor(weights: TrunkWeights, options: TrunkOptions = {}) {
    this.net = weights.net;
    this.range = options.range ?? "-1,1";
    this.replacePooling = options.replacePooling ?? false;
    this.tapWidths = weights.slices.map((convs) => convs[convs.length - 1]?.outChannels ?? 0);
    const scaling: InputScaling = weights.scaling;
    this.shift = tf.tensor1d([...scaling.shift]);
    this.scale = tf.tensor1d([...scaling.scale]);
    this.slices = ARCHITECTURES[weights.net].map((slice, s) => {
      let next = 0;
      return slice.layers.map((layer) => {
        if (layer.kind === "pool") return { pool: layer.kernel, stride: layer.stride };
        const c = weights.slices[s]?.[next++];
        if (c === undefined) throw new Error(`trunk ${weights.net}: slice ${s + 1} has fewer convolutions than its architecture`);
        // PyTorch [out, in, kh, kw] → tfjs [kh, kw, in, out].
        const filter = tf.tidy(() => tf.transpose<tf.Tensor4D>(tf.tensor4d(c.weight, [c.outChannels, c.inChannels, layer.kernel, layer.kernel]), [2, 3, 1, 0]));
        return { filter, bias: tf.tensor1d(c.bias), stride: layer.stride, padding: layer.padding };
      });
    });
  }

  /** Checks that `images` are [n, 3, H, W] with H, W large enough for every pooling; LIN0952 otherwise. */
  checkImages(shape: readonly number[], what: string): void {
    const min = minimumInputSize(this.net);
    if (shape.length !== 4 || shape[1] !== 3) throw new MetricError("LIN0952", `${what}: shape [${shape.join(", ")}], expected [n, 3, H, W] (RGB, channels first)`);
    if ((shape[2] ?? 0) < min || (shape[3] ?? 0) < min) {
      throw new MetricError("LIN0952", `${what}: images ${shape[2]}×${shape[3]} are too small for ${this.net}, which needs at least ${min}×${min}`);
    }
  }

  /** The five taps (NHWC) of images [n, 3, H, W] in the trunk's range. Differentiable w.r.t. the images. */
  taps(images: tf.Tensor4D): tf.Tensor4D[] {
    this.checkImages(images.shape, "images");
    return tf.tidy(() => {
      const inMinusOneOne = this.range === "0,1" ? tf.sub(tf.mul(images, 2), 1) : images;
      let h = tf.div<tf.Tensor4D>(tf.sub(tf.transpose(inMinusOneOne, [0, 2, 3, 1]), this.shift), this.scale);
      const taps: tf.Tensor4D[] = [];
      for (const slice of this.slices) {
        for (const layer of slice) {
          if ("pool" in layer) {
            h = this.replacePooling ? tf.avgPool(h, layer.pool, layer.stride, "valid") : tf.maxPool(h, layer.pool, layer.stride, "valid");
          } else {
            h = tf.relu(tf.add<tf.Tensor4D>(tf.conv2d(h, layer.filter, layer.stride, layer.padding), layer.bias));
          }
        }
        taps.push(h);
      }
      return taps;
    });
  }

  /** Frees the filters. */
  dispose(): void {
    this.shift.dispose();
    this.scale.dispose();
    for (const slice of this.slices) for (const layer of slice) if (!("pool" in layer)) tf.dispose([layer.filter, layer.bias]);
  }
}
