// `loss = mse` (supervised, paper-notes §2.8): f = g_y⁻¹ A g_x fitted to (input, target) rows by
// mean((f(x) − y)²). Checked: the loss against a float64 oracle on a Euclidean map (control: targets
// paired with the wrong inputs); training lowers it and moves every parameter, networks and operator
// (Adam with coupled weight decay, as the reference configures); through induced spaces the trained f
// equals the compiled program's on the same weights file and inputs (control: the untrained program);
// a resumed run equals the uninterrupted one; and the coded refusals (LIN0941, LIN0942).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { materialise, seededRandom } from "../../src/runtime/operator/index.js";
import { SupervisedSession, train, TrainError, trainPlan, type Dataset } from "../../src/train/index.js";
import { checked } from "./helpers.js";

const EPS32 = 2 ** -23;

/** y = M·x (2×3) on 3-D Gaussian inputs: a target a dense A can fit exactly. */
function linearPairs(rows: number, seed = 7): Dataset {
  const random = seededRandom(seed);
  const m = [0.8, -0.5, 0.3, 0.2, 0.9, -0.7];
  const data = Float32Array.from({ length: rows * 3 }, () => random.normal());
  const targets = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) for (let i = 0; i < 2; i++) targets[r * 2 + i] = m[i * 3] * data[r * 3] + m[i * 3 + 1] * data[r * 3 + 1] + m[i * 3 + 2] * data[r * 3 + 2];
  return { name: "linear pairs", data, rows, shape: [3], targets: { data: targets, shape: [2] } };
}

const trainLine = (fields: Record<string, string> = {}): string => {
  const all = {
    model: "f",
    data: "moons(n = 64)",
    loss: "mse",
    steps: "30",
    batch: "16",
    lr: "3e-2",
    seed: "1",
    checkpoint_every: "10",
    optimizer: "adam",
    weight_decay: "1e-5",
    ...fields,
  };
  return `train fit { ${Object.entries(all)
    .map(([k, v]) => `${k} = ${v};`)
    .join(" ")} }`;
};

const euclideanSpec = (fields: Record<string, string> = {}, operator = "dense"): string =>
  ["space X = R^3;", "space Y = R^2;", `operator A = ${operator};`, "map f : X -> Y = A;", trainLine(fields), ""].join("\n");

/** Style-transfer shape: one tagged network on both sides (g_x = G[0], g_y = G[1]), a dense A. */
const inducedSpec = (fields: Record<string, string> = {}): string =>
  [
    "space P = R^3;",
    "space Q = R^2;",
    "network GX : P { actnorm; affine_coupling(hidden = 8, depth = 1, activation = tanh); permute(reverse); }",
    "network GY : Q { affine_coupling(hidden = 8, depth = 1, activation = tanh); permute(reverse); }",
    "space X = induced GX;",
    "space Y = induced GY;",
    "operator A = dense;",
    "map f : X -> Y = A;",
    "entry apply(x : X) = f(x);",
    trainLine(fields),
    "",
  ].join("\n");

async function session(text: string, dataset: Dataset = linearPairs(64)): Promise<SupervisedSession> {
  const program = checked(text);
  return SupervisedSession.create(program, trainPlan(program), tmpdir(), { dataset });
}

async function values(s: SupervisedSession): Promise<Float32Array[]> {
  return Promise.all(s.variables.map(async (v) => Float32Array.from(await v.variable.data())));
}

async function refusal(make: () => Promise<unknown>): Promise<TrainError> {
  try {
    await make();
  } catch (e) {
    if (e instanceof TrainError) return e;
    throw e;
  }
  throw new Error("accepted");
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("loss = mse", () => {
  it("is mean((A·x − y)²) on a Euclidean map (float64 oracle); wrongly paired targets are caught", async () => {
    const s = await session(euclideanSpec());
    // The operator as bound (float64), before the float32 copy the session trains.
    const bound = s.program.operators.get(s.plan.operatorKey ?? "");
    if (bound === undefined) throw new Error("operator A not bound");
    const a = materialise(bound.operator);
    const { x, y } = s.batch(0);
    const got = tf.tidy(() => s.lossTensors(0)[0].dataSync()[0]);
    const oracle = (shift: number): { loss: number; tol: number } => {
      let sum = 0;
      let tol = 0;
      const n = s.plan.batch;
      for (let r = 0; r < n; r++) {
        const ry = (r + shift) % n;
        for (let i = 0; i < 2; i++) {
          let f = 0;
          let mag = 0;
          for (let j = 0; j < 3; j++) {
            f += a.data[i * 3 + j] * x[r * 3 + j];
            mag += Math.abs(a.data[i * 3 + j] * x[r * 3 + j]);
          }
          const diff = f - y[ry * 2 + i];
          sum += diff * diff;
          // float32: A rounded (ε/2 each), a 3-term dot product (3ε), the subtraction (ε): |Δdiff| ≤
          // δ = 5ε·(mag + |y|); the square is then off by ≤ 2|diff|δ + δ² + ε·diff².
          const delta = 5 * EPS32 * (mag + Math.abs(y[ry * 2 + i]));
          tol += 2 * Math.abs(diff) * delta + delta * delta + EPS32 * diff * diff;
        }
      }
      // The mean over 2n entries: its own summation rounds by ≤ 2n·ε relative.
      const loss = sum / (2 * n);
      return { loss, tol: tol / (2 * n) + 2 * n * EPS32 * loss };
    };
    const right = oracle(0);
    expect(Math.abs(got - right.loss)).toBeLessThanOrEqual(right.tol);
    // Control: the same rows with the targets of the next row.
    const wrong = oracle(1);
    expect(Math.abs(got - wrong.loss)).toBeGreaterThan(wrong.tol);
    s.dispose();
  });

  it("lowers the loss and trains every parameter (Adam, weight_decay = 1e-5)", async () => {
    const s = await session(euclideanSpec());
    const before = await values(s);
    const result = await train(s, { outDir: mkdtempSync(path.join(tmpdir(), "linea-mse-")) });
    const after = await values(s);
    const first = result.history[0][0];
    const last = result.history[result.history.length - 1][0];
    // y = M·x is fitted exactly by a dense A: 30 Adam steps at lr 3e-2 cut the loss by far more than
    // batch-to-batch noise (the batches share one distribution, the loss is ≥ 0).
    expect(last).toBeLessThan(first / 4);
    before.forEach((b, i) => expect(Array.from(after[i])).not.toEqual(Array.from(b)));
    s.dispose();
  });

  it("through induced spaces, trains networks and operator; f is the compiled program's on the saved weights", async () => {
    const s = await session(inducedSpec({ steps: "6", checkpoint_every: "6" }));
    expect(s.variables.some((v) => v.fileName.startsWith("GX."))).toBe(true);
    expect(s.variables.some((v) => v.fileName.startsWith("GY."))).toBe(true);
    expect(s.variables.some((v) => v.fileName.startsWith("A."))).toBe(true);
    const before = await values(s);
    const result = await train(s, { outDir: mkdtempSync(path.join(tmpdir(), "linea-mse-induced-")) });
    const after = await values(s);
    before.forEach((b, i) => expect(Array.from(after[i]), s.variables[i].fileName).not.toEqual(Array.from(b)));
    const x = linearPairs(8, 11).data;
    const ours = await s.predictRows(x);
    const program = checked(inducedSpec());
    const compiled = await compile(program, { weights: result.weightsFile, seed: 1 });
    const theirs = compiled.run("apply", x);
    const theirValues = Float32Array.from(await theirs.data());
    theirs.dispose();
    // Same float32 weights, same inputs, two code paths (session vs compiled plan) of the same ≲ 30
    // float32 operations per output (actnorm, a coupling of width 8 each side, A): each rounds by ε
    // relative; tanh and exp in the couplings amplify by their Lipschitz bound (≤ e^{|s|}, |s| ≲ 1):
    // ≤ 30·e·ε ≈ 1e-5 relative to max(1, |f|).
    const scale = Math.max(1, ...Array.from(ours, Math.abs));
    const tol = 30 * Math.E * EPS32 * scale;
    const worst = Math.max(...Array.from(ours, (v, i) => Math.abs(v - theirValues[i])));
    expect(worst).toBeLessThanOrEqual(tol);
    // Control: the untrained program (seeded, no weights) computes another f.
    const untrained = await compile(program, { seed: 1 });
    const raw = untrained.run("apply", x);
    const rawValues = Float32Array.from(await raw.data());
    raw.dispose();
    expect(Math.max(...Array.from(ours, (v, i) => Math.abs(v - rawValues[i])))).toBeGreaterThan(tol);
    compiled.dispose();
    untrained.dispose();
    s.dispose();
  });

  it("resumes from its checkpoint to the same weights as an uninterrupted run", async () => {
    const text = euclideanSpec({ steps: "6", checkpoint_every: "2" });
    const whole = await session(text);
    await train(whole, { outDir: mkdtempSync(path.join(tmpdir(), "linea-mse-whole-")) });
    const want = await values(whole);
    whole.dispose();
    const outDir = mkdtempSync(path.join(tmpdir(), "linea-mse-resume-"));
    const first = await session(text);
    await train(first, { outDir, steps: 4 });
    const atCheckpoint = await values(first);
    first.dispose();
    const second = await session(text);
    const resumed = await train(second, { outDir, resume: true });
    expect(resumed.start).toBe(4);
    expect(resumed.history.length).toBe(6);
    // Same seeded batches, parameters and Adam moments restored exactly; only tfjs's βᵏ differs: a
    // restored Adam recomputes it as pow(β, k) where the uninterrupted one multiplied k times, a few ε
    // apart, which 1 − β₂ᵏ ≈ k·1e-3 amplifies to ≲ ε/(k·1e-3) ≤ 1000ε relative in the step (≤ lr): over
    // the resumed steps ≤ RESUMED·lr·1000ε, plus ε|θ| per step for θ's own rounding.
    const got = await values(second);
    const resumedSteps = 2;
    const allowed = (theta: number): number => resumedSteps * (3e-2 * 1000 * EPS32 + Math.abs(theta) * EPS32);
    const off = (a: Float32Array[]): number => Math.max(...a.flatMap((g, i) => Array.from(g, (v, k) => Math.abs(v - want[i][k]) / allowed(want[i][k]))));
    expect(off(got)).toBeLessThanOrEqual(1);
    // Control: the checkpoint's weights, before the resumed steps, are caught by the same measure.
    expect(off(atCheckpoint)).toBeGreaterThan(1);
    second.dispose();
  });

  it("refuses data without targets or with targets of the wrong shape (LIN0942), and unfit models (LIN0941)", async () => {
    const pairs = linearPairs(16);
    const { targets: _dropped, ...bare } = pairs;
    const none = await refusal(() => session(euclideanSpec(), bare));
    expect(none.code).toBe("LIN0942");
    expect(none.message).toMatch(/no targets/);
    const wide = await refusal(() => session(euclideanSpec(), { ...pairs, targets: { data: new Float32Array(16 * 3), shape: [3] } }));
    expect(wide.code).toBe("LIN0942");
    expect(wide.message).toMatch(/\[2\]/);
    // Control: the same data with fitting targets is accepted.
    (await session(euclideanSpec(), pairs)).dispose();
    const orthogonal = await refusal(() => session(["space X = R^2;", "operator A = orthogonal;", "map f : X -> X = A;", trainLine(), ""].join("\n")));
    expect(orthogonal.code).toBe("LIN0941");
    const timed = await refusal(() =>
      session(["space X = R^2;", "operator A = time_conditioned(rank = 1, embed = 4, hidden = 4);", "map f : X -> X = A;", trainLine(), ""].join("\n")),
    );
    expect(timed.code).toBe("LIN0941");
  });
});
