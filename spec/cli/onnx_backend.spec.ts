// `--backend onnx` through main(): run, sample, invert and interpolate execute their compiled plans on
// ONNX Runtime and agree with the same command on wasm (same seed, same weights, same inputs) within a
// float32 tolerance; --threads is honoured and checked; commands that need tfjs refuse onnx with
// LIN1085. Control: a different seed's weights (the same command on different weights) is caught by
// the same tolerance.
//
// Tolerance: both engines evaluate the same float32 graph (network blocks, operator, inverse) with
// different kernels (MLAS vs XNNPACK-style wasm kernels: other summation orders, other exp/tanh
// approximations). Each of the ≲ 8 float32 stages of these small specs adds a few ε₃₂ = 2⁻²³ relative
// error per dot product of width ≤ 16, amplified by the blocks' Lipschitz constants (≈ 1 near the
// identity initialisation); tanh/exp approximations differ by ≤ ~4 ulp. So |Δ| ≤ 8 · 16 · 4 · ε₃₂ ·
// (max|y| + 1) ≈ 6e-5 · (max|y| + 1); the different-seed control differs by O(0.1·max|y|).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";
import { loadNpy, numbersOf } from "../../src/runtime/io/index.js";

const EPS32 = 2 ** -23;
const TOL = 8 * 16 * 4 * EPS32;

const dir = mkdtempSync(join(tmpdir(), "linea-onnx-cli-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(
  join(dir, "spec.lin"),
  `space P = R^4;
network G : P tagged { actnorm; affine_coupling(hidden = 16, depth = 2, activation = tanh, scale_bound = 2.0); permute(reverse); additive_coupling(hidden = 8, depth = 1); }
space Noise = induced G[0];
space Data = induced G[1];
operator M[4] = dense;
operator N[4] = dense;
map f : Noise -> Data = M;
map h : Noise -> Data = N;
operator A = time_conditioned(rank = 2, embed = 8, hidden = 8);
map v : Noise -> Data = A;
entry push(x : Noise) = f(x) - 2 * h(x);
entry size(x : Noise) = norm(f(x));
`,
);
/** A time-conditioned toy with a train section (its data source is what invert inverts). */
const PLANE = `space P = R^2;
network G : P tagged { affine_coupling(hidden = 8, depth = 1, activation = tanh, scale_bound = 2.0); permute(reverse); affine_coupling(hidden = 8, depth = 1, activation = tanh, scale_bound = 2.0); }
space Noise = induced G[0];
space Data = induced G[1];
operator A = time_conditioned(rank = 2, embed = 8, hidden = 8);
map v : Noise -> Data = A;
train flow { model = v; data = moons(n = 64, noise = 0.05); loss = flow_matching; steps = 1; }
`;
const rowsJson = JSON.stringify([
  [0.5, -1, 2, 0.25],
  [1, 0, -0.25, -2],
  [-0.75, 0.5, 0.1, 1.5],
]);
writeFileSync(join(dir, "x.json"), rowsJson);

const linea = lineaIn(dir);

function maxAbs(a: ArrayLike<number>): number {
  return Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  return Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);
}

interface RunJson {
  readonly backend: string;
  readonly values: unknown;
}
async function runValues(entry: string, ...extra: string[]): Promise<{ values: number[]; backend: string }> {
  const r = await linea("run", "spec.lin", "--entry", entry, "--input", "x.json", "--json", ...extra);
  expect(r.stderr).not.toContain("    at ");
  expect(r.code).toBe(0);
  const json = JSON.parse(r.stdout) as RunJson;
  return { values: (json.values as unknown[]).flat(3).map(Number), backend: json.backend };
}

describe("linea run --backend onnx", { timeout: 120_000 }, () => {
  it("equals wasm on the same weights and inputs, vector and scalar entries, at 1 and 2 threads", async () => {
    for (const entry of ["push", "size"]) {
      const wasm = await runValues(entry, "--backend", "wasm");
      for (const threads of ["1", "2"]) {
        const onnx = await runValues(entry, "--backend", "onnx", "--threads", threads);
        expect(onnx.backend).toContain(`onnxruntime-node`);
        expect(onnx.backend).toContain(`${threads} thread`);
        expect(maxDiff(onnx.values, wasm.values)).toBeLessThanOrEqual(TOL * (maxAbs(wasm.values) + 1));
      }
      // Control: other weights (seed 1) are far outside the tolerance.
      const other = await runValues(entry, "--backend", "onnx", "--seed", "1");
      expect(maxDiff(other.values, wasm.values)).toBeGreaterThan(100 * TOL * (maxAbs(wasm.values) + 1));
    }
  });

  it("checks --threads and refuses onnx where tfjs must run, with codes and no stack trace", async () => {
    const zero = await linea("run", "spec.lin", "--entry", "push", "--input", "x.json", "--backend", "onnx", "--threads", "0");
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toContain("LIN1087");
    const word = await linea("run", "spec.lin", "--entry", "push", "--input", "x.json", "--backend", "onnx", "--threads", "many");
    expect(word.code).toBe(2);
    const verify = await linea("verify", "spec.lin", "--backend", "onnx");
    expect(verify.code).not.toBe(0);
    expect(verify.stderr).toContain("LIN1085");
    for (const r of [zero, word, verify]) expect(r.stderr).not.toContain("    at ");
  });
});

describe("sample, invert, interpolate --backend onnx", { timeout: 180_000 }, () => {
  it("sample: the one-step samples equal wasm's", async () => {
    const args = ["sample", "spec.lin", "--map", "v", "--steps", "6", "--methods", "euler", "--n", "6"];
    const w = await linea(...args, "--backend", "wasm", "--out", "s-wasm");
    const o = await linea(...args, "--backend", "onnx", "--threads", "1", "--out", "s-onnx");
    expect(w.code).toBe(0);
    expect(o.code).toBe(0);
    expect(o.stderr).toContain("onnxruntime-node");
    const a = numbersOf(await loadNpy(join(dir, "s-wasm", "one_step_euler_T6.npy")));
    const b = numbersOf(await loadNpy(join(dir, "s-onnx", "one_step_euler_T6.npy")));
    expect(maxDiff(b, a)).toBeLessThanOrEqual(TOL * (maxAbs(a) + 1));
    const noise = numbersOf(await loadNpy(join(dir, "s-onnx", "noise.npy")));
    expect(maxDiff(b, noise)).toBeGreaterThan(1e-3); // the samples are not the noise passed through
  });

  it("interpolate: every α's compiled output equals wasm's", async () => {
    const args = ["interpolate", "spec.lin", "--maps", "f,h", "--input", "x.json", "--alphas", "0,0.5,1"];
    const w = await linea(...args, "--backend", "wasm", "--out", "i-wasm");
    const o = await linea(...args, "--backend", "onnx", "--threads", "1", "--out", "i-onnx");
    expect(w.code).toBe(0);
    expect(o.code).toBe(0);
    expect(o.stderr).toContain("onnxruntime-node");
    const a = numbersOf(await loadNpy(join(dir, "i-wasm", "frames.npy")));
    const b = numbersOf(await loadNpy(join(dir, "i-onnx", "frames.npy")));
    expect(a.length).toBe(3 * 3 * 4);
    expect(maxDiff(b, a)).toBeLessThanOrEqual(TOL * (maxAbs(a) + 1));
  });

  it("invert: the round trip and the decoded interpolations equal wasm's", async () => {
    writeFileSync(join(dir, "plane.lin"), PLANE);
    const args = ["invert", "plane.lin", "--map", "v", "--data", "train", "--rows", "6", "--pairs", "1", "--frames", "3"];
    const w = await linea(...args, "--backend", "wasm", "--out", "v-wasm");
    const o = await linea(...args, "--backend", "onnx", "--threads", "2", "--out", "v-onnx");
    expect(w.code).toBe(0);
    expect(o.code).toBe(0);
    expect(o.stderr).toContain("2 threads");
    for (const file of ["roundtrip.npy", "interpolation.npy"]) {
      const a = numbersOf(await loadNpy(join(dir, "v-wasm", file)));
      const b = numbersOf(await loadNpy(join(dir, "v-onnx", file)));
      expect(maxDiff(b, a)).toBeLessThanOrEqual(TOL * (maxAbs(a) + 1));
    }
  });
});
