// Saving and loading networks: exact round trip including ActNorm state, PyTorch layout in the file,
// renaming, and every mismatch as a FormatError naming the tensor (with the network left unchanged).

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FormatError } from "../../../src/runtime/io/errors.js";
import type { HostTensor } from "../../../src/runtime/io/host_tensor.js";
import { loadNetwork, networkTensors, saveNetwork } from "../../../src/runtime/io/network_io.js";
import { loadSafetensors, saveSafetensors } from "../../../src/runtime/io/safetensors.js";
import { buildNetwork } from "../../../src/runtime/network/build.js";
import type { NetworkSpec } from "../../../src/runtime/network/spec.js";
import { describeOnBackends, probeBackends } from "../backend/backends_under_test.js";
import { maxAbsDiff, seededNormal } from "../network/tolerance.js";

const probed = await probeBackends();

const SPEC: NetworkSpec = {
  tagged: true,
  blocks: [
    { kind: "squeeze" },
    { kind: "actnorm" },
    { kind: "inv_dense" },
    {
      kind: "repeat",
      count: 2,
      body: [
        { kind: "affine_coupling", hidden: 8, depth: 1 },
        { kind: "permute", mode: "random" },
      ],
    },
    { kind: "additive_coupling", hidden: 4, depth: 1 },
  ],
};
const SHAPE = [1, 4, 4];

let dir = "";
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "linea-net-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true });
});

async function expectFormatError(p: Promise<unknown>, code: string, tensor?: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FormatError);
  expect((e as FormatError).code).toBe(code);
  if (tensor !== undefined) {
    expect((e as FormatError).tensor).toBe(tensor);
    expect((e as FormatError).message).toContain(tensor);
  }
}

describeOnBackends("saveNetwork / loadNetwork", probed, (backend) => {
  it("round trip: a differently seeded, uninitialised network becomes identical, ActNorm state included", async () => {
    const a = buildNetwork(SPEC, SHAPE, 1, { outputGain: 1 });
    const x = seededNormal([8, ...SHAPE], 3);
    a.initialize(x, 1);
    const file = path.join(dir, `${backend}-a.safetensors`);
    await saveNetwork(a, file, { note: "test" });
    const b = buildNetwork(SPEC, SHAPE, 2, { outputGain: 1 });
    expect(b.needsInitialization).toBe(true);
    // control: before loading, the two networks differ
    expect(() => b.forward(x, 1)).toThrow(/not initialised/);
    const meta = await loadNetwork(b, file);
    expect(meta.note).toBe("test");
    expect(meta.format).toBe("linea-network");
    expect(b.needsInitialization).toBe(false);
    for (const tag of [0, 1]) expect(await maxAbsDiff(a.forward(x, tag), b.forward(x, tag))).toBe(0);
    a.dispose();
    b.dispose();
  });

  it("Linear weights are [out, in] in the file (PyTorch's layout), held [in, out] in memory", async () => {
    const net = buildNetwork(SPEC, SHAPE, 1);
    const name = "blocks.3.f.layers.0.weight";
    const v = net.parameters().get(name)?.variable;
    const t = (await networkTensors(net)).get(name);
    expect(v?.shape).toEqual([8, 8]); // [in = 8 features, out = hidden 8]
    const w = net.parameters().get("blocks.3.f.layers.1.weight")?.variable;
    const tw = (await networkTensors(net)).get("blocks.3.f.layers.1.weight");
    expect(w?.shape).toEqual([8, 16]); // [hidden, 2·8]
    expect(tw?.shape).toEqual([16, 8]);
    const held = (await w?.data()) as Float32Array;
    expect(tw?.data[3 * 8 + 5]).toBe(held[5 * 16 + 3]); // file[o][i] = held[i][o]
    expect(t?.shape).toEqual([8, 8]);
    expect((await networkTensors(net)).get("blocks.3.f.tag.weight")?.shape).toEqual([8, 1]); // Linear(1, hidden)
    net.dispose();
  });

  it("a renamed (PyTorch-style) file loads through options.rename", async () => {
    const a = buildNetwork(SPEC, SHAPE, 1);
    a.initialize(seededNormal([8, ...SHAPE], 4), 0);
    // e.g. nn.Sequential(Linear, ReLU, Linear) names its Linears net.0 and net.2
    const torchName = (n: string) => n.replace(/layers\.(\d+)\./, (_, k: string) => `net.${2 * Number(k)}.`);
    const tensors = await networkTensors(a);
    const renamed = new Map([...tensors].map(([n, t]) => [torchName(n), t] as [string, HostTensor]));
    const file = path.join(dir, `${backend}-torch.safetensors`);
    await saveSafetensors(file, renamed);
    const b = buildNetwork(SPEC, SHAPE, 9);
    await expectFormatError(loadNetwork(b, file), "LIN1106", "blocks.3.f.layers.0.weight"); // control: without renaming
    await loadNetwork(b, file, { rename: (n) => n.replace(/net\.(\d+)\./, (_, k: string) => `layers.${Number(k) / 2}.`) });
    const x = seededNormal([4, ...SHAPE], 5);
    expect(await maxAbsDiff(a.forward(x, 1), b.forward(x, 1))).toBe(0);
    a.dispose();
    b.dispose();
  });

  it("mismatches are FormatErrors naming the tensor, and leave the network unchanged", async () => {
    const a = buildNetwork(SPEC, SHAPE, 1);
    a.initialize(seededNormal([8, ...SHAPE], 4), 0);
    const good = await networkTensors(a);
    const b = buildNetwork(SPEC, SHAPE, 2);
    const x = seededNormal([4, ...SHAPE], 6);
    b.initialize(x, 0);
    const before = b.forward(x, 0);
    const write = async (edit: (m: Map<string, HostTensor>) => void) => {
      const m = new Map(good);
      edit(m);
      const file = path.join(dir, `${backend}-bad.safetensors`);
      await saveSafetensors(file, m);
      return file;
    };
    const w = "blocks.3.g.layers.1.bias";
    await expectFormatError(loadNetwork(b, await write((m) => m.delete(w))), "LIN1106", w);
    await expectFormatError(loadNetwork(b, await write((m) => m.set(w, { dtype: "F32", shape: [3], data: new Float32Array(3) }))), "LIN1108", w);
    await expectFormatError(loadNetwork(b, await write((m) => m.set(w, { dtype: "I32", shape: [16], data: new Int32Array(16) }))), "LIN1109", w);
    await expectFormatError(loadNetwork(b, await write((m) => m.set(w, { dtype: "F32", shape: [16], data: new Float32Array(16).fill(NaN) }))), "LIN1114", w);
    await expectFormatError(loadNetwork(b, await write((m) => m.set("blocks.99.bias", { dtype: "F32", shape: [1], data: new Float32Array(1) }))), "LIN1107", "blocks.99.bias");
    const perm = "blocks.4.indices";
    await expectFormatError(loadNetwork(b, await write((m) => m.set(perm, { dtype: "I32", shape: [4], data: Int32Array.of(0, 0, 1, 2) }))), "LIN1110", perm);
    await expectFormatError(loadNetwork(b, await write((m) => m.set(perm, { dtype: "F32", shape: [4], data: new Float32Array(4) }))), "LIN1109", perm);
    await expectFormatError(loadNetwork(b, path.join(dir, "absent.safetensors")), "LIN1111");
    // none of the failed loads changed b (a bad permutation came after valid state tensors: rolled back)
    expect(await maxAbsDiff(b.forward(x, 0), before)).toBe(0);
    // PyTorch's int64 buffers are accepted for state
    const permTensor = good.get(perm);
    const permValues = permTensor?.dtype === "I32" ? Array.from(permTensor.data) : [];
    await loadNetwork(b, await write((m) => m.set(perm, { dtype: "I64", shape: [4], data: BigInt64Array.from(permValues, (v) => BigInt(v)) })));
    expect(await maxAbsDiff(b.forward(x, 0), a.forward(x, 0))).toBe(0);
    expect(await maxAbsDiff(b.forward(x, 0), before)).toBeGreaterThan(0); // control: the good load did change b
    for (const n of [a, b]) n.dispose();
    const { tensors } = await loadSafetensors(await write(() => undefined));
    expect(tensors.size).toBe(good.size);
  });
});
