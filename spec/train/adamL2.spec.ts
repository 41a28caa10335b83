// `optimizer = adam, weight_decay = λ` is PyTorch's Adam(weight_decay = λ): coupled L2, the decay added
// to the gradient before the moment updates (g ← g + λθ), not AdamW's decoupled θ ← θ(1 − lr·λ). The
// trainer's loop (train()) runs a few steps on a quadratic and is compared with a float64 oracle of
// torch.optim.Adam's update formula written here; control: the oracle of AdamW's decoupled update (and
// the adamw run against the Adam oracle) is told apart by the same comparison. The oracle itself is
// checked against torch.optim.Adam and AdamW (float64) on the same quadratic.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import type { HostTensor } from "../../src/runtime/io/index.js";
import { registerTrainingGradients, train, trainPlan, type TrainPlan } from "../../src/train/index.js";
import type { TrainableSession } from "../../src/train/session.js";
import { torchMissing, torchScript } from "../support/torch.js";
import { checked, tinySpec } from "./helpers.js";

const EPS32 = 2 ** -23;
const LR = 1e-2;
const DECAY = 0.5;
const STEPS = 5;
// The quadratic L(θ) = ½ Σ hᵢ(θᵢ − cᵢ)²: gradient hᵢ(θᵢ − cᵢ). θ₀ far from c so that no gradient
// passes through zero in STEPS steps (where m̂/√v̂ is ill-conditioned).
const H = [1, 2, 0.5, 4, 3, 0.25];
const C = [0.3, -0.7, 1.5, 0.1, -2, 0.9];
const THETA0 = Float32Array.from([2, 1.5, -1, -1.25, 1, -2]);

let sessions = 0;

/** A session whose one variable θ is trained on the quadratic, for the trainer's real loop. */
function quadraticSession(plan: TrainPlan): TrainableSession {
  const theta = tf.variable(tf.tensor1d(THETA0), true, `quadratic-theta-${sessions++}`);
  const h = tf.tensor1d(H);
  const c = tf.tensor1d(C);
  return {
    plan,
    networks: new Map(),
    operators: new Map(),
    operator: { parameters: () => new Map() },
    variables: [{ fileName: "theta", variable: theta }],
    lossColumns: ["total"],
    lossTensors: () => [tf.mul(0.5, tf.sum(tf.mul(h, tf.square(tf.sub(theta, c)))))],
    weights: async (): Promise<Map<string, HostTensor>> => new Map([["theta", { dtype: "F32", shape: [THETA0.length], data: Float32Array.from(await theta.data()) }]]),
    dispose: () => tf.dispose([theta, h, c]),
  };
}

async function run(optimizer: "adam" | "adamw"): Promise<Float32Array> {
  const program = checked(tinySpec({ optimizer, lr: String(LR), weight_decay: String(DECAY), checkpoint_every: String(STEPS) }));
  const session = quadraticSession(trainPlan(program));
  await train(session, { outDir: mkdtempSync(path.join(tmpdir(), "linea-adam-l2-")), steps: STEPS });
  const out = Float32Array.from(await session.variables[0].variable.data());
  session.dispose();
  return out;
}

/**
 * torch.optim.Adam (β = (0.9, 0.999), ε = 1e-8) in float64, STEPS steps: coupled, g ← ∇L + λθ, then
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·(m/(1−β₁ᵏ)) / (√(v/(1−β₂ᵏ)) + ε); decoupled
 * (AdamW): θ ← θ(1 − lr·λ) first, g = ∇L at the old θ. One deviation from PyTorch's float64 βᵏ: tfjs
 * keeps βᵏ in a float32 variable (βᵏ = fround(βᵏ⁻¹·fround(β))), which moves 1 − β₂ᵏ by a relative
 * 1.3e-5, far above the rounding tolerance below, so the oracle takes βᵏ as tfjs holds it.
 */
function oracle(coupled: boolean, exactPowers = false): number[] {
  const theta = Array.from(THETA0);
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  let acc1 = exactPowers ? 0.9 : Math.fround(0.9);
  let acc2 = exactPowers ? 0.999 : Math.fround(0.999);
  for (let k = 1; k <= STEPS; k++) {
    const grad = theta.map((t, i) => H[i] * (t - C[i]) + (coupled ? DECAY * t : 0));
    for (let i = 0; i < theta.length; i++) {
      if (!coupled) theta[i] *= 1 - LR * DECAY;
      m[i] = 0.9 * m[i] + 0.1 * grad[i];
      v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
      theta[i] -= (LR * (m[i] / (1 - acc1))) / (Math.sqrt(v[i] / (1 - acc2)) + 1e-8);
    }
    acc1 = exactPowers ? 0.9 ** (k + 1) : Math.fround(acc1 * Math.fround(0.9));
    acc2 = exactPowers ? 0.999 ** (k + 1) : Math.fround(acc2 * Math.fround(0.999));
  }
  return theta;
}

/**
 * Largest |θ_tfjs − θ_oracle| / allowed. Per step float32 rounds θ (|θ|·ε/2), the gradient (sub, mul,
 * add of λθ: 3ε relative), each moment (2ε) and the update m̂/(√v̂ + ε) (bias corrections, sqrt, add,
 * div, mul by lr: 6ε), a step of size ≤ lr (|m̂/√v̂| ≤ 1 for Adam's first steps): ≤ |θ|ε + 13·lr·ε per
 * step. An error δ in θ moves the next gradient by hδ (h ≤ 4) and the normalised update by at most
 * lr·hδ/|g| (|g| ≥ 0.5 here), i.e. a factor (1 + 0.08) per step: over 5 steps ≤ 1.5 of the sum. So
 * allowed = 1.5·STEPS·(|θ|ε + 13·lr·ε), times 2 for the terms not counted (ε = 1e-8 in the sum).
 */
function worst(got: Float32Array, want: readonly number[]): number {
  let ratio = 0;
  want.forEach((w, i) => {
    const allowed = 2 * 1.5 * STEPS * (Math.abs(w) * EPS32 + 13 * LR * EPS32);
    ratio = Math.max(ratio, Math.abs(got[i] - w) / allowed);
  });
  return ratio;
}

beforeAll(async () => {
  await selectBackend("cpu");
  registerTrainingGradients();
});

describe("adam with weight_decay (coupled L2, torch.optim.Adam)", () => {
  it("takes torch's Adam steps on a quadratic; AdamW's decoupled steps are told apart", async () => {
    const coupled = oracle(true);
    const decoupled = oracle(false);
    const adam = await run("adam");
    expect(worst(adam, coupled)).toBeLessThanOrEqual(1);
    // Control: the same comparison rejects the decoupled formula for the adam run...
    expect(worst(adam, decoupled)).toBeGreaterThan(1);
    // ...and the adamw run follows the decoupled formula, not the coupled one.
    const adamw = await run("adamw");
    expect(worst(adamw, decoupled)).toBeLessThanOrEqual(1);
    expect(worst(adamw, coupled)).toBeGreaterThan(1);
  });

  it.skipIf(torchMissing !== undefined)("the oracle is torch.optim.Adam / AdamW (float64 PyTorch on the same quadratic)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "linea-adam-torch-"));
    const got = torchScript<{ adam: number[]; adamw: number[] }>(
      dir,
      `
h = torch.tensor(${JSON.stringify(H)}, dtype=torch.float64); c = torch.tensor(${JSON.stringify(C)}, dtype=torch.float64)
def run(cls):
    theta = torch.tensor(${JSON.stringify(Array.from(THETA0))}, dtype=torch.float64, requires_grad=True)
    opt = cls([theta], lr=${LR}, betas=(0.9, 0.999), eps=1e-8, weight_decay=${DECAY})
    for _ in range(${STEPS}):
        opt.zero_grad(); (0.5 * (h * (theta - c) ** 2).sum()).backward(); opt.step()
    return theta.detach().tolist()
print(json.dumps({"adam": run(torch.optim.Adam), "adamw": run(torch.optim.AdamW)}))
`,
    );
    // Both float64: the oracle with exact βᵏ is PyTorch's update up to rounding (a few ulps of |θ|).
    const close = (a: readonly number[], b: readonly number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(close(got.adam, oracle(true, true))).toBeLessThan(1e-12);
    expect(close(got.adamw, oracle(false, true))).toBeLessThan(1e-12);
    // Control: Adam and AdamW differ far beyond that (and beyond the float32 tolerance above).
    expect(close(got.adam, got.adamw)).toBeGreaterThan(1e-4);
  });
});
