// apps/spectrum.ts without the CLI: spectrumOf's singular values are descending and match a dense
// float64 SVD of the same operator (a dense one, and a structured low-rank one whose SVD comes
// from its structure), and its singular vectors satisfy A·vᵢ = σᵢ·uᵢ (control: the vectors of another
// index do not). A kron(P, M) map: values the products of its factors' (control: not their sums), and
// the compiled map runs as vec(P·X·Mᵀ) (control: reading X column-major does not).
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

describe("apps/spectrum: a kron(P, Q) map", { timeout: 60_000 }, () => {
  const kronDir = mkdtempSync(join(tmpdir(), "linea-apps-spectrum-kron-"));
  writeFileSync(join(kronDir, "linea.json"), "{}");
  writeFileSync(join(kronDir, "spec.lin"), "space X = R^6;\nspace Y = R^4;\noperator P[2, 2] = dense;\noperator M[2, 3] = dense;\nmap f : X -> Y = kron(P, M);\n");
  let compiled: CompiledProgram;
  beforeAll(async () => {
    const c = await compileFile(join(kronDir, "spec.lin"), { backend: "cpu", targets: ["f"] });
    if (isLeft(c)) throw new Error(c.left.map((d) => d.message).join("; "));
    compiled = c.right;
  });
  afterAll(() => compiled.dispose());

  it("the singular values are the products σᵢ(P)·σⱼ(M), from the factors' SVDs; control: the sums σᵢ + σⱼ are not", async () => {
    const op = mapNormalForm(compiled, "f").operator;
    expect(op.kind).toBe("kronecker");
    if (op.kind !== "kronecker") return;
    const s = await spectrumOf(compiled, "f", 4);
    // From the factors' SVDs (decompose.ts kroneckerSvd); the method is the factors' own, dense here.
    expect(s.method).toBe("dense");
    expect([s.rows, s.cols]).toEqual([4, 6]);
    const [sa, sb] = [denseSvd(materialise(op.a)).s, denseSvd(materialise(op.b)).s];
    const pairs = (combine: (x: number, y: number) => number): number[] =>
      Array.from(sa)
        .flatMap((x) => Array.from(sb, (y) => combine(x, y)))
        .sort((x, y) => y - x);
    const products = pairs((x, y) => x * y);
    expect(s.values).toHaveLength(4);
    // Backward-stable float64 SVDs of the 2×2 and 2×3 factors: each σ within a few max(m, n)·ε₆₄·σ_max of the exact
    // one, so a product within that relative error of both factors' σ_max, i.e. 8·6·ε₆₄·σ_max(P⊗M) with headroom.
    const tolerance = 8 * 6 * FLOAT64_EPS * (products[0] ?? 0);
    for (let i = 0; i < 4; i++) expect(Math.abs((s.values[i] ?? NaN) - (products[i] ?? NaN))).toBeLessThanOrEqual(tolerance);
    // The dense oracle agrees: the SVD of the materialised 4×6 matrix.
    const oracle = denseSvd(materialise(op)).s;
    for (let i = 0; i < 4; i++) expect(Math.abs((s.values[i] ?? NaN) - (oracle[i] ?? NaN))).toBeLessThanOrEqual(tolerance);
    // Control: the sums of the factors' values are not the spectrum.
    const sums = pairs((x, y) => x + y);
    expect(Math.max(...Array.from({ length: 4 }, (_, i) => Math.abs((s.values[i] ?? NaN) - (sums[i] ?? NaN))))).toBeGreaterThan(1e6 * tolerance);
  });

  it("the compiled map runs a batch as vec(P·X·Mᵀ) (row-major); control: reading X column-major does not", async () => {
    const op = mapNormalForm(compiled, "f").operator;
    if (op.kind !== "kronecker") throw new Error("not a kronecker operator");
    const [p, m] = [materialise(op.a), materialise(op.b)];
    const rows = 3;
    const input = Float32Array.from({ length: rows * 6 }, (_, i) => Math.sin(0.9 * i + 0.2));
    const y = compiled.run("f", input);
    const out = Float32Array.from(await y.data());
    y.dispose();
    // Host formula in float64: row r of the batch is vec(X_r), X_r 2×3 row-major; the output is vec(P·X_r·Mᵀ), 2×2.
    const expected = (r: number, order: "row" | "column"): number[] => {
      const x = (i: number, j: number): number => input[r * 6 + (order === "row" ? i * 3 + j : j * 2 + i)] ?? NaN;
      const at = (i: number, j: number): number => {
        let acc = 0;
        for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) acc += (p.data[i * 2 + a] ?? NaN) * x(a, b) * (m.data[j * 3 + b] ?? NaN);
        return acc;
      };
      return [at(0, 0), at(0, 1), at(1, 0), at(1, 1)];
    };
    const scale = Math.max(...p.data.map(Math.abs)) * Math.max(...m.data.map(Math.abs));
    // float32 inputs (exact: the reference reads the same floats) through two float32 contractions of lengths 3 and 2,
    // 6 terms of size ≤ scale: ≤ (3 + 2)·6·ε₃₂·scale, ×4 headroom.
    const tolerance = 4 * (3 + 2) * 6 * FLOAT32_EPS * scale;
    const gap = (order: "row" | "column"): number =>
      Math.max(...Array.from({ length: rows }, (_, r) => Math.max(...expected(r, order).map((v, c) => Math.abs((out[4 * r + c] ?? NaN) - v)))));
    expect(out).toHaveLength(rows * 4);
    expect(gap("row")).toBeLessThanOrEqual(tolerance);
    expect(gap("column")).toBeGreaterThan(100 * tolerance);
  });
});
