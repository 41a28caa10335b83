// `linea svd` through main(): the written singular values against a float64 dense oracle, the decoded
// singular vectors against the map itself (f(ṽᵢ) = σᵢ ⊙ ũᵢ in Y's coordinates), the PNGs, and the
// exit codes of an unknown map (1) and of bad command lines (2). Each law has a control that breaks it.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import * as tf from "@tensorflow/tfjs-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";
import { FLOAT32_PINV_CONDITION, summarise } from "../../src/apps/spectrum.js";
import { formatSummary } from "../../src/cli/svd.js";
import { formatValue } from "../../src/cli/format.js";
import { elementsOf, textsOf, xmlError } from "../support/xml.js";
import { compileFile, type CompiledProgram } from "../../src/compiler/execute/program.js";
import { mapNormalForm, type MapNormalForm } from "../../src/compiler/execute/inspect.js";
import { loadNpy } from "../../src/runtime/io/index.js";
import { FLOAT64_EPS, svd as denseSvd } from "../../src/runtime/linalg/index.js";
import { materialise } from "../../src/runtime/operator/index.js";

const FLOAT32_EPS = 2 ** -23;

const dir = mkdtempSync(join(tmpdir(), "linea-svd-"));
writeFileSync(join(dir, "linea.json"), "{}");
// X and Y induced by small coupling networks (so decoding is a real network inverse), plus an image
// space [1, 4, 4] for the grid pictures.
writeFileSync(
  join(dir, "spec.lin"),
  `space X = R^6;
space Y = R^4;
network Gx : X { additive_coupling(hidden = 8); permute(reverse); additive_coupling(hidden = 8); }
network Gy : Y { additive_coupling(hidden = 8); permute(reverse); additive_coupling(hidden = 8); }
space U = induced Gx;
space V = induced Gy;
operator M[4, 6] = dense;
map f : U -> V = M;
space P = R[1, 4, 4];
operator D[16] = dense;
map h : P -> P = D;
entry probe(x : U) = f(x);
`,
);

const linea = lineaIn(dir);

function png(file: string): PNG {
  return PNG.sync.read(readFileSync(file));
}

describe("linea svd", { timeout: 60_000 }, () => {
  let compiled: CompiledProgram;
  let form: MapNormalForm;
  let run: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    // The same compile the command does (default seed 0), to reach the operator and the charts.
    const c = await compileFile(join(dir, "spec.lin"), { backend: "cpu", targets: ["f"] });
    if (isLeft(c)) throw new Error(`spec does not check: ${c.left.map((d) => d.message).join("; ")}`);
    compiled = c.right;
    form = mapNormalForm(compiled, "f");
    run = await linea("svd", "spec.lin", "--map", "f", "--top", "3", "--backend", "cpu");
  });
  afterAll(() => compiled.dispose());

  it("writes the singular values of the map's operator, equal to a float64 dense oracle", async () => {
    expect(run.stderr).toContain("backend: cpu");
    expect(run.code).toBe(0);
    const out = join(dir, "out", "svd-f");
    const npy = await loadNpy(join(out, "singular_values.npy"));
    expect(npy.dtype).toBe("F64");
    expect(npy.shape).toEqual([4]);
    const oracle = denseSvd(materialise(form.operator)).s;
    // Both are backward-stable float64 SVDs of the same 4×6 matrix: each σ moves by at most
    // ‖E‖ ≤ max(m, n)·ε₆₄·σ_max (Weyl), so they differ by at most twice that; ×4 for the norm estimate.
    const tol = 4 * 2 * 6 * FLOAT64_EPS * (oracle[0] ?? 1);
    const written = Array.from(npy.data, Number);
    written.forEach((s, i) => expect(Math.abs(s - (oracle[i] ?? NaN))).toBeLessThanOrEqual(tol));
    const json = JSON.parse(readFileSync(join(out, "singular_values.json"), "utf8")) as { singular_values: number[]; rank: number; shape: number[] };
    expect(json.singular_values).toEqual(written);
    expect(json.shape).toEqual([4, 6]);
    expect(json.rank).toBe(4);
    expect(run.stdout).toMatch(/rank: 4 of 4/);
    expect(run.stdout).toMatch(/condition number: [\d.]+/);
    expect(run.stdout).toContain(`top singular values: ${(written[0] ?? 0).toPrecision(4)}`);
    // Control: another seed gives other weights, and the oracle tells them apart.
    const other = await linea("svd", "spec.lin", "--map", "f", "--seed", "7", "--out", "seed7", "--backend", "cpu");
    expect(other.code).toBe(0);
    const moved = Array.from((await loadNpy(join(dir, "seed7", "singular_values.npy"))).data, Number);
    expect(Math.max(...moved.map((s, i) => Math.abs(s - (oracle[i] ?? NaN))))).toBeGreaterThan(tol);
  });

  it("decodes singular vectors with f(ṽᵢ) = σᵢ ⊙ ũᵢ in Y's coordinates", async () => {
    const out = join(dir, "out", "svd-f");
    const right = await loadNpy(join(out, "right.npy"));
    const left = await loadNpy(join(out, "left.npy"));
    expect(right.shape).toEqual([3, 6]);
    expect(left.shape).toEqual([3, 4]);
    const s = Array.from((await loadNpy(join(out, "singular_values.npy"))).data, Number);
    const gy = form.codomain.chart;
    const gx = form.domain.chart;
    if (gy === undefined || gx === undefined) throw new Error("both ends of f are induced spaces");
    const fv = compiled.run("f", Float32Array.from(right.data, Number));
    const lhs = tf.tidy(() => gy.forward(fv as tf.Tensor2D));
    const rhs = gy.forward(tf.tensor2d(Float32Array.from(left.data, Number), [3, 4]));
    const [a, b] = [await lhs.array(), await rhs.array()];
    [fv, lhs, rhs].forEach((t) => t.dispose());
    // Float32 path: ṽ and ũ are stored in float32 after one network inverse each; the check runs
    // g_x (2 couplings), A (a 6-term dot product), g_y⁻¹ then g_y (2 couplings each), and g_y on ũ.
    // Each coupling layer is exact up to rounding of its additive shift (≈ ε₃₂ × its magnitude, of the
    // order of the values), so the coordinate error is ≲ ε₃₂·(2 + 2 + 2 + 2 layers + 6 terms)·σ_max·max|coord|.
    // (Measured: ≈ 0.01 of this worst case.)
    const scale = Math.max(1, ...a.flat().map(Math.abs), ...b.flat().map(Math.abs));
    const tol = FLOAT32_EPS * (8 + 6) * (s[0] ?? 1) * scale;
    const error = (i: number, j: number): number => Math.max(...(a[i] ?? []).map((v, c) => Math.abs(v - (s[j] ?? NaN) * (b[j]?.[c] ?? NaN))));
    for (let i = 0; i < 3; i++) expect(error(i, i)).toBeLessThanOrEqual(tol);
    // Control: pairing ṽ₀ with σ₁ũ₁ breaks the law by far more than the tolerance.
    expect(error(0, 1)).toBeGreaterThan(100 * tol);
    // And the decoding is a real network inverse: g_x(ṽ) are the right singular vectors, not ṽ itself.
    const coords = await tf.tidy(() => gx.forward(tf.tensor2d(Float32Array.from(right.data, Number), [3, 6]))).array();
    const norm = (r: number[] | undefined): number => Math.hypot(...(r ?? []));
    for (let i = 0; i < 3; i++) expect(Math.abs(norm(coords[i]) - 1)).toBeLessThan(1e-4);
    // Control: ṽ differs from its coordinates g_x(ṽ) entry-wise by far more than float32 rounding of the
    // 4 coupling layers (≈ 4·ε₃₂ per unit coordinate). The norm is not a usable control: g_x is a
    // permutation between near-identity couplings (output gain 0.01), so ‖ṽ‖ ≈ ‖g_x(ṽ)‖ = 1.
    const moved = Math.max(...coords.flatMap((r, i) => r.map((v, c) => Math.abs(v - Number(right.data[i * 6 + c])))));
    expect(moved).toBeGreaterThan(1000 * 4 * FLOAT32_EPS);
  });

  it("draws the spectrum on a marked log axis and the singular vectors labelled with index and σ, as PNG + SVG", async () => {
    const out = join(dir, "out", "svd-f");
    const spectrum = png(join(out, "spectrum.png"));
    expect([spectrum.width, spectrum.height]).toEqual([480, 320]);
    const spectrumSvg = readFileSync(join(out, "spectrum.svg"), "utf8");
    expect(xmlError(spectrumSvg)).toBeUndefined();
    expect(textsOf(spectrumSvg)).toEqual(expect.arrayContaining(["singular values of f", "index i", "singular value σᵢ (log scale)"]));
    const sigma = (JSON.parse(readFileSync(join(out, "singular_values.json"), "utf8")) as { singular_values: number[] }).singular_values;
    // Flat spaces: a heat map with one labelled row per vector (3 rows), vᵢ for the right, uᵢ for the left.
    for (const [side, letter] of [
      ["right", "v"],
      ["left", "u"],
    ] as const) {
      const svg = readFileSync(join(out, `${side}.svg`), "utf8");
      expect(xmlError(svg)).toBeUndefined();
      const texts = textsOf(svg);
      ["₁", "₂", "₃"].forEach((i, k) => expect(texts).toContain(`${letter}${i}  σ${i} = ${formatValue(sigma[k])}`));
      expect(png(join(out, `${side}.png`)).width).toBeGreaterThan(100);
    }
    // An image space [1, 4, 4]: a grid of 4 tiles enlarged to a readable size (the old grid drew each
    // tile 8 px wide, the whole picture 22 px), each captioned.
    const grid = await linea("svd", "spec.lin", "--map", "h", "--top", "4", "--out", "h", "--backend", "cpu");
    expect(grid.code).toBe(0);
    for (const side of ["right", "left"]) {
      const svg = readFileSync(join(dir, "h", `${side}.svg`), "utf8");
      const tiles = elementsOf(svg, "image");
      expect(tiles).toHaveLength(4);
      for (const t of tiles) expect(Number(t.width)).toBeGreaterThanOrEqual(64);
      expect(textsOf(svg).filter((t) => /^[uv][₁-₄] {2}σ[₁-₄] = /.test(t))).toHaveLength(4);
      expect(png(join(dir, "h", `${side}.png`)).width).toBeGreaterThan(2 * 64);
    }
    expect((await loadNpy(join(dir, "h", "right.npy"))).shape).toEqual([4, 1, 4, 4]);
  });

  it("warns when a map is too ill-conditioned for a float32 pinv, and not otherwise", () => {
    const well = summarise(Float64Array.from([2, 1]), 2, 2);
    expect(formatSummary("g", "G", "dense", Float64Array.from([2, 1]), well, 2).some((l) => l.startsWith("WARNING"))).toBe(false);
    const values = Float64Array.from([1, 1 / (2 * FLOAT32_PINV_CONDITION)]);
    const ill = summarise(values, 2, 2);
    expect(ill.condition).toBeCloseTo(2 * FLOAT32_PINV_CONDITION, 6);
    expect(formatSummary("g", "G", "dense", values, ill, 2).find((l) => l.startsWith("WARNING"))).toContain("float32 pinv(g) is unreliable");
    // A rank-deficient map has an infinite condition number; pinv works on its range.
    const deficient = summarise(Float64Array.from([3, 1, 0]), 3, 3);
    expect(deficient.rank).toBe(2);
    expect(deficient.condition).toBe(Infinity);
    expect(deficient.rangeCondition).toBe(3);
  });

  it("names the available maps for an unknown --map (exit 1) and rejects bad command lines (exit 2)", async () => {
    const unknown = await linea("svd", "spec.lin", "--map", "nope", "--backend", "cpu");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/error\[LIN0801\]: .*nope/);
    expect(unknown.stderr).toMatch(/maps: f, h/);
    const entry = await linea("svd", "spec.lin", "--map", "probe", "--backend", "cpu");
    expect(entry.code).toBe(1);
    expect(entry.stderr).toContain("no map named probe; maps: f, h");
    for (const args of [["spec.lin"], ["--map", "f"], ["spec.lin", "--map", "f", "--top", "0"], ["spec.lin", "--map", "f", "--bogus"], ["a.lin", "b.lin", "--map", "f"]]) {
      const r = await linea("svd", ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("usage: linea svd");
    }
    expect((await linea("svd", "missing.lin", "--map", "f")).code).toBe(2);
  });
});
