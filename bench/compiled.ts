// A compiled Linearizer vs the same Linearizer written by hand with tf ops, on the same backend, the
// same network object and the same weights: g_y⁻¹(A·g_x(x)) for a dense A on R^n induced by a coupling
// network. The hand-written version calls the network directly and multiplies by a pre-uploaded Aᵀ.
// One JSON line: {"bench":"compiled","ms":…,"reference":"hand-written tfjs","reference_ms":…,"ratio":…}
// Usage: npm run bench -- compiled [--n 784] [--batch 64] [--backend wasm] [--runs 31]
import { loadavg } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import { isLeft } from "fp-ts/lib/Either.js";
import { checkText } from "../src/index.js";
import { compile } from "../src/compiler/execute/program.js";
import { evaluateOperator } from "../src/compiler/ir/index.js";
import { materialise } from "../src/runtime/operator/index.js";
import { flag, median, timed } from "./lib/support.js";

async function interleavedMedians(runs: number, a: () => tf.Tensor, b: () => tf.Tensor): Promise<{ a: number; b: number }> {
  for (let i = 0; i < 5; i++) {
    await timed(a);
    await timed(b);
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so neither always follows the other's cache state.
    if (i % 2 === 0) {
      ta.push(await timed(a));
      tb.push(await timed(b));
    } else {
      tb.push(await timed(b));
      ta.push(await timed(a));
    }
  }
  return { a: median(ta), b: median(tb) };
}

export default async function compiledBench(argv: readonly string[]): Promise<void> {
  const n = Number(flag(argv, "n", "784"));
  const batch = Number(flag(argv, "batch", "64"));
  const runs = Number(flag(argv, "runs", "61"));
  const backend = flag(argv, "backend", "wasm");
  const text = `space X = R^${n};
network G : X { affine_coupling(hidden = 256); permute(reverse); affine_coupling(hidden = 256); }
space Z = induced G;
operator A[${n}] = dense;
map f : Z -> Z = A;
`;
  const checked = checkText(text, "/bench/compiled.lin");
  if (isLeft(checked)) throw new Error(checked.left.map((d) => d.message).join("\n"));
  const compiled = await compile(checked.right, { backend, seed: 0, targets: ["f"] });
  const plan = compiled.planOf("f");
  const encode = plan.steps.find((s) => s.kind === "encode");
  const op = compiled.ir.maps.get("f");
  if (encode?.kind !== "encode" || op?.kind !== "normal") throw new Error("unexpected plan");
  const chart = encode.chart;
  const m = materialise(evaluateOperator(op.op));
  const aT = tf.keep(tf.transpose(tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols])));
  const byHand = (x: tf.Tensor2D): tf.Tensor => tf.tidy(() => chart.inverse(tf.matMul(chart.forward(x), aT)));
  const x = tf.randomNormal([batch, n], 0, 1, "float32", 1) as tf.Tensor2D;
  const a = compiled.run("f", x).dataSync();
  const b = byHand(x).dataSync();
  const maxDiff = Math.max(...Array.from(a, (v, i) => Math.abs(v - (b[i] ?? 0))));
  // Call by call interleaved (A, B, A, B, …) so both see the same machine load; medians of each.
  const ms = await interleavedMedians(
    runs,
    () => compiled.run("f", x),
    () => byHand(x),
  );
  const line = {
    bench: "compiled",
    ms: Number(ms.a.toFixed(3)),
    reference: "hand-written tfjs",
    reference_ms: Number(ms.b.toFixed(3)),
    ratio: Number((ms.a / ms.b).toFixed(3)),
    runs,
    n,
    batch,
    backend: compiled.backend.name,
    max_abs_diff: maxDiff,
    load1: Number(loadavg()[0]?.toFixed(2)),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  compiled.dispose();
}
