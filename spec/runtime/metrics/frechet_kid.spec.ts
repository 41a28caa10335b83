// FID and KID against numpy/scipy float64 on the SAME fixed seeded features (.npy written here): FID as
// pytorch-fid computes it (np.cov, scipy.linalg.sqrtm of Σ₁Σ₂, real part), KID's per-subset unbiased MMD²
// on the SAME subsets (drawn by Linea's seeded generator and passed to numpy), their mean and population
// std. Laws with controls: identical sets give FID ≈ 0, a shifted copy gives ‖shift‖²; the biased
// covariance (÷ n) and the biased MMD (diagonal kept) are caught by the same tolerances.
//
// Tolerances (float64, unit round-off ε = 2⁻⁵³, both implementations rounding independently):
// FID. Each mean and covariance entry is a sum of n terms, and the covariance is also formed from the
//   centred data, so its entries carry a relative error η = ε·(2n + 10d), the 10d covering the d-long dot
//   products of the products Σ₁^{1/2}Σ₂Σ₁^{1/2} (or Σ₁Σ₂) and the backward-stable eigh / Schur sqrtm.
//   The mean term ‖μ₁ − μ₂‖² is off by at most 4η(‖μ₁‖² + ‖μ₂‖²), the traces by η(tr Σ₁ + tr Σ₂). A
//   perturbation of M of norm 2η‖M‖ moves each eigenvalue by at most that much (Weyl), hence √λᵢ by
//   2η‖M‖/(2√λ_min), so tr √M by d·η‖M‖/√λ_min, and the FID (which takes −2 tr √M) by 2dη‖M‖/√λ_min.
//   Doubled for the two implementations.
// KID. k = (xᵀy/d + 1)³: the dot product is off by d·ε·|x||y| relative to its terms, the cube triples
//   it, and each of the three sums of m² kernel values adds m²·ε relative to Σ|k|; so each term of the
//   MMD² is off by ε·(m² + 3d + 4)·Σ|k| / (its divisor), doubled for the two implementations.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { saveNpy } from "../../../src/runtime/io/npy.js";
import type { Matrix } from "../../../src/runtime/linalg/matrix.js";
import { MetricError } from "../../../src/runtime/metrics/errors.js";
import { fid, fitGaussian, frechetDistance, type GaussianFit } from "../../../src/runtime/metrics/frechet.js";
import { kid, kidSubsets, mmdUnbiased, polynomialKernel } from "../../../src/runtime/metrics/kid.js";
import { Rng } from "../../../src/runtime/random.js";
import { torchMissing, torchScript } from "../../support/torch.js";
import { fidTolerance, squaredNorm } from "./fid_tolerance.js";

const EPS = 2 ** -53;
const D = 16;

/** n correlated features: z·L + offset, L a fixed random mixing (so the covariance is far from diagonal). */
function features(n: number, seed: number, offset: number, mixing: Float64Array): Matrix {
  const rng = new Rng(seed);
  const z = Float64Array.from({ length: n * D }, () => rng.normal());
  const out = new Float64Array(n * D);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) out[i * D + j] += (z[i * D + k] ?? 0) * (mixing[k * D + j] ?? 0);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + offset * ((i % D) / D);
  return { rows: n, cols: D, data: out };
}

const mixRng = new Rng(7);
const MIX_A = Float64Array.from({ length: D * D }, (_, i) => (i % (D + 1) === 0 ? 1 : 0) + 0.3 * mixRng.normal());
const MIX_B = Float64Array.from(MIX_A, (v) => v * 1.2 + 0.05 * mixRng.normal());
const A = features(200, 1, 0, MIX_A);
const B = features(300, 2, 0.5, MIX_B);
const SHIFT = Float64Array.from({ length: D }, (_, j) => 0.1 * (j - D / 2));
const A_SHIFTED: Matrix = { rows: A.rows, cols: D, data: Float64Array.from(A.data, (v, i) => v + (SHIFT[i % D] ?? 0)) };
const KID_OPTIONS = { subsets: 5, subsetSize: 50, seed: 11 } as const;

function absSum(k: Matrix, offDiagonal: boolean): number {
  let s = 0;
  for (let i = 0; i < k.rows; i++) for (let j = 0; j < k.cols; j++) if (!offDiagonal || i !== j) s += Math.abs(k.data[i * k.cols + j] ?? 0);
  return s;
}

/** The KID tolerance of the header for one subset pair x [m, d], y [m, d]. */
function mmdTolerance(x: Matrix, y: Matrix): number {
  const m = x.rows;
  const c = EPS * (m * m + 3 * D + 4);
  const one = (c * (absSum(polynomialKernel(x, x), true) + absSum(polynomialKernel(y, y), true))) / (m * (m - 1)) + (2 * c * absSum(polynomialKernel(x, y), false)) / (m * m);
  return 2 * one;
}

function rows(a: Matrix, index: Int32Array): Matrix {
  const out = new Float64Array(index.length * D);
  index.forEach((r, i) => out.set(a.data.subarray(r * D, (r + 1) * D), i * D));
  return { rows: index.length, cols: D, data: out };
}

interface NumpyResult {
  readonly fid: Record<string, number>;
  readonly mmd: number[];
  readonly kid_mean: number;
  readonly kid_std: number;
}

const dir = mkdtempSync(join(tmpdir(), "linea-fid-"));
const subsets = kidSubsets(A.rows, B.rows, KID_OPTIONS);

describe.skipIf(torchMissing !== undefined)(`FID and KID against numpy/scipy float64${torchMissing === undefined ? "" : ` SKIPPED: ${torchMissing}`}`, () => {
  let numpy: NumpyResult;

  beforeAll(async () => {
    for (const [name, m] of [
      ["a", A],
      ["b", B],
      ["a_shifted", A_SHIFTED],
    ] as const)
      await saveNpy(join(dir, `${name}.npy`), { dtype: "F64", shape: [m.rows, m.cols], data: m.data });
    writeFileSync(join(dir, "subsets.json"), JSON.stringify(subsets.map((s) => [Array.from(s.first), Array.from(s.second)])));
    numpy = torchScript<NumpyResult>(
      dir,
      `
import scipy.linalg
a, b, a_shifted = (np.load(f"{d}/{n}.npy") for n in ("a", "b", "a_shifted"))
def fid(x, y):  # pytorch-fid's calculate_frechet_distance
    mu1, mu2 = x.mean(axis=0), y.mean(axis=0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))
def mmd(x, y):  # torchmetrics' poly_mmd, degree 3, gamma 1/d, coef 1
    dim = x.shape[1]
    kxx, kyy, kxy = ((p @ q.T / dim + 1) ** 3 for p, q in ((x, x), (y, y), (x, y)))
    m = x.shape[0]
    return float((kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.sum() / m**2)
with open(f"{d}/subsets.json") as f:
    subsets = json.load(f)
values = np.array([mmd(a[np.array(i)], b[np.array(j)]) for i, j in subsets])
print(json.dumps({"fid": {"ab": fid(a, b), "aa": fid(a, a), "shifted": fid(a, a_shifted)}, "mmd": values.tolist(), "kid_mean": float(values.mean()), "kid_std": float(values.std())}))
`,
    );
  });

  it("FID matches pytorch-fid's numpy/scipy computation within the derived tolerance", () => {
    const ours = fid(A, B).distance;
    const tol = fidTolerance(fitGaussian(A), fitGaussian(B));
    expect(numpy.fid.ab).toBeGreaterThan(1000 * tol); // a real distance, not a rounding error
    expect(Math.abs(ours - (numpy.fid.ab ?? NaN))).toBeLessThanOrEqual(tol);
  });

  it("identical sets give FID ≈ 0 (and so does scipy), within the tolerance", () => {
    const tol = fidTolerance(fitGaussian(A), fitGaussian(A));
    expect(Math.abs(fid(A, A).distance)).toBeLessThanOrEqual(tol);
    expect(Math.abs(numpy.fid.aa ?? NaN)).toBeLessThanOrEqual(tol);
  });

  it("a shifted copy gives FID = ‖shift‖² (covariances equal), within the tolerance", () => {
    const tol = fidTolerance(fitGaussian(A), fitGaussian(A_SHIFTED));
    const r = fid(A, A_SHIFTED);
    expect(Math.abs(r.distance - squaredNorm(SHIFT))).toBeLessThanOrEqual(tol);
    expect(Math.abs(r.covarianceTerm)).toBeLessThanOrEqual(tol);
    expect(Math.abs((numpy.fid.shifted ?? NaN) - squaredNorm(SHIFT))).toBeLessThanOrEqual(tol);
  });

  it("control: the biased covariance (÷ n instead of n − 1) is caught by the same tolerance", () => {
    const biased = (g: GaussianFit): GaussianFit => ({ ...g, covariance: { ...g.covariance, data: g.covariance.data.map((v) => (v * (g.samples - 1)) / g.samples) } });
    const p = fitGaussian(A);
    const q = fitGaussian(B);
    expect(Math.abs(frechetDistance(biased(p), biased(q)).distance - (numpy.fid.ab ?? NaN))).toBeGreaterThan(fidTolerance(p, q));
  });

  it("KID: every subset's unbiased MMD² matches numpy on the same subsets, and so do mean and std", () => {
    const r = kid(A, B, KID_OPTIONS);
    expect(r.subsetSize).toBe(KID_OPTIONS.subsetSize);
    const tols = subsets.map((s) => mmdTolerance(rows(A, s.first), rows(B, s.second)));
    r.values.forEach((v, i) => expect(Math.abs(v - (numpy.mmd[i] ?? NaN)), `subset ${i}`).toBeLessThanOrEqual(tols[i] ?? 0));
    // The mean's error is at most the largest subset's; the population std's at most twice it.
    const worst = Math.max(...tols);
    expect(Math.abs(r.mean - numpy.kid_mean)).toBeLessThanOrEqual(worst);
    expect(Math.abs(r.std - numpy.kid_std)).toBeLessThanOrEqual(2 * worst);
    expect(r.mean).toBeGreaterThan(1000 * worst); // different distributions: a real distance
  });

  it("control: the biased MMD² (the diagonal kept) is caught by the same tolerance", () => {
    const s = subsets[0];
    if (s === undefined) throw new Error("no subsets");
    const x = rows(A, s.first);
    const y = rows(B, s.second);
    const m = x.rows;
    const sum = (k: Matrix): number => k.data.reduce((t, v) => t + v, 0);
    const biased = (sum(polynomialKernel(x, x)) + sum(polynomialKernel(y, y)) - 2 * sum(polynomialKernel(x, y))) / (m * m);
    expect(Math.abs(mmdUnbiased(x, y) - (numpy.mmd[0] ?? NaN))).toBeLessThanOrEqual(mmdTolerance(x, y));
    expect(Math.abs(biased - (numpy.mmd[0] ?? NaN))).toBeGreaterThan(mmdTolerance(x, y));
  });
});

describe("FID and KID: inputs they refuse", () => {
  const expectCode = (f: () => unknown, code: string): void => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(MetricError);
      expect((e as MetricError).code).toBe(code);
      return;
    }
    throw new Error(`expected ${code}`);
  };
  it("different widths: LIN0950; one sample: LIN0951; NaN: LIN0953; bad subsets: LIN0954 / LIN0951", () => {
    expectCode(() => fid(A, { rows: 3, cols: 5, data: new Float64Array(15) }), "LIN0950");
    expectCode(() => fid(A, { rows: 1, cols: D, data: new Float64Array(D) }), "LIN0951");
    expectCode(() => fid(A, { rows: 2, cols: D, data: new Float64Array(2 * D).fill(Number.NaN) }), "LIN0953");
    expectCode(() => kid(A, B, { subsets: 0 }), "LIN0954");
    expectCode(() => kid(A, B, { subsetSize: 1 }), "LIN0954");
    expectCode(() => kid(A, B, { subsetSize: 250 }), "LIN0951");
    // Control: the same calls with fitting inputs do not throw.
    expect(Number.isFinite(fid(A, B).distance)).toBe(true);
    expect(kid(A, B, { subsets: 2, subsetSize: 200 }).values).toHaveLength(2);
  });

  it("KID's subsets are reproducible from the seed, distinct within a subset, and change with the seed", () => {
    const once = kidSubsets(200, 300, KID_OPTIONS);
    const again = kidSubsets(200, 300, KID_OPTIONS);
    expect(once.map((s) => Array.from(s.first))).toEqual(again.map((s) => Array.from(s.first)));
    for (const s of once) expect(new Set(s.first).size).toBe(s.first.length);
    const other = kidSubsets(200, 300, { ...KID_OPTIONS, seed: 12 });
    expect(other.map((s) => Array.from(s.first))).not.toEqual(once.map((s) => Array.from(s.first)));
  });
});
