// Reading LPIPS / feature-network weights: every malformed file is refused with its code, naming the
// tensor and the shape expected; each refusal has a control (the well-formed file) that loads. Image
// batches that do not fit are refused (LIN0952). The layer tables match torchvision's index layout.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../src/runtime/backend/select.js";
import { LineaError } from "../../../src/diagnostics/error.js";
import type { HostTensor } from "../../../src/runtime/io/host_tensor.js";
import { ARCHITECTURES, minimumInputSize, outputSize } from "../../../src/runtime/metrics/architecture.js";
import { Lpips } from "../../../src/runtime/metrics/lpips.js";
import { trunkWeightsOf } from "../../../src/runtime/metrics/weights.js";
import { randomLpipsTensors } from "./random_weights.js";

function codeOf(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof LineaError) return { code: e.code, message: e.message };
    throw e;
  }
  return { code: "none", message: "" };
}

const load = (tensors: ReadonlyMap<string, HostTensor>, heads = true): ReturnType<typeof trunkWeightsOf> =>
  trunkWeightsOf({ tensors, metadata: {} }, "vgg16", "w.safetensors", heads);

describe("metric weights", () => {
  const good = randomLpipsTensors("vgg16", 8, 1);

  it("control: the well-formed reduced-width file loads, widths read from the file", () => {
    const w = load(good);
    expect(w.slices.map((s) => s[s.length - 1]?.outChannels)).toEqual([8, 16, 32, 64, 64]);
    expect(w.heads?.map((h) => h.length)).toEqual([8, 16, 32, 64, 64]);
  });

  it("a missing convolution weight is LIN1160, naming it and the full-width shape expected", () => {
    const t = new Map(good);
    t.delete("net.slice1.0.weight");
    const r = codeOf(() => load(t));
    expect(r.code).toBe("LIN1160");
    expect(r.message).toContain('tensor "net.slice1.0.weight"');
    expect(r.message).toContain("[64, 3, 3, 3]");
  });

  it("a missing head is LIN1160 for LPIPS, but not for a feature network (heads not needed)", () => {
    const t = new Map(good);
    t.delete("lin2.model.1.weight");
    const r = codeOf(() => load(t));
    expect(r.code).toBe("LIN1160");
    expect(r.message).toContain("[1, 32, 1, 1]");
    expect(codeOf(() => load(t, false)).code).toBe("none");
  });

  it("a whole lpips state dict loads: heads named lins.T (its ModuleList) as well as, or instead of, linT", () => {
    const both = new Map(good);
    const listed = new Map([...good].map(([name, t]) => [name.replace(/^lin(\d)\./, "lins.$1."), t]));
    for (const [name, t] of listed) if (name.startsWith("lins.")) both.set(name, t);
    expect(load(both).heads?.map((h) => h.length)).toEqual([8, 16, 32, 64, 64]);
    expect(load(listed).heads?.[4]).toEqual(good.get("lin4.model.1.weight")?.data);
    // Control: a head under neither name is still missing.
    listed.delete("lins.4.model.1.weight");
    expect(codeOf(() => load(listed)).code).toBe("LIN1160");
  });

  it("a convolution whose input channels do not follow the previous layer is LIN1161 with the expected shape", () => {
    const t = new Map(good);
    t.set("net.slice2.5.weight", { dtype: "F32", shape: [16, 9, 3, 3], data: new Float32Array(16 * 9 * 9) });
    const r = codeOf(() => load(t));
    expect(r.code).toBe("LIN1161");
    expect(r.message).toContain("expected [16, 8, 3, 3]");
  });

  it("a bias of the wrong width is LIN1161", () => {
    const t = new Map(good);
    t.set("net.slice1.0.bias", { dtype: "F32", shape: [7], data: new Float32Array(7) });
    expect(codeOf(() => load(t)).code).toBe("LIN1161");
  });

  it("a tensor the network does not have (torchvision's names, or AlexNet's) is LIN1162", () => {
    const t = new Map(good);
    t.set("features.0.weight", { dtype: "F32", shape: [1], data: new Float32Array(1) });
    expect(codeOf(() => load(t)).code).toBe("LIN1162");
    const alex = randomLpipsTensors("alexnet", 8, 2);
    // An AlexNet file read as VGG16: its first convolution is 11×11, not 3×3.
    const r = codeOf(() => load(alex));
    expect(r.code).toBe("LIN1161");
    expect(r.message).toContain("expected [8, 3, 3, 3]");
  });

  it("a negative head weight is LIN1163; a NaN weight LIN1114", () => {
    const t = new Map(good);
    t.set("lin0.model.1.weight", { dtype: "F32", shape: [1, 8, 1, 1], data: Float32Array.from([0.1, 0.2, -0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) });
    const r = codeOf(() => load(t));
    expect(r.code).toBe("LIN1163");
    expect(r.message).toContain("channel 2");
    const n = new Map(good);
    n.set("net.slice1.0.bias", { dtype: "F32", shape: [8], data: new Float32Array(8).fill(Number.NaN) });
    expect(codeOf(() => load(n)).code).toBe("LIN1114");
  });

  it("the layer tables follow torchvision: VGG16 convs at 0,2,5,7,…,28; AlexNet at 0,3,6,8,10", () => {
    const indices = (net: "vgg16" | "alexnet"): number[] => ARCHITECTURES[net].flatMap((s) => s.layers.flatMap((l) => (l.kind === "conv" ? [l.index] : [])));
    expect(indices("vgg16")).toEqual([0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]);
    expect(indices("alexnet")).toEqual([0, 3, 6, 8, 10]);
    expect(minimumInputSize("vgg16")).toBe(16);
    expect(minimumInputSize("alexnet")).toBe(31);
    // Control: one pixel less leaves AlexNet's last pooling nothing to pool.
    let n = 30;
    for (const s of ARCHITECTURES.alexnet) for (const l of s.layers) n = outputSize(n, l);
    expect(n).toBeLessThan(1);
  });
});

describe("LPIPS inputs", () => {
  beforeAll(async () => {
    await selectBackend("cpu");
  });

  it("images not [n, 3, H, W], of different shapes, or too small are LIN0952; fitting ones give distances ≥ 0 and 0 on equal pairs", () => {
    const lpips = new Lpips(trunkWeightsOf({ tensors: randomLpipsTensors("vgg16", 16, 3), metadata: {} }, "vgg16", "w", true));
    const x = tf.randomUniform([2, 3, 16, 16], -1, 1, "float32", 1) as tf.Tensor4D;
    const y = tf.randomUniform([2, 3, 16, 16], -1, 1, "float32", 2) as tf.Tensor4D;
    expect(codeOf(() => lpips.distance(x, tf.zeros([2, 3, 16, 17]) as tf.Tensor4D)).code).toBe("LIN0952");
    expect(codeOf(() => lpips.distance(tf.zeros([2, 1, 16, 16]) as tf.Tensor4D, tf.zeros([2, 1, 16, 16]) as tf.Tensor4D)).code).toBe("LIN0952");
    expect(codeOf(() => lpips.distance(tf.zeros([2, 3, 8, 8]) as tf.Tensor4D, tf.zeros([2, 3, 8, 8]) as tf.Tensor4D)).code).toBe("LIN0952");
    const d = Array.from(lpips.distance(x, y).dataSync());
    expect(d.every((v) => v > 0)).toBe(true);
    expect(Array.from(lpips.distance(x, x).dataSync())).toEqual([0, 0]);
    lpips.dispose();
  });
});
