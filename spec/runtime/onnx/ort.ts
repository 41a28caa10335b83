// Test helpers for ONNX models: the ONNX checker (Debian's python3-onnx, opset ≤ 17) and a run on
// onnxruntime-node's CPU provider with one thread. Without python3-onnx the checker is skipped, except
// under CI=true where that is a failure (CI installs it: scripts/setup.sh).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OnnxExport } from "../../../src/runtime/onnx/index.js";

const PYTHON = "/usr/bin/python3";

const CHECK = ["import onnx, sys", "m = onnx.load(sys.argv[1])", "onnx.checker.check_model(sys.argv[1], full_check=True)", "print(len(m.graph.node))"].join("\n");

function pythonHasOnnx(): boolean {
  const r = spawnSync(PYTHON, ["-c", "import onnx"], { encoding: "utf8" });
  return r.status === 0;
}

/** Whether the checker runs here; under CI=true its absence throws. */
export const checkerAvailable: boolean = (() => {
  const ok = pythonHasOnnx();
  if (!ok && process.env.CI === "true") throw new Error("python3-onnx is missing: CI must run the ONNX checker (apt-get install python3-onnx)");
  return ok;
})();

/** Writes the model (and its external data under `location`) to a fresh folder; returns the model's path and a cleanup. */
export function writeModel(e: OnnxExport, location = "weights.bin"): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "linea-onnx-"));
  const path = join(dir, "model.onnx");
  writeFileSync(path, e.model);
  if (e.external !== undefined) writeFileSync(join(dir, location), e.external);
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs onnx.checker.check_model(full_check) on the model file; returns its node count, or undefined when skipped. Throws the checker's message. */
export function checkModelFile(path: string): number | undefined {
  if (!checkerAvailable) return undefined;
  const r = spawnSync(PYTHON, ["-c", CHECK, path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`onnx checker: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return Number(r.stdout.trim());
}

/** A float32 input: flat values and dims. */
export interface Feed {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Runs a model file on ORT's CPU provider (1 thread); returns every output's values and dims. */
export async function runModel(path: string, feeds: Readonly<Record<string, Feed>>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const inputs: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const [name, f] of Object.entries(feeds)) inputs[name] = new ort.Tensor("float32", f.data, [...f.dims]);
    const out = await session.run(inputs);
    const result: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
    for (const [name, t] of Object.entries(out)) result[name] = { data: t.data as Float32Array, dims: t.dims };
    return result;
  } finally {
    await session.release();
  }
}

/** Checks and runs an export in one go (the files removed after). */
export async function checkAndRun(
  e: OnnxExport,
  feeds: Readonly<Record<string, Feed>>,
  location?: string,
): Promise<{ nodes: number | undefined; outputs: Record<string, { data: Float32Array; dims: readonly number[] }> }> {
  const { path, cleanup } = writeModel(e, location);
  try {
    const nodes = checkModelFile(path);
    return { nodes, outputs: await runModel(path, feeds) };
  } finally {
    cleanup();
  }
}

/** max |a − b| over two equally long arrays. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return worst;
}

/** max |a|. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] ?? 0));
  return m;
}
