// `loss = nll`: −log p(x) = ½‖g(x)‖² + (D/2)·log 2π − log|det ∂g/∂x| in bits/dim. Checked: the loss
// against a float64 oracle whose log-determinant comes from a dense finite-difference Jacobian of the
// same network (control: the log-det with the wrong sign), and on a linear flow from its exact
// Jacobian (control: no log-det); a few steps lower it on correlated Gaussian
// data; a resumed run equals the uninterrupted one; an induced space's chart is accepted and the
// models without one chart are refused (LIN0941).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { seededRandom } from "../../src/runtime/operator/index.js";
import { LikelihoodSession, train, TrainError, trainPlan, type Dataset } from "../../src/train/index.js";
import { checked } from "./helpers.js";

const EPS32 = 2 ** -23;
const D = 3;
/** x = μ + L·n: a non-identity covariance Σ = L·Lᵀ (correlated, scales 4, 1.3, 2.2). */
const L = [4, 0, 0, 1.2, 0.5, 0, -0.8, 0.6, 2];
const MU = [1, -2, 0.5];

function gaussian(rows: number, seed = 5): Dataset {
  const random = seededRandom(seed);
  const data = new Float32Array(rows * D);
  for (let r = 0; r < rows; r++) {
    const n = [random.normal(), random.normal(), random.normal()];
    for (let i = 0; i < D; i++) data[r * D + i] = MU[i] + L[i * D] * n[0] + L[i * D + 1] * n[1] + L[i * D + 2] * n[2];
  }
  return { name: "correlated gaussian", data, rows, shape: [D] };
}

const spec = (fields: Record<string, string> = {}, model = "G", declarations = ""): string => {
  const all = { model, data: "moons(n = 64)", loss: "nll", steps: "40", batch: "64", lr: "2e-2", seed: "1", checkpoint_every: "20", ...fields };
  return [
    "space P = R^3;",
    "network G : P { actnorm; affine_coupling(hidden = 8, depth = 1, activation = tanh); inv_dense; permute(reverse); affine_coupling(hidden = 8, depth = 1, activation = tanh); }",
    "network H : P tagged { affine_coupling(hidden = 8, depth = 1, activation = tanh); }",
    "space Data = induced G;",
    "space Tagged = induced H[1];",
    declarations,
    `train fit { ${Object.entries(all)
      .map(([k, v]) => `${k} = ${v};`)
      .join(" ")} }`,
    "",
  ].join("\n");
};

async function session(text: string, dataset: Dataset = gaussian(256)): Promise<LikelihoodSession> {
  const program = checked(text);
  return LikelihoodSession.create(program, trainPlan(program), tmpdir(), { dataset });
}

async function values(s: LikelihoodSession): Promise<Float32Array[]> {
  return Promise.all(s.variables.map(async (v) => Float32Array.from(await v.variable.data())));
}

function det3(m: readonly number[]): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/** ‖M⁻¹‖_F of a 3×3 M (adjugate / det). */
function inverseFrobenius(m: readonly number[]): number {
  const cof = [
    m[4] * m[8] - m[5] * m[7],
    m[5] * m[6] - m[3] * m[8],
    m[3] * m[7] - m[4] * m[6],
    m[2] * m[7] - m[1] * m[8],
    m[0] * m[8] - m[2] * m[6],
    m[1] * m[6] - m[0] * m[7],
    m[1] * m[5] - m[2] * m[4],
    m[2] * m[3] - m[0] * m[5],
    m[0] * m[4] - m[1] * m[3],
  ];
  return Math.hypot(...cof) / Math.abs(det3(m));
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("loss = nll", () => {
  it("is ½‖g(x)‖² + (D/2)log 2π − log|det J| in bits/dim (float64 oracle, finite-difference Jacobian); the wrong sign is caught", async () => {
    const s = await session(spec());
    const net = s.chart.network;
    if (net === undefined) throw new Error("no network");
    const x = s.batch(0);
    const n = s.plan.batch;
    const got = tf.tidy(() => s.lossTensors(0)[0].dataSync()[0]);
    // g at x and at x ± h·e_j for h and 2h: one forward of [n·(1 + 4D), D] rows.
    const h = 1e-2;
    const points: number[] = [];
    for (let r = 0; r < n; r++) {
      const row = Array.from(x.subarray(r * D, (r + 1) * D));
      points.push(...row);
      for (const step of [h, 2 * h]) for (let j = 0; j < D; j++) for (const sign of [1, -1]) points.push(...row.map((v, k) => (k === j ? v + sign * step : v)));
    }
    const z = tf.tidy(() => net.forward(tf.tensor2d(points, [points.length / D, D])).dataSync());
    const per = 1 + 4 * D;
    let nll = 0;
    let flipped = 0;
    let tol = 0;
    for (let r = 0; r < n; r++) {
      const at = (k: number, i: number): number => z[(r * per + k) * D + i];
      const jac = (step: number): number[] => {
        const base = step === h ? 1 : 1 + 2 * D;
        const m = new Array<number>(D * D);
        for (let j = 0; j < D; j++) for (let i = 0; i < D; i++) m[i * D + j] = (at(base + 2 * j, i) - at(base + 2 * j + 1, i)) / (2 * step);
        return m;
      };
      const jh = jac(h);
      const j2h = jac(2 * h);
      const prior = 0.5 * [0, 1, 2].reduce((acc, i) => acc + at(0, i) ** 2, 0);
      const logDet = Math.log(Math.abs(det3(jh)));
      nll += prior + (D / 2) * Math.log(2 * Math.PI) - logDet;
      flipped += prior + (D / 2) * Math.log(2 * Math.PI) + logDet;
      // Per entry of J: central differences err by ≈ (J_2h − J_h)/3 (the h² term, Richardson), plus
      // float32 rounding of g (≲ 20 roundings of |g| ≤ zmax) divided by 2h. Then |Δlog|det|| =
      // |tr(J⁻¹ΔJ)| + O(ΔJ²) ≤ 2‖J⁻¹‖_F‖ΔJ‖_F. The session's own float32 sums: ½‖z‖² (4ε) and the five
      // blocks' log-dets (5ε·|log det|, with 2·|log det| as a generous stand-in for Σ|block log-dets|).
      const zmax = Math.max(...[0, 1, 2].map((i) => Math.abs(at(0, i))), 1);
      const dj = jh.map((v, k) => Math.abs(j2h[k] - v) / 3 + (20 * EPS32 * zmax) / (2 * h));
      tol += 2 * inverseFrobenius(jh) * Math.hypot(...dj) + 4 * EPS32 * prior + 10 * EPS32 * Math.abs(logDet);
    }
    const bits = (v: number): number => v / n / (D * Math.LN2);
    const allowed = bits(tol) + 2 * n * EPS32 * Math.abs(bits(nll));
    expect(Math.abs(got - bits(nll))).toBeLessThanOrEqual(allowed);
    // Control: + log|det J| instead of − (the log-det is ≈ −log det(L) ≈ −1.4 per sample here).
    expect(Math.abs(got - bits(flipped))).toBeGreaterThan(allowed);
    s.dispose();
  });

  it("on a linear flow (actnorm, inv_dense) equals the oracle with the exact Jacobian J = g(x + e_j) − g(x)", async () => {
    const linear = spec().replace(/network G : P \{[^}]*\}/, "network G : P { actnorm; inv_dense; permute(reverse); inv_dense; }");
    const s = await session(linear);
    const net = s.chart.network;
    if (net === undefined) throw new Error("no network");
    const x = s.batch(0);
    const n = s.plan.batch;
    const got = tf.tidy(() => s.lossTensors(0)[0].dataSync()[0]);
    // g is affine, so the columns of J are g(x₀ + e_j) − g(x₀) exactly (no truncation): one forward.
    const z0 = tf.tidy(() => net.forward(tf.tensor2d([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], [4, D])).dataSync());
    const jac = [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => z0[(1 + j) * D + i] - z0[i]));
    const logDet = Math.log(Math.abs(det3(jac)));
    const z = tf.tidy(() => net.forward(tf.tensor2d(x, [n, D])).dataSync());
    let nll = 0;
    for (let r = 0; r < n; r++) nll += 0.5 * (z[r * D] ** 2 + z[r * D + 1] ** 2 + z[r * D + 2] ** 2) + (D / 2) * Math.log(2 * Math.PI) - logDet;
    const bits = nll / n / (D * Math.LN2);
    // J's entries are differences of float32 outputs of magnitude ≤ zmax: ≤ 2·10ε·zmax each (10
    // roundings through four linear blocks), so |Δlog|det|| ≤ 2‖J⁻¹‖_F·‖ΔJ‖_F; the session's float32
    // sums (½‖z‖²: 4ε relative; the block log-dets: 4ε·|log det|) and the mean over n (n·ε).
    const zmax = Math.max(1, ...Array.from(z0, Math.abs));
    const dLogDet = 2 * inverseFrobenius(jac) * 3 * 20 * EPS32 * zmax;
    const allowed = (dLogDet + 4 * EPS32 * Math.abs(logDet)) / (D * Math.LN2) + (4 + n) * EPS32 * Math.abs(bits);
    expect(Math.abs(got - bits)).toBeLessThanOrEqual(allowed);
    // Control: the same without the log-det term.
    expect(Math.abs(got - (bits + logDet / (D * Math.LN2)))).toBeGreaterThan(allowed);
    s.dispose();
  });

  it("a few steps lower the bits/dim on correlated Gaussian data", async () => {
    const s = await session(spec());
    const result = await train(s, { outDir: mkdtempSync(path.join(tmpdir(), "linea-nll-")) });
    const mean = (rows: readonly (readonly number[])[]): number => rows.reduce((a, r) => a + r[0], 0) / rows.length;
    const first = mean(result.history.slice(0, 5));
    const last = mean(result.history.slice(-5));
    // ActNorm starts the model whitened per coordinate; the correlations (ρ ≈ 0.9 between x₁ and x₂)
    // are left for inv_dense and the couplings. The exact Gaussian's entropy is the floor the
    // cross-entropy cannot go below: ½log₂(2πe) + log₂|det L|/D bits/dim.
    const entropy = 0.5 * Math.log2(2 * Math.PI * Math.E) + Math.log2(Math.abs(det3(L))) / D;
    expect(last).toBeLessThan(first - 0.05);
    // Batch means of 64 samples scatter by ≈ 1/√64 of the per-sample spread (≈ 1 nat per sample ≈
    // 0.5 bits/dim): a floor check with 0.3 bits/dim of slack.
    expect(last).toBeGreaterThan(entropy - 0.3);
    s.dispose();
  });

  it("resumes from its checkpoint to the same weights as an uninterrupted run", async () => {
    const text = spec({ steps: "4", checkpoint_every: "2" });
    const whole = await session(text);
    await train(whole, { outDir: mkdtempSync(path.join(tmpdir(), "linea-nll-whole-")) });
    const want = await values(whole);
    whole.dispose();
    const outDir = mkdtempSync(path.join(tmpdir(), "linea-nll-resume-"));
    const first = await session(text);
    await train(first, { outDir, steps: 2 });
    const atCheckpoint = await values(first);
    first.dispose();
    const second = await session(text);
    const resumed = await train(second, { outDir, resume: true });
    expect(resumed.start).toBe(2);
    // Same seeded batches, parameters and Adam moments restored exactly; only tfjs's βᵏ differs: a
    // restored Adam recomputes it as pow(β, k) where the uninterrupted one multiplied k times, a few ε
    // apart, which 1 − β₂ᵏ ≈ k·1e-3 amplifies to ≲ ε/(k·1e-3) ≤ 1000ε relative in the step (≤ lr): over
    // the resumed steps ≤ RESUMED·lr·1000ε, plus ε|θ| per step for θ's own rounding.
    const got = await values(second);
    const resumedSteps = 2;
    const allowed = (theta: number): number => resumedSteps * (2e-2 * 1000 * EPS32 + Math.abs(theta) * EPS32);
    const off = (a: Float32Array[]): number => Math.max(...a.flatMap((g, i) => Array.from(g, (v, k) => Math.abs(v - want[i][k]) / allowed(want[i][k]))));
    expect(off(got)).toBeLessThanOrEqual(1);
    // Control: the checkpoint's weights, before the resumed steps, are caught by the same measure.
    expect(off(atCheckpoint)).toBeGreaterThan(1);
    second.dispose();
  });

  it("takes an induced space's chart (network and tag); refuses a tagged network and a map (LIN0941)", async () => {
    expect(trainPlan(checked(spec({}, "Tagged"))).data).toMatchObject({ tag: 1, shape: [3] });
    expect(trainPlan(checked(spec({}, "Data"))).data.tag).toBeUndefined();
    const refuse = (model: string, declarations = ""): TrainError => {
      try {
        trainPlan(checked(spec({}, model, declarations)));
      } catch (e) {
        if (e instanceof TrainError) return e;
        throw e;
      }
      throw new Error("accepted");
    };
    const tagged = refuse("H");
    expect(tagged.code).toBe("LIN0941");
    expect(tagged.message).toMatch(/induced H\[1\]/);
    const map = refuse("f", "operator A = dense;\nmap f : Data -> Data = A;");
    expect(map.code).toBe("LIN0941");
  });
});
