// Training an image flow (helpers.ts tinyImageSpec: 14×14 MNIST through actnorm, squeeze, affine and
// additive couplings on [C, H, W], both permutations and inv_dense): ActNorm is initialised on data,
// every block's parameters receive gradients and move, a resumed run continues as an uninterrupted one,
// and the one-step samples (the spec's RK4 sampler collapsed) come out as images.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { oneStepSamples, train, trainPlan, TrainingSession } from "../../src/train/index.js";
import { checked, tinyImageSpec } from "./helpers.js";

const tmp = (): string => mkdtempSync(path.join(tmpdir(), "linea-image-train-"));

async function session(fields: Record<string, string> = {}): Promise<TrainingSession> {
  const program = checked(tinyImageSpec(fields), "/virtual/image.lin");
  return TrainingSession.create(program, trainPlan(program), tmpdir());
}

async function values(s: TrainingSession): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const v of s.variables) out.set(v.fileName, Float32Array.from(await v.variable.data()));
  return out;
}

function maxDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [name, x] of a) {
    const y = b.get(name) ?? new Float32Array(x.length).fill(NaN);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  return worst;
}

/** Mean and unbiased std of the first ActNorm's output on rows x (one channel before the squeeze). */
function firstActNormStats(s: TrainingSession, x: Float32Array, rows: number): [number, number] {
  const net = s.data.network;
  if (net === undefined) throw new Error("no data network");
  return tf.tidy(() => {
    const y = net.blocks[0].forward(tf.tensor(x, [rows, 1, 14, 14]), 1);
    const { mean, variance } = tf.moments(y);
    const n = y.size;
    return [mean.dataSync()[0], Math.sqrt((variance.dataSync()[0] * n) / (n - 1))];
  });
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("training an image flow", () => {
  it("initialises ActNorm on the data batch of step 0, not on noise", async () => {
    const s = await session();
    const { x1, x0 } = s.batch(0);
    const [mean, std] = firstActNormStats(s, x1, s.plan.batch);
    // b = −mean, s = −log(std + 1e-6) over these very values: the output has mean 0 and std
    // std/(std + 1e-6) = 1 − O(1e-5) for pixel std ≈ 0.3; float32 sums over 8·196 values of size ≤ 4
    // carry ≈ 1568·ε₃₂·4 ≈ 1e-3 at worst.
    expect(Math.abs(mean)).toBeLessThan(1e-3);
    expect(Math.abs(std - 1)).toBeLessThan(1e-3);
    // Control: Gaussian noise through the same ActNorm is far from standardised (MNIST's mean ≈ 0.13,
    // std ≈ 0.3 moves N(0, 1) to mean ≈ −0.4, std ≈ 3).
    const [noiseMean, noiseStd] = firstActNormStats(s, x0, s.plan.batch);
    expect(Math.abs(noiseMean) + Math.abs(noiseStd - 1)).toBeGreaterThan(0.5);
    s.dispose();
  });

  it("moves every parameter of every block and of A(t)", async () => {
    const s = await session();
    const before = await values(s);
    const kinds = new Set(s.data.network?.blocks.map((b) => b.kind));
    expect([...kinds].sort()).toEqual(["actnorm", "additive_coupling", "affine_coupling", "inv_dense", "permute", "squeeze"]);
    const r = await train(s, { outDir: tmp(), steps: 2 });
    for (const row of r.history) for (const v of row) expect(Number.isFinite(v)).toBe(true);
    const after = await values(s);
    const still = [...before].filter(([name, x]) => maxDifference(new Map([[name, x]]), after) === 0).map(([name]) => name);
    // Adam moves each parameter with a nonzero gradient by ≈ lr = 1e-3 per step: none stays put.
    expect(still).toEqual([]);
    expect(before.size).toBeGreaterThan(20);
    s.dispose();
  });

  it("writes checkpoints and resumes to the same values as an uninterrupted run", async () => {
    const straight = await session();
    await train(straight, { outDir: tmp(), steps: 4 });
    const expected = await values(straight);
    straight.dispose();

    const out = tmp();
    const first = await session();
    expect((await train(first, { outDir: out, steps: 2 })).checkpoint).toMatch(/step-00000002/);
    const halfway = await values(first);
    first.dispose();
    const resumed = await session();
    const r = await train(resumed, { outDir: out, steps: 4, resume: true });
    expect(r.start).toBe(2);
    // As in trainer.spec.ts: tfjs recomputes Adam's bias correction on restore, which may move the
    // last float32 bit of a step of size ≈ lr = 1e-3; 2 steps stay far below 1e-6.
    expect(maxDifference(await values(resumed), expected)).toBeLessThan(1e-6);
    // Control: the halfway values are far from the end (the resumed run did train).
    expect(maxDifference(halfway, expected)).toBeGreaterThan(1e-4);
    resumed.dispose();
  });

  it("draws one-step samples through the spec's collapsed RK4 sampler", async () => {
    const s = await session();
    expect(s.plan.sampler).toEqual({ method: "rk4", steps: 6 });
    const samples = await oneStepSamples(s, 4, 9);
    expect(samples?.length).toBe(4 * 196);
    for (const v of samples ?? []) expect(Number.isFinite(v)).toBe(true);
    s.dispose();
  });
});
