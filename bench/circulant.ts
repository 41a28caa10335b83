// Top-k SVD of a circular convolution from its Fourier modes (svdTop on a circulant_conv), next to
// numpy's FFT of the same kernel timed in the same run: np.fft.fft2 of the [C, H, W] kernel and the k
// largest |λ| by argpartition (values only: numpy has no structured SVD to compare with; the D×D dense
// SVD at D = 196,608 is out of reach for both). One JSON line per size:
//   {"bench":"circulant","d":196608,"k":16,"ms":…,"reference":"numpy fft2 + argpartition","reference_ms":…,…}
// with the largest |σ_ours − σ_numpy| over the k values, the residual max_t ‖K·v_t − σ_t·u_t‖/σ_t (K
// applied by FFT on the host), and the 1-minute load average (the machine is shared).
// Usage: npm run bench -- circulant [--sizes 64,128,256] [--k 16] [--runs 3]
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import type { Matrix } from "../src/runtime/operator/host.js";
import { circulantFromTaps, multiplyHost, svdTop } from "../src/runtime/operator/index.js";
import { Rng } from "../src/runtime/random.js";
import { median } from "./lib/support.js";

interface Options {
  readonly sizes: readonly number[];
  readonly k: number;
  readonly runs: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (value("--sizes") ?? "64,128,256").split(",").map(Number);
  const k = Number(value("--k") ?? "16");
  const runs = Number(value("--runs") ?? "3");
  if (sizes.some((n) => !Number.isInteger(n) || n < 3) || !Number.isInteger(k) || k < 1 || !Number.isInteger(runs) || runs < 1) {
    throw new Error("usage: bench/circulant.ts [--sizes 64,128,256] [--k 16] [--runs 3]");
  }
  return { sizes, k, runs };
}

const NUMPY = `
import sys, time
import numpy as np
c, h, w, k, runs = (int(a) for a in sys.argv[1:6])
kernel = np.array([float(x) for x in sys.stdin.read().split()]).reshape(c, h, w)
def top():
    s = np.abs(np.fft.fft2(kernel)).ravel()
    idx = np.argpartition(-s, k)[:k]
    return np.sort(s[idx])[::-1]
top()
times = []
for _ in range(runs):
    t = time.perf_counter(); s = top(); times.append((time.perf_counter() - t) * 1000)
print(sorted(times)[len(times) // 2], *s)
`;

function numpyTop(kernel: Float64Array, c: number, h: number, w: number, k: number, runs: number): { ms: number; s: number[] } | null {
  try {
    const out = execFileSync("python3", ["-c", NUMPY, String(c), String(h), String(w), String(k), String(runs)], {
      input: Array.from(kernel).join(" "),
      encoding: "utf8",
      timeout: 600_000,
    })
      .trim()
      .split(/\s+/)
      .map(Number);
    return { ms: out[0], s: out.slice(1) };
  } catch {
    return null;
  }
}

/** max_t ‖K·v_t − σ_t·u_t‖₂ / σ_t over the returned triplets. */
function residual(op: Parameters<typeof multiplyHost>[0], u: Matrix, s: Float64Array, v: Matrix): number {
  const kv = multiplyHost(op, v);
  let worst = 0;
  for (let t = 0; t < s.length; t++) {
    let sq = 0;
    for (let i = 0; i < kv.rows; i++) sq += (kv.data[i * kv.cols + t] - s[t] * u.data[i * u.cols + t]) ** 2;
    worst = Math.max(worst, Math.sqrt(sq) / s[t]);
  }
  return worst;
}

export default async function circulantBenchmark(args: readonly string[]): Promise<void> {
  const { sizes, k, runs } = parseOptions(args);
  for (const n of sizes) {
    const geometry = { channels: 3, height: n, width: n, size: 3 };
    const rng = new Rng(n);
    const op = circulantFromTaps(geometry, rng.normalArray(3 * 9));
    const times: number[] = [];
    let result = svdTop({ ...op, kernel: Float64Array.from(op.kernel) }, k); // warm-up: JIT, FFT plans
    for (let r = 0; r < runs; r++) {
      // A fresh operator each run, so the spectrum (cached per kernel array) is recomputed and timed.
      const fresh = { ...op, kernel: Float64Array.from(op.kernel) };
      const t0 = performance.now();
      result = svdTop(fresh, k);
      times.push(performance.now() - t0);
    }
    const reference = numpyTop(op.kernel, 3, n, n, k, runs);
    const sigmaGap = reference === null ? null : reference.s.reduce((m, s, i) => Math.max(m, Math.abs(s - result.s[i])), 0);
    const line = {
      bench: "circulant",
      d: op.rows,
      k,
      ms: Math.round(median(times) * 10) / 10,
      reference: "numpy fft2 + argpartition (values only)",
      reference_ms: reference === null ? null : Math.round(reference.ms * 10) / 10,
      ratio: reference === null ? null : Math.round((median(times) / reference.ms) * 100) / 100,
      runs,
      sigma_max: result.s[0],
      max_sigma_diff_vs_numpy: sigmaGap,
      residual: residual(op, result.u, result.s, result.v),
      load_avg_1m: Math.round(loadavg()[0] * 10) / 10,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await circulantBenchmark(process.argv.slice(2));
}
