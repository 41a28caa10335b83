// apps/spectrum.ts without the CLI: spectrumOf's singular values are descending and match a dense
// float64 SVD of the same operator (a dense one, and a structured low-rank one whose SVD comes
// from its structure), and its singular vectors satisfy A·vᵢ = σᵢ·uᵢ (control: the vectors of another
// index do not).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spectrumOf } from "../../src/apps/spectrum.js";
import { compileFile, type CompiledProgram } from "../../src/compiler/execute/program.js";
import { mapNormalForm } from "../../src/compiler/execute/inspect.js";
import { FLOAT64_EPS, svd as denseSvd } from "../../src/runtime/linalg/index.js";
import { materialise } from "../../src/runtime/operator/index.js";

const FLOAT32_EPS = 2 ** -23;

const dir = mkdtempSync(join(tmpdir(), "linea-apps-spectrum-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(
  join(dir, "spec.lin"),
  `space X = R^6;
space Y = R^4;
operator M[4, 6] = dense;
map f : X -> Y = M;
space Z = R^5;
operator L[5, 5] = lowrank(rank = 2);
map g : Z -> Z = L;
`,
);

describe("apps/spectrum: spectrumOf", { timeout: 60_000 }, () => {
  let compiled: CompiledProgram;
  beforeAll(async () => {
    const c = await compileFile(join(dir, "spec.lin"), { backend: "cpu", targets: ["f", "g"] });
    if (isLeft(c)) throw new Error(c.left.map((d) => d.message).join("; "));
    compiled = c.right;
  });
  afterAll(() => compiled.dispose());

  for (const [map, method] of [
    ["f", "dense"],
    ["g", "structured"],
  ] as const) {
    it(`${map}: descending values equal to a dense float64 SVD of the same operator (${method})`, async () => {
      const s = await spectrumOf(compiled, map, 3);
      expect(s.method).toBe(method);
      expect(s.values).toHaveLength(Math.min(s.rows, s.cols));
      for (let i = 1; i < s.values.length; i++) expect(s.values[i]).toBeLessThanOrEqual(s.values[i - 1] ?? -Infinity);
      const oracle = denseSvd(materialise(mapNormalForm(compiled, map).operator)).s;
      // Backward-stable SVDs: each σ is within a few max(m, n)·ε₆₄·σ_max of the exact one.
      const tolerance = 8 * Math.max(s.rows, s.cols) * FLOAT64_EPS * (oracle[0] ?? 0);
      for (let i = 0; i < s.values.length; i++) expect(Math.abs((s.values[i] ?? NaN) - (oracle[i] ?? NaN))).toBeLessThanOrEqual(tolerance);
      expect(s.summary.rank).toBe(Array.from(oracle).filter((v) => v > s.summary.cutoff).length);
    });
  }

  it("the singular vectors: A·vᵢ = σᵢ·uᵢ on the decoded rows (Euclidean ends), not for another index", async () => {
    const s = await spectrumOf(compiled, "f", 3);
    expect(s.k).toBe(3);
    expect(s.right).toHaveLength(3 * 6);
    expect(s.left).toHaveLength(3 * 4);
    const y = compiled.run("f", s.right);
    const out = Float32Array.from(await y.data());
    y.dispose();
    const sigma = s.values[0] ?? 0;
    // float32 rows of unit vectors through a float32 product of 6 terms.
    const tolerance = 4 * (6 + 2) * FLOAT32_EPS * sigma;
    const gap = (i: number, j: number): number =>
      Math.max(...Array.from({ length: 4 }, (_, c) => Math.abs((out[4 * i + c] ?? NaN) - (s.values[j] ?? NaN) * (s.left[4 * j + c] ?? NaN))));
    for (let i = 0; i < 3; i++) expect(gap(i, i)).toBeLessThanOrEqual(tolerance);
    // Control: A·v₀ is not σ₁·u₁.
    expect(gap(0, 1)).toBeGreaterThan(100 * tolerance);
  });
});
