// buildConvConditioner: coded errors for configurations that cannot be built (each next to the nearest
// one that builds), SongUNet's parameter names and layouts, the near-identity start, dropout only in
// training (seeded), tag checks, and no leaked tensors. Values against PyTorch: unet_torch.spec.ts.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../../src/runtime/backend/select.js";
import { buildConvConditioner } from "../../../../src/runtime/network/conv/index.js";
import type { Conditioner } from "../../../../src/runtime/network/conditioner.js";
import { NetworkError } from "../../../../src/runtime/network/errors.js";
import type { ConditionerSpec } from "../../../../src/runtime/network/spec.js";
import { Rng } from "../../../../src/runtime/random.js";

const IO = { inChannels: 2, outChannels: 4, height: 8, width: 8 };
const SMALL: ConditionerSpec = { kind: "unet", channels: 8, levels: 2, blocks: 1, attention: 4, embed: 8 };
const OPTS = { tagged: true, outputGain: 1e-5, seed: 3 };

function codeOf(f: () => unknown): string | undefined {
  try {
    const c = f() as Conditioner;
    c.dispose();
    return undefined;
  } catch (e) {
    if (e instanceof NetworkError) return e.code;
    throw e;
  }
}

function input(batch: number, seed: number): tf.Tensor4D {
  const rng = new Rng(seed);
  return tf.tensor4d(Float32Array.from(rng.normalArray(batch * 2 * 64)), [batch, 2, 8, 8]);
}

async function maxAbs(t: tf.Tensor): Promise<number> {
  const v = (await t.data()) as Float32Array;
  return v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
}

describe("buildConvConditioner [wasm]", () => {
  beforeAll(async () => {
    await selectBackend("wasm");
  });

  it.each([
    // [what, spec, io, code]: the failing configuration, then the nearest one that builds.
    ["GroupNorm: 9 channels, min(32, ⌊9/4⌋) = 2 groups", { kind: "resnet", channels: 9 }, IO, "LIN1066"],
    ["GroupNorm: 8 channels", { kind: "resnet", channels: 8 }, IO, undefined],
    ["GroupNorm: 2 channels, no group", { kind: "resnet", channels: 2 }, IO, "LIN1066"],
    ["attention 16 on an 8×8 image", { ...SMALL, attention: 16 }, IO, "LIN1067"],
    ["attention 8 (level 0)", { ...SMALL, attention: 8 }, IO, undefined],
    ["attention 0 (none)", { ...SMALL, attention: 0 }, IO, undefined],
    ["5 levels on 8×8", { ...SMALL, levels: 5, attention: 0 }, IO, "LIN1068"],
    ["4 levels on 8×8 (down to 1×1)", { ...SMALL, levels: 4, attention: 0 }, IO, undefined],
    ["3 levels on 8×6", { ...SMALL, levels: 3, attention: 0 }, { ...IO, width: 6 }, "LIN1068"],
    ["channels 0", { ...SMALL, channels: 0 }, IO, "LIN1069"],
    ["levels 0", { ...SMALL, levels: 0 }, IO, "LIN1069"],
    ["blocks 1.5", { ...SMALL, blocks: 1.5 }, IO, "LIN1069"],
    ["blocks 0", { ...SMALL, blocks: 0 }, IO, undefined],
    ["embed 5 (odd)", { ...SMALL, embed: 5 }, IO, "LIN1069"],
    ["embed 2 (E/2 − 1 = 0)", { ...SMALL, embed: 2 }, IO, "LIN1069"],
    ["embed 4", { ...SMALL, embed: 4 }, IO, undefined],
    ["dropout 1", { ...SMALL, dropout: 1 }, IO, "LIN1069"],
    ["activation swish", { ...SMALL, activation: "swish" }, IO, "LIN1069"],
    ["inChannels 0", SMALL, { ...IO, inChannels: 0 }, "LIN1062"],
  ] as [string, ConditionerSpec, typeof IO, string | undefined][])("%s → %s", (_what, spec, io, code) => {
    const before = tf.memory().numTensors;
    expect(codeOf(() => buildConvConditioner(spec, io, OPTS))).toBe(code);
    expect(tf.memory().numTensors).toBe(before); // a refused build allocates nothing; a built one frees all
  });

  it("outputGain must be finite and ≥ 0 (LIN1069)", () => {
    expect(codeOf(() => buildConvConditioner(SMALL, IO, { ...OPTS, outputGain: Number.NaN }))).toBe("LIN1069");
    expect(codeOf(() => buildConvConditioner(SMALL, IO, { ...OPTS, outputGain: 0 }))).toBeUndefined();
  });

  it.each([
    [{ ...SMALL, attention: 16 }, /^conditioner unet: attention = 16 .* heights 8, 4\): use one of them or 0/],
    [{ kind: "resnet", channels: 9 }, /^conditioner resnet: GroupNorm over 9 channels has .* = 2 groups, .*; choose channels that are a multiple of 4/],
    [{ kind: "resnet", channels: 2 }, /^conditioner resnet: GroupNorm needs at least 4 channels .* got 2; use channels ≥ 4/],
    [{ ...SMALL, levels: 5, attention: 0 }, /^conditioner unet: levels = 5 .* multiples of 16; the image is 8×8: use fewer levels/],
  ] as [ConditionerSpec, RegExp][])("a message says where, what and what to do: %o", (spec, message) => {
    expect(() => buildConvConditioner(spec, IO, OPTS)).toThrow(message);
  });

  it("parameters carry SongUNet's names, conv weights [out, in, k, k] as in files, Linear weights [in, out]", () => {
    const net = buildConvConditioner(SMALL, IO, OPTS);
    const params = net.parameters("f.");
    const shape = (n: string): readonly number[] | undefined => params.get(n)?.variable.shape;
    expect(shape("f.enc.8x8_conv.weight")).toEqual([8, 2, 3, 3]);
    expect(shape("f.enc.4x4_down.skip.weight")).toEqual([8, 8, 1, 1]);
    expect(shape("f.enc.4x4_block0.affine.weight")).toEqual([32, 8]);
    expect(shape("f.dec.4x4_in0.qkv.weight")).toEqual([24, 8, 1, 1]); // in0 always has attention
    expect(shape("f.dec.4x4_block1.proj.weight")).toEqual([8, 8, 1, 1]); // last block at the attention resolution
    expect(params.has("f.dec.4x4_block0.qkv.weight")).toBe(false);
    expect(shape("f.dec.4x4_block0.skip.weight")).toEqual([8, 16, 1, 1]); // concatenated skip: 16 → 8
    expect(shape("f.dec.8x8_up.conv0.weight")).toEqual([8, 8, 3, 3]);
    expect(shape("f.dec.8x8_aux_conv.weight")).toEqual([4, 8, 3, 3]);
    expect(shape("f.map_layer0.weight")).toEqual([8, 32]);
    expect(params.get("f.map_layer0.weight")?.transposedInFile).toBe(true);
    expect(params.get("f.enc.8x8_conv.weight")?.transposedInFile).toBe(false);
    net.dispose();
    const untagged = buildConvConditioner(SMALL, IO, { ...OPTS, tagged: false });
    const names = [...untagged.parameters("").keys()];
    expect(names.filter((n) => n.startsWith("map_layer") || n.includes(".affine."))).toEqual([]);
    untagged.dispose();
  });

  it("starts near zero output (so the coupling starts near the identity); control: gain 1 does not", async () => {
    // The output conv's weights are uniform in ±g·√(6/(9C + 9·out)) (xavier × g), bias 0, and its input is
    // act(GroupNorm(h)) with GroupNorm weight 1, bias 0: a normalised value is at most √(n − 1) in magnitude
    // for a group of n values (n = H·W·C/G = 64·8/2), and |silu(v)| ≤ |v|. So |y| ≤ 9C·g·limit·√n.
    const c = 8;
    const n = (64 * c) / 2;
    const bound = (g: number): number => 9 * c * g * Math.sqrt(6 / (9 * c + 9 * 4)) * Math.sqrt(n);
    for (const [gain, within] of [
      [1e-5, true],
      [1, false],
    ] as const) {
      const net = buildConvConditioner(SMALL, IO, { ...OPTS, outputGain: gain });
      const y = tf.tidy(() => net.apply(input(4, 1), 1));
      // The control compares against the 1e-5 bound: a full-scale init is far outside it.
      expect((await maxAbs(y)) <= bound(1e-5)).toBe(within);
      expect(await maxAbs(y)).toBeLessThanOrEqual(bound(gain));
      tf.dispose(y);
      net.dispose();
    }
  });

  it("dropout only in training: evaluation is deterministic, training masks differ per call and repeat per seed", async () => {
    const spec: ConditionerSpec = { ...SMALL, dropout: 0.5 };
    const x = input(2, 4);
    const run = async (net: Conditioner): Promise<Float32Array> => {
      const y = tf.tidy(() => net.apply(x, 0));
      const v = (await y.data()) as Float32Array;
      y.dispose();
      return v;
    };
    const a = buildConvConditioner(spec, IO, { ...OPTS, outputGain: 1 });
    const b = buildConvConditioner(spec, IO, { ...OPTS, outputGain: 1 });
    const evalA = await run(a);
    expect(await run(a)).toEqual(evalA);
    a.setTraining(true);
    b.setTraining(true);
    const trainA = await run(a);
    expect(trainA).not.toEqual(evalA);
    expect(await run(b)).toEqual(trainA); // same seed, same first mask
    expect(await run(a)).not.toEqual(trainA); // control: the next call draws a new mask
    a.setTraining(false);
    expect(await run(a)).toEqual(evalA);
    tf.dispose(x);
    a.dispose();
    b.dispose();
  });

  it("the tag is checked: missing on a tagged net (LIN1063), given to an untagged one (LIN1064); bad shapes (LIN1062)", () => {
    const tagged = buildConvConditioner(SMALL, IO, OPTS);
    const untagged = buildConvConditioner(SMALL, IO, { ...OPTS, tagged: false });
    const x = input(1, 5);
    const code = (f: () => unknown): string | undefined => {
      try {
        tf.dispose(f() as tf.Tensor);
        return undefined;
      } catch (e) {
        return (e as NetworkError).code;
      }
    };
    expect(code(() => tagged.apply(x, undefined))).toBe("LIN1063");
    expect(code(() => untagged.apply(x, 1))).toBe("LIN1064");
    expect(code(() => untagged.apply(x, undefined))).toBeUndefined();
    expect(code(() => tagged.apply(tf.zeros([1, 3, 8, 8]), 1))).toBe("LIN1062");
    expect(tagged.inputShape).toEqual([2, 8, 8]);
    expect(tagged.outputShape).toEqual([4, 8, 8]);
    tf.dispose(x);
    tagged.dispose();
    untagged.dispose();
  });

  it.each([
    // paper-notes §2.2: g's parameters = 8 UNets + 4 blocks of ActNorm (2C) and 1×1 conv (C²) on C channels.
    ["MNIST", 2, 16, 870_400],
    ["CelebA", 6, 32, 884_864],
  ])("the reference's defaults on its %s coupling (%i → 2× channels, %i²) have its parameter count", (_name, half, size, total) => {
    const before = tf.memory().numTensors;
    const c = 2 * half;
    const net = buildConvConditioner({ kind: "unet" }, { inChannels: half, outChannels: c, height: size, width: size }, OPTS);
    const count = [...net.parameters("").values()].reduce((s, p) => s + p.variable.size, 0);
    expect(count).toBe((total - 4 * (2 * c + c * c)) / 8);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
