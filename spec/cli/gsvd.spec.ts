// `linea gsvd` through main(): the files it writes agree with each other and with the map (the values
// are W's; U Σ Vᵀ rebuilds W in float64 to float32 rounding, control: with two directions swapped it does
// not; decoded.npy holds ψ(vᵢ) as [k, …X shape]), the pictures are PNGs, and a map without a head after
// an embedding exits 1 with LIN0801 naming the maps that have a gsvd; a missing --map exits 2.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { loadNpy } from "../../src/runtime/io/index.js";
import { lineaIn } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "linea-gsvd-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(
  join(dir, "spec.lin"),
  `space X = R[1, 2, 2];
network G : X { additive_coupling(hidden = 8); permute(reverse); additive_coupling(hidden = 8); }
space Z = induced G;
space E = R^6;
space K = R^3;
network H : E { affine_coupling(hidden = 8, depth = 1, activation = tanh); }
embedding phi : Z -> E = extend(H, isometric);
operator W[3, 6] = dense;
map head : E -> K = W;
let h = head * phi;
`,
);
const linea = lineaIn(dir);

/** ‖A − U·diag(s)·Vᵀ‖_max for A [r×c] with U [k rows of r], V [k rows of c] (rows are the vectors). */
function rebuildError(a: ArrayLike<number>, r: number, c: number, u: ArrayLike<number>, s: readonly number[], v: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      let x = 0;
      for (let l = 0; l < s.length; l++) x += (u[l * r + i] ?? 0) * (s[l] ?? 0) * (v[l * c + j] ?? 0);
      worst = Math.max(worst, Math.abs(x - (a[i * c + j] ?? 0)));
    }
  return worst;
}

describe("linea gsvd", { timeout: 120_000 }, () => {
  it("writes U, Σ, V and the decoded directions, consistent with the head W in float64", async () => {
    const run = await linea("gsvd", "spec.lin", "--map", "h", "--top", "3", "--out", "out/h", "--backend", "cpu", "--json");
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { singular_values: number[]; off_image: number[]; domain: { shape: number[] }; embedded: { space: string } };
    expect(json.embedded.space).toBe("E");
    expect(json.domain.shape).toEqual([1, 2, 2]);
    expect(json.off_image).toHaveLength(3);
    const u = await loadNpy(join(dir, "out/h/U.npy"));
    const v = await loadNpy(join(dir, "out/h/V.npy"));
    const decoded = await loadNpy(join(dir, "out/h/decoded.npy"));
    expect(u.shape).toEqual([3, 3]);
    expect(v.shape).toEqual([3, 6]);
    expect(decoded.shape).toEqual([3, 1, 2, 2]);
    const matrix = await linea("svd", "spec.lin", "--map", "head", "--matrix-out", "W.npy", "--out", "out/w", "--backend", "cpu");
    expect(matrix.code, matrix.stderr).toBe(0);
    const w = await loadNpy(join(dir, "W.npy"));
    const s = json.singular_values;
    // U and V are float32 unit vectors: rounding of 2⁻²⁴ per entry, times σ_max and k = 3 terms.
    const tol = 3 * 2 ** -23 * (s[0] ?? 1) * 4;
    expect(rebuildError(w.data as Float64Array, 3, 6, u.data as Float32Array, s, v.data as Float32Array)).toBeLessThan(tol);
    const swapped = Float32Array.from(v.data as Float32Array);
    for (let j = 0; j < 6; j++) [swapped[j], swapped[6 + j]] = [swapped[6 + j] ?? 0, swapped[j] ?? 0];
    expect(rebuildError(w.data as Float64Array, 3, 6, u.data as Float32Array, s, swapped)).toBeGreaterThan(100 * tol);
    for (const name of ["decoded.png", "U.png", "V.png", "spectrum.png"]) {
      const png = PNG.sync.read(readFileSync(join(dir, "out/h", name)));
      expect(png.width, name).toBeGreaterThan(0);
    }
  });

  it("refuses a map that is not a head after an embedding (LIN0801, exit 1) and a missing --map (exit 2)", async () => {
    const wrong = await linea("gsvd", "spec.lin", "--map", "head");
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("LIN0801");
    expect(wrong.stderr).toContain("maps with a gsvd here: h");
    const missing = await linea("gsvd", "spec.lin");
    expect(missing.code).toBe(2);
  });
});
