// Gradients of the trunk's three kernels that tfjs-core's Node bundle does not register (it registers
// none; src/train/gradients.ts writes the elementwise and reduction ones training needs): Conv2D w.r.t.
// its input (Conv2DBackpropInput), MaxPool and AvgPool, following tfjs-core's own definitions
// (src/gradients/{Conv2D,MaxPool,AvgPool}_grad.ts). The filters are constants of the metric, so there is
// no filter gradient (wasm has no Conv2DBackpropFilter kernel either). A gradient someone else has
// already registered for one of these kernels is kept: registration is global.
import * as tf from "@tensorflow/tfjs-core";

type Attrs = tf.NamedAttrMap;
type Pad = "valid" | "same" | number;

function attr<T>(attrs: Attrs, name: string): T {
  return attrs[name] as unknown as T;
}

const configs: tf.GradConfig[] = [
  {
    kernelName: "Conv2D",
    inputsToSave: ["x", "filter"],
    gradFunc: (dy, [x, filter], attrs) => ({
      x: () =>
        tf.conv2dTranspose(
          dy as tf.Tensor4D,
          filter as tf.Tensor4D,
          x.shape as [number, number, number, number],
          attr<[number, number]>(attrs, "strides"),
          attr<Pad>(attrs, "pad"),
        ),
      filter: () => {
        throw new Error("conv2d: no filter gradient here (metric filters are constants)");
      },
    }),
  },
  {
    kernelName: "MaxPool",
    inputsToSave: ["x"],
    outputsToSave: [true],
    gradFunc: (dy, [x, y], attrs) => ({
      x: () =>
        tf.engine().runKernel("MaxPoolGrad", { dy: dy as tf.Tensor, input: x as tf.Tensor, output: y as tf.Tensor }, {
          filterSize: attrs.filterSize ?? 1,
          strides: attrs.strides ?? 1,
          pad: attrs.pad ?? "valid",
          dimRoundingMode: attrs.dimRoundingMode ?? null,
        } as unknown as Attrs) as tf.Tensor,
    }),
  },
  {
    kernelName: "AvgPool",
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs) => ({
      x: () =>
        tf.engine().runKernel("AvgPoolGrad", { dy: dy as tf.Tensor, input: x as tf.Tensor }, {
          filterSize: attrs.filterSize ?? 1,
          strides: attrs.strides ?? 1,
          pad: attrs.pad ?? "valid",
        } as unknown as Attrs) as tf.Tensor,
    }),
  },
];

/**
 * Registers the gradients of Conv2D (input only), MaxPool and AvgPool where none is registered, so
 * tf.grad flows through LPIPS to its images. The elementwise ops' gradients come with training's
 * (registerTrainingGradients of linea/train), which every training run registers.
 */
export function registerMetricGradients(): void {
  for (const c of configs) if (tf.getGradient(c.kernelName) === undefined) tf.registerGradient(c);
}
