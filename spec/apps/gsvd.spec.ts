// apps/gsvd.ts without the CLI: for h = W * φ with φ = P ∘ g (P = [I; 0] isometric), the generalized
// singular values are those of W (σᵢ² the eigenvalues of W·Wᵀ, a float64 oracle by another algorithm),
// each decoded direction x̃ᵢ = ψ(vᵢ) satisfies φ(x̃ᵢ) = P·Pᵀ·vᵢ (control: Pᵀvᵢ not decoded through g⁻¹
// does not), and the reported off-image part is ‖(I − P·Pᵀ)·vᵢ‖ = the norm of vᵢ's last m − n entries.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gsvdOf, gsvdTargets } from "../../src/apps/gsvd.js";
import { compileFile, type CompiledProgram } from "../../src/compiler/execute/program.js";
import { mapNormalForm } from "../../src/compiler/execute/inspect.js";
import { factorName } from "../../src/compiler/lowering/lower.js";
import { eigh, matmul, transpose } from "../../src/runtime/linalg/index.js";
import { materialise } from "../../src/runtime/operator/index.js";

const [n, m, k] = [4, 7, 3];
const dir = mkdtempSync(join(tmpdir(), "linea-apps-gsvd-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(
  join(dir, "spec.lin"),
  `space X = R^${n};
network G : X { affine_coupling(hidden = 8, depth = 1, activation = tanh); permute(reverse); affine_coupling(hidden = 8, depth = 1, activation = tanh); }
space Z = induced G;
space E = R^${m};
space K = R^${k};
embedding phi : Z -> E = isometric;
map W : E -> K = dense;
let h = W * phi;
`,
);

/** Largest |aᵢ − bᵢ| over rows of dim values. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return d;
}

describe("apps/gsvd: gsvdOf", { timeout: 60_000 }, () => {
  let compiled: CompiledProgram;
  beforeAll(async () => {
    const c = await compileFile(join(dir, "spec.lin"), { backend: "cpu", targets: gsvdTargets("h") });
    if (isLeft(c)) throw new Error(c.left.map((d) => d.message).join("; "));
    compiled = c.right;
  });
  afterAll(() => compiled.dispose());

  it("has the singular values of the head: σᵢ² = eigenvalues of W·Wᵀ (float64, Jacobi eigh)", async () => {
    const g = await gsvdOf(compiled, "h", k);
    const w = materialise(mapNormalForm(compiled, factorName("h", "head")).operator);
    expect([w.rows, w.cols]).toEqual([k, m]);
    const lambda = Array.from(eigh(matmul(w, transpose(w))).values).sort((a, b) => b - a);
    // Two float64 algorithms on a 3×7 matrix agree to ~1e-15 relative; 1e-12 leaves room for cond(W·Wᵀ).
    for (let i = 0; i < k; i++) expect(Math.abs((g.head.values[i] ?? 0) ** 2 - (lambda[i] ?? 0))).toBeLessThan(1e-12 * (lambda[0] ?? 1));
  });

  it("decodes vᵢ so that φ(ψ(vᵢ)) = P·Pᵀ·vᵢ; control: Pᵀvᵢ without g⁻¹ is not a preimage", async () => {
    const g = await gsvdOf(compiled, "h", k);
    const v = g.head.right;
    const projected = Float32Array.from(v, (x, j) => (j % m < n ? x : 0));
    const embed = async (x: Float32Array): Promise<Float32Array> => Float32Array.from(await compiled.run(factorName("h", "embedding"), x).data());
    // float32 g(g⁻¹(z)) through two couplings of width 8 on |z| ≤ 1: about SAFETY·u·√ops·lip ≈ 16·6e-8·4·2 ≈ 1e-5.
    const tol = 1e-5;
    expect(maxDiff(await embed(g.decoded), projected)).toBeLessThan(tol);
    const undecoded = new Float32Array(k * n);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) undecoded[i * n + j] = v[i * m + j] ?? 0;
    expect(maxDiff(await embed(undecoded), projected)).toBeGreaterThan(10 * tol);
  });

  it("reports ‖(I − P·Pᵀ)·vᵢ‖, the norm of vᵢ's entries beyond n, as each direction's off-image part", async () => {
    const g = await gsvdOf(compiled, "h", k);
    for (let i = 0; i < k; i++) {
      let tail = 0;
      for (let j = n; j < m; j++) tail += (g.head.right[i * m + j] ?? 0) ** 2;
      // vᵢ is a float32 unit vector; φ∘ψ adds the roundtrip's ~1e-5 above.
      expect(Math.abs((g.offImage[i] ?? 0) - Math.sqrt(tail))).toBeLessThan(1e-4);
    }
    expect(g.domain).toEqual({ space: "Z", shape: [n] });
  });
});
