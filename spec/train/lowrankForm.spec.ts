// `time_conditioned(…, form = lowrank)`: A(t) = U(t)·V(t)ᵀ with no identity term, the reference's
// TimeDependentLoRALinearLayer (paper-notes §2.3). Checked three ways:
// 1. the operator a spec binds, at several t, against a float64 PyTorch re-implementation of the
//    reference's layer on the same weights (its row-vector forward x·A₁A₂ᵀ, lin1 = our V, lin2 = our U);
//    controls: the default form (I + UVᵀ) and the swapped convention (lin1 = U) are caught;
// 2. a spec with form = lowrank trains a few steps (the identity coefficient stays 0 in the weights);
// 3. after training, the collapsed one-step sampler B equals the step-by-step sampler (Euler and RK4,
//    float64) to ≥ 100 dB; control: B of a sampler with one step more is caught.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { checkText } from "../../src/index.js";
import { bindProgram } from "../../src/compiler/binding/program.js";
import { boundLeaf } from "../../src/compiler/ir/expr.js";
import { collapseSampler } from "../../src/compiler/passes/collapse.js";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { at, materialise, type LinearOperator, type TimeConditioned } from "../../src/runtime/operator/index.js";
import { decodeSafetensors } from "../../src/runtime/io/index.js";
import { train, trainPlan, TrainingSession } from "../../src/train/index.js";
import { torchMissing, torchScript } from "../support/torch.js";
import { checked, tinySpec } from "./helpers.js";

const lowrankSpec = (fields: Record<string, string> = {}): string =>
  tinySpec(fields).replace("time_conditioned(rank = 2, embed = 8, hidden = 16)", "time_conditioned(rank = 2, embed = 8, hidden = 16, form = lowrank)");

async function boundOperator(text: string): Promise<TimeConditioned> {
  const program = checked(text);
  const bound = await bindProgram(program, { seed: 3 });
  const op = [...bound.operators.values()].map((b) => b.operator).find((o): o is TimeConditioned => o.kind === "time_conditioned");
  if (op === undefined) throw new Error("no time-conditioned operator bound");
  bound.dispose();
  return op;
}

/** y = M·x for a materialised n×n M. */
function apply(m: LinearOperator, x: readonly number[]): number[] {
  const d = materialise(m);
  return x.map((_, i) => x.reduce((s, xj, j) => s + d.data[i * d.cols + j] * xj, 0));
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("time_conditioned(form = lowrank)", () => {
  it("is checked: form is identity_plus_lowrank or lowrank (another word is a check error naming both)", () => {
    const bad = checkText(tinySpec().replace("hidden = 16)", "hidden = 16, form = diagonal)"), "/virtual/bad.lin");
    expect(isLeft(bad)).toBe(true);
    expect(isLeft(bad) ? bad.left.map((d) => d.message).join(" ") : "").toMatch(/identity_plus_lowrank, lowrank/);
    // Control: both forms check.
    expect(isLeft(checkText(lowrankSpec(), "/virtual/a.lin"))).toBe(false);
    expect(isLeft(checkText(tinySpec().replace("hidden = 16)", "hidden = 16, form = identity_plus_lowrank)"), "/virtual/b.lin"))).toBe(false);
  });

  it.skipIf(torchMissing !== undefined)("is the reference's A₁(t)A₂(t)ᵀ (float64 PyTorch on the same weights); I + UVᵀ and the swapped convention are caught", async () => {
    const op = await boundOperator(lowrankSpec());
    expect(op.alpha).toBe(0);
    const dflt = await boundOperator(tinySpec());
    expect(dflt.alpha).toBe(1);
    const times = [0, 0.25, 0.6, 0.95];
    const x = [0.7, -1.3];
    const layers = (net: TimeConditioned["u"]): { w: number[][]; b: number[] }[] =>
      net.layers.map((l) => ({
        w: Array.from({ length: l.weight.rows }, (_, i) => Array.from(l.weight.data.subarray(i * l.weight.cols, (i + 1) * l.weight.cols))),
        b: Array.from(l.bias),
      }));
    const dir = mkdtempSync(path.join(tmpdir(), "linea-lowrank-"));
    writeFileSync(path.join(dir, "op.json"), JSON.stringify({ u: layers(op.u), v: layers(op.v), times, x, n: op.rows, rank: op.rank, embed: op.embedDim }));
    // The reference's layer, re-implemented from paper-notes §2.3 in float64: SinusoidalPosEmb(embed) on
    // the raw t, Linear→GELU→Linear→GELU→Linear(n·r) twice, A_t = A₁A₂ᵀ, forward x·A_t (row vectors).
    const torchOut = torchScript<{ ours: number[][]; swapped: number[][] }>(
      dir,
      `
import math
p = json.load(open(d + "/op.json"))
torch.set_default_dtype(torch.float64)
class SinusoidalPosEmb(torch.nn.Module):
    def __init__(self, dim):
        super().__init__(); self.dim = dim
    def forward(self, t):
        half = self.dim // 2
        f = torch.exp(torch.arange(half) * -(math.log(10000) / (half - 1)))
        a = t[:, None] * f[None, :]
        return torch.cat([a.sin(), a.cos()], dim=-1)
def mlp(layers):
    mods = [SinusoidalPosEmb(p["embed"])]
    for i, l in enumerate(layers):
        lin = torch.nn.Linear(len(l["w"][0]), len(l["w"]))
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(l["w"])); lin.bias.copy_(torch.tensor(l["b"]))
        mods.append(lin)
        if i < 2: mods.append(torch.nn.GELU())
    return torch.nn.Sequential(*mods)
t = torch.tensor(p["times"]); x = torch.tensor([p["x"]] * len(p["times"]))
def forward(lin1, lin2):
    a1 = lin1(t).reshape(-1, p["n"], p["rank"]); a2 = lin2(t).reshape(-1, p["n"], p["rank"])
    a = torch.bmm(a1, a2.transpose(1, 2))
    return torch.bmm(x[:, None, :], a)[:, 0, :].tolist()
print(json.dumps({"ours": forward(mlp(p["v"]), mlp(p["u"])), "swapped": forward(mlp(p["u"]), mlp(p["v"]))}))
`,
    );
    // Linea's float64 runtime uses an erf with |error| ≤ 1.2e-7·erfc ≤ 2.4e-7, so each GELU is off by
    // ≤ ½|x|·2.4e-7 = 1.2e-7|x|. The next Linear (|w| ≤ 1/√fan_in, fan_in = 16) sums 16 of them:
    // ≤ 16·¼·1.2e-7·max|h| ≈ 5e-7·max|h| after each of the two GELU layers, so each factor entry is
    // off by ≲ 1e-6·(1 + max|h|) (hidden activations here are O(1)), and (UVᵀx)ᵢ = Σ_k U_ik(V_kᵀx) by
    // ≲ 2·r·n·1e-6·max|U|·max|V|·max|x| ≤ 1e-5 for these O(1) values. Rounding in float64 is ~1e-15.
    const tol = 1e-5;
    let worst = 0;
    let offDefault = 0;
    let offSwapped = 0;
    times.forEach((t, b) => {
      const ours = apply(at(op, t), x);
      const plusIdentity = apply(at({ ...dflt, u: op.u, v: op.v }, t), x);
      ours.forEach((y, i) => {
        worst = Math.max(worst, Math.abs(y - torchOut.ours[b][i]));
        offDefault = Math.max(offDefault, Math.abs(plusIdentity[i] - torchOut.ours[b][i]));
        offSwapped = Math.max(offSwapped, Math.abs(y - torchOut.swapped[b][i]));
      });
    });
    expect(worst).toBeLessThan(tol);
    expect(offDefault).toBeGreaterThan(tol);
    expect(offSwapped).toBeGreaterThan(tol);
  });

  it("trains a few steps; the one-step sampler equals the multi-step one to ≥ 100 dB (Euler and RK4)", async () => {
    const program = checked(lowrankSpec({ steps: "4", checkpoint_every: "4", batch: "16" }));
    const session = await TrainingSession.create(program, trainPlan(program), tmpdir());
    const outDir = mkdtempSync(path.join(tmpdir(), "linea-lowrank-train-"));
    const result = await train(session, { outDir, steps: 4 });
    expect(result.history.length).toBe(4);
    expect(result.history.every((row) => row.every(Number.isFinite))).toBe(true);
    const trained = await session.operator.toOperator();
    expect(trained.alpha).toBe(0);
    // The identity coefficient is saved as 0: a weights file of the pure form reloads as the pure form.
    const file = decodeSafetensors(new Uint8Array(readFileSync(result.weightsFile)), result.weightsFile);
    const alpha = file.tensors.get("A.alpha");
    expect(alpha?.dtype).toBe("F32");
    expect(alpha?.dtype === "F32" ? Array.from(alpha.data) : undefined).toEqual([0]);
    // A trained, non-trivial A(t): the hypernetworks moved.
    const initial = session.program.operators.get(session.plan.operatorKey ?? "")?.operator as TimeConditioned;
    expect(materialise(at(trained, 0.5)).data).not.toEqual(materialise(at(initial, 0.5)).data);

    const z0 = [0.9, -0.4];
    for (const method of ["euler", "rk4"] as const) {
      const steps = 10;
      const b = collapseSampler(boundLeaf("A", trained), method, steps);
      const oneStep = apply(b, z0);
      const multi = multiStepOracle(trained, method, steps, z0);
      // Both are float64; one-step reassociates the same products (≲ 1e-14 relative), so ≥ 100 dB
      // (relative error ≤ 1e-5) holds with a wide margin.
      expect(psnr(oneStep, multi)).toBeGreaterThanOrEqual(100);
      // Control: the collapse of an 11-step sampler is caught by the same measure.
      expect(psnr(apply(collapseSampler(boundLeaf("A", trained), method, steps + 1), z0), multi)).toBeLessThan(100);
    }
    session.dispose();
  });
});

/** −10·log₁₀(‖a − b‖² / ‖b‖²): the relative PSNR in dB. */
function psnr(a: readonly number[], b: readonly number[]): number {
  const err = a.reduce((s, ai, i) => s + (ai - b[i]) ** 2, 0);
  const ref = b.reduce((s, bi) => s + bi * bi, 0);
  return -10 * Math.log10(err / ref);
}

/**
 * The sampler written out in float64, independently of src/compiler/ir/sampler.ts: velocity
 * L(t)z = (A(t)z − z)/(1 − t), steps t_k = k/T for k = 0 … T−2, Euler or classical RK4.
 */
function multiStepOracle(op: TimeConditioned, method: "euler" | "rk4", steps: number, z0: readonly number[]): number[] {
  const dt = 1 / steps;
  const vel = (t: number, z: readonly number[]): number[] => apply(at(op, t), z).map((az, i) => (az - z[i]) / (1 - t));
  const axpy = (z: readonly number[], c: number, k: readonly number[]): number[] => z.map((zi, i) => zi + c * k[i]);
  let z = [...z0];
  for (let k = 0; k < steps - 1; k++) {
    const t = k / steps;
    if (method === "euler") {
      z = axpy(z, dt, vel(t, z));
      continue;
    }
    const k1 = vel(t, z);
    const k2 = vel(t + dt / 2, axpy(z, dt / 2, k1));
    const k3 = vel(t + dt / 2, axpy(z, dt / 2, k2));
    const k4 = vel(t + dt, axpy(z, dt, k3));
    z = z.map((zi, i) => zi + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  }
  return z;
}
