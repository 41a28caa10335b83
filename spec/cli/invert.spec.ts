// `linea invert` through main(): with an invertible B the noises it writes satisfy B·x₀ = x₁ and the
// round trip recovers the data within a float32 bound derived from cond(B) (control: Bᵀ in place of B†
// is caught); an ill-conditioned B prints the WARNING (control: a well-conditioned one does not); the
// interpolation is linear in pixel space and decoded with B; files, pictures and bad command lines.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { textsOf, tileLayout } from "../support/xml.js";
import { beforeAll, describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";
import { agreement } from "../../src/apps/psnr.js";
import { loadNpy, saveNpy, saveSafetensors } from "../../src/runtime/io/index.js";
import { seededRandom } from "../../src/runtime/operator/index.js";

const FLOAT32_EPS = 2 ** -23;

const dir = mkdtempSync(join(tmpdir(), "linea-invert-"));
writeFileSync(join(dir, "linea.json"), "{}");
// A sampler given directly as a 2×2 map whose weights the test chooses, and a time-conditioned toy.
writeFileSync(
  join(dir, "flat.lin"),
  `space X = R^2;
operator M[2, 2] = dense;
map B : X -> X = M;
`,
);
writeFileSync(
  join(dir, "plane.lin"),
  `space P = R^2;
network G : P tagged { affine_coupling(hidden = 8, depth = 1, activation = tanh, scale_bound = 2.0); permute(reverse); affine_coupling(hidden = 8, depth = 1, activation = tanh, scale_bound = 2.0); }
space Noise = induced G[0];
space Data = induced G[1];
operator A = time_conditioned(rank = 2, embed = 8, hidden = 8);
map v : Noise -> Data = A;
train flow { model = v; data = moons(n = 64, noise = 0.05); loss = flow_matching; steps = 1; }
`,
);
writeFileSync(join(dir, "image.lin"), `space I = R[1, 2, 2];\noperator M[4, 4] = dense;\nmap B : I -> I = M;\n`);

// B = [[2, 1], [1, 2]]: σ = 3, 1, cond 3. The ill-conditioned one: diag(1, 10⁻⁵), cond 10⁵ > 1/√ε₃₂.
const WELL = [2, 1, 1, 2];
const ILL = [1, 0, 0, 1e-5];

async function weights(file: string, values: number[]): Promise<void> {
  await saveSafetensors(join(dir, file), new Map([["M.weight", { dtype: "F32", shape: [Math.sqrt(values.length), Math.sqrt(values.length)], data: Float32Array.from(values) }]]));
}

const linea = lineaIn(dir);

async function values(file: string): Promise<{ data: number[]; shape: number[] }> {
  const a = await loadNpy(join(dir, file));
  return { data: Array.from(a.data, Number), shape: [...a.shape] };
}

const N = 16;

describe("linea invert", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    await weights("well.safetensors", WELL);
    await weights("ill.safetensors", ILL);
    const random = seededRandom(3);
    await saveNpy(join(dir, "points.npy"), { dtype: "F32", shape: [N, 2], data: Float32Array.from({ length: 2 * N }, () => random.normal()) });
    await saveNpy(join(dir, "points3.npy"), { dtype: "F32", shape: [N, 3], data: new Float32Array(3 * N) });
    await saveNpy(join(dir, "pixels.npy"), { dtype: "F32", shape: [N, 1, 2, 2], data: Float32Array.from({ length: 4 * N }, () => random.uniform()) });
  });

  it("recovers the data through B† within a bound derived from cond(B); Bᵀ in place of B† is caught", async () => {
    const r = await linea(
      "invert",
      "flat.lin",
      "--sampler",
      "B",
      "--weights",
      "well.safetensors",
      "--data",
      "points.npy",
      "--rows",
      String(N),
      "--backend",
      "cpu",
      "--out",
      "well",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/B is 2×2, rank 2 of 2 .* cond\(B\) = 3\.000/);
    expect(r.stdout).not.toContain("WARNING");
    const x1 = await values("well/data.npy");
    const x0 = await values("well/noise.npy");
    const back = await values("well/roundtrip.npy");
    expect(x1.shape).toEqual([N, 2]);
    const B = (v: number[], i: number): [number, number] => [
      (WELL[0] ?? 0) * (v[2 * i] ?? 0) + (WELL[1] ?? 0) * (v[2 * i + 1] ?? 0),
      (WELL[2] ?? 0) * (v[2 * i] ?? 0) + (WELL[3] ?? 0) * (v[2 * i + 1] ?? 0),
    ];
    const cond = 3;
    // Float32: x₀ = fl(B†·x₁) errs by ≤ γ·‖B†‖‖x₁‖ and the round trip fl(B·x₀) adds ≤ γ·‖B‖‖x₀‖, with
    // γ = (n + √n + 1)·ε₃₂ (an n-term product, B† and B rounded to float32, the stored result), so
    // ‖x̂₁ − x₁‖ ≤ 2·γ·cond(B)·‖x₁‖ (to first order); B·x₀ − x₁ in float64 carries only the first term.
    const gamma = (2 + Math.SQRT2 + 1) * FLOAT32_EPS;
    for (let i = 0; i < N; i++) {
      const norm = Math.hypot(x1.data[2 * i] ?? 0, x1.data[2 * i + 1] ?? 0);
      const [b0, b1] = B(x0.data, i);
      expect(Math.hypot(b0 - (x1.data[2 * i] ?? 0), b1 - (x1.data[2 * i + 1] ?? 0))).toBeLessThanOrEqual(gamma * cond * norm);
      expect(Math.hypot((back.data[2 * i] ?? 0) - (x1.data[2 * i] ?? 0), (back.data[2 * i + 1] ?? 0) - (x1.data[2 * i + 1] ?? 0))).toBeLessThanOrEqual(2 * gamma * cond * norm);
      // Control: Bᵀ (here B itself, B symmetric) is not B†: B·(Bᵀx₁) misses x₁ by far more.
      const [t0, t1] = B(x1.data, i);
      const [c0, c1] = B([t0, t1], 0);
      expect(Math.hypot(c0 - (x1.data[2 * i] ?? 0), c1 - (x1.data[2 * i + 1] ?? 0))).toBeGreaterThan(2 * gamma * cond * norm);
    }
    const json = JSON.parse(readFileSync(join(dir, "well", "results.json"), "utf8")) as {
      rank: number;
      condition: number;
      warning: string | null;
      roundtrip_psnr_db_of_mean_mse: number | null;
      roundtrip_max_abs_diff: number;
    };
    expect(json.rank).toBe(2);
    expect(json.condition).toBeCloseTo(3, 10);
    expect(json.warning).toBeNull();
    const score = agreement(x1.data, back.data, N);
    expect(json.roundtrip_max_abs_diff).toBe(score.maxAbsDiff);
    expect(json.roundtrip_psnr_db_of_mean_mse).toBe(Number.isFinite(score.psnrOfMeanMse) ? score.psnrOfMeanMse : null);
  });

  it("warns when B is too ill-conditioned for a reliable float32 pinv, and not otherwise", async () => {
    const ill = await linea("invert", "flat.lin", "--sampler", "B", "--weights", "ill.safetensors", "--data", "points.npy", "--backend", "cpu", "--out", "ill");
    expect(ill.code).toBe(0);
    expect(ill.stdout).toMatch(/WARNING: B is ill-conditioned \(σ_1\/σ_2 = 1\.000e\+5 > 1\/√ε_float32 ≈ 2896\): a float32 pinv\(B\) is unreliable/);
    const json = JSON.parse(readFileSync(join(dir, "ill", "results.json"), "utf8")) as { warning: string | null; condition: number };
    expect(json.warning).toContain("WARNING");
    expect(json.condition).toBeCloseTo(1e5, 0);
    // Control: the well-conditioned B of the first test printed no WARNING (checked there); and here too.
    const well = await linea("invert", "flat.lin", "--sampler", "B", "--weights", "well.safetensors", "--data", "points.npy", "--backend", "cpu", "--out", "well2");
    expect(well.stdout).not.toContain("WARNING");
  });

  it("interpolates the noises of pairs linearly in pixel space and decodes them with the sampler", async () => {
    const r = await linea("invert", "plane.lin", "--map", "v", "--data", "train", "--rows", "8", "--pairs", "2", "--frames", "5", "--backend", "cpu", "--out", "plane");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("invert sampler(v, method = rk4, steps = 6)");
    expect(r.stdout).toMatch(/round trip f\(f†\(x₁\)\) on 8 rows of moons/);
    const x0 = await values("plane/noise.npy");
    const frames = await values("plane/interpolation_noise.npy");
    const decoded = await values("plane/interpolation.npy");
    const back = await values("plane/roundtrip.npy");
    expect(frames.shape).toEqual([2, 5, 2]);
    expect(decoded.shape).toEqual([2, 5, 2]);
    for (let k = 0; k < 2; k++) {
      for (let i = 0; i < 5; i++) {
        const alpha = i / 4;
        for (let j = 0; j < 2; j++) {
          // (1 − α)·a + α·b in float32: within one rounding of each term.
          const want = (1 - alpha) * (x0.data[4 * k + j] ?? 0) + alpha * (x0.data[4 * k + 2 + j] ?? 0);
          expect(Math.abs((frames.data[(k * 5 + i) * 2 + j] ?? NaN) - want)).toBeLessThanOrEqual(4 * FLOAT32_EPS * Math.max(1, Math.abs(want)));
        }
      }
      // α = 0 and α = 1 are the pair's own noises, so their decodings are those rows' round trips.
      for (const [frame, row] of [
        [0, 2 * k],
        [4, 2 * k + 1],
      ] as const) {
        for (let j = 0; j < 2; j++) expect(Math.abs((decoded.data[(k * 5 + frame) * 2 + j] ?? NaN) - (back.data[2 * row + j] ?? NaN))).toBeLessThanOrEqual(1e-5);
      }
    }
    // Control: a middle frame is not the round trip of either end.
    expect(Math.abs((decoded.data[2 * 2] ?? 0) - (back.data[0] ?? 0))).toBeGreaterThan(1e-3);
    const scatter = PNG.sync.read(readFileSync(join(dir, "plane", "interpolation.png")));
    expect([scatter.width, scatter.height]).toEqual([480, 480]);
  });

  it("draws image spaces as grids: pairs × frames for the interpolation", async () => {
    await weights("image.safetensors", [2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1.5, 0, 0.5, 0, 0, 1]);
    const r = await linea(
      "invert",
      "image.lin",
      "--sampler",
      "B",
      "--weights",
      "image.safetensors",
      "--data",
      "pixels.npy",
      "--pairs",
      "3",
      "--frames",
      "7",
      "--backend",
      "cpu",
      "--out",
      "image",
    );
    expect(r.code).toBe(0);
    expect((await values("image/interpolation.npy")).shape).toEqual([3, 7, 1, 2, 2]);
    const grid = PNG.sync.read(readFileSync(join(dir, "image", "interpolation.png")));
    expect(grid.width).toBeGreaterThan(grid.height);
    // 3 rows (pairs) of 7 frames, rows and frames labelled; the round trips: the data above, round trips below.
    const interpolation = readFileSync(join(dir, "image", "interpolation.svg"), "utf8");
    expect(tileLayout(interpolation)).toEqual({ tiles: 21, columns: 7, rows: 3 });
    expect(textsOf(interpolation)).toEqual(expect.arrayContaining(["pair 0", "pair 2", "α = 0", "α = 1"]));
    const trip = readFileSync(join(dir, "image", "roundtrip.svg"), "utf8");
    expect(tileLayout(trip)).toEqual({ tiles: 16, columns: 8, rows: 2 });
    expect(textsOf(trip)).toEqual(expect.arrayContaining(["data", "round trip"]));
  });

  it("rejects bad command lines with exit 2, and data that does not fit with exit 1", async () => {
    const bad: [string[], RegExp][] = [
      [["invert", "flat.lin", "--data", "points.npy"], /give either --map V .* or --sampler NAME/],
      [["invert", "flat.lin", "--map", "v", "--sampler", "B", "--data", "points.npy"], /give either --map V/],
      [["invert", "flat.lin", "--sampler", "B", "--steps", "6", "--data", "points.npy"], /--method and --steps go with --map/],
      [["invert", "flat.lin", "--sampler", "B"], /needs --data SOURCE/],
      [["invert", "flat.lin", "--sampler", "B", "--data", "moons(n = )"], /cannot read the argument 'n ='/],
      [["invert", "flat.lin", "--sampler", "B", "--data", "a b"], /expected a data source/],
      [["invert", "flat.lin", "--sampler", "B", "--data", "points.npy", "--rows", "4", "--pairs", "3"], /--pairs 3 needs 6 rows, but --rows is 4/],
      [["invert", "flat.lin", "--sampler", "B", "--data", "points.npy", "--frames", "1"], /--frames needs an integer ≥ 2/],
      [["invert", "plane.lin", "--map", "v", "--method", "midpoint", "--data", "train"], /unknown sampler method 'midpoint'/],
    ];
    for (const [args, message] of bad) {
      const r = await linea(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain("usage: linea invert");
    }
    const mismatch = await linea("invert", "flat.lin", "--sampler", "B", "--weights", "well.safetensors", "--data", "points3.npy", "--backend", "cpu");
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain("error[LIN0903]: data points3.npy has rows of shape [3] (3 values), but B maps into a space of 2 values [2]");
    const unknownSource = await linea("invert", "flat.lin", "--sampler", "B", "--weights", "well.safetensors", "--data", "nosuch(n = 3)", "--backend", "cpu");
    expect(unknownSource.code).toBe(1);
    expect(unknownSource.stderr).toMatch(/error\[LIN0902\]: data source nosuch is not available/);
  });
});
