// Seeded random LPIPS weights for the metric specs (test helper, not a spec): a trunk of the real layer
// structure at a reduced width (the standard channels ÷ `divisor`, so it runs in seconds), He-initialised
// so activations stay O(1) through the ReLUs, small biases, and non-negative heads uniform in [0, 1).
import type { HostTensor } from "../../../src/runtime/io/host_tensor.js";
import { ARCHITECTURES, convTensorName, headTensorName, type TrunkName } from "../../../src/runtime/metrics/architecture.js";
import { Rng } from "../../../src/runtime/random.js";

/** Tensors named as the lpips state dict, for trunk `net` at width ÷ `divisor`; with heads unless `heads` is false. */
export function randomLpipsTensors(net: TrunkName, divisor: number, seed: number, heads = true): Map<string, HostTensor> {
  const rng = new Rng(seed);
  const tensors = new Map<string, HostTensor>();
  let inChannels = 3;
  ARCHITECTURES[net].forEach((slice, s) => {
    for (const layer of slice.layers) {
      if (layer.kind !== "conv") continue;
      const out = Math.max(1, Math.round(layer.channels / divisor));
      const fanIn = inChannels * layer.kernel * layer.kernel;
      const weight = Float32Array.from({ length: out * fanIn }, () => rng.normal() * Math.sqrt(2 / fanIn));
      tensors.set(convTensorName(s, layer, "weight"), { dtype: "F32", shape: [out, inChannels, layer.kernel, layer.kernel], data: weight });
      tensors.set(convTensorName(s, layer, "bias"), { dtype: "F32", shape: [out], data: Float32Array.from({ length: out }, () => 0.1 * rng.normal()) });
      inChannels = out;
    }
    if (heads) tensors.set(headTensorName(s), { dtype: "F32", shape: [1, inChannels, 1, 1], data: Float32Array.from({ length: inChannels }, () => rng.uniform()) });
  });
  return tensors;
}

/** n images [n, 3, h, w] uniform in [lo, hi) and a perturbed copy (+ `noise`·N(0, 1)), seeded. */
export function randomImagePairs(n: number, h: number, w: number, lo: number, hi: number, noise: number, seed: number): { a: Float32Array; b: Float32Array; shape: number[] } {
  const rng = new Rng(seed);
  const a = rng.uniformArray(n * 3 * h * w, lo, hi);
  const b = Float32Array.from(a, (v) => v + noise * rng.normal());
  return { a, b, shape: [n, 3, h, w] };
}
