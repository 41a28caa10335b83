// `loss = idempotent` (paper-notes §1.6): p = g⁻¹ ∘ Q ∘ g with one network g and a trained projector
// Q = W·Wᵀ. The retracted factor keeps Q a projector (float64 oracle), p ∘ p = p holds after training
// on noise and data (trainer's forward and the compiled program from the saved weights), an
// un-retracted factor breaks it and is caught, training lowers the data reconstruction, a resumed run
// matches an uninterrupted one, and models that are not one induced space are refused with a location;
// through `linea train`: the loss columns, projections.png (a scatter for 2-D, a grid for images).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { compile } from "../../src/compiler/execute/program.js";
import { seededRandom } from "../../src/runtime/operator/index.js";
import { networkSpace } from "../../src/verify/conditioning.js";
import { maxMagnitude, rmsError, tolerance, U32, type Stage } from "../../src/verify/measure.js";
import { train, trainPlan, TrainError } from "../../src/train/index.js";
import { IdempotentSession } from "../../src/train/idempotentSession.js";
import { orthonormalised } from "../../src/train/projector.js";
import { runTrain } from "../../src/cli/train.js";
import type { CommandIO } from "../../src/cli/command.js";
import { PNG } from "pngjs";
import { saveNpy } from "../../src/runtime/io/index.js";
import { checked } from "./helpers.js";

const tmp = (): string => mkdtempSync(path.join(tmpdir(), "linea-idem-"));

const MODEL = ["map p : Z -> Z = Q;", "entry project(x : Z) = p(x);", "entry twice(x : Z) = p(p(x));"].join("\n");

/** A 2-D idempotent model: two small couplings, a rank-1 projector, trained on moons. */
function idempotentSpec(fields: Record<string, string> = {}, model = MODEL): string {
  const section = { model: "p", data: "moons(n = 512)", loss: "idempotent", steps: "30", batch: "64", lr: "5e-3", seed: "1", checkpoint_every: "10", ...fields };
  return [
    "space P = R^2;",
    "network G : P tagged {",
    "  repeat 2 { affine_coupling(hidden = 16, depth = 1, activation = tanh, scale_bound = 2.0); permute(reverse); }",
    "}",
    "space Z = induced G[0];",
    "space W = induced G[1];",
    "operator Q = projector(rank = 1);",
    model,
    `train fit { ${Object.entries(section)
      .map(([k, v]) => `${k} = ${v};`)
      .join(" ")} }`,
    "",
  ].join("\n");
}

async function session(fields: Record<string, string> = {}): Promise<IdempotentSession> {
  const program = checked(idempotentSpec(fields));
  return IdempotentSession.create(program, trainPlan(program), tmpdir());
}

/** W (float32, as trained) widened to float64, and the float64 oracle max|P² − P| for P = W·Wᵀ. */
function projectorDefect(w: ArrayLike<number>, n: number, r: number): number {
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < r; k++) p[i * n + j] += w[i * r + k] * w[j * r + k];
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let pp = 0;
      for (let k = 0; k < n; k++) pp += p[i * n + k] * p[k * n + j];
      worst = Math.max(worst, Math.abs(pp - p[i * n + j]));
    }
  }
  return worst;
}

/**
 * W = fl32(Q) for an orthonormal float64 Q: w = q(1 + δ), |δ| ≤ u = 2⁻²⁴, so WᵀW = I + E with
 * |E_ij| ≤ 2u·Σ_k|q_ki q_kj| ≤ 2u (Cauchy–Schwarz), ‖E‖₂ ≤ 2ru, and P² − P = W·E·Wᵀ is at most
 * ‖W‖₂²·‖E‖₂ ≈ 2ru entrywise. A factor 2 covers the float64 QR's own O(n·ε64) and ‖W‖₂² ≥ 1.
 */
const projectorTolerance = (r: number): number => 4 * r * U32;

function rows(count: number, dim: number, seed: number, scale: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count * dim }, () => scale * random.normal());
}

/**
 * p∘p against p with the verifier's float32 error model (src/verify/measure.ts): each pass of g or
 * g⁻¹ is a stage with the network's summed fan-ins and its measured Lipschitz constant, Q a stage of
 * fan-in n·r with Lipschitz 1. p∘p runs encode, Q, decode twice; p once.
 */
async function idempotenceTolerance(s: IdempotentSession): Promise<number> {
  const net = [...s.networks.values()][0].network;
  const model = await networkSpace(net, "Z", 0);
  const encode: Stage = { ops: model.ops, lip: model.lip };
  const q: Stage = { ops: s.operator.n * s.operator.rank, lip: 1 };
  const decode: Stage = { ops: model.ops, lip: model.lipInverse };
  return tolerance([encode, q, decode, encode, q, decode], [encode, q, decode]);
}

/** The error measure of the verifier: worst row RMS of p(p(x)) − p(x) over (1 + max|x|). */
function idempotenceError(x: Float32Array, once: ArrayLike<number>, twice: ArrayLike<number>, n: number): number {
  return rmsError(twice, once, n, maxMagnitude(x));
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("idempotent training: the plan", () => {
  it("accepts a projector map on one induced space and refuses other models with a location", () => {
    const plan = trainPlan(checked(idempotentSpec()));
    expect(plan.loss).toBe("idempotent");
    expect(plan.operatorName).toBe("Q");
    expect({ network: plan.noise.network, tag: plan.noise.tag }).toEqual({ network: plan.data.network, tag: plan.data.tag });
    // Control 1: two tags of the network are two spaces; p would not be idempotent.
    const twoTags = checked(idempotentSpec({}, "map p : Z -> W = Q;"));
    expect(() => trainPlan(twoTags)).toThrow(TrainError);
    expect(() => trainPlan(twoTags)).toThrow(/LIN0902|idempotent needs a map from one induced space to itself/);
    expect(() => trainPlan(twoTags)).toThrow(/train fit \(\/virtual\/tiny\.lin:9:1\).*goes from induced G\[0\] to induced G\[1\]/);
    // Control 2: a dense operator is not a projector.
    expect(() => trainPlan(checked(idempotentSpec({}, "operator D = dense; map p : Z -> Z = D;")))).toThrow(/must be a declared projector operator/);
  });
});

describe("idempotent training: ActNorm", () => {
  it("initialises ActNorm on step 0's data rows, as flow matching does", async () => {
    const spec = [
      "space P = R^2;",
      "network G : P { actnorm; affine_coupling(hidden = 8, depth = 1, activation = tanh); }",
      "space Z = induced G;",
      "operator Q = projector(rank = 1);",
      MODEL,
      "train fit { model = p; data = moons(n = 512, noise = 0.05); loss = idempotent; steps = 1; batch = 64; seed = 3; }",
      "",
    ].join("\n");
    const program = checked(spec);
    const s = await IdempotentSession.create(program, trainPlan(program), tmpdir());
    const net = s.data.network;
    if (net === undefined) throw new Error("no network");
    // Per-coordinate mean and unbiased std of the first block's output on rows x.
    const stats = (x: Float32Array): number[][] =>
      tf.tidy(() => {
        const y = net.blocks[0].forward(tf.tensor2d(x, [64, 2]), undefined) as tf.Tensor2D;
        const { mean, variance } = tf.moments(y, 0);
        return [Array.from(mean.dataSync()), Array.from(variance.dataSync(), (v) => Math.sqrt((v * 64) / 63))];
      });
    // b = −mean, s = −log(std + 1e-6) over these 64 rows: mean 0 and std 1 − O(1e-5); float32 sums of
    // 64 values of size ≤ 3 carry ≈ 64·ε₃₂·3 ≈ 2e-5.
    const [mean, std] = stats(s.batch(0));
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(1e-4);
    for (const d of std) expect(Math.abs(d - 1)).toBeLessThan(1e-4);
    // Control: standard normal rows through the same ActNorm are not standardised (the moons' mean is
    // ≈ (0.5, 0.25) and their std ≈ (0.9, 0.5), so N(0, 1) moves by about 0.5 in mean or std).
    const [noiseMean, noiseStd] = stats(rows(64, 2, 11, 1));
    const off = Math.max(...noiseMean.map(Math.abs), ...noiseStd.map((d) => Math.abs(d - 1)));
    expect(off).toBeGreaterThan(0.3);
    s.dispose();
  });
});

describe("idempotent training: the projector factor", () => {
  it("stays orthonormal through the retraction, so Q² = Q to float32 rounding; an un-retracted factor is caught", async () => {
    const s = await session();
    const { n, rank } = s.operator;
    expect(projectorDefect(await s.operator.basis.data(), n, rank)).toBeLessThanOrEqual(projectorTolerance(rank));
    await train(s, { outDir: tmp(), steps: 5 });
    const w = Float32Array.from(await s.operator.basis.data());
    expect(projectorDefect(w, n, rank)).toBeLessThanOrEqual(projectorTolerance(rank));
    // The retraction is continuous: an orthonormal W comes back unchanged (up to the float32 rounding).
    const again = orthonormalised(w, n, rank);
    for (let i = 0; i < w.length; i++) expect(Math.abs(again[i] - w[i])).toBeLessThanOrEqual(4 * U32);
    // Control: a gradient step without the retraction (W scaled by 1.01) is no projector, by ≈ 2%.
    const stepped = w.map((v) => 1.01 * v);
    expect(projectorDefect(stepped, n, rank)).toBeGreaterThan(100 * projectorTolerance(rank));
    // …and the retraction repairs it.
    expect(projectorDefect(orthonormalised(stepped, n, rank), n, rank)).toBeLessThanOrEqual(projectorTolerance(rank));
    s.dispose();
  });
});

describe("idempotent training end to end", () => {
  it("lowers the reconstruction; p∘p = p on noise and data after training, in the trainer and from the saved weights", async () => {
    const s = await session();
    const fixed = (): number[] => tf.tidy(() => s.lossTensors(0).map((t) => t.dataSync()[0]));
    const [, recBefore] = fixed();
    const out = tmp();
    const result = await train(s, { outDir: out, steps: 30 });
    const [, recAfter] = fixed();
    // Moons (noise 0.05) lie close to a curve: 30 steps cut the pixel MSE of p(x) vs x on a fixed batch.
    expect(recAfter).toBeLessThan(0.7 * recBefore);
    expect(result.history[0].length).toBe(3);

    const n = s.data.dim;
    const noise = rows(64, n, 11, 1);
    const data = Float32Array.from(s.dataset.data.subarray(0, 64 * n));
    const tol = await idempotenceTolerance(s);
    const program = checked(idempotentSpec());
    const compiled = await compile(program, { backend: "cpu", seed: 1, weights: result.weightsFile });
    for (const x of [noise, data]) {
      const once = await s.projectRows(x);
      const twice = await s.projectRows(once);
      expect(idempotenceError(x, once, twice, n)).toBeLessThanOrEqual(tol);
      // The compiled program with the saved weights is the trained model: same p as the trainer's.
      const runOnce = tf.tidy(() => compiled.run("project", x).dataSync());
      const runTwice = tf.tidy(() => compiled.run("twice", x).dataSync());
      expect(idempotenceError(x, runOnce, runTwice, n)).toBeLessThanOrEqual(tol);
      expect(rmsError(runOnce, once, n, maxMagnitude(x))).toBeLessThanOrEqual(tol);
    }
    compiled.dispose();

    // Control: perturb W without retracting (what a plain gradient step leaves) and p∘p ≠ p is caught.
    const w = await s.operator.basis.data();
    s.operator.basis.assign(
      tf.tensor2d(
        Float32Array.from(w, (v) => 1.05 * v),
        [n, s.operator.rank],
      ),
    );
    const once = await s.projectRows(noise);
    const twice = await s.projectRows(once);
    expect(idempotenceError(noise, once, twice, n)).toBeGreaterThan(10 * tol);
    s.dispose();
  });

  it("a run resumed from its checkpoint ends where an uninterrupted run ends", async () => {
    const whole = await session();
    await train(whole, { outDir: tmp(), steps: 10 });
    const straight = await whole.weights();
    whole.dispose();

    const out = tmp();
    const first = await session();
    await train(first, { outDir: out, steps: 5 });
    first.dispose();
    const second = await session();
    const resumed = await train(second, { outDir: out, steps: 10, resume: true });
    expect(resumed.start).toBe(5);
    const after = await second.weights();
    second.dispose();
    let worst = 0;
    for (const [name, t] of straight) {
      const u = after.get(name);
      if (t.dtype !== "F32" || u === undefined || u.dtype !== "F32") continue;
      for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i] - u.data[i]));
    }
    expect(after.has("Q.basis")).toBe(true);
    // As for flow matching (docs/training.md): tfjs recomputes Adam's bias correction on restore,
    // which can move the last float32 bit of a step; 5 steps of lr 5e-3 keep that under 1e-6.
    expect(worst).toBeLessThanOrEqual(1e-6);
  });
});

describe("linea train with loss = idempotent", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "linea-idem-cli-"));
  writeFileSync(path.join(dir, "linea.json"), "{}");
  const io = (): CommandIO & { out: string[]; err: string[] } => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, cwd: dir, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
  };

  it("trains a 2-D model and writes the loss columns and a projections scatter", async () => {
    writeFileSync(path.join(dir, "plane.lin"), idempotentSpec({ steps: "4", checkpoint_every: "2" }));
    const r = io();
    expect(await runTrain(["plane.lin", "--out", "run", "--backend", "cpu"], r, { tty: false })).toBe(0);
    expect(r.out.join("")).toMatch(/projections run\/projections\.png/);
    expect(readFileSync(path.join(dir, "run", "loss.csv"), "utf8").split("\n")[0]).toBe("step,total,data_rec,latent");
    expect(PNG.sync.read(readFileSync(path.join(dir, "run", "projections.png"))).width).toBeGreaterThan(100);
    expect(existsSync(path.join(dir, "run", "samples.png"))).toBe(false);
  });

  it("draws an image space as a grid: inputs on top, projections below", async () => {
    const image = [
      "space Img = R[1, 4, 4];",
      "network G : Img { squeeze; affine_coupling(hidden = 8, depth = 1, activation = tanh); }",
      "space Z = induced G;",
      "operator Q = projector(rank = 3);",
      "map p : Z -> Z = Q;",
      'train fit { model = p; data = "rows.npy"; loss = idempotent; steps = 2; batch = 8; }',
      "",
    ].join("\n");
    writeFileSync(path.join(dir, "image.lin"), image);
    const values = Float32Array.from({ length: 32 * 16 }, (_, i) => Math.sin(0.37 * i));
    await saveNpy(path.join(dir, "rows.npy"), { dtype: "F32", shape: [32, 1, 4, 4], data: values });
    const r = io();
    expect(await runTrain(["image.lin", "--out", "img", "--backend", "cpu"], r, { tty: false })).toBe(0);
    const png = PNG.sync.read(readFileSync(path.join(dir, "img", "projections.png")));
    // 12 columns (4 noise, 4 data, 4 noisy data) and 2 rows of 4×4 tiles: wider than tall, by about 6.
    expect(png.width / png.height).toBeGreaterThan(4);
  });

  it("refuses a map between two spaces, naming the section's location (exit 1)", async () => {
    writeFileSync(path.join(dir, "two.lin"), idempotentSpec({}, "map p : Z -> W = Q;"));
    const r = io();
    expect(await runTrain(["two.lin", "--backend", "cpu"], r, { tty: false })).toBe(1);
    expect(r.err.join("")).toMatch(/LIN0902\]: train fit \(.*two\.lin:9:1\): loss idempotent needs a map from one induced space to itself/);
  });
});
