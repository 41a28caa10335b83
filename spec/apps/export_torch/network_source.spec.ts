// The exported PyTorch blocks agree with Linea's: for every block kind of src/runtime/network (affine and
// additive couplings with MLP, resnet and unet conditioners, channel and checkerboard masks, tanh and clamp
// bounds, actnorm, permute reverse/random, inv_dense lu/matrix, squeeze/unsqueeze, a tag), the network the
// exporter writes (networkSource) loads Linea's safetensors file with load_state_dict(strict=True) and gives
// Linea's outputs, forward and inverse; the state it writes back loads in Linea (loadNetwork) unchanged.
//
// Tolerance (the float32 model of spec/runtime/network/tolerance.ts, with the probabilistic rounding bound of
// spec/runtime/network/conv/unet_torch.spec.ts): one float32 pass is within e = λ·√N·u·(1 + M)·κ of exact
// arithmetic, u = 2⁻²⁴, M the largest value on the path, N the summed fan-ins and elementwise ops, κ the
// measured local conditioning of the pass (√D·max ‖Δout‖/‖Δin‖, localConditioning). Rounding errors add like
// independent zero-mean terms, so with probability ≥ 1 − 2·exp(−λ²/2) (≈ 1 − 7e-7 for λ = 5.5) a length-N
// computation errs by ≤ λ·√N·u at the scale of its terms (Higham & Mary, SISC 2019); the worst case N·u is
// ~10⁴× the observed error on the conv network and would hide a wrong weight. Linea and torch float32 each
// make such an error, so |linea − torch32| ≤ 2e; torch float64 stands in for exact, so |linea − torch64| ≤ e. N here counts every layer (not only the deepest path): for a weight [out, in, …]
// its fan-in in·k·k + 2; a GroupNorm over C channels in G groups reduces 2·(C/G)·H·W values (H·W the
// conditioner's full image, the largest level); attention adds a softmax and a weighted sum over H·W; 12
// elementwise ops per coupling; actnorm 4; inv_dense 3C + 4 (lu: two triangular solves) or 2C + 4 (matrix).
// CONTROL: every float parameter moved by 0.1% of its RMS on the torch side must land outside 2e, so the
// tolerance is tight enough to see a wrong weight, and a file missing one tensor must be refused by strict=True.

import * as tf from "@tensorflow/tfjs-core";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { networkSource } from "../../../src/apps/export_torch/network_source.js";
import { selectBackend } from "../../../src/runtime/backend/select.js";
import { loadNetwork, networkTensors, saveNetwork, saveSafetensors } from "../../../src/runtime/io/index.js";
import { ActNorm, buildNetwork, Coupling, InvertibleDense, InvertibleDenseMatrix, type NetworkSpec, type Stack } from "../../../src/runtime/network/index.js";
import { torchMissing, torchScript } from "../../support/torch.js";
import { localConditioning, seededNormal, U32 } from "../../runtime/network/tolerance.js";

interface Pass {
  readonly forward: number[];
  readonly inverse: number[];
}
interface TorchOut {
  readonly float32: Pass;
  readonly float64: Pass;
  readonly control: Pass;
  readonly strict_refused: boolean;
  readonly names: string[];
}

const FLAT: NetworkSpec = {
  tagged: false,
  blocks: [
    { kind: "affine_coupling", hidden: 8, depth: 1, activation: "gelu" },
    { kind: "permute", mode: "random", seed: 3 },
    { kind: "actnorm" },
    { kind: "additive_coupling", hidden: 8, depth: 2, activation: "silu" },
    { kind: "inv_dense" },
    { kind: "affine_coupling", hidden: 8, depth: 1, activation: "leaky_relu", scale: "clamp", scale_bound: 1.5 },
    { kind: "inv_dense", param: "matrix" },
    { kind: "permute", mode: "reverse" },
    { kind: "repeat", count: 2, body: [{ kind: "additive_coupling", hidden: 6, depth: 0, activation: "relu" }] },
  ],
};

const IMAGE: NetworkSpec = {
  tagged: true,
  blocks: [
    { kind: "squeeze" },
    { kind: "actnorm" },
    { kind: "affine_coupling", hidden: 8, depth: 1, activation: "tanh", mask: "checkerboard" },
    { kind: "inv_dense" },
    { kind: "additive_coupling", conditioner: { kind: "resnet", channels: 8, blocks: 1 } },
    { kind: "affine_coupling", scale: "clamp", mask: "checkerboard", conditioner: { kind: "unet", channels: 8, levels: 2, blocks: 1, attention: 2, embed: 8 } },
    { kind: "affine_coupling", conditioner: { kind: "unet", channels: 8, levels: 1, blocks: 1, attention: 0, embed: 8, activation: "gelu" } },
    { kind: "inv_dense", param: "matrix" },
    { kind: "unsqueeze" },
  ],
};

const CASES = [
  { name: "flat", spec: FLAT, shape: [6], tag: undefined },
  { name: "image", spec: IMAGE, shape: [2, 4, 4], tag: 1 },
] as const;
const BATCH = 5;
const GAIN = 0.5;
const LAMBDA = 5.5;

/** N of the header: the summed fan-ins and elementwise ops of a network's blocks. */
async function opsOf(net: Stack): Promise<number> {
  let n = 0;
  for (const b of net.blocks) {
    if (b instanceof Coupling) {
      const hw = b.inputShape.length === 3 ? b.inputShape[1] * b.inputShape[2] : 1;
      for (const [name, t] of await networkTensors(b)) {
        if (!name.endsWith(".weight") || name.includes("tag.")) continue;
        if (t.shape.length >= 2) n += t.shape.slice(1).reduce((a, c) => a * c, 1) + 2;
        if (name.includes("norm")) n += 2 * (t.shape[0] / Math.min(32, Math.floor(t.shape[0] / 4))) * hw;
        if (name.includes("qkv")) n += 2 * hw;
      }
      n += 12;
    } else if (b instanceof ActNorm) n += 4;
    else if (b instanceof InvertibleDense) n += 3 * b.inputShape[0] + 4;
    else if (b instanceof InvertibleDenseMatrix) n += 2 * b.inputShape[0] + 4;
  }
  return n;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length !== b.length || Number.isNaN(m) ? Infinity : m;
};
const maxAbs = (a: ArrayLike<number>): number => Math.max(...Array.from(a, Math.abs));

describe.skipIf(torchMissing !== undefined)(`exported PyTorch blocks against Linea${torchMissing === undefined ? "" : ` (skipped: ${torchMissing})`}`, () => {
  const dir = mkdtempSync(join(tmpdir(), "linea-export-torch-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const nets = new Map<string, { net: Stack; x: tf.Tensor; z: tf.Tensor; tag: number | undefined }>();
  let out: Record<string, TorchOut>;

  beforeAll(async () => {
    await selectBackend("cpu");
    copyFileSync(fileURLToPath(new URL("../../../python/torch_export/linea_torch.py", import.meta.url)), join(dir, "linea_torch.py"));
    const sources: Record<string, { source: string; tag: number | null }> = {};
    for (const c of CASES) {
      // Output gain 0.5: the couplings move their inputs well away from the identity, the network stays well conditioned.
      const net = buildNetwork(c.spec, c.shape, 7, { outputGain: GAIN });
      net.initialize(seededNormal([16, ...c.shape], 1), c.tag);
      const x = seededNormal([BATCH, ...c.shape], 2);
      // z in g's range: the image of another Gaussian batch (a Gaussian z can leave it through e^{±bound}).
      const z = net.forward(seededNormal([BATCH, ...c.shape], 3), c.tag);
      await saveNetwork(net, join(dir, `${c.name}.safetensors`));
      await saveSafetensors(
        join(dir, `${c.name}_io.safetensors`),
        new Map([
          ["x", { dtype: "F32", shape: x.shape, data: (await x.data()) as Float32Array }],
          ["z", { dtype: "F32", shape: z.shape, data: (await z.data()) as Float32Array }],
        ]),
      );
      sources[c.name] = { source: networkSource(net, ""), tag: c.tag ?? null };
      nets.set(c.name, { net, x, z, tag: c.tag });
    }
    writeFileSync(join(dir, "nets.json"), JSON.stringify(sources));
    out = torchScript<Record<string, TorchOut>>(dir, readFileSync(new URL("./network_parity.py", import.meta.url), "utf8"));
  }, 120_000);

  afterAll(() => {
    for (const { net, x, z } of nets.values()) {
      net.dispose();
      tf.dispose([x, z]);
    }
  });

  it("covers every block kind", () => {
    const kinds = new Set<string>();
    const walk = (blocks: NetworkSpec["blocks"]): void => {
      for (const b of blocks) {
        if (b.kind === "repeat") walk(b.body);
        else kinds.add(b.kind === "affine_coupling" || b.kind === "additive_coupling" ? `${b.kind}:${b.conditioner?.kind ?? "mlp"}:${b.mask ?? "channel"}` : b.kind);
      }
    };
    for (const c of CASES) walk(c.spec.blocks);
    for (const k of [
      "affine_coupling:mlp:channel",
      "affine_coupling:mlp:checkerboard",
      "additive_coupling:mlp:channel",
      "additive_coupling:resnet:channel",
      "affine_coupling:unet:checkerboard",
      "affine_coupling:unet:channel",
      "actnorm",
      "permute",
      "inv_dense",
      "squeeze",
      "unsqueeze",
    ]) {
      expect(kinds.has(k), k).toBe(true);
    }
  });

  for (const c of CASES) {
    it(`${c.name}: forward and inverse match within the derived tolerance; a 0.1% weight error does not`, async () => {
      const { net, x, z, tag } = nets.get(c.name) ?? expect.unreachable();
      const t = out[c.name];
      const y = (await net.forward(x, tag).data()) as Float32Array;
      const xi = (await net.inverse(z, tag).data()) as Float32Array;
      const n = await opsOf(net);
      const kf = await localConditioning((v) => net.forward(v, tag), x, 11);
      const ki = await localConditioning((v) => net.inverse(v, tag), z, 12);
      const eForward = LAMBDA * Math.sqrt(n) * U32 * (1 + Math.max(maxAbs(y), maxAbs(await x.data()))) * kf;
      const eInverse = LAMBDA * Math.sqrt(n) * U32 * (1 + Math.max(maxAbs(xi), maxAbs(await z.data()))) * ki;
      const d = {
        forward64: maxDiff(y, t.float64.forward),
        forward32: maxDiff(y, t.float32.forward),
        inverse64: maxDiff(xi, t.float64.inverse),
        inverse32: maxDiff(xi, t.float32.inverse),
        controlForward: maxDiff(y, t.control.forward),
        controlInverse: maxDiff(xi, t.control.inverse),
      };
      console.log(`${c.name}: N = ${n}, κ = ${kf.toFixed(1)}/${ki.toFixed(1)}, e = ${eForward.toExponential(2)}/${eInverse.toExponential(2)}`, JSON.stringify(d));
      expect(d.forward64).toBeLessThanOrEqual(eForward);
      expect(d.forward32).toBeLessThanOrEqual(2 * eForward);
      expect(d.inverse64).toBeLessThanOrEqual(eInverse);
      expect(d.inverse32).toBeLessThanOrEqual(2 * eInverse);
      expect(d.controlForward).toBeGreaterThan(2 * eForward);
      expect(d.controlInverse).toBeGreaterThan(2 * eInverse);
    });

    it(`${c.name}: state_dict names are Linea's, strict=True refuses a missing tensor, and torch's file loads in Linea`, async () => {
      const { net, x, tag } = nets.get(c.name) ?? expect.unreachable();
      const t = out[c.name];
      expect(t.names).toEqual([...(await networkTensors(net)).keys()].sort());
      expect(t.strict_refused).toBe(true);
      // A fresh network of another seed takes torch's file (no renaming) and then computes what the original does.
      const other = buildNetwork(c.spec, c.shape, 99, { outputGain: GAIN });
      await loadNetwork(other, join(dir, `${c.name}_torch.safetensors`));
      const a = (await net.forward(x, tag).data()) as Float32Array;
      const b = (await other.forward(x, tag).data()) as Float32Array;
      expect(maxDiff(a, b)).toBe(0);
      // control: before the load, the other seed's network computes something else
      const fresh = buildNetwork(c.spec, c.shape, 99, { outputGain: GAIN });
      fresh.initialize(seededNormal([16, ...c.shape], 1), tag);
      expect(maxDiff(a, (await fresh.forward(x, tag).data()) as Float32Array)).toBeGreaterThan(0);
      other.dispose();
      fresh.dispose();
    });
  }
});
