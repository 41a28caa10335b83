// LPIPS as a training objective (paper-notes §2.4: the reference's image terms are
// piq.LPIPS(replace_pooling=True)). The weights are seeded random ones of the real VGG16 layer structure
// at a reduced width (spec/runtime/metrics/random_weights.ts; the metric itself is checked against a
// PyTorch LPIPS on such weights in spec/runtime/metrics/lpips_torch.spec.ts). Checked here: flow
// matching's data_rec and prediction terms are the metric's LPIPS of the very images the step decodes
// (control: without weights the same terms are pixel MSE, and differ); the gradient reaches every chart
// parameter through the trunk and training stays finite; `loss = lpips` fits f(x) to its targets by LPIPS;
// and the refusals are coded (LIN0940, LIN0944, LIN0945).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { Lpips, trunkWeightsOf } from "../../src/runtime/metrics/index.js";
import { decodeSafetensors, encodeSafetensors, saveSafetensors } from "../../src/runtime/io/safetensors.js";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { SupervisedSession, train, TrainError, TrainingSession, trainPlan, type Dataset } from "../../src/train/index.js";
import { randomLpipsTensors } from "../runtime/metrics/random_weights.js";
import { checked, trainSection } from "./helpers.js";

const WEIGHTS = "lpips_small.safetensors";
/** VGG16 at 1/16 of its width: 4–32 channels a tap, the real layer structure. */
const DIVISOR = 16;

/** A folder holding the LPIPS weights, used as the spec's folder (so the path stays inside it). */
async function weightsFolder(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "linea-lpips-train-"));
  await saveSafetensors(path.join(dir, WEIGHTS), randomLpipsTensors("vgg16", DIVISOR, 3));
  return dir;
}

/** The metric on its own, from the same file's tensors, on [0, 1] images (MNIST's range). */
function referenceLpips(): Lpips {
  const bytes = Buffer.concat(encodeSafetensors(randomLpipsTensors("vgg16", DIVISOR, 3)));
  return new Lpips(trunkWeightsOf(decodeSafetensors(new Uint8Array(bytes)), "vgg16", WEIGHTS, true), { range: "0,1", replacePooling: true });
}

/** A 32×32 MNIST flow (mnist() sizes are 7, 14, 28, 32; VGG16's five taps need ≥ 16) with the given train fields. */
function flowSpec(fields: Record<string, string>): string {
  const train = { model: "v", data: "mnist(n = 32, size = 32)", steps: "2", batch: "4", lr: "1e-3", seed: "5", ...fields };
  return [
    "space Img = R[1, 32, 32];",
    "network G : Img tagged {",
    "  actnorm; squeeze;",
    "  affine_coupling(hidden = 8, depth = 1, activation = relu, scale_bound = 2.0);",
    "  permute(reverse);",
    "}",
    "space Noise = induced G[0];",
    "space Data = induced G[1];",
    "operator A = time_conditioned(rank = 2, embed = 8, hidden = 8);",
    "map v : Noise -> Data = A;",
    trainSection(train),
    "",
  ].join("\n");
}

async function flowSession(dir: string, fields: Record<string, string>): Promise<TrainingSession> {
  const program = checked(flowSpec(fields), path.join(dir, "flow.lin"));
  return TrainingSession.create(program, trainPlan(program), dir);
}

/** The terms of step `step` as numbers: [total, latent, noise_rec, data_rec, prediction]. */
function terms(s: TrainingSession, step: number): number[] {
  return tf.tidy(() => s.lossTensors(step).map((t) => t.dataSync()[0]));
}

/** data_rec's and prediction's images of step `step`, recomputed from the session's charts. */
function imageTermInputs(s: TrainingSession, step: number): { x1: tf.Tensor2D; rec: tf.Tensor2D; pred: tf.Tensor2D } {
  const b = s.batch(step);
  const n = s.plan.batch;
  const d = s.data.dim;
  const x1 = tf.tensor2d(b.x1, [n, d]);
  const x0 = tf.tensor2d(b.x0, [n, d]);
  const t = tf.tensor1d(b.t);
  const z0 = s.noise.encode(x0);
  const z1 = s.data.encode(x1);
  const tc = tf.reshape(t, [-1, 1]);
  const zt = tf.add(tf.mul(tf.sub(1, tc), z0), tf.mul(tc, z1)) as tf.Tensor2D;
  const rec = s.data.decode(tf.add(z1, tf.mul(tf.tensor2d(b.e1, [n, d]), s.plan.noiseLevel)) as tf.Tensor2D);
  const pred = s.data.decode(s.operator.apply(t, zt));
  return { x1, rec, pred };
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("LPIPS in flow matching's image terms", () => {
  it("data_rec and prediction are the metric's LPIPS of the decoded images; without weights they are pixel MSE", async () => {
    const dir = await weightsFolder();
    const s = await flowSession(dir, { lpips: `"${WEIGHTS}"` });
    expect(s.plan.perceptual).toMatchObject({ file: WEIGHTS, net: "vgg16", pooling: "average" });
    const [total, latent, noiseRec, dataRec, prediction] = terms(s, 1);
    const reference = referenceLpips();
    const [wantRec, wantPred, mseRec, msePred] = tf.tidy(() => {
      const { x1, rec, pred } = imageTermInputs(s, 1);
      const grey3 = (x: tf.Tensor2D): tf.Tensor4D => tf.tile(tf.reshape<tf.Rank.R4>(x, [-1, 1, 32, 32]), [1, 3, 1, 1]);
      return [
        tf.mean(reference.distance(grey3(x1), grey3(rec))),
        tf.mean(reference.distance(grey3(x1), grey3(pred))),
        tf.mean(tf.squaredDifference(x1, rec)),
        tf.mean(tf.squaredDifference(x1, pred)),
      ].map((v) => v.dataSync()[0]);
    });
    reference.dispose();
    // The same kernels on the same inputs in the same order: equal up to float32 rounding of a sum of
    // 5 taps × ≤ 256 pixels (≈ 1e-6 relative); 1e-5 relative leaves room for a different reduction order.
    expect(Math.abs(dataRec - wantRec)).toBeLessThanOrEqual(1e-5 * Math.abs(wantRec) + 1e-7);
    expect(Math.abs(prediction - wantPred)).toBeLessThanOrEqual(1e-5 * Math.abs(wantPred) + 1e-7);
    expect(Math.abs(total - (latent + noiseRec + dataRec + prediction))).toBeLessThanOrEqual(1e-5 * Math.abs(total));
    // Control: LPIPS is not the pixel MSE it replaces (they differ by far more than the tolerance).
    expect(Math.abs(dataRec - mseRec)).toBeGreaterThan(100 * (1e-5 * Math.abs(wantRec) + 1e-7));
    expect(Math.abs(prediction - msePred)).toBeGreaterThan(100 * (1e-5 * Math.abs(wantPred) + 1e-7));
    s.dispose();
    // And without lpips the same session's terms are exactly the MSE above (same seed, same batch).
    const plain = await flowSession(dir, {});
    const [, , , plainRec, plainPred] = terms(plain, 1);
    expect(Math.abs(plainRec - mseRec)).toBeLessThanOrEqual(1e-6 * mseRec);
    expect(Math.abs(plainPred - msePred)).toBeLessThanOrEqual(1e-6 * msePred);
    plain.dispose();
  });

  it("sends a gradient through the trunk to every chart parameter, and trains finitely", async () => {
    const dir = await weightsFolder();
    const s = await flowSession(dir, { lpips: `"${WEIGHTS}"`, lpips_pooling: "max" });
    expect(s.plan.perceptual?.pooling).toBe("max");
    // The gradient of the two LPIPS terms alone (latent and noise_rec left out) reaches g's parameters:
    // only through LPIPS can it get there from these terms' images.
    const norms = tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => {
          const [, , , dataRec, prediction] = s.lossTensors(0);
          return tf.add(dataRec, prediction) as tf.Scalar;
        },
        s.variables.map((v) => v.variable),
      );
      return s.variables.map((v) => [v.fileName, grads[v.variable.name] === undefined ? 0 : tf.norm(grads[v.variable.name]).dataSync()[0]] as const);
    });
    // Every tensor of g and of A(t) is on the path to the decoded images: each gets a finite, nonzero gradient.
    expect(norms.length).toBeGreaterThan(5);
    const zero = norms.filter(([, n]) => !(Number.isFinite(n) && n > 0)).map(([name]) => name);
    expect(zero).toEqual([]);
    const r = await train(s, { outDir: mkdtempSync(path.join(tmpdir(), "linea-lpips-run-")), steps: 2 });
    for (const row of r.history) for (const v of row) expect(Number.isFinite(v)).toBe(true);
    s.dispose();
  });
});

describe("loss = lpips (supervised)", () => {
  /** Inputs and targets: 16×16 grey images in [0, 1] (targets the inputs mirrored), no range of their own. */
  function imagePairs(rows: number): Dataset {
    const data = Float32Array.from({ length: rows * 256 }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
    const targets = Float32Array.from({ length: rows * 256 }, (_, i) => data[i - (i % 16) + 15 - (i % 16)]);
    return { name: "mirror pairs", data, rows, shape: [1, 16, 16], targets: { data: targets, shape: [1, 16, 16] } };
  }
  const spec = (fields: Record<string, string>): string =>
    [
      "space X = R[1, 16, 16];",
      "operator A = dense;",
      "map f : X -> X = A;",
      trainSection({ model: "f", data: "moons(n = 8)", loss: "lpips", steps: "2", batch: "2", lr: "1e-3", seed: "1", ...fields }),
      "",
    ].join("\n");

  it("fits f(x) to its targets by their mean LPIPS (the metric's value on f's outputs)", async () => {
    const dir = await weightsFolder();
    const program = checked(spec({ lpips: `"${WEIGHTS}"`, lpips_range: "unit" }), path.join(dir, "fit.lin"));
    const s = await SupervisedSession.create(program, trainPlan(program), dir, { dataset: imagePairs(4) });
    const reference = referenceLpips();
    const [got, want] = tf.tidy(() => {
      const { x, y } = s.batch(0);
      const grey3 = (v: tf.Tensor): tf.Tensor4D => tf.tile(tf.reshape<tf.Rank.R4>(v, [-1, 1, 16, 16]), [1, 3, 1, 1]);
      const predicted = s.predict(tf.tensor2d(x, [2, 256]));
      return [s.lossTensors(0)[0], tf.mean(reference.distance(grey3(predicted), grey3(tf.tensor2d(y, [2, 256]))))].map((v) => v.dataSync()[0]);
    });
    reference.dispose();
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-7);
    expect(want).toBeGreaterThan(0); // a dense A near the identity does not mirror: the distance is not 0
    const r = await train(s, { outDir: mkdtempSync(path.join(tmpdir(), "linea-lpips-fit-")), steps: 2 });
    for (const row of r.history) for (const v of row) expect(Number.isFinite(v)).toBe(true);
    s.dispose();
  });

  it("asks for the images' range when the data does not say it (LIN0945)", async () => {
    const dir = await weightsFolder();
    const program = checked(spec({ lpips: `"${WEIGHTS}"` }), path.join(dir, "fit.lin"));
    const e = await SupervisedSession.create(program, trainPlan(program), dir, { dataset: imagePairs(4) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TrainError);
    expect((e as TrainError).code).toBe("LIN0945");
    expect((e as TrainError).message).toContain("lpips_range = unit");
  });
});

describe("LPIPS refusals", () => {
  const planError = (text: string): TrainError => {
    try {
      trainPlan(checked(text, "/virtual/refusal.lin"));
    } catch (e) {
      if (e instanceof TrainError) return e;
      throw e;
    }
    throw new Error("the plan was accepted");
  };

  it("loss = lpips without weights, LPIPS settings without weights, and weights on nll are LIN0940", () => {
    const supervised = (fields: Record<string, string>): string =>
      ["space X = R[1, 16, 16];", "operator A = dense;", "map f : X -> X = A;", trainSection({ model: "f", data: "moons(n = 8)", ...fields }), ""].join("\n");
    const noWeights = planError(supervised({ loss: "lpips" }));
    expect(noWeights.code).toBe("LIN0940");
    expect(noWeights.message).toContain('lpips = "lpips_vgg.safetensors"');
    const optionAlone = planError(flowSpec({ lpips_net: "alexnet" }));
    expect(optionAlone.code).toBe("LIN0940");
    expect(optionAlone.message).toContain("lpips_net");
    const nll = planError(
      ["space Img = R[1, 16, 16];", "network G : Img { actnorm; }", trainSection({ model: "G", data: "mnist(n = 8, size = 16)", loss: "nll", lpips: `"${WEIGHTS}"` }), ""].join(
        "\n",
      ),
    );
    expect(nll.code).toBe("LIN0940");
    expect(nll.message).toContain("loss nll compares no images");
    // Control: the same flow section with weights plans, naming them.
    expect(trainPlan(checked(flowSpec({ lpips: `"${WEIGHTS}"`, lpips_net: "alexnet" }), "/virtual/ok.lin")).perceptual?.net).toBe("alexnet");
  });

  it("LPIPS on a space that is not a large enough image is LIN0944", async () => {
    const dir = await weightsFolder();
    const small = flowSpec({ lpips: `"${WEIGHTS}"`, data: "mnist(n = 8, size = 14)" }).replace("R[1, 32, 32]", "R[1, 14, 14]");
    const program = checked(small, path.join(dir, "small.lin"));
    const e = await TrainingSession.create(program, trainPlan(program), dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TrainError);
    expect((e as TrainError).code).toBe("LIN0944");
    expect((e as TrainError).message).toContain("at least 16×16");
  });

  it("the reference configurations take the LPIPS line they carry commented out", () => {
    for (const name of ["reference_mnist", "reference_celeba"]) {
      const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", `${name}.lin`);
      const text = readFileSync(file, "utf8");
      const uncommented = text.replace('  // lpips = "lpips_vgg.safetensors";', '  lpips = "lpips_vgg.safetensors";');
      expect(uncommented).not.toBe(text);
      expect(trainPlan(checked(uncommented, file)).perceptual).toMatchObject({ file: "lpips_vgg.safetensors", net: "vgg16", pooling: "average" });
      expect(trainPlan(checked(text, file)).perceptual).toBeUndefined(); // control: as shipped, the image terms are MSE
    }
  });

  it("the checker types the LPIPS fields: a path string and the three words", () => {
    const bad = flowSpec({ lpips: "vgg16", lpips_pooling: "mean" });
    expect(() => checked(bad)).toThrow(/lpips/);
  });
});
