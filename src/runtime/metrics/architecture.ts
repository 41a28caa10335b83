// The convolutional trunks LPIPS and the feature networks use, as the `lpips` package slices them
// (lpips/pretrained_networks.py): torchvision's VGG16 `features[0:30]` cut into five slices ending at
// relu1_2, relu2_2, relu3_3, relu4_3, relu5_3, and AlexNet's `features[0:12]` cut at its five ReLUs. Each
// convolution keeps its torchvision index inside its slice, so the weights are named as the lpips state
// dict names them: `net.slice{K}.{I}.weight` and `.bias`.

/** A 2-D convolution followed by a ReLU, as torchvision builds both trunks. */
export interface ConvLayer {
  readonly kind: "conv";
  /** Its index in torchvision's `features` (and in the lpips slice). */
  readonly index: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  /** Output channels of the standard (full-width) network, shown in errors about a missing tensor. */
  readonly channels: number;
}

/** Max pooling (or average pooling with `replacePooling`), no padding, floor division as PyTorch's default. */
export interface PoolLayer {
  readonly kind: "pool";
  readonly kernel: number;
  readonly stride: number;
}

/** One lpips slice: its layers, and the tap (LPIPS feature) at its end. */
export interface Slice {
  readonly layers: readonly (ConvLayer | PoolLayer)[];
  readonly tap: string;
}

/** The trunks Linea knows, by the names the `lpips` package gives them. */
export const TRUNK_NAMES = ["vgg16", "alexnet"] as const;
/** `vgg16` or `alexnet`. */
export type TrunkName = (typeof TRUNK_NAMES)[number];

const conv3 = (index: number, channels: number): ConvLayer => ({ kind: "conv", index, kernel: 3, stride: 1, padding: 1, channels });
const pool2: PoolLayer = { kind: "pool", kernel: 2, stride: 2 };
const pool3: PoolLayer = { kind: "pool", kernel: 3, stride: 2 };

/** The five slices of each trunk. */
export const ARCHITECTURES: Readonly<Record<TrunkName, readonly Slice[]>> = {
  vgg16: [
    { layers: [conv3(0, 64), conv3(2, 64)], tap: "relu1_2" },
    { layers: [pool2, conv3(5, 128), conv3(7, 128)], tap: "relu2_2" },
    { layers: [pool2, conv3(10, 256), conv3(12, 256), conv3(14, 256)], tap: "relu3_3" },
    { layers: [pool2, conv3(17, 512), conv3(19, 512), conv3(21, 512)], tap: "relu4_3" },
    { layers: [pool2, conv3(24, 512), conv3(26, 512), conv3(28, 512)], tap: "relu5_3" },
  ],
  alexnet: [
    { layers: [{ kind: "conv", index: 0, kernel: 11, stride: 4, padding: 2, channels: 64 }], tap: "relu1" },
    { layers: [pool3, { kind: "conv", index: 3, kernel: 5, stride: 1, padding: 2, channels: 192 }], tap: "relu2" },
    { layers: [pool3, { kind: "conv", index: 6, kernel: 3, stride: 1, padding: 1, channels: 384 }], tap: "relu3" },
    { layers: [{ kind: "conv", index: 8, kernel: 3, stride: 1, padding: 1, channels: 256 }], tap: "relu4" },
    { layers: [{ kind: "conv", index: 10, kernel: 3, stride: 1, padding: 1, channels: 256 }], tap: "relu5" },
  ],
};

/** The safetensors name of a convolution's weight or bias: `net.slice{K}.{I}.weight`, K from 1. */
export function convTensorName(slice: number, layer: ConvLayer, part: "weight" | "bias"): string {
  return `net.slice${slice + 1}.${layer.index}.${part}`;
}

/** The safetensors name of the LPIPS head of tap t (from 0): `lin{t}.model.1.weight` (model.0 is a Dropout). */
export function headTensorName(tap: number): string {
  return `lin${tap}.model.1.weight`;
}

/** The spatial size after a layer, PyTorch's floor((n + 2p − k)/s) + 1. */
export function outputSize(n: number, layer: ConvLayer | PoolLayer): number {
  const padding = layer.kind === "conv" ? layer.padding : 0;
  return Math.floor((n + 2 * padding - layer.kernel) / layer.stride) + 1;
}

/** The smallest square input size for which every layer of the trunk keeps at least one pixel. */
export function minimumInputSize(name: TrunkName): number {
  const fits = (n: number): boolean => {
    let size = n;
    for (const slice of ARCHITECTURES[name]) for (const layer of slice.layers) if ((size = outputSize(size, layer)) < 1) return false;
    return true;
  };
  let n = 1;
  while (!fits(n)) n++;
  return n;
}
