// What the docs use is importable from the public entry (src/index.ts, `linea`): backend selection and
// training with no backend chosen, .npy/safetensors I/O, networks loaded through a rename map (the
// PyTorch import path of docs/runtime.md), float64 linear algebra, and renderDiagnostics on checkAll's
// outcome. This file chooses no backend before the training test, so it runs in a fresh tfjs engine.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { isRight } from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  buildNetwork,
  checkAll,
  checkText,
  linalg,
  loadNetwork,
  loadNpy,
  loadSafetensors,
  loadTraining,
  memoryFileHost,
  networkTensors,
  renderDiagnostic,
  renderDiagnostics,
  saveNetwork,
  saveNpy,
  saveSafetensors,
  selectBackend,
} from "../src/index.js";

const scratch = mkdtempSync(join(tmpdir(), "linea-index-"));

const TINY_FLOW = `space Plane = R^2;
network G : Plane tagged {
  affine_coupling(hidden = 4, depth = 1, activation = tanh);
}
space Noise = induced G[0];
space Data = induced G[1];
operator A = time_conditioned(rank = 1, embed = 4, hidden = 4);
map v : Noise -> Data = A;
train flow {
  model = v;
  data = moons(n = 64, noise = 0.05);
  loss = flow_matching;
  optimizer = adam;
  steps = 2;
  batch = 16;
  lr = 1e-3;
  seed = 0;
}
`;

describe("the public entry", () => {
  it("trains through the API with no backend chosen by the caller (the default, wasm, starts itself)", { timeout: 120_000 }, async () => {
    // Precondition, so the test does exercise the "no backend yet" path: tfjs has none in this worker.
    expect([null, undefined]).toContain(tf.engine().backendName);
    const checked = checkText(TINY_FLOW, "/api/flow.lin");
    if (!isRight(checked)) throw new Error("the tiny flow should check");
    const { trainPlan, TrainingSession, train } = await loadTraining();
    const session = await TrainingSession.create(checked.right, trainPlan(checked.right), scratch);
    try {
      const result = await train(session, { outDir: join(scratch, "run") });
      expect(result.step).toBe(2);
      expect(result.history).toHaveLength(2);
      expect(result.history.every((row) => Number.isFinite(row[0]))).toBe(true);
    } finally {
      session.dispose();
    }
    expect(tf.getBackend()).toBe("wasm");
  });

  it("selectBackend chooses one explicitly and says which", async () => {
    const chosen = await selectBackend("cpu");
    expect(chosen.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
  });

  it("writes and reads .npy and safetensors", async () => {
    const npy = join(scratch, "a.npy");
    await saveNpy(npy, { dtype: "F64", shape: [2, 2], data: Float64Array.from([1, 2, 3, 4.5]) });
    const back = await loadNpy(npy);
    expect(back.shape).toEqual([2, 2]);
    expect(Array.from(back.data, Number)).toEqual([1, 2, 3, 4.5]);
    const st = join(scratch, "a.safetensors");
    await saveSafetensors(st, new Map([["w", { dtype: "F32" as const, shape: [3], data: Float32Array.from([1, -2, 3]) }]]), { note: "x" });
    const file = await loadSafetensors(st);
    expect(file.metadata.note).toBe("x");
    const w = file.tensors.get("w");
    expect(w?.dtype).toBe("F32");
    if (w?.dtype === "F32") expect(Array.from(w.data)).toEqual([1, -2, 3]);
  });

  it("loads a network saved under other names through a rename map, as from a PyTorch state_dict", async () => {
    await selectBackend("cpu");
    const spec = { tagged: false, blocks: [{ kind: "affine_coupling" as const, hidden: 4, depth: 1 }] };
    const source = buildNetwork(spec, [2], 1);
    const target = buildNetwork(spec, [2], 2);
    // A file whose every name carries a "model." prefix, as a wrapped PyTorch module's state_dict does.
    const renamed = new Map([...(await networkTensors(source))].map(([name, t]) => [`model.${name}`, t]));
    const file = join(scratch, "torch.safetensors");
    await saveSafetensors(file, renamed);
    await loadNetwork(target, file, { rename: (name) => name.replace(/^model\./, "") });
    const x = tf.tensor2d([[0.3, -0.7]]);
    const expected = await source.forward(x).data();
    expect(Array.from(await target.forward(x).data())).toEqual(Array.from(expected));
    // Control: without the rename the names do not match and the load is refused.
    await expect(loadNetwork(buildNetwork(spec, [2], 3), file)).rejects.toMatchObject({ code: expect.stringMatching(/^LIN11/) });
    const saved = join(scratch, "own.safetensors");
    await saveNetwork(source, saved);
    expect((await loadSafetensors(saved)).tensors.size).toBe((await networkTensors(source)).size);
  });

  it("runs the float64 linear algebra: svd and pinv", () => {
    // diag(3, 4): singular values 4, 3 exactly; pinv diag(1/3, 1/4) to a few ulps (both backends
    // compute it as V·diag(1/s)·Uᵀ, 1e-15 is ~5 ulps at these magnitudes).
    const a = linalg.matrix(2, 2, [3, 0, 0, 4]);
    expect(Array.from(linalg.svd(a).s)).toEqual([4, 3]);
    const p = linalg.pinv(a);
    expect(p.rank).toBe(2);
    const expected = [1 / 3, 0, 0, 1 / 4];
    Array.from(p.pinv.data).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-15));
  });

  it("renderDiagnostics takes checkAll's outcome as it is, and the list with its sources", () => {
    const host = memoryFileHost({ "/api/bad.lin": "space X = R^2;\nmap f : X -> Y = dense;\n" });
    const outcome = checkAll("/api/bad.lin", { host });
    expect(outcome.diagnostics.length).toBeGreaterThan(0);
    const text = renderDiagnostics(outcome, { cwd: "/api" });
    expect(text).toContain(renderDiagnostic(outcome.diagnostics[0], (uri) => outcome.sources.get(uri), { cwd: "/api" }));
    expect(text).toMatch(/1 error, 0 warnings$/);
    expect(renderDiagnostics(outcome.diagnostics, outcome.sources, { cwd: "/api" })).toBe(text);
  });
});
