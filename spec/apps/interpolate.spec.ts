// apps/interpolate.ts without the CLI: interpolateMaps's frame at α = 0 is f2's output and at α = 1 f1's
// (within float32 rounding of one operator application; control: the other map's output is far off),
// every mix is one operator, and between spaces it equals the induced interpolation, not the pixel one.
// Maps that do not share their spaces are refused with LIN-RUN-BAD-MAPS.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { interpolateMaps } from "../../src/apps/interpolate.js";
import { ExecuteError } from "../../src/compiler/execute/errors.js";
import { seededNoise } from "../../src/apps/sampling.js";
import { checkedSpec } from "./support.js";

const FLOAT32_EPS = 2 ** -23;
const ROWS = 6;

const dir = mkdtempSync(join(tmpdir(), "linea-apps-interpolate-"));
writeFileSync(join(dir, "linea.json"), "{}");
const spec = checkedSpec(
  dir,
  "spec.lin",
  `space Img = R[1, 4, 4];
network G : Img tagged { squeeze; affine_coupling(hidden = 8); permute(reverse); affine_coupling(hidden = 8); }
space Content = induced G[0];
space Style = induced G[1];
operator A1[16] = dense;
operator A2 = identity_plus_lowrank(rank = 2);
map f1 : Content -> Style = A1;
map f2 : Content -> Style = A2;
space Other = R^16;
operator A3[16, 16] = dense;
map f3 : Other -> Style = A3;
`,
);

const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);

describe("apps/interpolate: interpolateMaps", { timeout: 60_000 }, () => {
  it("α = 0 gives f2's output and α = 1 f1's; each mix is one operator and the induced interpolation", async () => {
    const alphas = [0, 0.5, 1];
    const dims: number[] = [];
    let backend = "";
    const r = await interpolateMaps(spec, "f1", "f2", alphas, async (dim) => (dims.push(dim), seededNoise(ROWS, dim)), { backend: "cpu", onCompiled: (b) => (backend = b) });
    expect(backend).toContain("cpu");
    expect(dims).toEqual([16]);
    expect([r.rows, r.dim, r.outShape]).toEqual([ROWS, 16, [1, 4, 4]]);
    expect(r.outputs).toHaveLength(3);
    const [at0, , at1] = r.outputs;
    if (at0 === undefined || at1 === undefined) throw new Error("one output per α");
    // The same map up to float32 rounding: coordinates that differ by the rounding of one 16-term
    // product (γ₁₆ = 16·ε₃₂ of their size), through g⁻¹ (two affine couplings: a factor 4 at most here).
    const tolerance = (f: Float32Array): number => 4 * 16 * FLOAT32_EPS * Math.max(1, maxAbs(f));
    expect(maxDiff(at0, r.f2Output)).toBeLessThanOrEqual(tolerance(r.f2Output));
    expect(maxDiff(at1, r.f1Output)).toBeLessThanOrEqual(tolerance(r.f1Output));
    // Control: the ends are not the other map's outputs.
    expect(maxDiff(at0, r.f1Output)).toBeGreaterThan(1000 * tolerance(r.f1Output));
    expect(maxDiff(at1, r.f2Output)).toBeGreaterThan(1000 * tolerance(r.f2Output));
    for (const f of r.frames) {
      expect(f.operatorSteps).toBe(1);
      expect(f.inducedMaxDiff).toBeLessThanOrEqual(tolerance(r.f1Output) + tolerance(r.f2Output));
    }
    // The middle frame is no pixel interpolation (the charts are not linear).
    expect(r.frames[1]?.pixelMaxDiff ?? 0).toBeGreaterThan(10 * (tolerance(r.f1Output) + tolerance(r.f2Output)));
  });

  it("refuses maps that do not share their spaces", async () => {
    const refused = interpolateMaps(spec, "f1", "f3", [0.5], async (dim) => seededNoise(1, dim), { backend: "cpu" });
    await expect(refused).rejects.toBeInstanceOf(ExecuteError);
    await expect(refused).rejects.toMatchObject({ code: "LIN0805" });
  });
});
