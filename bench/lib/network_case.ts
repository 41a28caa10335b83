// The network benchmark's case, shared by bench/network.ts (wasm/cpu beside PyTorch CPU) and
// bench/gpu/entry.ts (webgpu beside PyTorch CUDA); a helper module, not a benchmark (bench/run.ts lists
// only bench/*.ts): a Linearizer-sized g, D = 784, 4 tagged affine
// couplings with hidden 512, depth 2, reverse permutations (bench/network_torch.py's defaults mirror it),
// timed forward + inverse.
import * as tf from "@tensorflow/tfjs-core";
import type { Block } from "../../src/runtime/network/block.js";
import type { NetworkSpec } from "../../src/runtime/network/spec.js";

export const NETWORK_D = 784;
export const NETWORK_COUPLINGS = 4;
export const NETWORK_HIDDEN = 512;
export const NETWORK_DEPTH = 2;
export const NETWORK_TAG = 1;
export const NETWORK_SPEC: NetworkSpec = {
  tagged: true,
  blocks: [
    {
      kind: "repeat",
      count: NETWORK_COUPLINGS,
      body: [
        { kind: "affine_coupling", hidden: NETWORK_HIDDEN, depth: NETWORK_DEPTH, activation: "relu", scale_bound: 2 },
        { kind: "permute", mode: "reverse" },
      ],
    },
  ],
};

/**
 * Times `runs` forward + inverse passes of `net` on `x` after `warmup` untimed ones. Returns each pass's
 * time and the last pass's [forward, round trip] tensors, which the caller owns and disposes.
 */
export async function timeForwardInverse(net: Block, x: tf.Tensor, runs: number, warmup: number): Promise<{ times: number[]; y: tf.Tensor; back: tf.Tensor }> {
  const pass = async (): Promise<[tf.Tensor, tf.Tensor]> => {
    const y = net.forward(x, NETWORK_TAG);
    const back = net.inverse(y, NETWORK_TAG);
    await back.data(); // wait for the device
    return [y, back];
  };
  for (let i = 0; i < warmup; i++) tf.dispose(await pass());
  const times: number[] = [];
  let last: [tf.Tensor, tf.Tensor] | undefined;
  for (let i = 0; i < runs; i++) {
    if (last) tf.dispose(last);
    const t0 = performance.now();
    last = await pass();
    times.push(performance.now() - t0);
  }
  if (!last) throw new Error("timeForwardInverse needs runs ≥ 1");
  return { times, y: last[0], back: last[1] };
}
