// Matrix-free top-16 SVD at image scale: topSvd (restarted randomized block Krylov, products only) on
// 'same'-padded depthwise convolutions of R[3,64,64] (D = 12,288: one 5×5, and a 4×4 ∘ 5×5
// composition) and R[3,256,256] (D = 196,608: one 5×5, never materialised). One JSON line per map:
//   {"bench":"svd-scale","n","map","k":16,"ms","max_residual","products","iterations","converged",
//    "tol","reference","reference_ms","ratio","max_sigma_error"}
// max_residual is max over the 16 triplets of max(‖Av − σu‖, ‖Aᵀu − σv‖) relative to σ₁. With
// --dense-reference (minutes) each D = 12,288 map is materialised column block by column block into a
// temporary file and numpy.linalg.svd(a, compute_uv=False) times one dense LAPACK SVD (values only:
// the cheapest dense route, so the ratio favours dense); max_sigma_error is max |σᵢ − σᵢ_dense| of
// the top 16. Otherwise reference and its fields are null.
// Usage: npm run bench -- svd-scale [--dense-reference] [--tol 1e-6] [--max-iterations 400] [--sizes 64,256]
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { matrix, transpose } from "../src/runtime/linalg/index.js";
import { asMatrixFree, multiplyHost, product, randomDepthwiseConv, topSvd, type LinearOperator } from "../src/runtime/operator/index.js";
import { flag } from "./lib/support.js";

const K = 16;

/** The maps of the benchmark on R[3, side, side]. */
function mapsAt(side: number): { map: string; op: LinearOperator }[] {
  const geometry = { channels: 3, height: side, width: side };
  const conv5 = randomDepthwiseConv({ ...geometry, size: 5 }, 1);
  const maps = [{ map: `depthwise_conv 5x5 R[3,${side},${side}]`, op: conv5 as LinearOperator }];
  if (side <= 64) maps.push({ map: `depthwise_conv 4x4 ∘ 5x5 R[3,${side},${side}]`, op: product(randomDepthwiseConv({ ...geometry, size: 4 }, 2), conv5) });
  return maps;
}

/** Writes Aᵀ row-major (A's columns, block by block: memory stays at one block) to a float64 file. */
function writeTransposed(op: LinearOperator, path: string): void {
  const n = op.cols;
  const width = 512;
  const fd = openSync(path, "w");
  try {
    for (let j0 = 0; j0 < n; j0 += width) {
      const w = Math.min(width, n - j0);
      const e = matrix(n, w);
      for (let t = 0; t < w; t++) e.data[(j0 + t) * w + t] = 1;
      const rows = transpose(multiplyHost(op, e)).data;
      writeSync(fd, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    }
  } finally {
    closeSync(fd);
  }
}

const NUMPY = `
import sys, time, json
import numpy as np
n = int(sys.argv[2])
a = np.fromfile(sys.argv[1], dtype=np.float64).reshape(n, n)
t = time.perf_counter()
s = np.linalg.svd(a, compute_uv=False)
print(json.dumps({"ms": (time.perf_counter() - t) * 1000, "s": s[:${K}].tolist()}))
`;

/** One dense LAPACK SVD of op's matrix through numpy: its time and top-K singular values. */
function denseReference(op: LinearOperator): { ms: number; s: number[] } {
  const dir = mkdtempSync(join(tmpdir(), "svd-scale-"));
  try {
    const path = join(dir, "a.f64");
    writeTransposed(op, path); // σ(Aᵀ) = σ(A)
    const out = execFileSync("/usr/bin/python3", ["-c", NUMPY, path, String(op.cols)], { encoding: "utf8", timeout: 3_600_000 });
    return JSON.parse(out) as { ms: number; s: number[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function svdScaleBenchmark(args: readonly string[]): Promise<void> {
  const dense = args.includes("--dense-reference");
  const tol = Number(flag(args, "tol", "1e-6"));
  const maxIterations = Number(flag(args, "max-iterations", "400"));
  const sides = flag(args, "sizes", "64,256").split(",").map(Number);
  for (const side of sides) {
    for (const { map, op } of mapsAt(side)) {
      const t0 = performance.now();
      const r = topSvd(asMatrixFree(op), K, { tol, maxIterations, seed: 0 });
      const ms = performance.now() - t0;
      const reference = dense && op.cols <= 12_288 ? denseReference(op) : null;
      const line = {
        bench: "svd-scale",
        n: op.cols,
        map,
        k: K,
        ms: Math.round(ms),
        max_residual: Math.max(...r.residuals) / r.s[0],
        products: r.products,
        iterations: r.iterations,
        converged: r.converged,
        tol,
        reference: reference === null ? null : "numpy.linalg.svd(compute_uv=False)",
        reference_ms: reference === null ? null : Math.round(reference.ms),
        ratio: reference === null ? null : Math.round((ms / reference.ms) * 1000) / 1000,
        max_sigma_error: reference === null ? null : Math.max(...reference.s.map((s, i) => Math.abs(s - r.s[i]))),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await svdScaleBenchmark(process.argv.slice(2));
}
