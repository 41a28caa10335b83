// Training end to end on the tiny spec (helpers.ts), cpu backend: the loss falls, a resumed run
// continues from its checkpoint with the saved values, a save that fails midway leaves the previous
// checkpoint whole, and the written weights are what compile loads.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { loadSafetensors, saveSafetensors, writeFileAtomic } from "../../src/runtime/io/index.js";
import { compile } from "../../src/compiler/execute/program.js";
import { apply as applyOperator } from "../../src/runtime/operator/index.js";
import {
  checkpointDir,
  oneStepOperator,
  latestCheckpoint,
  listCheckpoints,
  modelTensors,
  readCheckpoint,
  train,
  trainPlan,
  TrainingSession,
  type FileWriter,
} from "../../src/train/index.js";
import { checked, tinySpec } from "./helpers.js";

const tmp = (): string => mkdtempSync(path.join(tmpdir(), "linea-train-"));

async function session(fields: Record<string, string> = {}): Promise<TrainingSession> {
  const program = checked(tinySpec(fields));
  return TrainingSession.create(program, trainPlan(program), tmpdir());
}

/** The loss on step 0's batch: a fixed batch, so before/after compare the model, not the sampling. */
function fixedLoss(s: TrainingSession): number {
  return tf.tidy(() => s.lossTensors(0)[0].dataSync()[0]);
}

async function weightsOf(s: TrainingSession): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of await s.weights()) if (t.dtype === "F32") out.set(name, t.data);
  return out;
}

function maxDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  let worst = 0;
  for (const [name, x] of a) {
    const y = b.get(name) ?? new Float32Array(0);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  return worst;
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("flow-matching training", () => {
  it("lowers the loss on moons; a zero-step-size control does not", async () => {
    const s = await session();
    const before = fixedLoss(s);
    await train(s, { outDir: tmp(), steps: 40 });
    const after = fixedLoss(s);
    s.dispose();
    // 40 Adam steps at lr 3e-3 move the tiny model far; 10% is well inside what is observed (~30%).
    expect(after).toBeLessThan(0.9 * before);

    const control = await session({ lr: "1e-12" });
    const c0 = fixedLoss(control);
    await train(control, { outDir: tmp(), steps: 10 });
    const c1 = fixedLoss(control);
    control.dispose();
    // Adam's step is ≈ lr per parameter: 10 steps of 1e-12 change nothing visible in float32.
    expect(Math.abs(c1 - c0)).toBeLessThan(1e-5 * c0);
  });

  it("resumes from the last checkpoint with the saved values and continues as an uninterrupted run", async () => {
    const straight = await session();
    await train(straight, { outDir: tmp(), steps: 20 });
    const expected = await weightsOf(straight);
    straight.dispose();

    const out = tmp();
    const first = await session();
    const r1 = await train(first, { outDir: out, steps: 10 });
    expect(r1.step).toBe(10);
    const saved = await weightsOf(first);
    first.dispose();

    // Resuming with nothing left to do restores exactly the checkpoint's values.
    const restored = await session();
    const r2 = await train(restored, { outDir: out, steps: 10, resume: true });
    expect(r2.start).toBe(10);
    expect(maxDifference(await weightsOf(restored), saved)).toBe(0);
    restored.dispose();

    // Control: a fresh session without resume is at its initial values, far from the checkpoint.
    const fresh = await session();
    expect(maxDifference(await weightsOf(fresh), saved)).toBeGreaterThan(1e-3);
    fresh.dispose();

    const resumed = await session();
    const r3 = await train(resumed, { outDir: out, steps: 20, resume: true });
    expect(r3.start).toBe(10);
    expect(r3.history).toHaveLength(20);
    // Same batches (seeded by step), same Adam moments; tfjs recomputes Adam's bias correction as
    // β^(k+1) on restore where the running product was used before, which may differ in the last
    // float32 ulp (1.2e-7 relative) and move each of 10 steps (size ≈ lr = 3e-3) by ~lr·ulp: 1e-6 is
    // far above that and far below one step's effect.
    expect(maxDifference(await weightsOf(resumed), expected)).toBeLessThan(1e-6);
    resumed.dispose();
  });

  it("keeps the previous checkpoint whole when a save fails midway", async () => {
    const out = tmp();
    const s = await session();
    await train(s, { outDir: out, steps: 10 });
    const dir = checkpointDir(out);
    const previous = (await listCheckpoints(dir))[0];
    expect(previous?.step).toBe(10);
    const bytesBefore = readFileSync(previous?.file ?? "");

    // The atomic writer, fed chunks that fail after the first (as a crash in the middle of writing).
    const failing: FileWriter = (file, chunks) => {
      const broken = [...chunks];
      broken[Symbol.iterator] = function* () {
        yield chunks[0] ?? new Uint8Array(0);
        throw new Error("simulated crash during save");
      };
      return writeFileAtomic(file, broken);
    };
    await expect(train(s, { outDir: out, steps: 20, resume: true, writer: failing })).rejects.toThrow(/simulated crash/);
    s.dispose();
    expect(readFileSync(previous?.file ?? "")).toEqual(bytesBefore);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect((await latestCheckpoint(dir))?.step).toBe(10);

    // Control: a writer that is not atomic leaves a truncated newer file; resume notices and skips it.
    const full = readFileSync(previous?.file ?? "");
    writeFileSync(path.join(dir, "step-00000020.safetensors"), full.subarray(0, full.length >> 1));
    const warnings: string[] = [];
    expect((await latestCheckpoint(dir, (m) => warnings.push(m)))?.step).toBe(10);
    expect(warnings.join("\n")).toMatch(/step-00000020/);
  });

  it("writes weights that compile loads, and checkpoints whose model part is the same", async () => {
    const out = tmp();
    const program = checked(tinySpec());
    const s = await TrainingSession.create(program, trainPlan(program), tmpdir());
    const r = await train(s, { outDir: out, steps: 10 });
    const trained = await weightsOf(s);
    s.dispose();
    const weights = await loadSafetensors(r.weightsFile);
    const ckpt = await readCheckpoint(r.checkpoint ?? "");
    expect([...modelTensors(ckpt.tensors).keys()].sort()).toEqual([...weights.tensors.keys()].sort());
    expect(ckpt.metadata.step).toBe("10");
    expect(ckpt.metadata.optimizer_state).toBe("complete");
    for (const name of ["A.u.0.weight", "A.v.2.bias", "G.blocks.0.f.layers.0.weight"]) expect(weights.tensors.has(name)).toBe(true);
    for (const f of ["loss.csv", "loss.json", "loss.png"]) expect(existsSync(path.join(out, f))).toBe(true);

    const compiled = await compile(program, { backend: "cpu", seed: 1, weights: r.weightsFile });
    // The compiled one-step sampler (Euler, T = 10 in the tiny spec) with the trained weights agrees
    // with the trainer's own collapse of the trained A(t): same layout, tags and step order.
    const again = await TrainingSession.create(program, trainPlan(program), tmpdir());
    await train(again, { outDir: out, steps: 10, resume: true });
    const x0 = Float32Array.from({ length: 16 }, (_, i) => Math.cos(3.1 * i));
    // The spec's sampler over v (Euler, T = 10) is the one samples.png uses.
    expect(again.plan.sampler).toEqual({ method: "euler", steps: 10 });
    const B = await oneStepOperator(again);
    const mine = tf.tidy(() => again.data.decode(applyOperator(B, again.noise.encode(tf.tensor2d(x0, [8, 2])))).dataSync());
    const theirs = tf.tidy(() => compiled.run("sample", x0).dataSync());
    again.dispose();
    let gap = 0;
    for (let i = 0; i < mine.length; i++) gap = Math.max(gap, Math.abs(mine[i] - theirs[i]));
    // Both are float32 passes through the same 2-layer flow around a float64 B; the compiler may
    // apply B in another association order: a few ulps of values of size ~3, amplified by the
    // decoder's Lipschitz constant (< 10 here): 1e-4 bounds it with a wide margin. A wrong tag or
    // a transposed B changes the samples by O(1).
    expect(gap).toBeLessThan(1e-4);
    const reread = path.join(out, "resaved.safetensors");
    await compiled.saveWeights(reread);
    compiled.dispose();
    const back = await loadSafetensors(reread);
    let worst = 0;
    for (const [name, t] of back.tensors) {
      const want = trained.get(name);
      if (t.dtype !== "F32" || want === undefined) continue;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(t.data[i] - want[i]));
    }
    // float32 → float64 (runtime operator) → float32 is exact.
    expect(worst).toBe(0);

    // A checkpoint loads as weights too: its train/ tensors (optimiser moments, loss) are run state.
    const fromCheckpoint = await compile(program, { backend: "cpu", seed: 1, weights: r.checkpoint ?? "" });
    const viaCheckpoint = tf.tidy(() => fromCheckpoint.run("sample", x0).dataSync());
    fromCheckpoint.dispose();
    expect(Array.from(viaCheckpoint)).toEqual(Array.from(theirs));
    // Control: a tensor outside train/ that no declaration uses is still rejected, by name.
    const stray = path.join(out, "stray.safetensors");
    const tensors = new Map(weights.tensors);
    tensors.set("Z.stray", { dtype: "F32", shape: [1], data: Float32Array.of(1) });
    await saveSafetensors(stray, tensors);
    await expect(compile(program, { backend: "cpu", seed: 1, weights: stray })).rejects.toThrow(/Z\.stray/);
  });
});
