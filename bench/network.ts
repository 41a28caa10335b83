// Invertible-network benchmark: a Linearizer-sized g (D = 784, 4 affine couplings with hidden 512,
// depth 2, reverse permutations, tagged), forward + inverse on a batch of 256, per tfjs backend, next
// to PyTorch CPU running the same architecture with the same weights (bench/network_torch.py loads
// Linea's safetensors file through the renaming of docs/runtime.md) in the same run. One JSON line
// per backend:
//   {"bench":"network","backend":"wasm","ms":…,"reference":"torch-cpu","reference_ms":…,…}
// reference_ms is PyTorch at 1 thread (tfjs wasm runs 1 thread in Node); reference_ms_2_threads too.
// Usage: npm run bench -- network [--backends wasm,cpu] [--runs 10] [--batch 256]
// (or standalone: npx tsx bench/network.ts …). The cpu backend takes ~10 s per pass: timed once.
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "../src/runtime/backend/select.js";
import { saveNpy } from "../src/runtime/io/npy.js";
import { saveNetwork } from "../src/runtime/io/network_io.js";
import { buildNetwork } from "../src/runtime/network/build.js";
import { Rng } from "../src/runtime/network/random.js";
import type { NetworkSpec } from "../src/runtime/network/spec.js";

const D = 784;
const COUPLINGS = 4;
const HIDDEN = 512;
const DEPTH = 2;
const BOUND = 2;
const TAG = 1;
const SPEC: NetworkSpec = {
  tagged: true,
  blocks: [
    {
      kind: "repeat",
      count: COUPLINGS,
      body: [{ kind: "affine_coupling", hidden: HIDDEN, depth: DEPTH, activation: "relu", scale_bound: BOUND }, { kind: "permute", mode: "reverse" }],
    },
  ],
};

function option(argv: readonly string[], flag: string, fallback: string): string {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** The Python with torch: LINEA_TORCH_PYTHON, Debian's /usr/bin/python3 (python3-torch), or python3. */
function torchPython(): string | undefined {
  const candidates = [process.env.LINEA_TORCH_PYTHON, "/usr/bin/python3", "python3"].filter((p): p is string => p !== undefined && p !== "");
  for (const p of candidates) {
    try {
      execFileSync(p, ["-c", "import torch"], { stdio: "ignore" });
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

async function timeBackend(backend: string, x: Float32Array, batch: number, runs: number): Promise<{ ms: number; roundTrip: number; y: Float32Array; description: string }> {
  const selected = await selectBackend(backend);
  // The same seed gives the same weights on every backend (host-side PRNG).
  const net = buildNetwork(SPEC, [D], 0, { outputGain: 1 });
  const xt = tf.tensor2d(x, [batch, D]);
  const pass = async (): Promise<tf.Tensor[]> => {
    const y = net.forward(xt, TAG);
    const back = net.inverse(y, TAG);
    await back.data(); // wait for the device
    return [y, back];
  };
  const warm = backend === "cpu" ? 0 : 2;
  for (let i = 0; i < warm; i++) tf.dispose(await pass());
  const times: number[] = [];
  let last: tf.Tensor[] = [];
  for (let i = 0; i < runs; i++) {
    tf.dispose(last);
    const t0 = performance.now();
    last = await pass();
    times.push(performance.now() - t0);
  }
  const [y, back] = last;
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(back, xt))));
  const roundTrip = (await err.data())[0];
  const yData = (await y.data()) as Float32Array;
  tf.dispose([...last, err, xt]);
  net.dispose();
  return { ms: median(times), roundTrip, y: yData, description: selected.description };
}

export default async function networkBenchmark(args: readonly string[]): Promise<void> {
  const backends = option(args, "--backends", "wasm,cpu").split(",");
  const runs = Number(option(args, "--runs", "10"));
  const batch = Number(option(args, "--batch", "256"));
  const x = Float32Array.from(new Rng(7).normalArray(batch * D));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "linea-bench-network-"));
  try {
    const results = [];
    let reference: Record<string, unknown> | undefined;
    for (const backend of backends) {
      const r = await timeBackend(backend, x, batch, backend === "cpu" ? 1 : runs);
      results.push({ backend, ...r });
      if (reference === undefined) {
        // PyTorch on the same weights and input; Linea's forward output to compare against.
        await selectBackend(backend);
        const net = buildNetwork(SPEC, [D], 0, { outputGain: 1 });
        const weights = path.join(dir, "g.safetensors");
        await saveNetwork(net, weights);
        net.dispose();
        await saveNpy(path.join(dir, "x.npy"), { dtype: "F32", shape: [batch, D], data: x });
        await saveNpy(path.join(dir, "y.npy"), { dtype: "F32", shape: [batch, D], data: r.y });
        const py = torchPython();
        const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "network_torch.py");
        reference = py === undefined
          ? { error: "no python with torch (apt-get install python3-torch libopenblas0-pthread)" }
          : (JSON.parse(
              execFileSync(py, [script, "--weights", weights, "--x", path.join(dir, "x.npy"), "--y", path.join(dir, "y.npy"), "--runs", String(runs), "--tag", String(TAG)], { encoding: "utf8" }),
            ) as Record<string, unknown>);
      }
    }
    for (const r of results) {
      const refMs = typeof reference?.ms_threads_1 === "number" ? reference.ms_threads_1 : null;
      process.stdout.write(
        JSON.stringify({
          bench: "network",
          backend: r.backend,
          ms: Math.round(r.ms * 10) / 10,
          reference: "torch-cpu",
          reference_ms: refMs === null ? null : Math.round(refMs * 10) / 10,
          reference_ms_2_threads: typeof reference?.ms_threads_2 === "number" ? Math.round(reference.ms_threads_2 * 10) / 10 : null,
          ratio: refMs === null ? null : Math.round((r.ms / refMs) * 10) / 10,
          batch,
          D,
          couplings: COUPLINGS,
          hidden: HIDDEN,
          depth: DEPTH,
          roundtrip_max_abs: r.roundTrip,
          max_abs_diff_vs_torch: reference?.max_abs_diff_forward_vs_linea ?? null,
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
