// Data rows must fit the model's data space in layout, not only in value count: an image stack in
// channels-last layout has the right count but would train on scrambled pixels (LIN0934). Flat rows,
// a flat space and axes of size 1 are accepted; the check runs when a session binds its data.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { saveNpy } from "../../src/runtime/io/index.js";
import { requireRowLayout } from "../../src/train/rowLayout.js";
import { trainPlan, TrainingSession } from "../../src/train/index.js";
import { checked } from "./helpers.js";

const code = (f: () => void): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe("requireRowLayout", () => {
  it("accepts the space's own layout, flat rows, a flat space and unit axes", () => {
    expect(code(() => requireRowLayout([3, 8, 8], [3, 8, 8], "x"))).toBeUndefined();
    expect(code(() => requireRowLayout([192], [3, 8, 8], "x"))).toBeUndefined();
    expect(code(() => requireRowLayout([3, 8, 8], [192], "x"))).toBeUndefined();
    expect(code(() => requireRowLayout([28, 28], [1, 28, 28], "x"))).toBeUndefined();
    expect(code(() => requireRowLayout([28, 28, 1], [1, 28, 28], "x"))).toBeUndefined();
  });

  it("is LIN0934 for a channels-last stack (with the transpose to use) and for other layouts", () => {
    expect(() => requireRowLayout([8, 8, 3], [3, 8, 8], "faces.npy")).toThrow(
      expect.objectContaining({ code: "LIN0934", message: expect.stringContaining("np.transpose(x, (0, 3, 1, 2))") }),
    );
    expect(code(() => requireRowLayout([6, 32], [3, 8, 8], "x"))).toBe("LIN0934");
  });
});

describe("an .npy image stack in training", () => {
  const spec = (file: string): string =>
    [
      "space Img = R[3, 4, 4];",
      "network G : Img tagged { actnorm; squeeze; additive_coupling(hidden = 4, depth = 1, activation = tanh); }",
      "space Noise = induced G[0];",
      "space Data = induced G[1];",
      "operator A = time_conditioned(rank = 2, embed = 4, hidden = 4);",
      "map v : Noise -> Data = A;",
      `train t { model = v; data = npy("${file}"); steps = 1; batch = 2; seed = 1; }`,
      "",
    ].join("\n");

  it("binds an [N, C, H, W] stack, and refuses the same values as [N, H, W, C] with LIN0934", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "linea-npy-stack-"));
    const data = Float32Array.from({ length: 4 * 48 }, (_, i) => Math.sin(i));
    await saveNpy(path.join(dir, "nchw.npy"), { dtype: "F32", shape: [4, 3, 4, 4], data });
    await saveNpy(path.join(dir, "nhwc.npy"), { dtype: "F32", shape: [4, 4, 4, 3], data });
    const ok = checked(spec("nchw.npy"), path.join(dir, "ok.lin"));
    const session = await TrainingSession.create(ok, trainPlan(ok), dir);
    expect(session.dataset.shape).toEqual([3, 4, 4]);
    session.dispose();
    const bad = checked(spec("nhwc.npy"), path.join(dir, "bad.lin"));
    await expect(TrainingSession.create(bad, trainPlan(bad), dir)).rejects.toMatchObject({ code: "LIN0934" });
  });
});
