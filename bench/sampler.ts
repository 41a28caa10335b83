// A T = 100 sampler over a time-conditioned linear velocity (A(t) = I + U(t)V(t)ᵀ, n = 784, rank 8, the
// MNIST example's operator), compiled to one operator (collapse-sampler) vs run step by step on the
// same backend. The step-by-step reference is the same step function (src/compiler/ir/sampler.ts) over
// tf tensors, with every A(t_k) built and uploaded before timing (so it times only its T−1 steps of
// tfjs work, a stronger baseline than re-running the hypernetwork each step). Agreement is the PSNR of
// the one-step output against the step-by-step output, peak = the reference's range.
// One JSON line per method:
//   {"bench":"sampler","T":100,"method":"euler"|"rk4","ms":…,"reference":"multi-step","reference_ms":…,"psnr_db":…,"ratio":…}
// Usage: npm run bench -- sampler [--n 784] [--steps 100] [--batch 64] [--backend wasm] [--methods euler,rk4]
//
// With --collapse-only it times only the compile-time collapse (collapseSampler on the host, float64):
//   {"bench":"sampler-collapse","T":…,"method":…,"n":…,"rank":8,"ms":…,"cpu_ms":…,"reference":"dense-product",
//    "reference_ms":…,"ratio":…,"relative_difference":…,"kind":…,"kept_rank":…,"load1":…}
// ms is the wall time of one collapse (cpu_ms its process CPU time, which is steadier on a shared
// machine); kind/kept_rank say what B came out as. The A(t) is the same seeded untrained operator. The
// reference is the plain dense product of the materialised step matrices on the same BLAS, in the same
// run, and relative_difference = ‖B − B_dense‖_F/‖B_dense‖_F.
//   npm run bench -- sampler --collapse-only --steps 1000 [--n 784] [--methods euler,rk4]
import { loadavg } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import { isLeft } from "fp-ts/lib/Either.js";
import { checkText } from "../src/index.js";
import { compile } from "../src/compiler/execute/program.js";
import { flag, medianTime } from "./lib/support.js";
import { runSampler, type StepAlgebra } from "../src/compiler/ir/index.js";
import { apply, at, randomTimeConditioned, type LinearOperator } from "../src/runtime/operator/index.js";
import { boundLeaf } from "../src/compiler/ir/expr.js";
import { collapseSampler, operatorStepAlgebra } from "../src/compiler/passes/collapse.js";
import { evaluateOperator } from "../src/compiler/ir/evaluate.js";
import { samplerStep, stepTimes } from "../src/compiler/ir/sampler.js";
import type { OpExpr } from "../src/compiler/ir/expr.js";
import { frobeniusNorm, identityMatrix, matmul, subtract, type Matrix } from "../src/runtime/linalg/index.js";
import { identity, materialise } from "../src/runtime/operator/index.js";

function psnr(reference: Float32Array, got: Float32Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  let se = 0;
  reference.forEach((r, i) => {
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
    se += (r - (got[i] ?? 0)) ** 2;
  });
  const mse = se / reference.length;
  return 10 * Math.log10(((hi - lo) * (hi - lo)) / mse);
}

/**
 * The reference for the collapse: the straightforward float64 product on the same BLAS, every traced
 * step matrix M_k = step(I) materialised densely and multiplied in, B ← M_k·B (D³ per step). Also
 * returns B, so the line can say how far the fast collapse is from it.
 */
function denseProductCollapse(a: OpExpr, method: "euler" | "rk4", steps: number, n: number): Matrix {
  const alg = operatorStepAlgebra((t) => evaluateOperator(a, t));
  return stepTimes(steps).reduce((b, t) => matmul(materialise(samplerStep(alg, method, identity(n), t, 1 / steps)), b), identityMatrix(n));
}

/** Longest sampler the dense-product reference is run for (it is D³ per step). */
const REFERENCE_MAX_STEPS = 100;

/** One timed collapse per method of A(t) = I + U(t)V(t)ᵀ (rank 8, embed 64, hidden 256, seed 0), as compile builds it. */
function collapseOnly(n: number, steps: number, methods: readonly ("euler" | "rk4")[], reference: boolean): void {
  const rank = 8;
  const a = boundLeaf("A", randomTimeConditioned({ n, rank, embedDim: 64, hidden: 256 }, 0));
  for (const method of methods) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const b = collapseSampler(a, method, steps);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const keptRank = b.kind === "identity_plus_lowrank" || b.kind === "lowrank" ? b.u.cols : n;
    // The dense product costs ~0.07 s (Euler) to 0.7 s (RK4) per step at n = 784: past T = 100 (or
    // with --no-reference) it is left out and the reference fields are null.
    const r0 = performance.now();
    const want = steps <= REFERENCE_MAX_STEPS && reference ? denseProductCollapse(a, method, steps, n) : undefined;
    const referenceMs = performance.now() - r0;
    const line = {
      bench: "sampler-collapse",
      T: steps,
      method,
      n,
      rank,
      ms: Number(ms.toFixed(0)),
      cpu_ms: Number(((cpu.user + cpu.system) / 1000).toFixed(0)),
      reference: want === undefined ? null : "dense-product",
      reference_ms: want === undefined ? null : Number(referenceMs.toFixed(0)),
      ratio: want === undefined ? null : Number((referenceMs / ms).toFixed(1)),
      relative_difference: want === undefined ? null : Number((frobeniusNorm(subtract(materialise(b), want)) / frobeniusNorm(want)).toExponential(2)),
      kind: b.kind,
      kept_rank: keptRank,
      load1: Number(loadavg()[0]?.toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

function samplerMethods(argv: readonly string[]): ("euler" | "rk4")[] {
  return flag(argv, "methods", "euler,rk4")
    .split(",")
    .map((method) => {
      if (method !== "euler" && method !== "rk4") throw new Error(`unknown method ${method}`);
      return method;
    });
}

export default async function sampler(argv: readonly string[]): Promise<void> {
  const n = Number(flag(argv, "n", "784"));
  const steps = Number(flag(argv, "steps", "100"));
  const batch = Number(flag(argv, "batch", "64"));
  const backend = flag(argv, "backend", "wasm");
  const methods = samplerMethods(argv);
  if (argv.includes("--collapse-only")) {
    collapseOnly(n, steps, methods, !argv.includes("--no-reference"));
    return;
  }
  for (const method of methods) {
    const text = `space X = R^${n};
operator A = time_conditioned(rank = 8, embed = 64, hidden = 256);
map v : X -> X = A;
let B = sampler(v, method = ${method}, steps = ${steps});
`;
    const checked = checkText(text, "/bench/sampler.lin");
    if (isLeft(checked)) throw new Error(checked.left.map((d) => d.message).join("\n"));
    const t0 = performance.now();
    const compiled = await compile(checked.right, { backend, seed: 0, targets: ["B"] });
    const compileMs = performance.now() - t0;
    const leaf = compiled.ir.operators.get("A");
    if (leaf?.kind !== "leaf" || leaf.operator === undefined) throw new Error("A is not bound");
    const a = leaf.operator;
    // A(t) at every time the steps use, built before timing.
    const atTime = new Map<number, LinearOperator>();
    const predict = (t: number, z: tf.Tensor2D): tf.Tensor2D => {
      let op = atTime.get(t);
      if (op === undefined) {
        op = at(a, t);
        atTime.set(t, op);
      }
      return apply(op, z);
    };
    const algebra: StepAlgebra<tf.Tensor2D> = { add: (x, y) => tf.add(x, y), scale: (c, x) => tf.mul(x, c), predict };
    const x = tf.randomNormal([batch, n], 0, 1, "float32", 1) as tf.Tensor2D;
    const multiStep = (): tf.Tensor => tf.tidy(() => runSampler(algebra, method, steps, x));
    const reference = (await multiStep().data()) as Float32Array;
    const oneStep = (await compiled.run("B", x).data()) as Float32Array;
    // How far sampling moves the input (‖B·x − x‖/‖x‖): the agreement is only meaningful when this is not ≈ 0.
    const start = (await x.data()) as Float32Array;
    let moved = 0;
    let size = 0;
    reference.forEach((r, i) => {
      moved += (r - (start[i] ?? 0)) ** 2;
      size += (start[i] ?? 0) ** 2;
    });
    const ms = await medianTime(21, () => compiled.run("B", x), 2);
    const referenceMs = await medianTime(5, multiStep, 2);
    const line = {
      bench: "sampler",
      T: steps,
      method,
      ms: Number(ms.toFixed(3)),
      reference: "multi-step",
      reference_ms: Number(referenceMs.toFixed(3)),
      ratio: Number((referenceMs / ms).toFixed(1)),
      psnr_db: Number(psnr(reference, oneStep).toFixed(1)),
      displacement: Number(Math.sqrt(moved / size).toFixed(4)),
      n,
      batch,
      backend: compiled.backend.name,
      compile_ms: Number(compileMs.toFixed(0)),
      load1: Number(loadavg()[0]?.toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    x.dispose();
    compiled.dispose();
  }
}
