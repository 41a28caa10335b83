// LPIPS as a training term (paper-notes §2.4: the reference's x1_rec and x1_pred_rec terms are
// piq.LPIPS(replace_pooling=True), VGG16 with average pooling, on [0, 1] images). The weights are the
// user's (`lpips = "lpips_vgg.safetensors"`, docs/metrics.md); the distance is the metric's own
// differentiable tfjs function (src/runtime/metrics/lpips.ts), so gradients reach the charts through it.
// Rows of the data space [C, H, W] are compared as images: C = 3 as RGB, C = 1 repeated to three
// channels (grey as RGB, what torchvision's Grayscale(3) gives, so a VGG trunk sees a grey picture).
import * as tf from "@tensorflow/tfjs-core";
import type { Location } from "../ast/source.js";
import { loadSafetensors } from "../runtime/io/safetensors.js";
import { asRgb, lpipsOf, minimumInputSize, type InputRange, type Lpips, type TrunkName } from "../runtime/metrics/index.js";
import { resolveDataPath } from "./dataPaths.js";
import type { DataContext, Dataset } from "./dataSource.js";
import { TrainError } from "./errors.js";

/** What a train section asks of LPIPS: `lpips = "file"`, `lpips_net`, `lpips_pooling`, `lpips_range`. */
export interface PerceptualSettings {
  /** The weights file as written (relative to the spec's folder). */
  readonly file: string;
  readonly net: TrunkName;
  /** `lpips_pooling = average` (the default: piq's replace_pooling, the reference's loss) or `max` (lpips' own). */
  readonly pooling: "average" | "max";
  /** `lpips_range` as written; absent: the data's own range (LIN0945 when the data has none). */
  readonly range?: "unit" | "symmetric";
  /** Where the section writes `lpips = …`, for the errors about it. */
  readonly location: Location;
}

const RANGES: Readonly<Record<"unit" | "symmetric", InputRange>> = { unit: "0,1", symmetric: "-1,1" };

/** The image shape [C, H, W] a chart's rows are compared at, or LIN0944 naming what does not fit. */
function imageShape(shape: readonly number[], net: TrunkName, where: string, location: Location): [number, number, number] {
  const [c, h, w] = shape;
  if (shape.length !== 3 || c === undefined || h === undefined || w === undefined || (c !== 1 && c !== 3)) {
    throw new TrainError("LIN0944", `${where}: LPIPS compares images [1 or 3, H, W]; the data space has shape [${shape.join(", ")}]`, { location });
  }
  const min = minimumInputSize(net);
  if (h < min || w < min) {
    throw new TrainError(
      "LIN0944",
      `${where}: LPIPS with ${net} needs images of at least ${min}×${min}; the data space is ${h}×${w} (use lpips_net = ${net === "vgg16" ? "alexnet" : "vgg16"}, or mse)`,
      {
        location,
      },
    );
  }
  return [c, h, w];
}

/** LPIPS between rows of one image space, as a training loss: mean over the batch of the per-pair distance. */
export class PerceptualLoss {
  private constructor(
    private readonly lpips: Lpips,
    private readonly shape: readonly [number, number, number],
  ) {}

  /**
   * Loads the weights named by `settings` (a path inside the project folder, as data paths are: LIN0910)
   * for rows of shape `shape`; the input range is `lpips_range` or the data's (LIN0945 when neither is known).
   */
  static async load(settings: PerceptualSettings, shape: readonly number[], dataset: Dataset, context: DataContext, where: string): Promise<PerceptualLoss> {
    const image = imageShape(shape, settings.net, where, settings.location);
    const range = settings.range === undefined ? rangeOf(dataset) : RANGES[settings.range];
    if (range === undefined) {
      throw new TrainError(
        "LIN0945",
        `${where}: LPIPS needs the images' range and data ${dataset.name} does not say it; write lpips_range = unit (pixels in [0, 1]) or lpips_range = symmetric ([−1, 1])`,
        { location: settings.location },
      );
    }
    const file = resolveDataPath(settings.file, { ...context, location: settings.location });
    const lpips = lpipsOf(await loadSafetensors(file), settings.net, file, { range, replacePooling: settings.pooling === "average" });
    return new PerceptualLoss(lpips, image);
  }

  /** mean over rows i of LPIPS(a[i], b[i]) for rows [n, C·H·W] of the image space; differentiable, the caller tidies. */
  mean(a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar {
    return tf.mean(this.lpips.distance(this.images(a), this.images(b)));
  }

  private images(rows: tf.Tensor2D): tf.Tensor4D {
    const [c, h, w] = this.shape;
    return asRgb(tf.reshape<tf.Rank.R4>(rows, [-1, c, h, w]));
  }

  /** Frees the trunk and heads. */
  dispose(): void {
    this.lpips.dispose();
  }
}

/** The range a data set's pixels lie in, when its source says it (mnist: [0, 1]; images: its normalize). */
function rangeOf(dataset: Dataset): InputRange | undefined {
  return dataset.range === undefined ? undefined : RANGES[dataset.range];
}
