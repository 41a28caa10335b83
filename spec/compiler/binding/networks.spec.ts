// Binding maps a declaration's literal arguments to the runtime's BlockSpec: the built blocks carry the
// options written (and their defaults), and a convolutional conditioner is a coded error until it is built.
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

  it("a convolutional conditioner checks, then binding stops with LIN0803 naming LIN1090's reason (not built yet)", () => {
    const program = checked("network G : R[2, 4, 4] { affine_coupling(conditioner = unet, channels = 16); }\n");
    let message = "";
    try {
      bindNetworks(program, 0);
    } catch (e) {
      message = e instanceof Error ? `${(e as { code?: string }).code ?? ""} ${e.message}` : "";
    }
    expect(message).toMatch(/^LIN0803 .*convolutional conditioners are not built yet/);
  });
});
