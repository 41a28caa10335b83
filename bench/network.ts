// Invertible-network benchmark: a Linearizer-sized g (D = 784, 4 affine couplings with hidden 512,
// depth 2, reverse permutations, tagged), forward + inverse on a batch of 256, per tfjs backend, next
// to PyTorch CPU running the same architecture with the same weights (bench/network_torch.py loads
// Linea's safetensors file through the renaming of docs/runtime.md) in the same run. One JSON line
// per backend:
//   {"bench":"network","backend":"wasm","ms":…,"reference":"torch-cpu","reference_ms":…,…}
// reference_ms is PyTorch at 1 thread (tfjs wasm runs 1 thread in Node); reference_ms_2_threads too.
// Backend `onnx` is the same network exported to ONNX (networkToOnnx: one graph, forward then inverse)
// on onnxruntime-node's CPU provider, one line per thread count (--threads, default 1,2) with
// "threads" and reference_ms = PyTorch at that thread count, in the same run.
// Usage: npm run bench -- network [--backends wasm,cpu,onnx] [--threads 1,2] [--runs 10] [--batch 256]
// (or standalone: npx tsx bench/network.ts …). The cpu backend takes ~10 s per pass: timed once.
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { createOnnxRunner } from "../src/runtime/backend/onnxRuntime.js";
import { selectBackend } from "../src/runtime/backend/select.js";
import { networkToOnnx } from "../src/runtime/onnx/index.js";
import { saveNpy } from "../src/runtime/io/npy.js";
import { saveNetwork } from "../src/runtime/io/network_io.js";
import { buildNetwork } from "../src/runtime/network/build.js";
import { Rng } from "../src/runtime/random.js";
import { NETWORK_COUPLINGS, NETWORK_D, NETWORK_DEPTH, NETWORK_HIDDEN, NETWORK_SPEC, NETWORK_TAG, timeForwardInverse } from "./lib/network_case.js";
import { flag, median, pythonWith } from "./lib/support.js";

const D = NETWORK_D;
const TAG = NETWORK_TAG;

async function timeBackend(backend: string, x: Float32Array, batch: number, runs: number): Promise<{ ms: number; roundTrip: number; y: Float32Array; description: string }> {
  const selected = await selectBackend(backend);
  // The same seed gives the same weights on every backend (host-side PRNG).
  const net = buildNetwork(NETWORK_SPEC, [D], 0, { outputGain: 1 });
  const xt = tf.tensor2d(x, [batch, D]);
  const { times, y, back } = await timeForwardInverse(net, xt, runs, backend === "cpu" ? 0 : 2);
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(back, xt))));
  const roundTrip = (await err.data())[0];
  const yData = (await y.data()) as Float32Array;
  tf.dispose([y, back, err, xt]);
  net.dispose();
  return { ms: median(times), roundTrip, y: yData, description: selected.description };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

/** The same network exported to ONNX, forward + inverse in one graph, on ONNX Runtime with `threads` threads. */
async function timeOnnx(x: Float32Array, batch: number, runs: number, threads: number): Promise<{ ms: number; roundTrip: number; y: Float32Array; description: string }> {
  await selectBackend("wasm");
  const net = buildNetwork(NETWORK_SPEC, [D], 0, { outputGain: 1 });
  const model = networkToOnnx(net, TAG).model;
  net.dispose();
  const runner = await createOnnxRunner(model, threads);
  try {
    const feeds = { x: { data: x, shape: [batch, D] } };
    for (let i = 0; i < 2; i++) await runner.run(feeds);
    const times: number[] = [];
    let out: Awaited<ReturnType<typeof runner.run>> = {};
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      out = await runner.run(feeds);
      times.push(performance.now() - t0);
    }
    const y = out.y?.data ?? new Float32Array(0);
    const back = out.back?.data ?? new Float32Array(0);
    let roundTrip = 0;
    for (let i = 0; i < x.length; i++) roundTrip = Math.max(roundTrip, Math.abs((back[i] ?? NaN) - (x[i] ?? 0)));
    return { ms: median(times), roundTrip, y, description: `onnxruntime-node CPU provider, ${threads} thread${threads === 1 ? "" : "s"}` };
  } finally {
    await runner.release();
  }
}

export default async function networkBenchmark(args: readonly string[]): Promise<void> {
  const backends = flag(args, "backends", "wasm,cpu").split(",");
  const threadCounts = flag(args, "threads", "1,2").split(",").map(Number);
  const runs = Number(flag(args, "runs", "10"));
  const batch = Number(flag(args, "batch", "256"));
  const x = Float32Array.from(new Rng(7).normalArray(batch * D));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "linea-bench-network-"));
  try {
    const results = [];
    let reference: Record<string, unknown> | undefined;
    for (const backend of backends) {
      const rs = [];
      // One thread count after another: timings run alone.
      if (backend === "onnx") for (const threads of threadCounts) rs.push({ threads, ...(await timeOnnx(x, batch, runs, threads)) });
      else rs.push({ threads: 1, ...(await timeBackend(backend, x, batch, backend === "cpu" ? 1 : runs)) });
      for (const r of rs) results.push({ backend, ...r });
      const r = rs[0];
      if (reference === undefined && r !== undefined) {
        // PyTorch on the same weights and input; Linea's forward output to compare against.
        await selectBackend(backend === "onnx" ? "wasm" : backend);
        const net = buildNetwork(NETWORK_SPEC, [D], 0, { outputGain: 1 });
        const weights = path.join(dir, "g.safetensors");
        await saveNetwork(net, weights);
        net.dispose();
        await saveNpy(path.join(dir, "x.npy"), { dtype: "F32", shape: [batch, D], data: x });
        await saveNpy(path.join(dir, "y.npy"), { dtype: "F32", shape: [batch, D], data: r.y });
        const py = pythonWith("torch");
        const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "network_torch.py");
        reference =
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
                    "--runs",
                    String(runs),
                    "--tag",
                    String(TAG),
                    "--threads",
                    [...new Set([1, 2, ...threadCounts])].join(","),
                  ],
                  {
                    encoding: "utf8",
                  },
                ),
              ) as Record<string, unknown>);
      }
    }
    for (const r of results) {
      // PyTorch at the thread count the line ran with (1 for tfjs, which runs one thread in Node).
      const at = reference?.[`ms_threads_${r.threads}`];
      const refMs = typeof at === "number" ? at : null;
      process.stdout.write(
        JSON.stringify({
          bench: "network",
          backend: r.backend,
          threads: r.threads,
          ms: Math.round(r.ms * 10) / 10,
          reference: "torch-cpu",
          reference_ms: refMs === null ? null : Math.round(refMs * 10) / 10,
          reference_ms_2_threads: typeof reference?.ms_threads_2 === "number" ? Math.round(reference.ms_threads_2 * 10) / 10 : null,
          ratio: refMs === null ? null : Math.round((r.ms / refMs) * 10) / 10,
          batch,
          D,
          couplings: NETWORK_COUPLINGS,
          hidden: NETWORK_HIDDEN,
          depth: NETWORK_DEPTH,
          roundtrip_max_abs: r.roundTrip,
          max_abs_diff_vs_torch: r === results[0] ? (reference?.max_abs_diff_forward_vs_linea ?? null) : undefined,
          // Every other line against the first one's forward output (the one PyTorch was compared with).
          max_abs_diff_vs_first: r === results[0] ? undefined : maxAbsDiff(r.y, results[0]?.y ?? new Float32Array(0)),
          torch_roundtrip_max_abs: reference?.torch_roundtrip_max_abs ?? null,
          max_abs_output: reference?.max_abs_value ?? null,
          description: r.description,
          reference_error: reference?.error ?? undefined,
        }) + "\n",
      );
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await networkBenchmark(process.argv.slice(2));
}
