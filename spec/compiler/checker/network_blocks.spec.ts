// The checker's network vocabulary of issue 11: the reference's network checks clean, every
// intermediate shape is inferred through squeeze and unsqueeze (repeats included), and each rule on
// conditioners and masks has a control that passes next to the case it rejects.
import { isLeft } from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { checkText } from "../../../src/index.js";
import { networkSize } from "../../../src/compiler/checker/memory.js";
import { resnetDefaults, unetDefaults } from "../../../src/compiler/checker/spaces.js";
import { parse } from "../../../src/parser/index.js";
import { selectBackend } from "../../../src/runtime/backend/select.js";
import { buildNetwork } from "../../../src/runtime/network/build.js";
import type { BlockSpec } from "../../../src/runtime/network/spec.js";
import { CONV_CONDITIONER_DEFAULTS } from "../../../src/runtime/network/spec.js";
import { checkSource, codesOf } from "../helpers.js";

const codes = (src: string): string[] => codesOf(checkSource(src).diagnostics);

describe("network blocks of the reference", () => {
  it("the reference's MNIST g written one to one checks clean", () => {
    const mnist = `space Img = R[1, 32, 32];
network G : Img tagged {
  squeeze;
  repeat 4 {
    actnorm;
    affine_coupling(conditioner = unet, channels = 16, levels = 2, blocks = 2, attention = 16, dropout = 0.1, embed = 16, scale = clamp, scale_bound = 5);
    inv_dense(param = matrix);
  }
  unsqueeze;
}
space X = induced G[1];
space Z = induced G[0];
`;
    expect(codes(mnist)).toEqual([]);
  });

  it("unsqueeze follows squeeze through repeats; an unsqueeze of C not divisible by 4 is LIN0347, also in a later copy", () => {
    expect(codes("network G : R[1, 8, 8] { repeat 2 { squeeze; } unsqueeze; unsqueeze; }")).toEqual([]);
    expect(codes("network G : R[1, 8, 8] { squeeze; squeeze; repeat 2 { unsqueeze; } }")).toEqual([]);
    // copy 3 sees [1, 8, 8]
    expect(codes("network G : R[1, 8, 8] { repeat 2 { squeeze; } repeat 3 { unsqueeze; } }")).toEqual(["LIN0347"]);
    expect(codes("network G : R^16 { unsqueeze; }")).toEqual(["LIN0347"]);
    // the shape after an unsqueeze is what the next block sees: [1, 4, 4] cannot take a conv channel split
    expect(codes("network G : R[4, 2, 2] { unsqueeze; affine_coupling(conditioner = resnet); }")).toEqual(["LIN0341"]);
    expect(codes("network G : R[8, 2, 2] { unsqueeze; affine_coupling(conditioner = resnet); }")).toEqual([]);
  });

  it("masks: the MLP's default split takes odd C (flat ⌊D/2⌋), an explicit channel mask does not; checkerboard needs pixels", () => {
    expect(codes("network G : R[1, 4, 4] { affine_coupling; }")).toEqual([]);
    expect(codes("network G : R[1, 4, 4] { affine_coupling(mask = channel); }")).toEqual(["LIN0341"]);
    expect(codes("network G : R[1, 4, 4] { affine_coupling(mask = checkerboard); }")).toEqual([]);
    expect(codes("network G : R[1, 4, 4] { affine_coupling(conditioner = resnet, mask = checkerboard); }")).toEqual([]);
    expect(codes("network G : R[3, 1, 1] { affine_coupling(mask = checkerboard); }")).toEqual(["LIN0346"]);
  });

  it("unet depth, attention and GroupNorm follow the image the coupling sees", () => {
    // after a squeeze of [1, 8, 8] the coupling sees [4, 4, 4]: levels 3 fits (4 / 2² = 1), levels 4 does not
    expect(codes("network G : R[1, 8, 8] { squeeze; additive_coupling(conditioner = unet, levels = 3); }")).toEqual([]);
    expect(codes("network G : R[1, 8, 8] { squeeze; additive_coupling(conditioner = unet, levels = 4); }")).toEqual(["LIN0342"]);
    expect(codes("network G : R[2, 8, 8] { additive_coupling(conditioner = unet, attention = 4); }")).toEqual([]);
    expect(codes("network G : R[2, 8, 8] { additive_coupling(conditioner = unet, attention = 2); }")).toEqual(["LIN0343"]);
    expect(codes("network G : R[2, 8, 8] { additive_coupling(conditioner = unet, attention = 0); }")).toEqual([]);
    // 68 channels: 17 groups divide 68, but the decoder's 136 would take 32 groups, which do not
    expect(codes("network G : R[2, 4, 4] { additive_coupling(conditioner = resnet, channels = 68); }")).toEqual([]);
    expect(codes("network G : R[2, 4, 4] { additive_coupling(conditioner = unet, channels = 68); }")).toEqual(["LIN0344"]);
    expect(codes("network G : R[2, 4, 4] { additive_coupling(conditioner = resnet, channels = 2); }")).toEqual(["LIN0344"]);
  });

  it("keywords belong to their conditioner (LIN0345); scale is affine-only (LIN0502); enum values are checked (LIN0503)", () => {
    expect(codes("network G : R[2, 4, 4] { affine_coupling(conditioner = resnet, depth = 2); }")).toEqual(["LIN0345"]);
    expect(codes("network G : R[2, 4, 4] { affine_coupling(conditioner = resnet, levels = 2); }")).toEqual(["LIN0345"]);
    expect(codes("network G : R[2, 4, 4] { affine_coupling(embed = 8); }")).toEqual(["LIN0345"]);
    expect(codes("network G : R[2, 4, 4] { affine_coupling(conditioner = mlp, hidden = 8, depth = 1); }")).toEqual([]);
    expect(codes("network G : R^4 { additive_coupling(scale = clamp); }")).toEqual(["LIN0502"]);
    expect(codes("network G : R^4 { affine_coupling(scale = hard); }")).toEqual(["LIN0503"]);
    expect(codes("network G : R^4 { inv_dense(param = cayley); }")).toEqual(["LIN0503"]);
    expect(codes("network G : R^4 { inv_dense(param = matrix); inv_dense(param = lu); }")).toEqual([]);
  });

  it("the checker's conv conditioner defaults are the runtime's (the checker may not import the runtime)", () => {
    expect(unetDefaults).toEqual({ channels: CONV_CONDITIONER_DEFAULTS.unet.channels, levels: CONV_CONDITIONER_DEFAULTS.unet.levels });
    expect(resnetDefaults).toEqual({ channels: CONV_CONDITIONER_DEFAULTS.resnet.channels });
  });

  it("dropout must be below 1 (LIN0348); 0 and the reference's 0.1 pass", () => {
    expect(codes("network G : R[2, 4, 4] { additive_coupling(conditioner = resnet, dropout = 1.5); }")).toEqual(["LIN0348"]);
    expect(codes("network G : R[2, 4, 4] { additive_coupling(conditioner = resnet, dropout = 0); }")).toEqual([]);
    expect(codes("network G : R[2, 4, 4] { additive_coupling(conditioner = unet, dropout = 0.1); }")).toEqual([]);
  });

  it("the memory estimate counts the MLP couplings of every mask and scale, and inv_dense(param = matrix), as the runtime builds them", async () => {
    await selectBackend("cpu");
    const cases: [string, BlockSpec[]][] = [
      ["affine_coupling(hidden = 8, depth = 2, mask = checkerboard, scale = clamp)", [{ kind: "affine_coupling", hidden: 8, depth: 2, mask: "checkerboard", scale: "clamp" }]],
      ["additive_coupling(hidden = 4, depth = 1, mask = checkerboard)", [{ kind: "additive_coupling", hidden: 4, depth: 1, mask: "checkerboard" }]],
      ["affine_coupling(hidden = 8, depth = 1, scale = clamp)", [{ kind: "affine_coupling", hidden: 8, depth: 1, scale: "clamp" }]],
      ["inv_dense(param = matrix)", [{ kind: "inv_dense", param: "matrix" }]],
      ["squeeze; unsqueeze", [{ kind: "squeeze" }, { kind: "unsqueeze" }]],
    ];
    for (const [text, blocks] of cases) {
      const [decl] = parse(`network G : R[2, 2, 2] { ${text}; }`).program.items;
      if (decl?.kind !== "NetworkDecl") throw new Error("expected a network");
      // flat over the same 8 features: inv_dense's C × C is then the estimate's dim × dim
      const net = buildNetwork({ tagged: false, blocks }, text.startsWith("inv_dense") ? [8] : [2, 2, 2], 0);
      expect(networkSize(decl.blocks, 8).parameters, text).toBe(net.parameterCount());
      net.dispose();
    }
  });
});

describe("the memory estimate on image spaces", () => {
  it("counts actnorm and inv_dense per channel, at the shape each squeeze and unsqueeze leaves, as the runtime builds them", async () => {
    await selectBackend("cpu");
    const text = "squeeze; repeat 2 { actnorm; inv_dense(param = matrix); squeeze; } actnorm; unsqueeze; inv_dense";
    const blocks: BlockSpec[] = [
      { kind: "squeeze" },
      { kind: "repeat", count: 2, body: [{ kind: "actnorm" }, { kind: "inv_dense", param: "matrix" }, { kind: "squeeze" }] },
      { kind: "actnorm" },
      { kind: "unsqueeze" },
      { kind: "inv_dense" },
    ];
    const [decl] = parse(`network G : R[3, 32, 32] { ${text}; }`).program.items;
    if (decl?.kind !== "NetworkDecl") throw new Error("expected a network");
    const net = buildNetwork({ tagged: false, blocks }, [3, 32, 32], 0);
    // Channels 12, then 48 (after the second squeeze), 192 after the third; the last inv_dense on 48 channels
    // (LU form: its parameter count is the runtime's too).
    const size = networkSize(decl.blocks, [3, 32, 32]);
    expect(size.parameters).toBe(net.parameterCount());
    // By hand: actnorm 2·12 and matrix 12² (pass 1), actnorm 2·48 and matrix 48² (pass 2), actnorm 2·192, and
    // the LU form on 48 channels (full lower and upper factors, masked, and 48 log-scales).
    expect(size.parameters).toBe(2 * 12 + 12 * 12 + 2 * 48 + 48 * 48 + 2 * 192 + (2 * 48 * 48 + 48));
    // Control: the old flat estimate (inv_dense as a dim × dim matrix) is far above the real count.
    expect(networkSize(decl.blocks, 3 * 32 * 32).parameters).toBeGreaterThan(100 * net.parameterCount());
    net.dispose();
  });

  it("lets the paper's 256×256 style-transfer network check within a 16 GiB budget (it was 864 GiB by the flat estimate)", () => {
    const text = [
      "space Img = R[3, 256, 256];",
      "network G : Img tagged { squeeze; repeat 2 { actnorm; affine_coupling(conditioner = resnet, channels = 16, blocks = 1, scale = clamp, scale_bound = 5); inv_dense(param = matrix); } unsqueeze; }",
      "",
    ].join("\n");
    const r = checkText(text, "/virtual/style256.lin", { memoryBudget: 16 * 2 ** 30 });
    expect(isLeft(r) ? r.left.map((d) => d.code) : []).toEqual([]);
  });
});
