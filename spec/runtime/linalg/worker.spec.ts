// The library inside a worker_thread: compiling a spec with a 512×512 operator and taking its SVD and
// pinv used to segfault the whole process (OpenBLAS's threaded drivers overflowed the worker's 4 MB
// stack). The addon now runs LAPACK on a thread of its own; an addon built before that gives way to the
// TypeScript path in workers. Control: with the old loader and addon this file's process dies.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { findAddonPath, workerUnsafety } from "../../../src/runtime/linalg/native.js";
import { largeOperatorResult, type LargeOperatorResult } from "../../support/large_operator.js";

const N = 512;
const FLOAT64_EPS = 2 ** -52;

function inWorker<T>(file: string, workerData: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(file, import.meta.url), { workerData });
    worker.once("message", (m: T) => resolve(m));
    worker.once("error", reject);
    worker.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`worker exited with ${code}`))));
  });
}

const addonPath = findAddonPath();
/** Whether the built addon runs LAPACK on a thread of its own (a build from before that does not). */
function addonHasOwnThread(): boolean {
  if (addonPath === undefined) return false;
  const addon: unknown = createRequire(import.meta.url)(addonPath);
  return typeof addon === "object" && addon !== null && (addon as { ownLapackThread?: unknown }).ownLapackThread === true;
}

const maxAbsDiff = (a: Float64Array, b: Float64Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);

// Two 512×512 SVDs per thread (the TypeScript one in a worker of an old build takes seconds, more under load).
describe("linear algebra in a worker_thread", { timeout: 600_000 }, () => {
  it("compiles a 512×512 operator and takes its svd and pinv in a worker, as on the main thread", async () => {
    const main = await largeOperatorResult(N);
    const worker = await inWorker<LargeOperatorResult>("../../support/worker_boot.mjs", {
      module: new URL("../../support/large_operator_worker.ts", import.meta.url).href,
      n: N,
    });
    expect(worker.singularValues).toHaveLength(N);
    expect(worker.pinv).toHaveLength(N * N);
    // Both threads decompose the same seeded matrix; when both use the same backend the results are the
    // same computation. Across backends (an old addon: js in the worker) each SVD is backward stable,
    // |Δσᵢ| ≤ n·ε·σ₁ per backend (Weyl), so 2·n·ε·σ₁ between them; pinv = V·Σ⁻¹·Uᵀ moves by at most
    // cond·(relative perturbation)·‖pinv‖ per backend, so 2·cond·n·ε·‖pinv‖₂ with ‖pinv‖₂ = 1/σₙ bounds an entry.
    const s1 = main.singularValues[0] ?? NaN;
    const sn = main.singularValues[N - 1] ?? NaN;
    const same = worker.linalg === main.linalg;
    expect(maxAbsDiff(worker.singularValues, main.singularValues)).toBeLessThanOrEqual(same ? 0 : 2 * N * FLOAT64_EPS * s1);
    expect(maxAbsDiff(worker.pinv, main.pinv)).toBeLessThanOrEqual(same ? 0 : 2 * (s1 / sn) * N * FLOAT64_EPS * (1 / sn));
  });

  // Called straight from a plain worker, the addon of before crashed this very call (exit 139 of the
  // whole process; reproduced with native/build of main). An old build is never called in a worker here:
  // the library refuses it there (the next test), and calling it would kill the test process.
  it.skipIf(!addonHasOwnThread())("the addon's own LAPACK thread: a 512×512 LU in a plain worker equals the main thread's", async () => {
    const path = addonPath ?? "";
    const worker = await inWorker<{ lu: Float64Array; info: number }>("../../support/addon_worker.mjs", { path, n: N });
    const addon = createRequire(import.meta.url)(path) as { getrf(n: number, a: Float64Array): { lu: Float64Array; info: number } };
    const a = new Float64Array(N * N);
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37) + (i % (N + 1) === 0 ? N : 0);
    const main = addon.getrf(N, a);
    expect(worker.info).toBe(0);
    // The same LAPACK call on the same thread of the addon: the same computation, bit for bit.
    expect(maxAbsDiff(worker.lu, main.lu)).toBe(0);
  });

  it("an addon that runs LAPACK on the caller's stack is refused in workers only", () => {
    expect(workerUnsafety({}, "old.node", true)).toBeUndefined();
    expect(workerUnsafety({ ownLapackThread: true }, "new.node", false)).toBeUndefined();
    expect(workerUnsafety({}, "old.node", false)).toMatch(/old\.node runs LAPACK on the caller's stack.*npm run build:native/);
  });
});
