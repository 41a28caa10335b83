// `linea sample` through main(): the one-step (collapsed) sampler against the multi-step one within a
// float32 bound derived from the step matrices, both against a float64 oracle (the IR's reference
// semantics); a sampler with one step too many is caught (control); the files, pictures and
// results.json on a 2-D and an image space; and the exit codes of bad command lines.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import * as tf from "@tensorflow/tfjs-core";
import { PNG } from "pngjs";
import { elementsOf, groupOf, textsOf, tileLayout, xmlError } from "../support/xml.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";
import { multiStepSample, seededNoise, tensorStepAlgebra } from "../../src/apps/sampling.js";
import { agreement } from "../../src/apps/psnr.js";
import { samplerSpecForCli } from "../../src/cli/sampler_input.js";
import { compileFile, type CompiledProgram } from "../../src/compiler/execute/program.js";
import { applyHost, evaluateOperator } from "../../src/compiler/ir/evaluate.js";
import type { SamplerMethod } from "../../src/compiler/checker/builtins.js";
import { sampler as samplerExpr, type OpExpr } from "../../src/compiler/ir/expr.js";
import { samplerStep, stagesOf, stepTimes } from "../../src/compiler/ir/sampler.js";
import { operatorStepAlgebra, stepOperator } from "../../src/compiler/passes/collapse.js";
import { loadNpy } from "../../src/runtime/io/index.js";
import { matrix } from "../../src/runtime/linalg/index.js";
import { svd as operatorSvd } from "../../src/runtime/operator/index.js";
import { encodeSafetensors } from "../../src/runtime/io/safetensors.js";
import { randomLpipsTensors } from "../runtime/metrics/random_weights.js";

const FLOAT32_EPS = 2 ** -23;

const dir = mkdtempSync(join(tmpdir(), "linea-sample-"));
writeFileSync(join(dir, "linea.json"), "{}");
// Euclidean ends (g = identity), so data space is the latent and the float32 bound needs no network.
writeFileSync(
  join(dir, "flat.lin"),
  `space X = R^3;
operator A = time_conditioned(rank = 1, embed = 8, hidden = 8);
map v : X -> X = A;
operator M[3, 3] = dense;
map fixed : X -> X = M;
`,
);
// A 2-D toy like examples/toy2d_train.lin, and a tiny image space, both through a tagged network.
const tagged = (space: string): string => `space P = ${space};
network G : P tagged { affine_coupling(hidden = 8, depth = 1, activation = tanh, scale_bound = 2.0); permute(reverse); affine_coupling(hidden = 8, depth = 1, activation = tanh, scale_bound = 2.0); }
space Noise = induced G[0];
space Data = induced G[1];
operator A = time_conditioned(rank = 2, embed = 8, hidden = 8);
map v : Noise -> Data = A;
`;
writeFileSync(join(dir, "plane.lin"), tagged("R^2"));
writeFileSync(join(dir, "image.lin"), tagged("R[1, 4, 4]"));
// 16×16, the smallest image VGG16's five LPIPS taps accept, and seeded random LPIPS weights at 1/16 width.
writeFileSync(join(dir, "image16.lin"), tagged("R[1, 16, 16]"));
writeFileSync(join(dir, "lpips.safetensors"), Buffer.concat(encodeSafetensors(randomLpipsTensors("vgg16", 16, 4))));

const linea = lineaIn(dir);

async function rows(file: string): Promise<{ values: Float32Array; shape: number[] }> {
  const a = await loadNpy(file);
  return { values: Float32Array.from(a.data, Number), shape: [...a.shape] };
}

const norm = (v: ArrayLike<number>): number => Math.hypot(...Array.from(v));
const spectralNorm = (op: Parameters<typeof operatorSvd>[0]): number => operatorSvd(op).s[0] ?? 0;

/**
 * The float32 error bounds of a T-step sampler of A on R^N (per unit ‖x‖), from its step matrices M_k
 * (exact float64 SVDs). Multi-step: step k rounds its stages with relative error ≤ γ = 4·stages·N·ε₃₂ of
 * their magnitude, which is ≤ L_k‖z_k‖ with L_k = (1 + Δt/(1 − t)·(max‖A(·)‖ + 1))^stages (each stage
 * adds Δt·L(t) applied to the previous one); the error is then carried by the other steps, and
 * ‖z_k‖ ≤ ∏_{j<k}‖M_j‖‖x‖, so ‖Δ‖ ≤ γ·Σ_k L_k·∏_{j≠k}‖M_j‖·‖x‖. One-step: B rounded to float32
 * (‖ΔB‖ ≤ √N·ε₃₂·‖B‖) and an N-term product (γ_N ≤ (N + 1)·ε₃₂), ‖B‖ ≤ ∏‖M_k‖.
 */
function bounds(A: OpExpr, method: SamplerMethod, steps: number): { multi: number; one: number } {
  const n = A.cols;
  const dt = 1 / steps;
  const alg = operatorStepAlgebra((t) => evaluateOperator(A, t));
  const stages = stagesOf(method);
  const times = stepTimes(steps);
  const m = times.map((t) => spectralNorm(stepOperator(alg, method, n, t, dt)));
  const local = times.map((t) => {
    const a = Math.max(...[t, t + dt / 2, t + dt].map((s) => spectralNorm(evaluateOperator(A, s))));
    return (1 + (dt / (1 - t)) * (a + 1)) ** stages;
  });
  const product = (skip: number): number => m.reduce((p, x, j) => (j === skip ? p : p * Math.max(1, x)), 1);
  const gamma = 4 * stages * n * FLOAT32_EPS;
  const multi = gamma * local.reduce((s, l, k) => s + l * product(k), 0);
  const one = (Math.sqrt(n) + n + 1) * FLOAT32_EPS * product(-1);
  return { multi, one };
}

describe("linea sample", { timeout: 120_000 }, () => {
  let compiled: CompiledProgram;
  let A: OpExpr;
  const steps = [6, 40];
  let run: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    // The same compile the command does (seed 0), to reach A(t).
    const c = await compileFile(join(dir, "flat.lin"), { backend: "cpu", targets: ["v"] });
    if (isLeft(c)) throw new Error(`spec does not check: ${c.left.map((d) => d.message).join("; ")}`);
    compiled = c.right;
    const v = compiled.ir.maps.get("v");
    if (v?.kind !== "normal") throw new Error("v is a normal form");
    A = v.op;
    run = await linea("sample", "flat.lin", "--map", "v", "--steps", steps.join(","), "--n", "8", "--backend", "cpu", "--out", "flat");
  });
  afterAll(() => compiled.dispose());

  it("one-step equals multi-step within the derived float32 bound, and both equal the float64 oracle", async () => {
    expect(run.stderr).toContain("backend: cpu");
    expect(run.code).toBe(0);
    const x = await rows(join(dir, "flat", "noise.npy"));
    expect(x.shape).toEqual([8, 3]);
    // Noise i comes from seed i: a run with fewer samples draws the same first rows.
    for (const method of ["euler", "rk4"] as const) {
      for (const T of steps) {
        const one = await rows(join(dir, "flat", `one_step_${method}_T${T}.npy`));
        const multi = await rows(join(dir, "flat", `multi_step_${method}_T${T}.npy`));
        expect(one.shape).toEqual([8, 3]);
        const b = bounds(A, method, T);
        const oracle = applyHost(samplerExpr(A, method, T), transposeRows(x.values, 3));
        for (let i = 0; i < 8; i++) {
          const xi = norm(x.values.subarray(3 * i, 3 * i + 3));
          const o = [0, 1, 2].map((j) => oracle.data[j * oracle.cols + i] ?? NaN);
          const dOne = diff(one.values.subarray(3 * i, 3 * i + 3), o);
          const dMulti = diff(multi.values.subarray(3 * i, 3 * i + 3), o);
          expect(dOne).toBeLessThanOrEqual(b.one * xi);
          expect(dMulti).toBeLessThanOrEqual(b.multi * xi);
          expect(diff(one.values.subarray(3 * i, 3 * i + 3), Array.from(multi.values.subarray(3 * i, 3 * i + 3)))).toBeLessThanOrEqual((b.one + b.multi) * xi);
        }
        // Control: the multi-step sampler with one step fewer (T − 2 steps, stopping at t = (T−2)/T) is
        // caught. (One step more would evaluate RK4's k₄ at t = 1, where 1/(1 − t) is infinite.)
        const alg = tensorStepAlgebra(A);
        const short = tf.tidy(() =>
          stepTimes(T)
            .slice(0, -1)
            .reduce((z, t) => samplerStep(alg, method, z, t, 1 / T), tf.tensor2d(x.values, [8, 3])),
        );
        const wrong = Float32Array.from(await short.data());
        short.dispose();
        alg.release();
        const worst = Math.min(
          ...Array.from(
            { length: 8 },
            (_, i) => diff(one.values.subarray(3 * i, 3 * i + 3), Array.from(wrong.subarray(3 * i, 3 * i + 3))) / norm(x.values.subarray(3 * i, 3 * i + 3)),
          ),
        );
        // Every sample fails the bound the right sampler meets (measured: 14× to 500× over it at seed 0).
        expect(worst).toBeGreaterThan(b.one + b.multi);
      }
    }
  });

  it("reports the PSNR of the written samples in the table and results.json", async () => {
    const json = JSON.parse(readFileSync(join(dir, "flat", "results.json"), "utf8")) as {
      samples: number;
      results: {
        method: string;
        T: number;
        psnr_db_mean: number | null;
        psnr_db_of_mean_mse: number | null;
        max_abs_diff: number;
        collapse_ms: number;
        one_step_ms: number;
        multi_step_ms: number;
      }[];
    };
    expect(json.samples).toBe(8);
    expect(json.results.map((r) => `${r.method}/${r.T}`)).toEqual(["euler/6", "euler/40", "rk4/6", "rk4/40"]);
    for (const r of json.results) {
      const one = await rows(join(dir, "flat", `one_step_${r.method}_T${r.T}.npy`));
      const multi = await rows(join(dir, "flat", `multi_step_${r.method}_T${r.T}.npy`));
      const a = agreement(one.values, multi.values, 8);
      expect(r.max_abs_diff).toBe(a.maxAbsDiff);
      expect(r.psnr_db_of_mean_mse).toBe(Number.isFinite(a.psnrOfMeanMse) ? a.psnrOfMeanMse : null);
      expect(r.psnr_db_mean).toBe(Number.isFinite(a.psnrMean) ? a.psnrMean : null);
      for (const ms of [r.collapse_ms, r.one_step_ms, r.multi_step_ms]) expect(ms).toBeGreaterThan(0);
      expect(run.stdout).toMatch(new RegExp(`^${r.method}\\s+${r.T}\\s`, "m"));
    }
    expect(run.stdout).toContain("PSNR = −10·log₁₀ MSE per sample, averaged");
  });

  it("the PSNR definition: per-sample −10·log₁₀ MSE averaged, against a hand computation", () => {
    // Two samples of two values: MSEs 0.01 and 0.0001 → 20 dB and 40 dB → mean 30 dB; of the mean MSE: 10·log₁₀(1/0.00505).
    const a = agreement([0.1, 0.1, 0.01, 0.01], [0, 0, 0, 0], 2);
    expect(a.psnrMean).toBeCloseTo(30, 10);
    expect(a.psnrOfMeanMse).toBeCloseTo(-10 * Math.log10(0.00505), 10);
    expect(a.maxAbsDiff).toBeCloseTo(0.1, 12);
    // Control: averaging the MSEs first is a different number.
    expect(Math.abs(a.psnrMean - a.psnrOfMeanMse)).toBeGreaterThan(1);
  });

  it("draws a scatter for a 2-D space and image grids for an image space", async () => {
    const plane = await linea("sample", "plane.lin", "--map", "v", "--steps", "6", "--methods", "rk4", "--n", "5", "--backend", "cpu", "--out", "plane");
    expect(plane.code).toBe(0);
    const scatter = PNG.sync.read(readFileSync(join(dir, "plane", "samples_rk4_T6.png")));
    expect([scatter.width, scatter.height]).toEqual([480, 480]);
    // One-step and multi-step points are told apart: a filled circle and a cross, both in the legend
    // (the old scatter drew both as the same dot, with colour alone).
    const svg = readFileSync(join(dir, "plane", "samples_rk4_T6.svg"), "utf8");
    expect(xmlError(svg)).toBeUndefined();
    const legend = groupOf(svg, "legend") ?? "";
    expect(textsOf(legend)).toEqual(["one-step", "multi-step"]);
    expect(elementsOf(legend, "path").map((p) => p["data-marker"])).toEqual(["circle", "cross"]);
    expect(textsOf(svg)).toContain("samples, rk4 T=6");
    expect((await rows(join(dir, "plane", "one_step_rk4_T6.npy"))).shape).toEqual([5, 2]);
    const image = await linea("sample", "image.lin", "--map", "v", "--steps", "6", "--methods", "euler", "--n", "12", "--backend", "cpu", "--out", "image");
    expect(image.code).toBe(0);
    expect((await rows(join(dir, "image", "multi_step_euler_T6.npy"))).shape).toEqual([12, 1, 4, 4]);
    for (const kind of ["one_step", "multi_step"]) {
      const grid = PNG.sync.read(readFileSync(join(dir, "image", `${kind}_euler_T6.png`)));
      expect(grid.width).toBeGreaterThan(grid.height);
      // 12 tiles in rows of 6, under a title that says which sampler drew them.
      const svg = readFileSync(join(dir, "image", `${kind}_euler_T6.svg`), "utf8");
      expect(tileLayout(svg)).toEqual({ tiles: 12, columns: 6, rows: 2 });
      expect(textsOf(svg)).toContain(`${kind === "one_step" ? "one-step" : "multi-step"} samples, euler T=6`);
    }
    // Through the networks too, one-step and multi-step are the same sampler (no magic number: the
    // written PSNR must be far above that of the one-step samples against the noises they came from).
    const json = JSON.parse(readFileSync(join(dir, "image", "results.json"), "utf8")) as { results: { psnr_db_of_mean_mse: number }[] };
    const noise = await rows(join(dir, "image", "noise.npy"));
    const one = await rows(join(dir, "image", "one_step_euler_T6.npy"));
    expect(json.results[0]?.psnr_db_of_mean_mse ?? 0).toBeGreaterThan(agreement(one.values, noise.values, 12).psnrOfMeanMse + 60);
  });

  it("runs the multi-step sampler without leaking tensors (one tidy per step, A(t) uploads freed)", async () => {
    const io = { stdout: () => undefined, stderr: () => undefined, cwd: dir };
    const spec = await samplerSpecForCli("plane.lin", io, "v", [{ method: "rk4", steps: 30 }], { backend: "cpu" });
    if (typeof spec === "number") throw new Error("plane.lin checks");
    const s = await spec.compile({ method: "rk4", steps: 30 });
    const x0 = tf.tensor2d(seededNoise(4, 2), [4, 2]);
    try {
      const before = tf.memory().numTensors;
      const y = multiStepSample(s, { method: "rk4", steps: 30 }, x0);
      // The result is the only new tensor: 29 steps × 4 stages of A(t) and ~15 intermediates each are gone.
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(y.shape).toEqual([4, 2]);
      y.dispose();
    } finally {
      x0.dispose();
      s.compiled.dispose();
    }
  });

  it("with --lpips, adds the LPIPS of one-step against multi-step: the metric's value on the written samples, near 0", async () => {
    const r = await linea(
      "sample",
      "image16.lin",
      "--map",
      "v",
      "--steps",
      "6",
      "--methods",
      "euler",
      "--n",
      "4",
      "--lpips",
      "lpips.safetensors",
      "--backend",
      "cpu",
      "--out",
      "lp",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/LPIPS \(mean\)\s+LPIPS \(max\)/);
    const json = JSON.parse(readFileSync(join(dir, "lp", "results.json"), "utf8")) as { lpips: string; results: { lpips: number[]; lpips_mean: number }[] };
    expect(json.lpips).toBe("vgg16, average pooling, range 0,1, weights lpips.safetensors");
    const got = json.results[0]?.lpips ?? [];
    expect(got).toHaveLength(4);
    // The same metric on the written .npy pairs (grey stacks [4, 1, 16, 16]) through `linea metrics lpips`.
    const lpipsOf = (a: string, b: string): Promise<{ code: number; stdout: string }> =>
      linea("metrics", "lpips", a, b, "--weights", "lpips.safetensors", "--range", "0,1", "--replace-pooling", "--json", "--backend", "cpu");
    const metric = await lpipsOf("lp/one_step_euler_T6.npy", "lp/multi_step_euler_T6.npy");
    expect(metric.code).toBe(0);
    const want = (JSON.parse(metric.stdout) as { distances: number[] }).distances;
    // Float32 samples written as float32: the same inputs, the same kernels; 1e-6 relative covers batching order.
    got.forEach((v, i) => expect(Math.abs(v - (want[i] ?? NaN))).toBeLessThanOrEqual(1e-6 * Math.abs(want[i] ?? 0) + 1e-9));
    // Agreement means near 0: far below the LPIPS of one-step samples against the noises they came from (control).
    const control = await lpipsOf("lp/one_step_euler_T6.npy", "lp/noise.npy");
    const far = (JSON.parse(control.stdout) as { lpips_mean: number }).lpips_mean;
    expect(json.results[0]?.lpips_mean ?? Infinity).toBeLessThan(1e-3 * far);
    // LPIPS options without --lpips, or a bad one, are usage errors.
    const alone = await linea("sample", "image16.lin", "--map", "v", "--lpips-net", "alexnet", "--backend", "cpu");
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--lpips-net without --lpips W.safetensors");
    const badRange = await linea("sample", "image16.lin", "--map", "v", "--lpips", "lpips.safetensors", "--lpips-range", "0,255", "--backend", "cpu");
    expect(badRange.code).toBe(2);
    expect(badRange.stderr).toContain("--lpips-range 0,255: expected 0,1 or -1,1");
  });

  it("rejects bad command lines with exit 2 and a clear message, and unknown or untimed maps with exit 1", async () => {
    const bad: [string[], RegExp][] = [
      [["sample", "flat.lin"], /needs --map V/],
      [["sample", "--map", "v"], /exactly one spec file/],
      [["sample", "flat.lin", "--map", "v", "--methods", "heun"], /unknown sampler method 'heun'/],
      [["sample", "flat.lin", "--map", "v", "--steps", "1"], /--steps needs integers ≥ 2, got '1'/],
      [["sample", "flat.lin", "--map", "v", "--steps", "6,x"], /--steps needs integers ≥ 2, got 'x'/],
      [["sample", "flat.lin", "--map", "v", "--n", "0"], /--n needs an integer ≥ 1/],
      [["sample", "flat.lin", "--map", "v", "--frobnicate"], /error\[LIN1204\]: unknown flag '--frobnicate'/],
    ];
    for (const [args, message] of bad) {
      const r = await linea(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain("usage: linea sample");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = await linea("sample", "nope.lin", "--map", "v");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read nope.lin: no such file");
    const unknown = await linea("sample", "flat.lin", "--map", "w", "--backend", "cpu");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error[LIN0801]: no map named w; time-conditioned maps: v");
    const untimed = await linea("sample", "flat.lin", "--map", "fixed", "--backend", "cpu");
    expect(untimed.code).toBe(1);
    expect(untimed.stderr).toContain("error[LIN0803]: fixed is not time-conditioned");
  });
});

/** Rows [b, n] (row-major) as the columns of an n×b float64 matrix. */
function transposeRows(values: Float32Array, n: number): ReturnType<typeof matrix> {
  const b = values.length / n;
  const out = matrix(n, b);
  for (let i = 0; i < b; i++) for (let j = 0; j < n; j++) out.data[j * b + i] = values[i * n + j] ?? 0;
  return out;
}

function diff(a: ArrayLike<number>, b: readonly number[]): number {
  return Math.hypot(...Array.from(a, (v, i) => v - (b[i] ?? NaN)));
}
