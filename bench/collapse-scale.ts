// The structured sampler collapse at image scale. For D = 1024, 4096, 12,288 (T = 100, A(t) = I + U(t)V(t)ᵀ
// of rank 8, Euler and RK4) one JSON line each:
//   {"bench":"collapse-scale","n","T","method","ms","b_bytes","dense_bytes","kept_rank",
//    "reference":"numpy-dense-float32","reference_ms","ratio", …}
// ms is one collapseSampler call (A(t) evaluated by its hypernetworks included); b_bytes what B is stored
// in (two n×R float64 factors), dense_bytes a dense n×n float64 B. The reference is the reference code's
// method — the dense product of the step matrices, B ← M_k·B, in float32 numpy
// (bench/collapse_scale_numpy.py) on the same factors U(t), V(t), in the same run; it is skipped (null,
// with its estimate) where it would take over REFERENCE_BUDGET_MS. At D ≤ 1024 the same product is
// also run in float64, and "float64_rel_diff" = ‖B − B_dense64‖_F/‖B_dense64‖_F checks agreement.
// Usage: npm run bench -- collapse-scale [--sizes 1024,4096,12288] [--methods euler,rk4] [--steps 100]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { flag, pythonWith } from "./lib/support.js";
import { boundLeaf } from "../src/compiler/ir/expr.js";
import { collapseSampler } from "../src/compiler/passes/collapse.js";
import { stepTimes } from "../src/compiler/ir/sampler.js";
import { frobeniusNorm, matrix, subtract } from "../src/runtime/linalg/index.js";
import { encodeNpy, decodeNpy } from "../src/runtime/io/index.js";
import { materialise, randomTimeConditioned, type LinearOperator } from "../src/runtime/operator/index.js";
import { timeConditionedAtTimes } from "../src/runtime/operator/timeConditioned.js";

const RANK = 8;
/** Past this estimated time the numpy reference is not run (its reference_ms is null). */
const REFERENCE_BUDGET_MS = 120_000;
/** Largest n at which the float64 dense product is also run for the agreement check. */
const AGREEMENT_MAX_N = 1024;

/** Milliseconds of one float32 n×n matmul in numpy (the unit of the reference's cost). */
function gemmMs(python: string, n: number): number {
  const code = `import numpy as np, time\na=np.ones((${n},${n}),np.float32)\na@a\nt=time.perf_counter()\nfor _ in range(3): a@a\nprint((time.perf_counter()-t)/3*1000)`;
  return Number(execFileSync(python, ["-c", code], { encoding: "utf8" }).trim());
}

/** Dense n×n products the reference takes per step: M_k·B, plus RK4's three nested stage products. */
const productsPerStep = (method: "euler" | "rk4"): number => (method === "euler" ? 1 : 4);

/** The times at which a T-step sampler evaluates A (RK4: t, t + dt/2, t + dt). */
function evaluationTimes(method: "euler" | "rk4", steps: number): number[] {
  const dt = 1 / steps;
  const times = stepTimes(steps).flatMap((t) => (method === "euler" ? [t] : [t, t + dt / 2, t + dt]));
  return [...new Set(times)];
}

/** U(t), V(t) stacks [times, n, r] as .npy files for the numpy reference. */
function writeFactors(dir: string, op: ReturnType<typeof randomTimeConditioned>, times: readonly number[]): void {
  const values = timeConditionedAtTimes(op, times);
  const n = op.rows;
  for (const which of ["u", "v"] as const) {
    const data = new Float64Array(times.length * n * RANK);
    values.forEach((a, i) => data.set(a[which].data, i * n * RANK));
    writeFileSync(path.join(dir, `${which}.npy`), Buffer.concat(encodeNpy({ dtype: "F64", shape: [times.length, n, RANK], data })));
  }
  writeFileSync(path.join(dir, "times.npy"), Buffer.concat(encodeNpy({ dtype: "F64", shape: [times.length], data: Float64Array.from(times) })));
  writeFileSync(path.join(dir, "alpha.txt"), String(op.alpha));
}

function storedBytes(b: LinearOperator): { bytes: number; rank: number | null } {
  if (b.kind === "identity_plus_lowrank" || b.kind === "lowrank") return { bytes: 8 * (b.u.data.length + b.v.data.length + 1), rank: b.u.cols };
  if (b.kind === "dense") return { bytes: 8 * b.matrix.data.length, rank: null };
  return { bytes: 8, rank: 0 };
}

export default async function collapseScale(args: readonly string[]): Promise<void> {
  const sizes = flag(args, "sizes", "1024,4096,12288").split(",").map(Number);
  const methods = flag(args, "methods", "euler,rk4").split(",") as ("euler" | "rk4")[];
  const steps = Number(flag(args, "steps", "100"));
  const python = pythonWith("numpy");
  if (python === undefined) process.stderr.write("collapse-scale: no python3 with numpy: reference_ms is null (apt-get install python3-numpy)\n");
  const unitMs = python === undefined ? undefined : gemmMs(python, 1024);
  for (const n of sizes) {
    const op = randomTimeConditioned({ n, rank: RANK, embedDim: 64, hidden: 256 }, 0);
    const leaf = boundLeaf("A", op);
    for (const method of methods) {
      process.stderr.write(`collapse-scale: n = ${n}, ${method}, T = ${steps}…\n`);
      collapseSampler(leaf, method, 4); // warm-up at this n: JIT-compiles the paths, loads the LAPACK addon
      const t0 = performance.now();
      const b = collapseSampler(leaf, method, steps);
      const ms = performance.now() - t0;
      const { bytes, rank } = storedBytes(b);
      // The reference's cost: (T−1)·products·(one n×n float32 gemm), scaled from n = 1024 by n³.
      const estimateMs = unitMs === undefined ? null : (steps - 1) * productsPerStep(method) * unitMs * (n / 1024) ** 3;
      let referenceMs: number | null = null;
      let float64RelDiff: number | null = null;
      if (python !== undefined && estimateMs !== null && estimateMs <= REFERENCE_BUDGET_MS) {
        const dir = mkdtempSync(path.join(tmpdir(), "linea-collapse-"));
        try {
          writeFactors(dir, op, evaluationTimes(method, steps));
          const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "collapse_scale_numpy.py");
          const out64 = path.join(dir, "b64.npy");
          const agreement = n <= AGREEMENT_MAX_N ? ["--float64-out", out64] : [];
          const answer = JSON.parse(
            execFileSync(python, [script, "--factors", dir, "--method", method, "--steps", String(steps), ...agreement], { encoding: "utf8", timeout: 20 * 60_000 }),
          ) as { reference_ms: number };
          referenceMs = answer.reference_ms;
          if (agreement.length > 0) {
            const want = decodeNpy(readFileSync(out64));
            if (!(want.data instanceof Float64Array)) throw new Error(`collapse-scale: ${out64} is not float64`);
            const dense = matrix(n, n, want.data);
            float64RelDiff = frobeniusNorm(subtract(materialise(b), dense)) / frobeniusNorm(dense);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      const line = {
        bench: "collapse-scale",
        n,
        T: steps,
        method,
        ms: Math.round(ms),
        b_bytes: bytes,
        dense_bytes: 8 * n * n,
        kept_rank: rank,
        kind: b.kind,
        reference: "numpy-dense-float32",
        reference_ms: referenceMs === null ? null : Math.round(referenceMs),
        reference_estimate_ms: estimateMs === null ? null : Math.round(estimateMs),
        ratio: referenceMs === null ? null : Math.round((referenceMs / ms) * 10) / 10,
        float64_rel_diff: float64RelDiff,
        load1: Math.round(loadavg()[0] * 100) / 100,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}
