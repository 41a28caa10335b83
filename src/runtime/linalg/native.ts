// The LAPACKE/OpenBLAS backend: a Node-API addon of our own (native/src/linalg.c, built with
// `npx node-gyp rebuild -C native` against Debian's liblapacke-dev + libopenblas-dev). It is optional:
// when it is not built or does not load, loadNativeKernels() says why and the caller falls back to js/.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { LinalgError } from "./errors.js";
import { transpose } from "./arithmetic.js";
import type { Matrix } from "./matrix.js";
import type { LinalgKernels } from "./kernels.js";

/** The addon's exports (see native/src/linalg.c); all arrays are row-major. */
interface NativeAddon {
  gesdd(m: number, n: number, a: Float64Array): { u: Float64Array; s: Float64Array; vt: Float64Array; info: number };
  qr(m: number, n: number, a: Float64Array): { q: Float64Array; r: Float64Array; info: number };
  getrf(n: number, a: Float64Array): { lu: Float64Array; ipiv: Int32Array; info: number };
  trsm(lower: boolean, unit: boolean, n: number, nrhs: number, t: Float64Array, b: Float64Array): Float64Array;
  syevd(n: number, a: Float64Array): { w: Float64Array; z: Float64Array; info: number };
  gemm(m: number, k: number, n: number, a: Float64Array, b: Float64Array): Float64Array;
  /** True when every call runs on the addon's own large-stack thread (builds before it lack the flag). */
  readonly ownLapackThread?: boolean;
}

const ADDON_FUNCTIONS = ["gesdd", "qr", "getrf", "trsm", "syevd", "gemm"] as const;

function isNativeAddon(value: unknown): value is NativeAddon {
  if (typeof value !== "object" || value === null) return false;
  return ADDON_FUNCTIONS.every((name) => typeof (value as Record<string, unknown>)[name] === "function");
}

const ADDON_RELATIVE = join("native", "build", "Release", "linea_linalg.node");

/** Where the addon is: $LINEA_LINALG_ADDON, else native/build/Release under the nearest ancestor. */
export function findAddonPath(): string | undefined {
  const override = process.env.LINEA_LINALG_ADDON;
  if (override !== undefined && override !== "") return resolve(override);
  // Walk up from this module: it sits at src/runtime/linalg in the repo and dist/src/runtime/linalg when built.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, ADDON_RELATIVE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The addon's kernels, or why it did not load. */
export type NativeLoad = { readonly ok: true; readonly kernels: LinalgKernels } | { readonly ok: false; readonly reason: string };

let cached: NativeLoad | undefined;

/** The addon's kernels, loaded once per process from findAddonPath(). */
export function loadNativeKernels(): NativeLoad {
  cached ??= loadNativeKernelsFrom(findAddonPath());
  return cached;
}

/** Loads the addon at `path` (uncached); never throws, a failure comes back with its reason. */
export function loadNativeKernelsFrom(path: string | undefined): NativeLoad {
  if (path === undefined) {
    return { ok: false, reason: `addon ${ADDON_RELATIVE} is not built (npx node-gyp rebuild -C native)` };
  }
  try {
    const loaded: unknown = createRequire(import.meta.url)(path);
    if (!isNativeAddon(loaded)) return { ok: false, reason: `${path} does not export ${ADDON_FUNCTIONS.join(", ")}` };
    const unsafe = workerUnsafety(loaded, path, isMainThread);
    return unsafe === undefined ? { ok: true, kernels: nativeKernels(loaded) } : { ok: false, reason: unsafe };
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { ok: false, reason: `${path} does not load: ${message}` };
  }
}

/**
 * Why an addon must not be used on this thread, if so. An addon built before it ran LAPACK on a thread
 * of its own runs OpenBLAS on the caller's stack, which a worker_thread's 4 MB stack cannot hold at
 * n ≥ 512 (a segfault of the whole process): in a worker, such a build gives way to TypeScript.
 */
export function workerUnsafety(addon: Pick<NativeAddon, "ownLapackThread">, path: string, mainThread: boolean): string | undefined {
  if (mainThread || addon.ownLapackThread === true) return undefined;
  return `${path} runs LAPACK on the caller's stack, which a worker thread's cannot hold (rebuild it: npm run build:native)`;
}

function lapackFailure(op: string, info: number): never {
  if (info > 0) throw new LinalgError("LIN1046", `${op}: LAPACK did not converge (info = ${info})`);
  throw new LinalgError("LIN1047", `${op}: LAPACK rejected argument ${-info} (info = ${info})`);
}

function nativeKernels(addon: NativeAddon): LinalgKernels {
  return {
    name: "native",
    matmul(a: Matrix, b: Matrix): Matrix {
      return { rows: a.rows, cols: b.cols, data: addon.gemm(a.rows, a.cols, b.cols, a.data, b.data) };
    },
    qr(a: Matrix) {
      const k = Math.min(a.rows, a.cols);
      const out = addon.qr(a.rows, a.cols, a.data);
      if (out.info !== 0) lapackFailure("qr", out.info);
      return { q: { rows: a.rows, cols: k, data: out.q }, r: { rows: k, cols: a.cols, data: out.r } };
    },
    luFactor(a: Matrix) {
      const n = a.rows;
      // info > 0 only flags an exactly zero pivot; linalg.ts applies its own, stricter singularity rule.
      const out = addon.getrf(n, a.data);
      if (out.info < 0) lapackFailure("lu", out.info);
      // LAPACK's ipiv (1-based, "row i was swapped with row ipiv[i]") as a permutation.
      const perm = new Int32Array(n);
      for (let i = 0; i < n; i++) perm[i] = i;
      let sign: 1 | -1 = 1;
      for (let i = 0; i < n; i++) {
        const p = out.ipiv[i] - 1;
        if (p !== i) {
          const t = perm[i];
          perm[i] = perm[p];
          perm[p] = t;
          sign = sign === 1 ? -1 : 1;
        }
      }
      return { packed: { rows: n, cols: n, data: out.lu }, perm, sign };
    },
    triangularSolve(t: Matrix, b: Matrix, lower: boolean, unitDiagonal: boolean): Matrix {
      return { rows: b.rows, cols: b.cols, data: addon.trsm(lower, unitDiagonal, t.rows, b.cols, t.data, b.data) };
    },
    eigh(a: Matrix) {
      const out = addon.syevd(a.rows, a.data);
      if (out.info !== 0) lapackFailure("eigh", out.info);
      return { values: out.w, vectors: { rows: a.rows, cols: a.rows, data: out.z } };
    },
    svd(a: Matrix) {
      const m = a.rows;
      const n = a.cols;
      const k = Math.min(m, n);
      const out = addon.gesdd(m, n, a.data);
      if (out.info !== 0) lapackFailure("svd", out.info);
      return { u: { rows: m, cols: k, data: out.u }, s: out.s, v: transpose({ rows: k, cols: n, data: out.vt }) };
    },
  };
}
