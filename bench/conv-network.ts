// Convolutional-network benchmark (issue 11): the reference's g at CelebA scale, R[3, 64, 64]: squeeze,
// 4 × [actnorm, affine coupling pair with SongUNet conditioners (the reference's settings: 16 channels,
// 2 levels, 2 blocks, attention at 16, 16-channel tag embedding), clamp ±5, inv_dense(param = matrix)],
// unsqueeze — 884,864 parameters, as the reference's. Batch 16, tag 1. Two JSON lines:
//   {"bench":"conv-network","case":"forward_inverse","ms":…,"reference":"torch-cpu","reference_ms":…,"ratio":…,
//    "max_abs_diff_vs_torch":…}
//   {"bench":"conv-network","case":"train_step",…,"peak_rss_mb":…}  (forward, mse to 0, backward, Adam step)
// PyTorch CPU (bench/conv_network_torch.py) loads the same weights from Linea's safetensors file through
// the rename map written there, on the same input, in the same run; reference_ms is torch at 1 thread
// (tfjs wasm runs 1 thread in Node), reference_ms_2_threads beside it.
// Usage: npm run bench -- conv-network [--runs 3] [--batch 16] [--train-batch 16] [--size 64] [--gain 0.1] [--profile]
// (--profile: tfjs's per-kernel times of one forward + inverse, the top 12, on stderr.)
import { execFileSync } from "node:child_process";
import { promises as fs, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "../src/runtime/backend/select.js";
import { saveNpy } from "../src/runtime/io/npy.js";
import { saveNetwork } from "../src/runtime/io/network_io.js";
import { buildNetwork } from "../src/runtime/network/build.js";
import type { NetworkSpec } from "../src/runtime/network/spec.js";
import { CONV_CONDITIONER_DEFAULTS } from "../src/runtime/network/spec.js";
import { Rng } from "../src/runtime/random.js";
import { registerTrainingGradients } from "../src/train/gradients.js";
import { timeForwardInverse } from "./lib/network_case.js";
import { flag, median, pythonWith } from "./lib/support.js";

const BLOCKS = 4;
const TAG = 1;
/** The reference's scale bound, and its InvUnetBlock (paper-notes §2.2). */
const SPEC: NetworkSpec = {
  tagged: true,
  blocks: [
    { kind: "squeeze" },
    {
      kind: "repeat",
      count: BLOCKS,
      body: [
        { kind: "actnorm" },
        { kind: "affine_coupling", conditioner: { kind: "unet" }, mask: "channel", scale: "clamp", scale_bound: 5 },
        { kind: "inv_dense", param: "matrix" },
      ],
    },
    { kind: "unsqueeze" },
  ],
};

/** The process's peak resident set (VmHWM) in MiB, from /proc (Linux); undefined elsewhere. */
function peakRssMb(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** Top kernels of one forward + inverse by time, for "where the time goes". */
async function profile(net: ReturnType<typeof buildNetwork>, x: tf.Tensor): Promise<void> {
  const info = await tf.profile(() => {
    const y = net.forward(x, TAG);
    const b = net.inverse(y, TAG);
    tf.dispose(y);
    return b;
  });
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0));
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  const top = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 12);
  process.stderr.write(`profile: ${info.kernels.length} kernel calls, ${total.toFixed(0)} ms in kernels\n`);
  for (const [name, ms] of top) process.stderr.write(`  ${name.padEnd(24)} ${ms.toFixed(0).padStart(7)} ms  ${((100 * ms) / total).toFixed(1)}%\n`);
}

export default async function convNetworkBenchmark(args: readonly string[]): Promise<void> {
  const runs = Number(flag(args, "runs", "3"));
  const batch = Number(flag(args, "batch", "16"));
  // The training step's batch (default: the same): at 16 the step exhausts tfjs-wasm's 4 GiB heap (see docs/benchmarks.md).
  const trainBatch = Number(flag(args, "train-batch", String(batch)));
  const size = Number(flag(args, "size", "64"));
  const shape = [3, size, size];
  const d = 3 * size * size;
  const selected = await selectBackend("wasm");
  registerTrainingGradients(); // the kernels the trainer differentiates through, as linea train registers them
  const x = Float32Array.from(new Rng(7).normalArray(batch * d));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "linea-bench-conv-"));
  try {
    // outputGain 0.1 (--gain): the conditioners' last convs at a tenth of their normal init, so that every
    // coupling is well away from the identity (the reference's 1e-5 would hide a wrong UNet from the torch
    // comparison) while the clamp-5 log-scales stay moderate (gain 1 stacks e^±5 scales: |y| ~ 1e6).
    const gain = Number(flag(args, "gain", "0.1"));
    const net = buildNetwork(SPEC, shape, 0, { outputGain: gain });
    const xt = tf.tensor(x, [batch, ...shape]);
    net.initialize(xt, TAG);
    process.stderr.write(`conv-network: ${selected.description}, batch ${batch}, [${shape.join(", ")}], timing forward + inverse…\n`);
    const { times, y, back } = await timeForwardInverse(net, xt, runs, 1);
    const roundTrip = (await tf.tidy(() => tf.max(tf.abs(tf.sub(back, xt)))).data())[0];
    const yData = (await y.data()) as Float32Array;
    tf.dispose([y, back]);
    if (args.includes("--profile")) await profile(net, xt);

    // One training step as the trainer takes it: dropout on, forward, loss, gradients of every parameter, Adam.
    process.stderr.write("conv-network: timing a training step…\n");
    const weights = path.join(dir, "g.safetensors");
    await saveNetwork(net, weights);
    const variables = [...net.parameters().values()].map((p) => p.variable);
    const optimizer = tf.train.adam(1e-4);
    const xTrain = tf.slice(xt, [0, 0, 0, 0], [trainBatch, ...shape]);
    const step = async (): Promise<void> => {
      const loss = optimizer.minimize(() => tf.mean(tf.square(net.forward(xTrain, TAG))) as tf.Scalar, true, variables);
      await loss?.data();
      loss?.dispose();
    };
    const trainTimes: number[] = [];
    let trainError: string | undefined;
    net.setTraining(true);
    try {
      await step();
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await step();
        trainTimes.push(performance.now() - t0);
      }
    } catch (e) {
      // tfjs-wasm's heap is 32-bit: a step whose saved activations pass 4 GiB aborts inside the kernel.
      trainError = `training step at batch ${trainBatch} failed on wasm: ${e instanceof Error ? e.message : String(e)}`;
      process.stderr.write(`conv-network: ${trainError}\n`);
    }
    net.setTraining(false);
    xTrain.dispose();
    const rss = peakRssMb();
    optimizer.dispose();
    xt.dispose();
    net.dispose();

    await saveNpy(path.join(dir, "x.npy"), { dtype: "F32", shape: [batch, ...shape], data: x });
    await saveNpy(path.join(dir, "y.npy"), { dtype: "F32", shape: [batch, ...shape], data: yData });
    const py = pythonWith("torch");
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "conv_network_torch.py");
    const config = JSON.stringify({ shape, blocks: BLOCKS, unet: { arch: "unet", ...CONV_CONDITIONER_DEFAULTS.unet } });
    process.stderr.write("conv-network: PyTorch on the same weights…\n");
    const reference: Record<string, unknown> =
      py === undefined
        ? { error: "no python with torch (apt-get install python3-torch libopenblas0-pthread)" }
        : (JSON.parse(
            execFileSync(
              py,
              [
                script,
                "--weights",
                weights,
                "--x",
                path.join(dir, "x.npy"),
                "--y",
                path.join(dir, "y.npy"),
                "--config",
                config,
                "--runs",
                String(runs),
                "--tag",
                String(TAG),
                "--train-batch",
                String(trainBatch),
              ],
              {
                encoding: "utf8",
                maxBuffer: 1 << 26,
              },
            ),
          ) as Record<string, unknown>);
    const num = (k: string): number | null => (typeof reference[k] === "number" ? (reference[k] as number) : null);
    const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);
    const line = (kind: string, ms: number, ref: number | null, ref2: number | null, extra: Record<string, unknown>): string =>
      JSON.stringify({
        bench: "conv-network",
        case: kind,
        backend: "wasm",
        ms: round(ms),
        reference: "torch-cpu",
        reference_ms: round(ref),
        reference_ms_2_threads: round(ref2),
        ratio: ref === null ? null : Math.round((ms / ref) * 100) / 100,
        batch,
        shape,
        parameters: variables.reduce((a, v) => a + v.size, 0),
        ...extra,
        description: selected.description,
        reference_error: reference.error ?? undefined,
      }) + "\n";
    process.stdout.write(
      line("forward_inverse", median(times), num("ms_threads_1"), num("ms_threads_2"), {
        max_abs_diff_vs_torch: num("max_abs_diff_forward_vs_linea"),
        roundtrip_max_abs: roundTrip,
        max_abs_output: yData.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
        gain,
        torch_roundtrip_max_abs: num("torch_roundtrip_max_abs"),
      }),
    );
    process.stdout.write(
      line("train_step", median(trainTimes), num("train_ms_threads_1"), num("train_ms_threads_2"), {
        train_batch: trainBatch,
        peak_rss_mb: rss ?? null,
        ...(trainError === undefined ? {} : { error: trainError }),
      }),
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await convNetworkBenchmark(process.argv.slice(2));
}
