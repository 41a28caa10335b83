// `linea metrics fid|kid|lpips|psnr` through main(): each result against a law or the library on the same
// arrays (FID of a shifted copy = ‖shift‖², PSNR of a constant offset δ = −20·log₁₀|δ|, LPIPS of equal
// images = 0, KID = the library's on the same seed), text and --json, and the coded refusals with their
// exit codes (usage 2, input 1), each against a control that succeeds.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { COMMON_FLAGS, type FlagTable } from "../../src/cli/flags.js";
import { metricsCommand } from "../../src/cli/metrics.js";
import { selectBackend } from "../../src/runtime/backend/select.js";
import { encodeSafetensors } from "../../src/runtime/io/safetensors.js";
import { saveNpy } from "../../src/runtime/io/npy.js";
import { FeatureTrunk } from "../../src/runtime/metrics/trunk.js";
import { imageFeatures } from "../../src/runtime/metrics/features.js";
import { fid, fitGaussian } from "../../src/runtime/metrics/frechet.js";
import type { Matrix } from "../../src/runtime/linalg/matrix.js";
import { kid } from "../../src/runtime/metrics/kid.js";
import { Lpips } from "../../src/runtime/metrics/lpips.js";
import { trunkWeightsOf } from "../../src/runtime/metrics/weights.js";
import { Rng } from "../../src/runtime/random.js";
import { fidTolerance } from "../runtime/metrics/fid_tolerance.js";
import { randomImagePairs, randomLpipsTensors } from "../runtime/metrics/random_weights.js";
import { lineaIn } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "linea-metrics-"));
const linea = lineaIn(dir);
const N = 40;
const D = 4;

const rng = new Rng(5);
const A = Float64Array.from({ length: N * D }, () => rng.normal());
const B = Float64Array.from({ length: 60 * D }, () => 1.5 * rng.normal() + 0.3);
const SHIFT = [0.5, -1, 0.25, 2];
const A_SHIFTED = Float64Array.from(A, (v, i) => v + (SHIFT[i % D] ?? 0));
const tensors = randomLpipsTensors("vgg16", 16, 9);
const images = randomImagePairs(3, 16, 16, 0, 1, 0.2, 4);
const many = randomImagePairs(8, 16, 16, 0, 1, 0.2, 6);

interface Doc {
  ok: boolean;
  error?: { code: string };
  [key: string]: unknown;
}

beforeAll(async () => {
  await saveNpy(join(dir, "a.npy"), { dtype: "F64", shape: [N, D], data: A });
  await saveNpy(join(dir, "b.npy"), { dtype: "F64", shape: [60, D], data: B });
  await saveNpy(join(dir, "a_shifted.npy"), { dtype: "F64", shape: [N, D], data: A_SHIFTED });
  await saveNpy(join(dir, "wide.npy"), { dtype: "F64", shape: [N, D + 1], data: new Float64Array(N * (D + 1)) });
  await saveNpy(join(dir, "x.npy"), { dtype: "F32", shape: images.shape, data: images.a });
  await saveNpy(join(dir, "y.npy"), { dtype: "F32", shape: images.shape, data: images.b });
  await saveNpy(join(dir, "x_offset.npy"), { dtype: "F32", shape: images.shape, data: Float32Array.from(images.a, (v) => v + 0.125) });
  await saveNpy(join(dir, "many_a.npy"), { dtype: "F32", shape: many.shape, data: many.a });
  await saveNpy(join(dir, "many_b.npy"), { dtype: "F32", shape: many.shape, data: many.b });
  writeFileSync(join(dir, "lpips.safetensors"), Buffer.concat(encodeSafetensors(tensors)));
  await selectBackend("cpu");
});

describe("linea metrics", () => {
  it("fid: a shifted copy gives ‖shift‖² (text and --json), within the float64 tolerance of frechet_kid.spec.ts", async () => {
    const expected = SHIFT.reduce((s, v) => s + v * v, 0);
    const shifted: Matrix = { rows: N, cols: D, data: A_SHIFTED };
    const tol = fidTolerance(fitGaussian({ rows: N, cols: D, data: A }), fitGaussian(shifted));
    const json = await linea("metrics", "fid", "a.npy", "a_shifted.npy", "--json");
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as Doc;
    expect(doc).toMatchObject({ ok: true, metric: "fid", samples: [N, N], features: D });
    expect(Math.abs((doc.fid as number) - expected)).toBeLessThanOrEqual(tol);
    const text = await linea("metrics", "fid", "a.npy", "a_shifted.npy");
    expect(text.stdout).toMatch(/^FID \S+ /);
    expect(text.stdout).toContain(`from ${N} and ${N} samples of ${D} features (as given)`);
    // Control: two different sets are far from ‖shift‖².
    const other = JSON.parse((await linea("metrics", "fid", "a.npy", "b.npy", "--json")).stdout) as Doc;
    expect(Math.abs((other.fid as number) - expected)).toBeGreaterThan(tol);
  });

  it("kid: mean ± std equal the library's on the same seed and subsets; another seed changes them", async () => {
    const r = JSON.parse((await linea("metrics", "kid", "a.npy", "b.npy", "--subsets", "4", "--subset-size", "20", "--seed", "3", "--json")).stdout) as Doc;
    const lib = kid({ rows: N, cols: D, data: A }, { rows: 60, cols: D, data: B }, { subsets: 4, subsetSize: 20, seed: 3 });
    expect(r).toMatchObject({ ok: true, metric: "kid", subsets: 4, subset_size: 20, seed: 3, kid_mean: lib.mean, kid_std: lib.std });
    const other = JSON.parse((await linea("metrics", "kid", "a.npy", "b.npy", "--subsets", "4", "--subset-size", "20", "--seed", "4", "--json")).stdout) as Doc;
    expect(other.kid_mean).not.toBe(lib.mean);
    const text = await linea("metrics", "kid", "a.npy", "b.npy", "--subsets", "4", "--subset-size", "20");
    expect(text.stdout).toMatch(/^KID \S+ ± \S+ \(4 subsets of 20, seed 0\)/);
  });

  it("fid on images with --features: the trunk's averaged last tap, as the library computes it on the same images", async () => {
    const r = await linea("metrics", "fid", "many_a.npy", "many_b.npy", "--features", "lpips.safetensors", "--range", "0,1", "--backend", "cpu", "--json");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    const trunk = new FeatureTrunk(trunkWeightsOf({ tensors, metadata: {} }, "vgg16", "w", false), { range: "0,1" });
    const fa = await imageFeatures(trunk, many.a, many.shape);
    const fb = await imageFeatures(trunk, many.b, many.shape);
    trunk.dispose();
    expect(doc.features).toBe(fa.cols);
    expect(doc.fid).toBe(fid(fa, fb).distance);
    expect(r.stderr).toContain("warning:"); // 8 samples of 16 features: singular covariance
  });

  it("lpips: equal images give 0; different ones the library's distances on the same weights, in batches", async () => {
    const same = JSON.parse((await linea("metrics", "lpips", "x.npy", "x.npy", "--weights", "lpips.safetensors", "--range", "0,1", "--backend", "cpu", "--json")).stdout) as Doc;
    expect(same).toMatchObject({ ok: true, metric: "lpips", lpips_mean: 0, pairs: 3 });
    const r = await linea(
      "metrics",
      "lpips",
      "x.npy",
      "y.npy",
      "--weights",
      "lpips.safetensors",
      "--range",
      "0,1",
      "--replace-pooling",
      "--batch",
      "2",
      "--backend",
      "cpu",
      "--json",
    );
    const doc = JSON.parse(r.stdout) as Doc;
    const lpips = new Lpips(trunkWeightsOf({ tensors, metadata: {} }, "vgg16", "w", true), { range: "0,1", replacePooling: true });
    const s = images.shape as [number, number, number, number];
    const expected = Array.from(lpips.distance(tf.tensor4d(images.a, s), tf.tensor4d(images.b, s)).dataSync());
    lpips.dispose();
    // Batches of 2 and 1 against one batch of 3: the same float32 ops per image, so equal to float32 rounding of the sums.
    (doc.distances as number[]).forEach((d, i) => expect(Math.abs(d - (expected[i] ?? NaN))).toBeLessThanOrEqual(1e-5 * (expected[i] ?? 0)));
    expect(doc.lpips_mean).toBeGreaterThan(0);
    const text = await linea("metrics", "lpips", "x.npy", "y.npy", "--weights", "lpips.safetensors", "--backend", "cpu");
    expect(text.stdout).toMatch(/^LPIPS \S+ \(min \S+, max \S+\) over 3 pairs \(vgg16, max pooling, range -1,1\)/);
  });

  it("psnr: a constant offset δ gives −20·log₁₀ δ dB for every sample", async () => {
    const doc = JSON.parse((await linea("metrics", "psnr", "x.npy", "x_offset.npy", "--json")).stdout) as Doc;
    // δ = 0.125 added in float32 to values in [0, 1): each sum rounds by ≤ 2⁻²⁴ relative, so MSE within 2·2⁻²⁴·(1/δ) relative,
    // i.e. the PSNR within 10·log₁₀(1 + 2⁻²⁰) ≈ 4e-6 dB; 1e-4 dB leaves room for the mean.
    expect(Math.abs((doc.psnr_db_mean as number) + 20 * Math.log10(0.125))).toBeLessThanOrEqual(1e-4);
    expect(doc.samples).toBe(3);
    const text = await linea("metrics", "psnr", "x.npy", "x_offset.npy");
    expect(text.stdout).toMatch(/^PSNR 18\.1 dB mean/);
  });

  it("refusals: unknown metric LIN1210, lpips without --weights and images without --features LIN1211 (exit 2); widths LIN0950, shapes LIN0952 (exit 1)", async () => {
    const unknown = await linea("metrics", "fdi", "a.npy", "b.npy");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error[LIN1210]");
    expect(unknown.stderr).toContain("did you mean 'fid'?");
    const noWeights = JSON.parse((await linea("metrics", "lpips", "x.npy", "y.npy", "--json")).stdout) as Doc;
    expect(noWeights.error?.code).toBe("LIN1211");
    const noFeatures = await linea("metrics", "fid", "x.npy", "y.npy");
    expect(noFeatures.code).toBe(2);
    expect(noFeatures.stderr).toContain("error[LIN1211]");
    const widths = await linea("metrics", "fid", "a.npy", "wide.npy");
    expect(widths.code).toBe(1);
    expect(widths.stderr).toContain("error[LIN0950]");
    const shapes = await linea("metrics", "psnr", "a.npy", "b.npy");
    expect(shapes.code).toBe(1);
    expect(shapes.stderr).toContain("error[LIN0952]");
    const oneFile = await linea("metrics", "psnr", "a.npy");
    expect(oneFile.code).toBe(2);
    expect(oneFile.stderr).toContain("error[LIN1201]");
    const badNet = await linea("metrics", "lpips", "x.npy", "y.npy", "--weights", "lpips.safetensors", "--net", "resnet");
    expect(badNet.stderr).toContain("error[LIN0954]");
    const wrongNet = await linea("metrics", "lpips", "x.npy", "y.npy", "--weights", "lpips.safetensors", "--net", "alexnet", "--backend", "cpu");
    expect(wrongNet.code).toBe(1);
    expect(wrongNet.stderr).toContain("error[LIN1161]");
    // Controls: the same command lines, fixed, succeed.
    expect((await linea("metrics", "fid", "a.npy", "b.npy")).code).toBe(0);
    expect((await linea("metrics", "psnr", "x.npy", "y.npy")).code).toBe(0);
  });

  it("help lists every flag with its default, and examples of `linea metrics`", async () => {
    const r = await linea("help", "metrics");
    expect(r.code).toBe(0);
    const table: FlagTable = { ...metricsCommand.flags, ...COMMON_FLAGS };
    for (const [flag, doc] of Object.entries(table)) {
      const line = r.stdout.split("\n").find((l) => l.includes(`--${flag}`) && l.includes(doc.help));
      expect(line, `--${flag}`).toBeDefined();
      if (doc.defaultText !== undefined) expect(line).toContain(`default: ${doc.defaultText}`);
    }
    expect(r.stdout).toContain("  linea metrics lpips ");
  });
});
