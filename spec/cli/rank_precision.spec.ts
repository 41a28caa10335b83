// Rank cut-offs in the precision the weights were stored in, as `linea svd` and `linea run` report them:
// a rank-7 20×20 matrix in a weights file's F32 tensor is rank 7 (ε₃₂), not 20 (its float32 rounding,
// ~σ₁·10⁻⁷, lies above a float64 cut-off), and run reports the rank each pinv keeps and svd's warning.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";
import { saveSafetensors } from "../../src/runtime/io/index.js";
import { materialise, randomDense } from "../../src/runtime/operator/index.js";
import { matmul } from "../../src/runtime/linalg/index.js";

const dir = mkdtempSync(join(tmpdir(), "linea-precision-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(
  join(dir, "r7.lin"),
  "space X = R^20;\noperator A[20, 20] = dense;\nmap f : X -> X = A;\nlet b : X -> X = pinv(f);\nlet p : X -> X = project(f);\nentry back(x : X) = b(x);\n",
);
// Seeded (float64) and ill-conditioned: σ₁/σ₂₀ ≈ 1.4·10⁷ (D's spread to the 8th power).
writeFileSync(
  join(dir, "ill.lin"),
  "space X = R^20;\noperator P[20, 20] = dense;\noperator D[20, 20] = diagonal;\noperator Q[20, 20] = dense;\nmap f : X -> X = P * D ^ 8 * Q;\nlet b : X -> X = pinv(f);\nentry back(x : X) = b(x);\n",
);
const linea = lineaIn(dir);

beforeAll(async () => {
  const m = matmul(materialise(randomDense(20, 7, 1)), materialise(randomDense(7, 20, 2)));
  await saveSafetensors(join(dir, "w.safetensors"), new Map([["A.weight", { dtype: "F32", shape: [20, 20], data: Float32Array.from(m.data) }]]));
});

describe("rank in the weights' precision", () => {
  it("linea svd: a rank-7 matrix stored in float32 is rank 7, cut off with ε_float32 (said so)", async () => {
    const r = await linea("svd", "r7.lin", "--map", "f", "--weights", "w.safetensors", "--out", "svd-f");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("rank: 7 of 20 (cut-off σ_max·max(m,n)·ε_float32");
    expect(r.stdout).toContain("weights stored in float32");
  });

  it("linea svd: project(f) of that matrix is a rank-7 projector (Q·Qᵀ), its values derived from the float32 weights", async () => {
    const r = await linea("svd", "r7.lin", "--map", "p", "--weights", "w.safetensors", "--out", "svd-p");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("rank: 7 of 20 (cut-off σ_max·max(m,n)·ε_float32");
    expect(r.stdout).toContain("top singular values: 1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 0.000");
    expect(r.stdout).not.toContain("WARNING");
  });

  it("linea run: reports on stderr the rank pinv(f) keeps (7, float32), and keeps stdout to the result", async () => {
    const r = await linea("run", "r7.lin", "--entry", "back", "--weights", "w.safetensors", "--random", "2");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("back: pinv(A) keeps rank 7 of 20 (cut-off σ_max·max(m,n)·ε_float32");
    expect((JSON.parse(r.stdout) as number[][]).length).toBe(2);
  });

  it("control: the seeded (float64) map is full rank with ε_float64, and run warns on stderr when it is ill-conditioned", async () => {
    const r = await linea("run", "ill.lin", "--entry", "back", "--random", "1");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("keeps rank 20 of 20 (cut-off σ_max·max(m,n)·ε_float64");
    expect(r.stderr).toMatch(/WARNING: P·D\^8·Q is ill-conditioned .* a float32 pinv\(P·D\^8·Q\) is unreliable/);
    expect(r.stdout).not.toContain("WARNING");
  });
});
