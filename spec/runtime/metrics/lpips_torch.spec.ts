// LPIPS against an independent PyTorch implementation (lpips_torch.py, torch.nn primitives) on the SAME
// seeded weights (a reduced-width VGG16 / AlexNet of the real layer structure, written here as
// safetensors) and the SAME image pairs (.npy): per-pair distances against PyTorch's float64 oracle, for
// piq's configuration (average pooling, [0, 1] inputs: the reference's loss), the lpips package's (max
// pooling, [−1, 1]) and AlexNet; the gradient w.r.t. the images (tf.grad on wasm) against torch autograd.
// Controls: max instead of average pooling, and a mistaken input range, are caught by the same tolerance.
//
// Tolerance (float32, unit round-off u = 2⁻²⁴). A dot product of length n computed in float32 has a
// rounding error of about √n·u·Σ|terms| (errors of random sign; Higham §2.8's rule of thumb), and with
// random-sign weights Σ|terms| ≈ √n·|sum|, so ≈ n·u relative. Along the trunk these relative errors add
// to first order (ReLU and pooling are 1-Lipschitz and exact), so every tap's features carry a relative
// error δ ≤ u·(N + C + 2), N = Σ fan-ins k²·C_in of the convolutions up to the deepest tap, C + 2 the
// normalisation's sum of squares, square root and division. A unit vector computed from a vector with
// relative error δ is off by at most 2δ, so per pixel and tap the squared difference of the two images'
// unit vectors ua − ub changes by |Δ(Σ w (ua−ub)²)| ≤ 2·√(Σ w (ua−ub)²)·√(Σ w (4δ)²), and through the mean
// over pixels (Cauchy–Schwarz) and the sum over taps, |ΔLPIPS| ≤ 8·δ·√(LPIPS · Σ_t max w_t). The gradient
// runs the same chain backwards: relative error (in norm) ≤ 2·δ per pass, so 4·δ for forward + backward.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../src/runtime/backend/select.js";
import { saveNpy } from "../../../src/runtime/io/npy.js";
import { decodeSafetensors, encodeSafetensors } from "../../../src/runtime/io/safetensors.js";
import type { HostTensor } from "../../../src/runtime/io/host_tensor.js";
import { ARCHITECTURES, type TrunkName } from "../../../src/runtime/metrics/architecture.js";
import { imageFeatures } from "../../../src/runtime/metrics/features.js";
import { lpipsOf, type Lpips } from "../../../src/runtime/metrics/lpips.js";
import { FeatureTrunk } from "../../../src/runtime/metrics/trunk.js";
import { trunkWeightsOf } from "../../../src/runtime/metrics/weights.js";
import type { InputRange } from "../../../src/runtime/metrics/trunk.js";
import { registerTrainingGradients } from "../../../src/train/gradients.js";
import { torchMissing, torchScript } from "../../support/torch.js";
import { randomImagePairs, randomLpipsTensors } from "./random_weights.js";

const U = 2 ** -24;

interface Case {
  readonly name: string;
  readonly net: TrunkName;
  readonly divisor: number;
  readonly replacePooling: boolean;
  readonly range: InputRange;
  readonly pairs: number;
  readonly size: number;
  readonly grad?: boolean;
}

const CASES: readonly Case[] = [
  { name: "VGG16 ÷8, average pooling, [0, 1] (piq, the reference's loss)", net: "vgg16", divisor: 8, replacePooling: true, range: "0,1", pairs: 4, size: 32 },
  { name: "VGG16 ÷8, max pooling, [−1, 1] (the lpips package)", net: "vgg16", divisor: 8, replacePooling: false, range: "-1,1", pairs: 4, size: 32 },
  { name: "AlexNet ÷8, max pooling, [−1, 1]", net: "alexnet", divisor: 8, replacePooling: false, range: "-1,1", pairs: 2, size: 64 },
  { name: "VGG16 ÷16 gradient, average pooling, [0, 1]", net: "vgg16", divisor: 16, replacePooling: true, range: "0,1", pairs: 2, size: 16, grad: true },
];

interface TorchResult {
  readonly float32: number[];
  readonly float64: number[];
  readonly grad?: number[];
  readonly features: number[];
}

/** δ of the header: u·(N + C + 2), N the fan-ins up to the deepest tap, C its widest tap. */
function featureError(tensors: ReadonlyMap<string, HostTensor>): number {
  let fanIns = 0;
  let widest = 0;
  for (const [name, t] of tensors) {
    if (!name.endsWith(".weight") || !name.startsWith("net.")) continue;
    fanIns += (t.shape[1] ?? 0) * (t.shape[2] ?? 0) * (t.shape[3] ?? 0);
    widest = Math.max(widest, t.shape[0] ?? 0);
  }
  return U * (fanIns + widest + 2);
}

function headMaxSum(tensors: ReadonlyMap<string, HostTensor>): number {
  let s = 0;
  for (const [name, t] of tensors) if (name.startsWith("lin")) s += Math.max(...Array.from(t.data as Float32Array));
  return s;
}

const dir = mkdtempSync(join(tmpdir(), "linea-lpips-torch-"));

interface Prepared {
  readonly c: Case;
  readonly tensors: Map<string, HostTensor>;
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly shape: number[];
  readonly torch: TorchResult;
}

describe.skipIf(torchMissing !== undefined)(`LPIPS against PyTorch (same weights, same images)${torchMissing === undefined ? "" : ` SKIPPED: ${torchMissing}`}`, () => {
  let prepared: Prepared[] = [];

  beforeAll(async () => {
    await selectBackend("wasm");
    registerTrainingGradients(); // the elementwise ops' gradients (LPIPS registers its trunk's own)
    const inputs = await Promise.all(
      CASES.map(async (c, i) => {
        const tensors = randomLpipsTensors(c.net, c.divisor, 100 + i);
        const [lo, hi] = c.range === "0,1" ? [0, 1] : [-1, 1];
        const { a, b, shape } = randomImagePairs(c.pairs, c.size, c.size, lo, hi, 0.15, 200 + i);
        const weights = join(dir, `w${i}.safetensors`);
        writeFileSync(weights, Buffer.concat(encodeSafetensors(tensors)));
        await saveNpy(join(dir, `a${i}.npy`), { dtype: "F32", shape, data: a });
        await saveNpy(join(dir, `b${i}.npy`), { dtype: "F32", shape, data: b });
        return {
          c,
          tensors,
          a,
          b,
          shape,
          job: { weights, net: c.net, a: join(dir, `a${i}.npy`), b: join(dir, `b${i}.npy`), replace_pooling: c.replacePooling, range: c.range, grad: c.grad === true },
        };
      }),
    );
    writeFileSync(join(dir, "cases.json"), JSON.stringify(inputs.map((x) => x.job)));
    const script = readFileSync(new URL("./lpips_torch.py", import.meta.url), "utf8");
    const results = torchScript<TorchResult[]>(dir, script);
    prepared = inputs.map((x, i) => ({ ...x, torch: results[i] as TorchResult }));
  });

  const lpipsFor = (p: Prepared, override: { replacePooling?: boolean; range?: InputRange } = {}): Lpips =>
    lpipsOf(decodeSafetensors(Buffer.concat(encodeSafetensors(p.tensors))), p.c.net, "w.safetensors", {
      replacePooling: override.replacePooling ?? p.c.replacePooling,
      range: override.range ?? p.c.range,
    });

  const distances = (lpips: Lpips, p: Prepared): number[] =>
    tf.tidy(() =>
      Array.from(lpips.distance(tf.tensor4d(p.a, p.shape as [number, number, number, number]), tf.tensor4d(p.b, p.shape as [number, number, number, number])).dataSync()),
    );

  const tolerances = (p: Prepared): number[] => {
    const delta = featureError(p.tensors);
    return p.torch.float64.map((d) => 8 * delta * Math.sqrt(d * headMaxSum(p.tensors)));
  };

  CASES.forEach((c, i) => {
    it(`${c.name}: Linea (wasm, float32) and PyTorch float32 agree with PyTorch float64 within the derived bound`, () => {
      const p = prepared[i] as Prepared;
      expect(ARCHITECTURES[c.net]).toHaveLength(5);
      const lpips = lpipsFor(p);
      const ours = distances(lpips, p);
      lpips.dispose();
      const tol = tolerances(p);
      ours.forEach((d, k) => {
        const oracle = p.torch.float64[k] ?? NaN;
        expect(oracle).toBeGreaterThan(0);
        expect(Math.abs(d - oracle), `pair ${k}: ${d} vs ${oracle}`).toBeLessThanOrEqual(tol[k] ?? 0);
        // The bound is about float32 LPIPS, not this implementation: PyTorch's float32 must meet it too.
        expect(Math.abs((p.torch.float32[k] ?? NaN) - oracle)).toBeLessThanOrEqual(tol[k] ?? 0);
      });
    });
  });

  it("control: max pooling where PyTorch averages is caught by the same bound", () => {
    const p = prepared[0] as Prepared;
    const lpips = lpipsFor(p, { replacePooling: false });
    const wrong = distances(lpips, p);
    lpips.dispose();
    const tol = tolerances(p);
    wrong.forEach((d, k) => expect(Math.abs(d - (p.torch.float64[k] ?? NaN)), `pair ${k}`).toBeGreaterThan(tol[k] ?? 0));
  });

  it("control: [0, 1] images read as [−1, 1] (range not given) are caught by the same bound", () => {
    const p = prepared[0] as Prepared;
    const lpips = lpipsFor(p, { range: "-1,1" });
    const wrong = distances(lpips, p);
    lpips.dispose();
    const tol = tolerances(p);
    wrong.forEach((d, k) => expect(Math.abs(d - (p.torch.float64[k] ?? NaN)), `pair ${k}`).toBeGreaterThan(tol[k] ?? 0));
  });

  const gradientError = (p: Prepared, lpips: Lpips): number => {
    const shape = p.shape as [number, number, number, number];
    const b = tf.tensor4d(p.b, shape);
    const g = tf.grad((x: tf.Tensor) => tf.sum(lpips.distance(x as tf.Tensor4D, b)))(tf.tensor4d(p.a, shape));
    const ours = g.dataSync();
    tf.dispose([b, g]);
    const oracle = p.torch.grad ?? [];
    expect(ours.length).toBe(oracle.length);
    let diff = 0;
    let norm = 0;
    oracle.forEach((v, k) => {
      diff += ((ours[k] ?? 0) - v) ** 2;
      norm += v * v;
    });
    expect(norm).toBeGreaterThan(0);
    return Math.sqrt(diff / norm);
  };

  it("tf.grad of LPIPS w.r.t. the images (wasm) matches torch autograd in float64 within 4·δ in norm", () => {
    const p = prepared[3] as Prepared;
    const lpips = lpipsFor(p);
    const relative = gradientError(p, lpips);
    lpips.dispose();
    expect(relative).toBeLessThanOrEqual(4 * featureError(p.tensors));
  });

  it("control: the gradient of the max-pooling LPIPS is caught by the same bound", () => {
    const p = prepared[3] as Prepared;
    const lpips = lpipsFor(p, { replacePooling: false });
    const relative = gradientError(p, lpips);
    lpips.dispose();
    expect(relative).toBeGreaterThan(4 * featureError(p.tensors));
  });

  const tapsOfTrunkOnlyFile = (p: Prepared, replacePooling: boolean): number => {
    // A feature file: the trunk without heads (heads in the file would be ignored).
    const trunkOnly = new Map([...p.tensors].filter(([name]) => name.startsWith("net.")));
    const trunk = new FeatureTrunk(trunkWeightsOf(decodeSafetensors(Buffer.concat(encodeSafetensors(trunkOnly))), p.c.net, "f.safetensors", false), {
      replacePooling,
      range: p.c.range,
    });
    return trunk.tapWidths.length;
  };

  CASES.slice(0, 3).forEach((c, i) => {
    it(`${c.name}: the FID feature network (global average of the last tap) matches PyTorch float64 within δ in norm`, async () => {
      const p = prepared[i] as Prepared;
      expect(tapsOfTrunkOnlyFile(p, c.replacePooling)).toBe(5);
      const trunk = new FeatureTrunk(trunkWeightsOf(decodeSafetensors(Buffer.concat(encodeSafetensors(p.tensors))), c.net, "f.safetensors", false), {
        replacePooling: c.replacePooling,
        range: c.range,
      });
      const ours = await imageFeatures(trunk, p.a, p.shape, 3); // a batch that does not divide n: the last batch is short
      trunk.dispose();
      expect(ours.rows).toBe(c.pairs);
      const oracle = p.torch.features;
      expect(ours.data.length).toBe(oracle.length);
      let diff = 0;
      let norm = 0;
      oracle.forEach((v, k) => {
        diff += ((ours.data[k] ?? 0) - v) ** 2;
        norm += v * v;
      });
      expect(norm).toBeGreaterThan(0);
      // Features carry the relative error δ of the header; averaging over space adds no more than u·H·W·δ-order terms.
      expect(Math.sqrt(diff / norm)).toBeLessThanOrEqual(featureError(p.tensors));
      if (i === 0) {
        // Control: max pooling where PyTorch averages moves the features by more than δ.
        const wrong = new FeatureTrunk(trunkWeightsOf(decodeSafetensors(Buffer.concat(encodeSafetensors(p.tensors))), c.net, "f.safetensors", false), {
          replacePooling: false,
          range: c.range,
        });
        const bad = await imageFeatures(wrong, p.a, p.shape);
        wrong.dispose();
        let d2 = 0;
        oracle.forEach((v, k) => (d2 += ((bad.data[k] ?? 0) - v) ** 2));
        expect(Math.sqrt(d2 / norm)).toBeGreaterThan(featureError(p.tensors));
      }
    });
  });
});
