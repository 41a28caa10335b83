// Dense float64 SVD benchmark: our svd (native LAPACK path, and the TypeScript path for small n) next to
// numpy's np.linalg.svd timed in the same run on the same machine. One JSON line per (n, impl):
//   {"bench":"svd","n":784,"ms":…,"impl":"native"|"js","reference":"numpy","reference_ms":…,…}
// plus the number of timed runs, the reconstruction error ‖A − U·S·Vᵀ‖_F/‖A‖_F, and the host's 1-minute
// load average (the machine is shared; a high load inflates every number in that line).
// Usage: npm run bench -- svd [--sizes 256,512,784,1024] [--runs 5] [--js-max 512]
// (or standalone: npx tsx bench/svd.ts …).
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { jsLinalg, nativeLinalg, frobeniusNorm, matrix, subtract, transpose, type Linalg, type Matrix } from "../src/runtime/linalg/index.js";
import { Rng } from "../src/runtime/random.js";
import { median } from "./lib/support.js";

interface Options {
  readonly sizes: readonly number[];
  readonly runs: number;
  /** The TypeScript path is O(n³) with a large constant: only time it up to this n. */
  readonly jsMax: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (value("--sizes") ?? "256,512,784,1024").split(",").map(Number);
  const runs = Number(value("--runs") ?? "5");
  const jsMax = Number(value("--js-max") ?? "512");
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1 || !Number.isFinite(jsMax)) {
    throw new Error("usage: bench/svd.ts [--sizes 256,512,784,1024] [--runs 5] [--js-max 512]");
  }
  return { sizes, runs, jsMax };
}

/** Deterministic Gaussian n×n from the runtime's seeded generator, the same kind of matrix numpy draws. */
function gaussianMatrix(n: number, seed: number): Matrix {
  return matrix(n, n, new Rng(seed).normalArray(n * n));
}

/** Median ms and the reconstruction error ‖A − U·S·Vᵀ‖_F/‖A‖_F of the last run. */
function timeSvd(linalg: Linalg, a: Matrix, runs: number): { ms: number; relError: number } {
  const times: number[] = [];
  let last = linalg.svd(a); // warm-up: loads the addon / JIT-compiles the loops
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    last = linalg.svd(a);
    times.push(performance.now() - t0);
  }
  const { u, s, v } = last;
  const us = matrix(u.rows, u.cols, u.data);
  for (let i = 0; i < us.rows; i++) for (let j = 0; j < us.cols; j++) us.data[i * us.cols + j] *= s[j];
  const relError = frobeniusNorm(subtract(a, linalg.matmul(us, transpose(v)))) / frobeniusNorm(a);
  return { ms: median(times), relError };
}

const NUMPY = `
import sys, time
import numpy as np
n, runs = int(sys.argv[1]), int(sys.argv[2])
a = np.random.default_rng(0).standard_normal((n, n))
np.linalg.svd(a)
times = []
for _ in range(runs):
    t = time.perf_counter(); np.linalg.svd(a); times.append((time.perf_counter() - t) * 1000)
print(sorted(times)[len(times) // 2] if runs % 2 else sum(sorted(times)[runs // 2 - 1:runs // 2 + 1]) / 2)
`;

function numpyMs(n: number, runs: number): number | null {
  try {
    return Number(execFileSync("python3", ["-c", NUMPY, String(n), String(runs)], { encoding: "utf8", timeout: 600_000 }).trim());
  } catch {
    return null;
  }
}

export default async function svdBenchmark(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  const native = nativeLinalg();
  if (!("linalg" in native)) process.stderr.write(`bench svd: native path unavailable (${native.reason}); timing js only\n`);
  for (const n of options.sizes) {
    const a = gaussianMatrix(n, n);
    const referenceMs = numpyMs(n, options.runs);
    const impls: { impl: "native" | "js"; linalg: Linalg; runs: number }[] = [];
    if ("linalg" in native) impls.push({ impl: "native", linalg: native.linalg, runs: options.runs });
    // The js path is seconds per run above n = 256: fewer repetitions there.
    if (n <= options.jsMax) impls.push({ impl: "js", linalg: jsLinalg, runs: n <= 256 ? Math.min(3, options.runs) : 1 });
    for (const { impl, linalg, runs } of impls) {
      const { ms, relError } = timeSvd(linalg, a, runs);
      const line = {
        bench: "svd",
        n,
        ms: Math.round(ms * 10) / 10,
        impl,
        reference: "numpy",
        reference_ms: referenceMs === null ? null : Math.round(referenceMs * 10) / 10,
        runs,
        rel_error: relError,
        load_avg_1m: Math.round(loadavg()[0] * 10) / 10,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await svdBenchmark(process.argv.slice(2));
}
