// `linea interpolate` (modular interpolation, paper §1.7) through main(), and the law under it: the mixed
// map α·f₁ + (1−α)·f₂ compiles to ONE operator equal to αA₁ + (1−α)A₂ (float64 oracle), and its output
// equals the induced interpolation α ⊙ f₁(x) ⊕ (1−α) ⊙ f₂(x). Control: ordinary (pixel) interpolation of
// the outputs is not that, by orders of magnitude more than the tolerance.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { PNG } from "pngjs";
import { textsOf, tileLayout } from "../support/xml.js";
import { describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";
import { mixLets, type InterpolationFrame } from "../../src/apps/interpolate.js";
import { checkText, extendModule } from "../../src/index.js";
import { compile } from "../../src/compiler/execute/program.js";
import { mapNormalForm } from "../../src/compiler/execute/inspect.js";
import { loadNpy, numbersOf } from "../../src/runtime/io/index.js";
import { materialise } from "../../src/runtime/operator/index.js";
import { FLOAT64_EPS } from "../../src/runtime/linalg/index.js";

const FLOAT32_EPS = 2 ** -23;

const dir = mkdtempSync(join(tmpdir(), "linea-interpolate-"));
writeFileSync(join(dir, "linea.json"), "{}");
const SPEC = `space Img = R[1, 8, 8];
network G : Img tagged { squeeze; repeat 2 { affine_coupling(hidden = 16); permute(reverse); } }
space Content = induced G[0];
space Style = induced G[1];
operator A1[64] = dense;
operator A2 = identity_plus_lowrank(rank = 4);
operator A3[64] = dense;
map f1 : Content -> Style = A1;
map f2 : Content -> Style = A2;
map f3 : Style -> Style = A3;
`;
writeFileSync(join(dir, "spec.lin"), SPEC);

const linea = lineaIn(dir);

describe("linea interpolate", { timeout: 60_000 }, () => {
  it("compiles α·f1 + (1−α)·f2 to one operator equal to αA1 + (1−α)A2 (float64 oracle)", async () => {
    const alphas = [0.3, 0.8];
    const base = checkText(SPEC, join(dir, "mixed.lin"));
    if (isLeft(base)) throw new Error(base.left.map((d) => d.message).join("; "));
    const checked = extendModule(base.right, base.right.entry, mixLets(base.right, "mix_", "f1", "f2", alphas));
    if (isLeft(checked)) throw new Error(checked.left.map((d) => d.message).join("; "));
    const compiled = await compile(checked.right, { backend: "cpu", targets: ["f1", "f2", "mix_0", "mix_1"] });
    try {
      const a1 = materialise(mapNormalForm(compiled, "f1").operator);
      const a2 = materialise(mapNormalForm(compiled, "f2").operator);
      for (const [k, alpha] of alphas.entries()) {
        const mixed = materialise(mapNormalForm(compiled, `mix_${k}`).operator);
        // Folding rounds each entry once per term in float64: |error| ≤ 2·ε₆₄·(|αa₁| + |(1−α)a₂|) ≤ 4·ε₆₄·max|a|.
        const scale = Math.max(...a1.data.map(Math.abs), ...a2.data.map(Math.abs));
        const error = Math.max(...mixed.data.map((v, i) => Math.abs(v - (alpha * (a1.data[i] ?? NaN) + (1 - alpha) * (a2.data[i] ?? NaN)))));
        expect(error).toBeLessThanOrEqual(4 * FLOAT64_EPS * scale);
        // Control: the weights swapped, (1−α)A1 + αA2, is a different operator.
        const swapped = Math.max(...mixed.data.map((v, i) => Math.abs(v - ((1 - alpha) * (a1.data[i] ?? NaN) + alpha * (a2.data[i] ?? NaN)))));
        expect(swapped).toBeGreaterThan(1e6 * FLOAT64_EPS * scale);
        expect(compiled.planOf(`mix_${k}`).steps.filter((s) => s.kind === "operator")).toHaveLength(1);
      }
    } finally {
      compiled.dispose();
    }
  });

  it("the mixed map equals the induced interpolation of the outputs, not the pixel one; frames and picture written", async () => {
    const run = await linea("interpolate", "spec.lin", "--maps", "f1,f2", "--random", "6", "--backend", "cpu", "--out", "out");
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("backend: cpu");
    const summary = JSON.parse(readFileSync(join(dir, "out", "interpolation.json"), "utf8")) as { alphas: number[]; frames: InterpolationFrame[] };
    expect(summary.alphas).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const frames = await loadNpy(join(dir, "out", "frames.npy"));
    expect(frames.shape).toEqual([5, 6, 1, 8, 8]);
    const scale = Math.max(1, ...Array.from(numbersOf(frames), (v) => Math.abs(v)));
    // Both sides are float32: the compiled map runs g (2 couplings + squeeze), one 64-term operator and
    // g⁻¹; the induced side runs f1 and f2 the same way, then g on each output and g⁻¹ on the mix. Each
    // coupling rounds its shift (≈ ε₃₂·scale), each 64-term dot product ≈ 64·ε₃₂·scale, and the
    // interpolation is a convex combination, so |difference| ≲ ε₃₂·(3·(2 + 2) coupling passes + 2·64)·scale.
    // (Measured: below 1e-6 here.)
    const tol = FLOAT32_EPS * (3 * 4 + 2 * 64) * scale;
    for (const f of summary.frames) {
      expect(f.operatorSteps).toBe(1);
      expect(f.inducedMaxDiff).toBeLessThanOrEqual(tol);
    }
    // Control: strictly inside (0, 1) ordinary arithmetic on the outputs misses by far more.
    for (const f of summary.frames.filter((f) => f.alpha > 0 && f.alpha < 1)) expect(f.pixelMaxDiff).toBeGreaterThan(100 * tol);
    expect(run.stdout).toContain("[[0.25·(A1)] + [0.75·(A2)]]");
    const png = PNG.sync.read(readFileSync(join(dir, "out", "interpolation.png")));
    expect(png.width).toBeGreaterThan(5 * 64);
    // 6 rows of 5 frames, each column captioned with its α (the old font drew α as "A", beside a map named A1).
    const svg = readFileSync(join(dir, "out", "interpolation.svg"), "utf8");
    expect(tileLayout(svg)).toEqual({ tiles: 30, columns: 5, rows: 6 });
    expect(textsOf(svg)).toEqual(expect.arrayContaining(["α = 0", "α = 0.25", "α = 1"]));
    expect(textsOf(svg).some((t) => t.startsWith("A "))).toBe(false);
  });

  it("refuses maps that do not share their spaces, or names that are no maps, on one coded line (exit 1)", async () => {
    const spaces = await linea("interpolate", "spec.lin", "--maps", "f1,f3", "--random", "2", "--backend", "cpu");
    expect(spaces.code).toBe(1);
    expect(spaces.stderr).toContain("error[LIN0805]");
    expect(spaces.stderr).toContain("do not share their spaces");
    const network = await linea("interpolate", "spec.lin", "--maps", "f1,G", "--random", "2", "--backend", "cpu");
    expect(network.code).toBe(1);
    expect(network.stderr).toContain("G is a network G, not a map");
    expect(network.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on bad command lines", async () => {
    for (const args of [
      ["spec.lin", "--random", "2"],
      ["spec.lin", "--maps", "f1", "--random", "2"],
      ["spec.lin", "--maps", "f1,f2"],
      ["spec.lin", "--maps", "f1,f2", "--random", "2", "--alphas", "0,,1"],
      ["missing.lin", "--maps", "f1,f2", "--random", "2"],
    ]) {
      const r = await linea("interpolate", ...args);
      expect(r.code).toBe(2);
    }
  });
});
