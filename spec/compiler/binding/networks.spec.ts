// Binding maps a declaration's literal arguments to the runtime's BlockSpec: the built blocks carry the
// options written (and their defaults), a convolutional conditioner among them.
import * as tf from "@tensorflow/tfjs-core";
import { isLeft } from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../src/runtime/backend/select.js";
import { checkText } from "../../../src/index.js";
import { bindNetworks } from "../../../src/compiler/binding/networks.js";
import { Coupling } from "../../../src/runtime/network/coupling.js";
import { InvertibleDense, InvertibleDenseMatrix } from "../../../src/runtime/network/inv_dense.js";
import { Squeeze, Unsqueeze } from "../../../src/runtime/network/squeeze.js";

function checked(text: string) {
  const r = checkText(text, "/proj/spec.lin");
  if (isLeft(r)) throw new Error(r.left.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return r.right;
}

describe("binding the reference's blocks", () => {
  beforeAll(async () => {
    await selectBackend("cpu");
  });

  it("squeeze, clamp and checkerboard couplings, inv_dense(param = matrix) and unsqueeze become those blocks", () => {
    const program = checked(`network G : R[1, 4, 4] tagged {
  squeeze;
  affine_coupling(hidden = 8, depth = 1, scale = clamp, mask = checkerboard);
  affine_coupling(hidden = 8, scale_bound = 3);
  additive_coupling(hidden = 8, mask = checkerboard);
  inv_dense(param = matrix);
  inv_dense;
  unsqueeze;
}
`);
    const [bound] = bindNetworks(program, 0).values();
    const blocks = bound.network.blocks;
    expect(blocks.map((b) => b.constructor.name)).toEqual(["Squeeze", "Coupling", "Coupling", "Coupling", "InvertibleDenseMatrix", "InvertibleDense", "Unsqueeze"]);
    expect(blocks[0]).toBeInstanceOf(Squeeze);
    expect(blocks[6]).toBeInstanceOf(Unsqueeze);
    expect(blocks[4]).toBeInstanceOf(InvertibleDenseMatrix);
    expect(blocks[5]).toBeInstanceOf(InvertibleDense);
    const [clamp, tanh, additive] = [blocks[1], blocks[2], blocks[3]] as Coupling[];
    // clamp's default bound is the reference's 5; tanh keeps the bound written; additive has none
    expect([clamp.config.scale, clamp.config.scaleBound, clamp.config.mask, clamp.config.mlp.depth]).toEqual(["clamp", 5, "checkerboard", 1]);
    expect([tanh.config.scale, tanh.config.scaleBound, tanh.config.mask]).toEqual(["tanh", 3, "channel"]);
    expect([additive.config.scale, additive.config.scaleBound, additive.config.mask]).toEqual([undefined, undefined, "checkerboard"]);
    expect(bound.network.outputShape).toEqual([1, 4, 4]);
    bound.network.dispose();
  });

  it("a convolutional conditioner binds to the unet its keywords describe, under SongUNet's names, and inverts", async () => {
    const program = checked("network G : R[2, 8, 8] { affine_coupling(conditioner = unet, channels = 8, levels = 2, blocks = 1, attention = 4); }\n");
    const bound = [...bindNetworks(program, 0).values()][0];
    const names = [...bound.network.parameters().keys()];
    // channels = 8 at both levels, attention only at 4×4 (the lower level), one block per level
    expect(names).toContain("blocks.0.f.enc.8x8_conv.weight");
    expect(names).toContain("blocks.0.f.enc.4x4_block0.qkv.weight");
    expect(names.some((n) => n.startsWith("blocks.0.f.enc.8x8_block0.qkv"))).toBe(false);
    expect(names.some((n) => n.includes("enc.8x8_block1"))).toBe(false);
    const x = tf.randomNormal([2, 2, 8, 8], 0, 1, "float32", 3);
    const back = bound.network.inverse(bound.network.forward(x));
    // float32 round trip through two near-identity couplings: a few ulps of |x| ≤ 5
    expect((await tf.max(tf.abs(tf.sub(back, x))).data())[0]).toBeLessThan(1e-5);
    tf.dispose([x, back]);
    bound.network.dispose();
  });
});
