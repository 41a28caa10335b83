// The exported package of a spec with `.npy` data and a map whose operator is not time-conditioned: data.npy
// holds the file's rows as Linea loads them, maps.safetensors the map's operator as Linea materialises it, and
// program.maps["f"](x) = g_y⁻¹(A·g_x(x)) equals Linea's `run` of the same map on the same weights.
//
// Tolerance: as spec/apps/export_torch/network_source.spec.ts, e = λ·√N·u·(1 + M)·κ for one float32 pass
// (λ = 5.5, the probabilistic rounding bound; N the summed fan-ins of g_x, A and g_y⁻¹ plus their elementwise
// ops; M the largest value; κ the map's local conditioning, measured in float64 by torch), so
// |linea − torch64| ≤ e and |torch32 − torch64| ≤ e. CONTROL: A transposed (A is orthogonal, not symmetric)
// lands outside 2e.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNpy, loadSafetensors, saveNpy } from "../../../src/runtime/io/index.js";
import { torchMissing, torchScript } from "../../support/torch.js";
import { lineaIn } from "../../cli/support.js";
import { evalLoss, runPackage } from "./python_package.js";

const U = 2 ** -24;
const LAMBDA = 5.5;
const ROWS = 40;

const SPEC = `space X = R^2;
network H : X tagged {
  additive_coupling(hidden = 8, depth = 1, activation = tanh);
  permute(reverse);
  affine_coupling(hidden = 8, depth = 2, activation = silu);
}
space Noise = induced H[0];
space Data = induced H[1];
operator A = time_conditioned(rank = 1, embed = 8, hidden = 8);
operator D[2, 2] = dense(init = orthogonal);
map v : Noise -> Data = A;
map f : Noise -> Data = D;
entry push(x : Noise) = f(x);
train fit {
  model = v;
  data = npy("rows.npy");
  steps = 10;
  batch = 8;
}
`;

interface MapsOut {
  readonly float32: number[];
  readonly float64: number[];
  readonly control: number[];
  readonly kappa: number;
  readonly ops: number;
  readonly max_abs: number;
}

/** A decoded tensor's values as numbers (the files here hold F32 only). */
const numbers = (data: ArrayLike<number | bigint> | undefined): number[] => Array.from(data ?? [], Number);

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length !== b.length || Number.isNaN(m) ? Infinity : m;
};

describe.skipIf(torchMissing !== undefined)(`the exported maps and data${torchMissing === undefined ? "" : ` (skipped: ${torchMissing})`}`, { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "linea-export-maps-"));
  const linea = lineaIn(dir);
  const rows = Float32Array.from({ length: ROWS * 2 }, (_, i) => Math.sin(1.7 * i) * 1.5);
  const x = Float32Array.from({ length: 12 }, (_, i) => Math.cos(0.9 * i + 0.3));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    writeFileSync(join(dir, "linea.json"), "{}");
    writeFileSync(join(dir, "spec.lin"), SPEC);
    await saveNpy(join(dir, "rows.npy"), { dtype: "F32", shape: [ROWS, 2], data: rows });
    await saveNpy(join(dir, "x.npy"), { dtype: "F32", shape: [6, 2], data: x });
    const r = await linea("export", "spec.lin", "--format", "torch", "--out", "npy_pkg", "--backend", "cpu");
    expect(r.code, r.stderr).toBe(0);
  });

  it("data.npy holds the .npy file's rows", async () => {
    const data = await loadNpy(join(dir, "npy_pkg", "data.npy"));
    expect(data.shape).toEqual([ROWS, 2]);
    expect(numbers(data.data)).toEqual(Array.from(rows));
  });

  it("model.py writes v as the time-conditioned operator and f through its materialised matrix, which is D's", async () => {
    const model = readFileSync(join(dir, "npy_pkg", "model.py"), "utf8");
    expect(model).toContain('self.maps["v"] = Linearizer(Chart(self.H, 0, [2]), Chart(self.H, 1, [2]), op=self.A, time_conditioned=True)');
    expect(model).toContain('self.maps["f"] = Linearizer(Chart(self.H, 0, [2]), Chart(self.H, 1, [2]), matrix=MATRICES["f"])');
    const matrices = (await loadSafetensors(join(dir, "npy_pkg", "maps.safetensors"))).tensors;
    const init = (await loadSafetensors(join(dir, "npy_pkg", "init.safetensors"))).tensors;
    expect(numbers(matrices.get("f")?.data)).toEqual(numbers(init.get("D.weight")?.data));
    expect(numbers(matrices.get("f")?.data)).toHaveLength(4);
  });

  it("program.maps['f'](x) equals linea run of the same map within the derived tolerance; A transposed does not (control)", async () => {
    const run = await linea("run", "spec.lin", "--entry", "push", "--input", "x.npy", "--output", "y.npy", "--weights", join("npy_pkg", "init.safetensors"), "--backend", "cpu");
    expect(run.code, run.stderr).toBe(0);
    const y = numbers((await loadNpy(join(dir, "y.npy"))).data);
    const t = torchScript<MapsOut>(dir, readFileSync(new URL("./maps_parity.py", import.meta.url), "utf8"));
    const e = LAMBDA * Math.sqrt(t.ops) * U * (1 + t.max_abs) * t.kappa;
    const d = { linea64: maxDiff(y, t.float64), torch32: maxDiff(t.float32, t.float64), control: maxDiff(y, t.control) };
    console.log(`maps: N = ${t.ops}, κ = ${t.kappa.toFixed(2)}, e = ${e.toExponential(2)}`, JSON.stringify(d));
    expect(d.linea64).toBeLessThanOrEqual(e);
    expect(d.torch32).toBeLessThanOrEqual(e);
    expect(d.control).toBeGreaterThan(2 * e);
  });
});

// The idempotent objective (examples/idempotent_train.lin: p = g⁻¹∘Q∘g, Q a rank-1 projector) trained by 2
// processes: the loss on a fixed batch falls (control: lr = 0 leaves it unchanged), the projector's basis stays
// orthonormal (the retraction after every step; |WᵀW − I| within float32 rounding of a float64 QR), and Linea
// verifies p∘p = p and the projector law on the result.
describe.skipIf(torchMissing !== undefined)(`the exported idempotent objective${torchMissing === undefined ? "" : ` (skipped: ${torchMissing})`}`, { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "linea-export-idempotent-"));
  const linea = lineaIn(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const args = (out: string): string[] => ["--out", out, "--steps", "40", "--batch", "128", "--threads", "1"];

  beforeAll(async () => {
    writeFileSync(join(dir, "linea.json"), "{}");
    copyFileSync(fileURLToPath(new URL("../../../examples/idempotent_train.lin", import.meta.url)), join(dir, "idem.lin"));
    const r = await linea("export", "idem.lin", "--format", "torch", "--out", "idem_pkg", "--backend", "cpu");
    expect(r.code, r.stderr).toBe(0);
    runPackage(dir, "idem_pkg", "launch", ["--nproc", "2", "--", ...args("run")]);
    runPackage(dir, "idem_pkg", "train", [...args("still"), "--lr", "0"]);
  }, 120_000);

  it("the loss falls; with lr = 0 it does not (control); the basis stays orthonormal", async () => {
    const before = evalLoss(dir, "idem_pkg", join(dir, "idem_pkg", "init.safetensors"));
    expect(evalLoss(dir, "idem_pkg", join(dir, "run", "weights.safetensors"))).toBeLessThan(0.95 * before);
    expect(evalLoss(dir, "idem_pkg", join(dir, "still", "weights.safetensors"))).toBeCloseTo(before, 6);
    const w = numbers((await loadSafetensors(join(dir, "run", "weights.safetensors"))).tensors.get("Q.basis")?.data);
    expect(w).toHaveLength(2);
    // one column of 2 float32 values rounded from a unit float64 vector: |‖w‖² − 1| ≤ 2·(2u) + u²
    expect(Math.abs(w[0] ** 2 + w[1] ** 2 - 1)).toBeLessThanOrEqual(4 * U + U * U);
  });

  it("Linea verifies the trained projector map", async () => {
    const v = await linea("verify", "idem.lin", "--weights", join("run", "weights.safetensors"), "--backend", "cpu");
    expect(v.code, v.stderr + v.stdout).toBe(0);
    expect(v.stdout).toContain("0 failed");
  });
});
