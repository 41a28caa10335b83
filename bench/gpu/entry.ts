// GPU machine entry point (bundled by bench/gpu/pack.sh, run by bench/gpu/run.sh): on the webgpu
// backend, (1) the runtime's conformance checks — networks round trip within their derived tolerance,
// operators against their float64 oracle within the float32 rounding model, each with a control that
// must fail — and (2) the network benchmark of bench/network.ts. One JSON line per result on stdout:
//   {"kind":"adapter",…} {"kind":"check",…}… {"bench":"network","backend":"webgpu",…} {"kind":"summary",…}
// A software adapter (lavapipe, llvmpipe, SwiftShader) is refused (exit 3) so that its numbers are never
// reported as a GPU's; LINEA_GPU_ALLOW_SOFTWARE=1 allows it for a dry run, and the lines then say
// "software":true. Exit 1 when a check fails.
// Usage: node entry.mjs [--out DIR] [--runs 10] [--batch 256]
//        node entry.mjs --probe   (only the adapter line; exit 0 with an adapter, 2 without)
//   --out DIR: writes g.safetensors, x.npy, y.npy (the benchmark's weights, input and webgpu forward
//   output) for bench/network_torch.py --device cuda.

import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "../../src/runtime/backend/select.js";
import { probeWebGpuAdapter, yieldToWebGpu } from "../../src/runtime/backend/webgpu.js";
import { saveNpy } from "../../src/runtime/io/npy.js";
import { saveNetwork } from "../../src/runtime/io/network_io.js";
import { frobeniusNorm, matmul, matrix, subtract, transpose, type Matrix } from "../../src/runtime/linalg/index.js";
import { buildNetwork } from "../../src/runtime/network/build.js";
import { Rng } from "../../src/runtime/random.js";
import type { NetworkSpec } from "../../src/runtime/network/spec.js";
import { NETWORK_COUPLINGS, NETWORK_D, NETWORK_DEPTH, NETWORK_HIDDEN, NETWORK_SPEC, timeForwardInverse } from "../lib/network_case.js";
import { flag, flagValue, median } from "../lib/support.js";
import { apply, applyTranspose, type LinearOperator } from "../../src/runtime/operator/index.js";
import { maxAbsDiff, roundTripTolerance, seededNormal } from "../../spec/runtime/network/tolerance.js";
import { apply32Tolerance, makeOperator, oracleOf, randomBatch, SQUARE_KINDS, toTensor2D } from "../../spec/runtime/operator/support.js";

const D = NETWORK_D;

function emit(line: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(line) + "\n");
}

interface CheckResult {
  readonly suite: string;
  readonly name: string;
  readonly pass: boolean;
  readonly error: number;
  readonly tol: number;
  /** The control (a deliberately wrong result) must exceed tol; false = the check cannot fail. */
  readonly controlCaught: boolean;
}

// Networks of every block kind (as in spec/runtime/network/stack.spec.ts), small enough for a
// software adapter in a dry run.
const NETWORKS: { name: string; spec: NetworkSpec; shape: number[] }[] = [
  {
    name: "squeeze+actnorm+inv_dense+affine+permute+additive [1,4,4]",
    spec: {
      tagged: true,
      blocks: [
        { kind: "squeeze" },
        { kind: "actnorm" },
        { kind: "inv_dense" },
        { kind: "affine_coupling", hidden: 8 },
        { kind: "permute", mode: "random" },
        { kind: "additive_coupling", hidden: 8 },
      ],
    },
    shape: [1, 4, 4],
  },
  {
    name: "affine couplings depth 2, tanh, reverse [12]",
    spec: {
      tagged: false,
      blocks: [
        { kind: "affine_coupling", hidden: 32, depth: 2, activation: "tanh", scale_bound: 1 },
        { kind: "permute", mode: "reverse" },
        { kind: "affine_coupling", hidden: 32, depth: 2 },
      ],
    },
    shape: [12],
  },
  {
    name: "inv_dense+actnorm+additive [3,2,2]",
    spec: { tagged: true, blocks: [{ kind: "inv_dense" }, { kind: "actnorm" }, { kind: "additive_coupling", hidden: 16, depth: 1 }] },
    shape: [3, 2, 2],
  },
];

async function networkRoundTrips(): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const [k, c] of NETWORKS.entries()) {
    const seed = 100 + k;
    const net = buildNetwork(c.spec, c.shape, seed, { outputGain: 0.5 });
    const tag = c.spec.tagged ? 1 : undefined;
    const x = seededNormal([16, ...c.shape], seed + 1);
    if (net.needsInitialization)
      net.initialize(
        tf.tidy(() => tf.add(tf.mul(seededNormal([16, ...c.shape], seed + 2), 2), 1)),
        tag,
      );
    const tol = await roundTripTolerance(net, x, tag);
    const y = net.forward(x, tag);
    const back = net.inverse(y, tag);
    const error = await maxAbsDiff(back, x);
    const control = tf.tidy(() => tf.add(back, 10 * tol.tol));
    const controlCaught = (await maxAbsDiff(control, x)) > tol.tol;
    tf.dispose([x, y, back, control]);
    net.dispose();
    await yieldToWebGpu();
    out.push({ suite: "network_roundtrip", name: c.name, pass: error <= tol.tol, error, tol: tol.tol, controlCaught });
  }
  return out;
}

/** ‖op applied on the backend − X·oracleᵀ‖_F / ‖X‖_F (transposed: X·A), read back asynchronously. */
async function applyError(op: LinearOperator, oracle: Matrix, x: Matrix, transposed: boolean): Promise<number> {
  const xt = toTensor2D(x);
  const yt = transposed ? applyTranspose(op, xt) : apply(op, xt);
  const y = matrix(yt.shape[0], yt.shape[1], await yt.data());
  tf.dispose([xt, yt]);
  const expected = transposed ? matmul(x, oracle) : matmul(x, transpose(oracle));
  const norm = frobeniusNorm(x);
  return frobeniusNorm(subtract(y, expected)) / (norm === 0 ? 1 : norm);
}

/**
 * The control: the oracle with one entry (i, j) moved by δ = 10·tol·‖X‖_F/‖X[:, j]‖, so that the
 * relative error it adds to X·Aᵀ (δ·‖X[:, j]‖/‖X‖_F) is 10·tol — a comparison that cannot tell it
 * from A is broken. (A fixed 1 % move, as in the specs' perturbed(), hides under the loose Householder
 * bound at n = 33.)
 */
function wrongOracle(oracle: Matrix, x: Matrix, seed: number, tol: number): Matrix {
  const out = matrix(oracle.rows, oracle.cols, oracle.data);
  const i = seed % oracle.rows;
  const j = (seed >> 3) % oracle.cols;
  let column = 0;
  for (let r = 0; r < x.rows; r++) column += x.data[r * x.cols + j] ** 2;
  out.data[i * oracle.cols + j] += (10 * tol * frobeniusNorm(x)) / Math.max(Math.sqrt(column), Number.MIN_VALUE);
  return out;
}

async function operatorsVsFloat64(): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const kind of SQUARE_KINDS) {
    for (const n of [5, 33]) {
      const seed = 7 * n + kind.length;
      const op = makeOperator(kind, n, n, 3, seed);
      const oracle = oracleOf(op);
      const tol = apply32Tolerance(op);
      const x = randomBatch(8, n, seed + 1);
      const error = Math.max(await applyError(op, oracle, x, false), await applyError(op, oracle, x, true));
      const controlCaught = (await applyError(op, wrongOracle(oracle, x, seed, tol), x, false)) > tol;
      out.push({ suite: "operator_vs_float64", name: `${kind} n=${n}`, pass: error <= tol, error, tol, controlCaught });
    }
  }
  return out;
}

async function networkBenchmark(batch: number, runs: number, outDir: string | undefined): Promise<Record<string, unknown>> {
  const net = buildNetwork(NETWORK_SPEC, [D], 0, { outputGain: 1 });
  const x = Float32Array.from(new Rng(7).normalArray(batch * D));
  const xt = tf.tensor2d(x, [batch, D]);
  const { times, y, back } = await timeForwardInverse(net, xt, runs, 2);
  const roundTrip = await maxAbsDiff(back, xt);
  if (outDir !== undefined) {
    await saveNetwork(net, path.join(outDir, "g.safetensors"));
    await saveNpy(path.join(outDir, "x.npy"), { dtype: "F32", shape: [batch, D], data: x });
    await saveNpy(path.join(outDir, "y.npy"), { dtype: "F32", shape: [batch, D], data: Float32Array.from(await y.data()) });
  }
  tf.dispose([y, back, xt]);
  net.dispose();
  return { ms: Math.round(median(times) * 10) / 10, runs, batch, D, couplings: NETWORK_COUPLINGS, hidden: NETWORK_HIDDEN, depth: NETWORK_DEPTH, roundtrip_max_abs: roundTrip };
}

async function main(argv: readonly string[]): Promise<number> {
  const outDir = flagValue(argv, "out");
  const runs = Number(flag(argv, "runs", "10"));
  const batch = Number(flag(argv, "batch", "256"));
  const allowSoftware = process.env.LINEA_GPU_ALLOW_SOFTWARE === "1";

  const adapter = await probeWebGpuAdapter(); // throws BackendError no_adapter
  emit({ kind: "adapter", vendor: adapter.vendor, architecture: adapter.architecture, device: adapter.device, description: adapter.description, software: adapter.software });
  if (argv.includes("--probe")) return 0;
  if (adapter.software && !allowSoftware) {
    emit({ kind: "refused", reason: "software adapter: its results would not be a GPU's (LINEA_GPU_ALLOW_SOFTWARE=1 for a dry run)" });
    return 3;
  }
  const selected = await selectBackend("webgpu");
  // tfjs-webgpu runs small ops on the CPU by default; the checks are about the GPU kernels.
  tf.env().set("WEBGPU_CPU_FORWARD", false);

  const checks = [...(await networkRoundTrips()), ...(await operatorsVsFloat64())];
  for (const c of checks) emit({ kind: "check", software: adapter.software, ...c });
  const failed = checks.filter((c) => !c.pass || !c.controlCaught).length;

  const bench = await networkBenchmark(batch, runs, outDir);
  emit({ bench: "network", backend: "webgpu", software: adapter.software, ...bench, description: selected.description });
  emit({ kind: "summary", checks_passed: checks.length - failed, checks_failed: failed, software: adapter.software });
  return failed > 0 ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  const err = e as { code?: string; message?: string };
  emit({ kind: "error", code: err.code ?? "error", message: err.message ?? String(e) });
  process.exitCode = 2;
}
