// Reading LPIPS and feature-network weights from a safetensors file named as the `lpips` package's state
// dict (architecture.ts gives the names). The widths are read from the file, not fixed: a convolution's
// output channels are its weight's first dimension, and every later shape is checked against them, so a
// full-width VGG16 and a reduced-width one of the same layer structure (the tests') load alike. Each bad
// tensor is a FormatError naming it and the shape expected: LIN1160 missing, LIN1161 wrong shape, LIN1162
// a name the network does not have, LIN1163 a negative head weight.
import { FormatError } from "../io/errors.js";
import { requireFinite } from "../io/finite.js";
import { numbersOf, type HostTensor } from "../io/host_tensor.js";
import type { SafetensorsFile } from "../io/safetensors.js";
import { ARCHITECTURES, convTensorName, headTensorName, type ConvLayer, type TrunkName } from "./architecture.js";

/** One convolution's parameters as PyTorch stores them: weight [out, in, k, k], bias [out]. */
export interface ConvWeights {
  readonly layer: ConvLayer;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

/** The input scaling of the `lpips` package's ScalingLayer: (x − shift)/scale per RGB channel, x in [−1, 1]. */
export interface InputScaling {
  readonly shift: readonly number[];
  readonly scale: readonly number[];
}

/**
 * lpips' ScalingLayer constants. In [0, 1] terms (x = 2u − 1) they are ImageNet's mean/std normalisation
 * (u − [.485, .456, .406])/[.229, .224, .225], which is what piq's LPIPS applies: the two definitions agree.
 */
export const LPIPS_SCALING: InputScaling = { shift: [-0.03, -0.088, -0.188], scale: [0.458, 0.448, 0.45] };

/** The weights of a trunk: its convolutions per slice, and the LPIPS heads where the file has (and the caller needs) them. */
export interface TrunkWeights {
  readonly net: TrunkName;
  readonly slices: readonly (readonly ConvWeights[])[];
  /** Per tap, the non-negative weight of each channel ([C] from [1, C, 1, 1]). */
  readonly heads: readonly Float32Array[] | undefined;
  readonly scaling: InputScaling;
}

const SCALING_NAMES = { shift: "scaling_layer.shift", scale: "scaling_layer.scale" } as const;

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** The tensor `name` as float32, of exactly `shape`; LIN1160 when absent, LIN1161 when shaped otherwise. */
function tensorOf(tensors: ReadonlyMap<string, HostTensor>, name: string, shape: readonly number[], file: string): Float32Array {
  const t = tensors.get(name);
  const where = { file, tensor: name };
  if (t === undefined) throw new FormatError("LIN1160", `missing; expected ${shapeText(shape)} (names as metrics.md lists them)`, where);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new FormatError("LIN1161", `shape ${shapeText(t.shape)}, expected ${shapeText(shape)}`, where);
  }
  requireFinite(t.data as ArrayLike<number | bigint>, t.shape, where);
  return Float32Array.from(numbersOf(t));
}

/** The output width of a convolution, from its weight's first dimension (so reduced-width trunks load). */
function outChannelsOf(tensors: ReadonlyMap<string, HostTensor>, name: string, layer: ConvLayer, inChannels: number, file: string): number {
  const t = tensors.get(name);
  const expected = [layer.channels, inChannels, layer.kernel, layer.kernel];
  if (t === undefined) throw new FormatError("LIN1160", `missing; expected ${shapeText(expected)} (names as metrics.md lists them)`, { file, tensor: name });
  const out = t.shape[0] ?? 0;
  return t.shape.length === 4 && out > 0 ? out : layer.channels;
}

/**
 * The weights of trunk `net` from a decoded safetensors file (`file` names it in errors). `heads`: read
 * and check the LPIPS heads (an LPIPS file), or ignore them if present (a feature network).
 */
export function trunkWeightsOf(st: SafetensorsFile, net: TrunkName, file: string, heads: boolean): TrunkWeights {
  const { tensors } = st;
  const known = new Set<string>(Object.values(SCALING_NAMES));
  let inChannels = 3;
  const slices = ARCHITECTURES[net].map((slice, s) =>
    slice.layers.flatMap((layer): ConvWeights[] => {
      if (layer.kind !== "conv") return [];
      const weightName = convTensorName(s, layer, "weight");
      const biasName = convTensorName(s, layer, "bias");
      known.add(weightName).add(biasName);
      const outChannels = outChannelsOf(tensors, weightName, layer, inChannels, file);
      const weight = tensorOf(tensors, weightName, [outChannels, inChannels, layer.kernel, layer.kernel], file);
      const bias = tensorOf(tensors, biasName, [outChannels], file);
      const conv = { layer, inChannels, outChannels, weight, bias };
      inChannels = outChannels;
      return [conv];
    }),
  );
  // lpips keeps its heads both as lin{t} and in the ModuleList lins, so a whole state dict names each
  // head twice (lin{t}.model.1.weight and lins.{t}.model.1.weight): either name is read.
  const headNames = slices.map((_, t) => (tensors.has(headTensorName(t)) || !tensors.has(headListName(t)) ? headTensorName(t) : headListName(t)));
  slices.forEach((_, t) => known.add(headTensorName(t)).add(headListName(t)));
  for (const name of tensors.keys()) {
    if (!known.has(name)) {
      throw new FormatError("LIN1162", `not a tensor of the ${net} ${heads ? "LPIPS" : "feature"} network (expected net.sliceK.I.weight/.bias, linT.model.1.weight)`, {
        file,
        tensor: name,
      });
    }
  }
  const headWeights = heads
    ? slices.map((convs, t) => {
        const width = convs[convs.length - 1]?.outChannels ?? 0;
        const w = tensorOf(tensors, headNames[t] ?? "", [1, width, 1, 1], file);
        const negative = w.findIndex((v) => v < 0);
        if (negative >= 0) throw new FormatError("LIN1163", `channel ${negative} has weight ${w[negative]}; LPIPS heads are non-negative`, { file, tensor: headNames[t] });
        return w;
      })
    : undefined;
  return { net, slices, heads: headWeights, scaling: scalingOf(tensors, file) };
}

/** The second name lpips' state dict gives head t (its ModuleList `lins`). */
function headListName(tap: number): string {
  return `lins.${tap}.model.1.weight`;
}

/** The file's scaling_layer buffers when it has them (a whole lpips state dict), else lpips' constants. */
function scalingOf(tensors: ReadonlyMap<string, HostTensor>, file: string): InputScaling {
  if (!tensors.has(SCALING_NAMES.shift) && !tensors.has(SCALING_NAMES.scale)) return LPIPS_SCALING;
  const shift = tensorOf(tensors, SCALING_NAMES.shift, [1, 3, 1, 1], file);
  const scale = tensorOf(tensors, SCALING_NAMES.scale, [1, 3, 1, 1], file);
  return { shift: Array.from(shift), scale: Array.from(scale) };
}
