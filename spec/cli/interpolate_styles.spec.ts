// `linea interpolate --maps F --styles S1,S2` (operator interpolation between two styles of an indexed
// map, paper §1.7): α·at(F, S1) + (1−α)·at(F, S2) compiles to ONE depthwise convolution whose kernel is
// α·k₁ + (1−α)·k₂ (float64 oracle: the bound kernel table), and its output is the induced interpolation
// of the two styles' outputs. Controls: the swapped weights are another kernel; the pixel interpolation
// misses. The input is an RGB PNG (--image), read as [3, H, W] in [0, 1].
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";
import type { InterpolationFrame } from "../../src/apps/interpolate.js";
import { encodeRgbPng } from "../../src/apps/png_image.js";
import { contentImage } from "../../src/apps/style_images.js";
import { checkText, extendModule } from "../../src/index.js";
import { compile } from "../../src/compiler/execute/program.js";
import { mapNormalForm } from "../../src/compiler/execute/inspect.js";
import { loadNpy } from "../../src/runtime/io/index.js";
import { FLOAT64_EPS } from "../../src/runtime/linalg/index.js";
import { letDecl, binary, call, nameRef, numberLit } from "../../src/ast/build.js";

const FLOAT32_EPS = 2 ** -23;
const dir = mkdtempSync(join(tmpdir(), "linea-interpolate-styles-"));
writeFileSync(join(dir, "linea.json"), "{}");
const SPEC = `space Img = R[3, 6, 6];
network G : Img tagged { repeat 2 { affine_coupling(hidden = 8); permute(reverse); } }
space Content = induced G[1];
space Style = induced G[0];
operator K = depthwise_conv(kernel = 4, styles = 4);
map f : Content -> Style = K;
operator D = dense;
map plain : Content -> Style = D;
`;
writeFileSync(join(dir, "spec.lin"), SPEC);
writeFileSync(join(dir, "content.png"), encodeRgbPng(contentImage(6)));
writeFileSync(join(dir, "small.png"), encodeRgbPng(contentImage(4)));
const linea = lineaIn(dir);

describe("linea interpolate --styles", { timeout: 60_000 }, () => {
  it("compiles α·at(f, 0) + (1−α)·at(f, 3) to one convolution of the kernel α·k₀ + (1−α)·k₃ (float64 oracle)", async () => {
    const base = checkText(SPEC, join(dir, "mixed.lin"));
    if (isLeft(base)) throw new Error(base.left.map((d) => d.message).join("; "));
    const r = base.right.modules.get(base.right.entry)?.program.range;
    if (r === undefined) throw new Error("no entry module");
    const alpha = 0.35;
    const style = (k: number): ReturnType<typeof call> => call("at", [nameRef("f", r), numberLit(k, r)], {}, r);
    const mix = binary("+", binary("*", numberLit(alpha, r), style(0), r), binary("*", numberLit(1 - alpha, r), style(3), r), r);
    const checked = extendModule(base.right, base.right.entry, [letDecl("mix", mix, r), letDecl("a0", style(0), r), letDecl("a3", style(3), r)]);
    if (isLeft(checked)) throw new Error(checked.left.map((d) => d.message).join("; "));
    const compiled = await compile(checked.right, { backend: "cpu", seed: 4, targets: ["a0", "a3", "mix"] });
    try {
      // The two styles' kernels, each selected alone from the bound table (no combination involved).
      const [a0, a3, mixed] = ["a0", "a3", "mix"].map((n) => mapNormalForm(compiled, n).operator);
      if (a0.kind !== "depthwise_conv" || a3.kind !== "depthwise_conv" || mixed.kind !== "depthwise_conv") throw new Error(`kinds ${a0.kind}, ${a3.kind}, ${mixed.kind}`);
      const k0 = a0.kernel;
      const k3 = a3.kernel;
      expect(Array.from(k0)).not.toEqual(Array.from(k3));
      // Each entry is α·a + (1−α)·b rounded: |error| ≤ 2·ε₆₄·(|αa| + |(1−α)b|) ≤ 2·ε₆₄·max|k|.
      const scale = Math.max(...Array.from(k0, Math.abs), ...Array.from(k3, Math.abs));
      const error = Math.max(...Array.from(mixed.kernel, (v, i) => Math.abs(v - (alpha * k0[i] + (1 - alpha) * k3[i]))));
      expect(error).toBeLessThanOrEqual(2 * FLOAT64_EPS * scale);
      const swapped = Math.max(...Array.from(mixed.kernel, (v, i) => Math.abs(v - ((1 - alpha) * k0[i] + alpha * k3[i]))));
      expect(swapped).toBeGreaterThan(1e6 * FLOAT64_EPS * scale);
      expect(compiled.planOf("mix").steps.filter((s) => s.kind === "operator")).toHaveLength(1);
    } finally {
      compiled.dispose();
    }
  });

  it("on a PNG input, each frame is the induced interpolation of the two styles' outputs, not the pixel one", async () => {
    const run = await linea("interpolate", "spec.lin", "--maps", "f", "--styles", "0,3", "--image", "content.png", "--alphas", "0,0.35,0.65,1", "--backend", "cpu", "--out", "out");
    expect(run.stderr).toContain("backend: cpu");
    expect(run.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, "out", "interpolation.json"), "utf8")) as { maps: string[]; frames: InterpolationFrame[] };
    expect(summary.maps).toEqual(["at(f, 0)", "at(f, 3)"]);
    const frames = await loadNpy(join(dir, "out", "frames.npy"));
    expect(frames.shape).toEqual([4, 1, 3, 6, 6]);
    // As in interpolate.spec.ts: both sides float32 through g (2 couplings) and g⁻¹, one 16-tap
    // convolution each (the induced side two, then g and g⁻¹ again), outputs of magnitude ≲ 1 (an image
    // in [0, 1] through near-identity couplings and near-identity kernels): ε₃₂·(3·(2 + 2) + 2·16)·4.
    const tol = FLOAT32_EPS * (3 * 4 + 2 * 16) * 4;
    for (const f of summary.frames) {
      expect(f.operatorSteps).toBe(1);
      expect(f.inducedMaxDiff).toBeLessThanOrEqual(tol);
    }
    for (const f of summary.frames.filter((f) => f.alpha > 0 && f.alpha < 1)) expect(f.pixelMaxDiff).toBeGreaterThan(10 * tol);
    expect(
      readFileSync(join(dir, "out", "interpolation.png"))
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
  });

  it("refuses a map that is not indexed and a style out of range (LIN0805), an image of the wrong size (LIN1173)", async () => {
    const plain = await linea("interpolate", "spec.lin", "--maps", "plain", "--styles", "0,1", "--random", "1", "--backend", "cpu");
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("error[LIN0805]");
    expect(plain.stderr).toContain("not an indexed map");
    const range = await linea("interpolate", "spec.lin", "--maps", "f", "--styles", "0,4", "--random", "1", "--backend", "cpu");
    expect(range.stderr).toContain("style 4 is not one of them");
    const small = await linea("interpolate", "spec.lin", "--maps", "f", "--styles", "0,1", "--image", "small.png", "--backend", "cpu");
    expect(small.code).not.toBe(0);
    expect(small.stderr).toContain("LIN1173");
    expect(small.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on bad --styles and on --image with --random", async () => {
    for (const args of [
      ["--maps", "f", "--styles", "0.5,1", "--random", "1"],
      ["--maps", "f", "--styles", "0", "--random", "1"],
      ["--maps", "f,plain", "--styles", "0,1", "--random", "1"],
      ["--maps", "f", "--styles", "0,1", "--image", "content.png", "--random", "1"],
    ]) {
      expect((await linea("interpolate", "spec.lin", ...args)).code).toBe(2);
    }
  });
});
