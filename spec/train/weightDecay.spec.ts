// Decoupled weight decay (optimizer = adamw) against one step computed by hand from Adam's definition:
// θ₁ = θ₀·(1 − lr·λ) − lr·m̂/(√v̂ + ε), with m̂ = g and v̂ = g² after one step, g the gradient at θ₀.
// Control: the same step without decay (optimizer = adam) is caught by the same comparison.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { train, trainPlan, TrainingSession } from "../../src/train/index.js";
import { checked, tinySpec } from "./helpers.js";

const EPS32 = 2 ** -23;
const LR = 1e-2;
const DECAY = 0.5;
// tfjs keeps β₁^k and β₂^k in float32 variables: after one step the bias corrections divide by
// 1 − fround(β), not 1 − β. For β₂ = 0.999 that is a relative 1.3e-5 in v̂ (6.4e-6 in the step),
// far above rounding, so the hand step uses the same factors: m̂ = g·M_HAT, v̂ = g²·V_HAT.
const M_HAT = (1 - 0.9) / (1 - Math.fround(0.9));
const V_HAT = (1 - 0.999) / (1 - Math.fround(0.999));

async function oneStep(optimizer: string): Promise<{ before: Float32Array[]; grads: Float32Array[]; after: Float32Array[] }> {
  const program = checked(tinySpec({ optimizer, lr: String(LR), ...(optimizer === "adamw" ? { weight_decay: String(DECAY) } : {}) }));
  const s = await TrainingSession.create(program, trainPlan(program), tmpdir());
  const vars = s.variables.map((v) => v.variable);
  const before = await Promise.all(vars.map(async (v) => Float32Array.from(await v.data())));
  const { value, grads } = tf.variableGrads(() => s.lossTensors(0)[0], vars);
  const g = await Promise.all(vars.map(async (v) => Float32Array.from(await (grads[v.name] ?? tf.zerosLike(v)).data())));
  tf.dispose([value, ...Object.values(grads)]);
  await train(s, { outDir: mkdtempSync(path.join(tmpdir(), "linea-decay-")), steps: 1 });
  const after = await Promise.all(vars.map(async (v) => Float32Array.from(await v.data())));
  s.dispose();
  return { before, grads: g, after };
}

/** Largest |θ₁ − expected| / allowed over all entries, for the hand step with decay `decay`. */
function worst(run: { before: Float32Array[]; grads: Float32Array[]; after: Float32Array[] }, decay: number): number {
  let ratio = 0;
  run.before.forEach((theta, k) => {
    for (let i = 0; i < theta.length; i++) {
      const g = run.grads[k][i];
      const expected = theta[i] * (1 - LR * decay) - (LR * g * M_HAT) / (Math.abs(g) * Math.sqrt(V_HAT) + 1e-8);
      // float32: the decay product rounds once (|θ|·ε), Adam's moments, bias corrections, sqrt and
      // division a few times each (≤ 8 roundings of a step of size ≤ lr): 2|θ|ε + 8·lr·ε.
      const allowed = 2 * Math.abs(theta[i]) * EPS32 + 8 * LR * EPS32;
      ratio = Math.max(ratio, Math.abs(run.after[k][i] - expected) / allowed);
    }
  });
  return ratio;
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("weight decay", () => {
  it("adamw takes the hand-computed decoupled step; adam without decay differs by lr·λ·θ", async () => {
    const decayed = await oneStep("adamw");
    expect(worst(decayed, DECAY)).toBeLessThanOrEqual(1);
    // The hand formula without decay does not describe the adamw step...
    expect(worst(decayed, 0)).toBeGreaterThan(1);
    const plain = await oneStep("adam");
    // ...and plain adam follows the formula with λ = 0, not with λ = DECAY.
    expect(worst(plain, 0)).toBeLessThanOrEqual(1);
    expect(worst(plain, DECAY)).toBeGreaterThan(1);
  });
});
