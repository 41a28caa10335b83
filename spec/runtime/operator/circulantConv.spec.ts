// circulant_conv: every structured rule (host application, dense matrix, transpose, sum, product,
// scale, power, pseudo-inverse, SVD and top-k SVD, range projector, tfjs apply, parameters) against a
// float64 dense oracle built from the circulant formula (support.ts oracleOf), at R[2, 6, 8] (Bluestein
// rows, radix-4 columns), R[2, 4, 8] (powers of two) and R[1, 5, 7] (odd). Controls: the zero-padded
// convolution of the same taps is a different matrix with different singular values; a wrong flip in
// the adjoint is caught on an asymmetric kernel; a spectrum with a (numerical) zero gets rank < D and
// its pseudo-inverse passes Penrose only with the cut-off.
import { beforeAll, describe, expect, it } from "vitest";
import { frobeniusNorm, matmul, matrix, penroseViolations, subtract, svd as denseSvd, transpose as transposeM, type Matrix } from "../../../src/runtime/linalg/index.js";
import {
  circulantFromTaps,
  depthwiseConv,
  kernelWindow,
  leadingSvd,
  materialise,
  multiplyHost,
  operatorFromParameters,
  operatorParameters,
  pinv,
  power,
  product,
  rangeProjector,
  scale,
  scaledIdentity,
  sum,
  svd,
  svdTop,
  transpose,
  type CirculantConv,
  type ConvGeometry,
  type LinearOperator,
} from "../../../src/runtime/operator/index.js";
import { fromSpectrum, pinvCirculant, spectrum, transposeCirculant } from "../../../src/runtime/operator/circulantConv.js";
import { seededRandom } from "../../../src/runtime/random.js";
import { EPS64, applyError, apply32Tolerance, oracleOf, randomBatch, useTestBackend } from "./support.js";

beforeAll(useTestBackend);

const GEOMETRIES: readonly ConvGeometry[] = [
  { channels: 2, height: 6, width: 8, size: 3 },
  { channels: 2, height: 4, width: 8, size: 3 },
  { channels: 1, height: 5, width: 7, size: 3 },
];

const label = (g: ConvGeometry): string => `R[${g.channels}, ${g.height}, ${g.width}]`;

/** Seeded asymmetric taps [C, k, k] (no flip symmetry, so a missing or wrong flip shows). */
function taps(g: ConvGeometry, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: g.channels * g.size * g.size }, () => random.normal());
}

function randomVector(n: number, seed: number): Matrix {
  const random = seededRandom(seed);
  return matrix(
    n,
    1,
    Float64Array.from({ length: n }, () => random.normal()),
  );
}

const dot = (a: Matrix, b: Matrix): number => a.data.reduce((s, x, i) => s + x * b.data[i], 0);
const rel = (a: Matrix, b: Matrix): number => frobeniusNorm(subtract(a, b)) / Math.max(frobeniusNorm(b), Number.MIN_VALUE);

/**
 * Float64 tolerance, relative in Frobenius norm. Each FFT of length N contributes ≤ 5·log₂(N)·ε
 * relative error (Bluestein: three transforms of length < 4N, so ≤ 15·log₂(4N)·ε); one application is a
 * forward and an inverse 2-D transform and a product of spectra; the dense oracle's products add
 * D·ε each (`depth` of them). 100·log₂(4D) + depth·D, times ε, bounds all of it with a factor > 2.
 */
const tol = (d: number, depth = 1): number => (100 * Math.log2(4 * d) + depth * d) * EPS64;

function expectCirculant(op: LinearOperator): asserts op is CirculantConv {
  expect(op.kind).toBe("circulant_conv");
}

for (const g of GEOMETRIES) {
  const d = g.channels * g.height * g.width;
  const k = circulantFromTaps(g, taps(g, 11 + g.height));
  const a = oracleOf(k);

  describe(`circulant_conv on ${label(g)}`, () => {
    it("applies y[c,i,j] = Σ taps[c,a,b]·x[c,(i+a−1) mod H,(j+b−1) mod W] on the host and in its dense matrix", () => {
      // The direct formula, independent of the kernel embedding and of the FFT.
      const x = randomVector(d, 3);
      const t = taps(g, 11 + g.height);
      const want = matrix(d, 1);
      const mod = (i: number, n: number): number => ((i % n) + n) % n;
      for (let c = 0; c < g.channels; c++)
        for (let i = 0; i < g.height; i++)
          for (let j = 0; j < g.width; j++)
            for (let p = 0; p < 3; p++)
              for (let q = 0; q < 3; q++)
                want.data[(c * g.height + i) * g.width + j] += t[(c * 3 + p) * 3 + q] * x.data[(c * g.height + mod(i + p - 1, g.height)) * g.width + mod(j + q - 1, g.width)];
      expect(rel(multiplyHost(k, x), want)).toBeLessThanOrEqual(tol(d));
      expect(rel(materialise(k), a)).toBeLessThanOrEqual(tol(d));
      expect(rel(matmul(a, x), want)).toBeLessThanOrEqual(tol(d));
    });

    it("control: the zero-padded depthwise_conv of the same taps is another matrix with other singular values", () => {
      const zero = materialise(depthwiseConv(g, taps(g, 11 + g.height)));
      // The wrap-around entries differ by whole taps: O(1) relative, far above the tolerance.
      expect(rel(zero, a)).toBeGreaterThan(0.05);
      const sZero = denseSvd(zero).s;
      const sCirc = Float64Array.from(svd(k).s);
      const gap = sZero.reduce((m, s, i) => Math.max(m, Math.abs(s - sCirc[i])), 0);
      expect(gap).toBeGreaterThan(1e-3 * sCirc[0]);
    });

    it("transposes to the flipped kernel: ⟨Kx, y⟩ = ⟨x, Kᵀy⟩ and the dense transpose, with a wrong flip caught", () => {
      const kt = transpose(k);
      expectCirculant(kt);
      expect(rel(materialise(kt), transposeM(a))).toBeLessThanOrEqual(tol(d));
      const x = randomVector(d, 5);
      const y = randomVector(d, 6);
      const lhs = dot(multiplyHost(k, x), y);
      // Each inner product of D terms adds D·ε·‖K‖‖x‖‖y‖; the applications tol(d)·‖K‖‖x‖‖y‖.
      const bound = 2 * tol(d) * frobeniusNorm(a) * frobeniusNorm(x) * frobeniusNorm(y);
      expect(Math.abs(lhs - dot(x, multiplyHost(kt, y)))).toBeLessThanOrEqual(bound);
      // Control: flipping the rows only (columns kept) is not the adjoint of an asymmetric kernel.
      const { channels, height, width } = g;
      const rowsOnly = new Float64Array(k.kernel.length);
      for (let c = 0; c < channels; c++)
        for (let u = 0; u < height; u++) for (let v = 0; v < width; v++) rowsOnly[(c * height + ((height - u) % height)) * width + v] = k.kernel[(c * height + u) * width + v];
      const wrong: CirculantConv = { ...k, kernel: rowsOnly };
      expect(Math.abs(lhs - dot(x, multiplyHost(wrong, y)))).toBeGreaterThan(1e6 * bound);
      // Control: no flip at all (K itself) is not the adjoint either.
      expect(Math.abs(lhs - dot(x, multiplyHost(k, y)))).toBeGreaterThan(1e6 * bound);
      expect(transposeCirculant(transposeCirculant(k)).kernel).toEqual(k.kernel);
    });

    it("keeps products, sums, scalings, A + s·I and powers in the kind, exactly as the dense algebra", () => {
      const b = circulantFromTaps(g, taps(g, 99));
      const bo = oracleOf(b);
      const ab = product(k, b);
      expectCirculant(ab);
      expect(rel(materialise(ab), matmul(a, bo))).toBeLessThanOrEqual(tol(d, 2));
      const s = sum(k, b);
      expectCirculant(s);
      expect(rel(materialise(s), oracleOf({ kind: "sum", rows: d, cols: d, terms: [k, b] }))).toBeLessThanOrEqual(tol(d));
      const shifted = sum(k, scaledIdentity(d, 0.5));
      expectCirculant(shifted);
      expect(rel(materialise(shifted), oracleOf({ kind: "sum", rows: d, cols: d, terms: [k, scaledIdentity(d, 0.5)] }))).toBeLessThanOrEqual(tol(d));
      const sc = scale(-1.5, k);
      expectCirculant(sc);
      expect(rel(materialise(sc), oracleOf({ kind: "scaled", rows: d, cols: d, scale: -1.5, inner: k }))).toBeLessThanOrEqual(tol(d));
      const cube = power(k, 3);
      expectCirculant(cube);
      expect(rel(materialise(cube), matmul(a, matmul(a, a)))).toBeLessThanOrEqual(tol(d, 3));
      // Control: K³ is not K² (the power really multiplies).
      expect(rel(materialise(cube), matmul(a, a))).toBeGreaterThan(0.1);
    });

    it("has singular values |λ| equal to the dense SVD's, with real orthonormal singular vectors and K·v = σ·u", () => {
      const dense = denseSvd(a);
      const result = svd(k);
      expect(result.method).toBe("structured");
      expect(result.s.length).toBe(d);
      // Singular values are perturbed by at most ‖δK‖₂ (Weyl): tol·‖K‖_F covers both computations.
      const scaleF = frobeniusNorm(a);
      result.s.forEach((s, i) => expect(Math.abs(s - dense.s[i])).toBeLessThanOrEqual(tol(d) * scaleF));
      expect(result.rank).toBe(d);
      const { u, v } = result;
      const eye = (m: Matrix): number => {
        const gram = matmul(transposeM(m), m);
        let worst = 0;
        for (let i = 0; i < gram.rows; i++) for (let j = 0; j < gram.cols; j++) worst = Math.max(worst, Math.abs(gram.data[i * gram.cols + j] - (i === j ? 1 : 0)));
        return worst;
      };
      // cos/sin of exact angles: each inner product of D terms is off by ≤ D·ε (plus the angles' ε).
      expect(eye(u)).toBeLessThanOrEqual(tol(d));
      expect(eye(v)).toBeLessThanOrEqual(tol(d));
      const us = matrix(d, d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) us.data[i * d + j] = u.data[i * d + j] * result.s[j];
      expect(rel(matmul(a, v), us)).toBeLessThanOrEqual(tol(d, 2));
      expect(rel(matmul(us, transposeM(v)), a)).toBeLessThanOrEqual(tol(d, 2));
    });

    it("gives the top-k triplets (svdTop) as the first k of the full SVD, without the rest", () => {
      const top = svdTop(k, 5);
      const full = svd(k);
      expect(top.s.length).toBe(5);
      expect(top.u.cols).toBe(5);
      expect(Array.from(top.s)).toEqual(Array.from(full.s.slice(0, 5)));
      expect(top.rank).toBe(full.rank);
      expect(top.cutoff).toBe(full.cutoff);
      const us = matrix(d, 5);
      for (let i = 0; i < d; i++) for (let j = 0; j < 5; j++) us.data[i * 5 + j] = top.u.data[i * 5 + j] * top.s[j];
      expect(rel(matmul(a, top.v), us)).toBeLessThanOrEqual(tol(d, 2));
    });

    it("inverts exactly when full rank: K⁺ satisfies the Penrose conditions and stays a circulant_conv", () => {
      const result = pinv(k);
      expectCirculant(result.operator);
      expect(result.rank).toBe(d);
      // Each Penrose residual is a chain of ≤ 3 dense products of the materialised matrices; K⁺'s
      // relative error is κ·tol (κ = σ_max/σ_min of this seed, measured by the dense SVD).
      const s = denseSvd(a).s;
      const kappa = s[0] / s[d - 1];
      expect(penroseViolations(a, materialise(result.operator)).worst).toBeLessThanOrEqual(kappa * tol(d, 3));
    });

    it("projects onto its range: P² = P = Pᵀ and P·K = K, in the kind", () => {
      const p = rangeProjector(k);
      expectCirculant(p);
      const pm = materialise(p);
      expect(rel(matmul(pm, pm), pm)).toBeLessThanOrEqual(tol(d, 2));
      expect(rel(transposeM(pm), pm)).toBeLessThanOrEqual(tol(d));
      expect(rel(matmul(pm, a), a)).toBeLessThanOrEqual(tol(d, 2));
    });

    it("applies on tfjs (circular padding, valid conv) for the 3×3 window and for a full-size kernel", async () => {
      const x = randomBatch(3, d, 8);
      // float32 rounding model of support.ts: ε₃₂·(depth + 1)·(n + 3)·‖taps‖₁ per output.
      expect(await applyError(k, a, x)).toBeLessThanOrEqual(apply32Tolerance(k));
      expect(await applyError(k, a, x, true)).toBeLessThanOrEqual(apply32Tolerance(k));
      const inv = pinv(k).operator;
      expectCirculant(inv);
      expect(kernelWindow(inv).kh).toBe(g.height);
      expect(await applyError(inv, oracleOf(inv), x)).toBeLessThanOrEqual(apply32Tolerance(inv));
    });

    it("saves a leaf's taps as [C, 1, k, k] and an algebra result's kernel as [C, H, W], and loads them back", () => {
      const params = operatorParameters(k, "K.");
      expect(params.get("K.kernel")?.shape).toEqual([g.channels, 1, 3, 3]);
      const back = operatorFromParameters({ kind: "circulant_conv", geometry: g }, params, "K.");
      expectCirculant(back);
      expect(back.kernel).toEqual(k.kernel);
      const inv = pinv(k).operator;
      const full = operatorParameters(inv);
      expect(full.get("periodic_kernel")?.shape).toEqual([g.channels, g.height, g.width]);
      const again = operatorFromParameters({ kind: "circulant_conv", geometry: g, periodic: true }, full);
      expectCirculant(again);
      expect(again.kernel).toEqual((inv as CirculantConv).kernel);
    });
  });
}

describe("circulant_conv with a zero in its spectrum", () => {
  const g: ConvGeometry = { channels: 2, height: 6, width: 8, size: 2 };
  const d = 96;
  // taps [[1, −1], [0, 0]]: λ(f, g) = 1 − e^{2πi·g/W} vanishes at g = 0 for every f, H zeros per channel.
  const diff = circulantFromTaps(g, Float64Array.from([1, -1, 0, 0, 1, -1, 0, 0]));

  it("has rank D − C·H, and K⁺ from the cut-off satisfies the Penrose conditions", () => {
    const result = pinv(diff);
    expect(result.rank).toBe(d - 2 * 6);
    expect(svd(diff).rank).toBe(d - 2 * 6);
    // σ ∈ [2·sin(π/8), 2] on the kept frequencies: κ ≤ 2/0.765 < 3.
    expect(penroseViolations(oracleOf(diff), materialise(result.operator)).worst).toBeLessThanOrEqual(3 * tol(d, 3));
    const p = rangeProjector(diff);
    const pm = materialise(p);
    // trace(P) = rank for an orthogonal projector.
    let trace = 0;
    for (let i = 0; i < d; i++) trace += pm.data[i * d + i];
    expect(Math.abs(trace - (d - 12))).toBeLessThanOrEqual(d * tol(d));
  });

  it("control: without the cut-off, a rounding-level eigenvalue is inverted and Penrose fails", () => {
    // λ(0, 0) moved from σ_max·1e−15 (below the cut-off σ_max·D·ε ≈ σ_max·2e−14, but not an exact zero).
    const base = circulantFromTaps(g, Float64Array.from([2, 0.5, -0.25, 0.1, 1.5, 0.2, 0.3, -0.4]));
    const lambda = Float64Array.from(spectrum(base));
    const sigmaMax = lambda.reduce((m, _, i) => (i % 2 === 0 ? Math.max(m, Math.hypot(lambda[i], lambda[i + 1])) : m), 0);
    lambda[0] = 1e-15 * sigmaMax;
    lambda[1] = 0;
    const near = fromSpectrum(base, lambda);
    const withCutoff = pinv(near);
    expect(withCutoff.rank).toBe(d - 1);
    const aNear = materialise(near);
    expect(penroseViolations(aNear, materialise(withCutoff.operator)).xax).toBeLessThanOrEqual(1e-8);
    const noCutoff = pinvCirculant(near, 0);
    expect(noCutoff.rank).toBe(d);
    // 1/λ ≈ 1e15/σ_max: X·A·X − X is dominated by the round-off of λ (≈ ε·σ_max ≫ 1e−15·σ_max·ε).
    expect(penroseViolations(aNear, materialise(noCutoff.pinv)).xax).toBeGreaterThan(1e-3);
  });
});

describe("leadingSvd of a circulant_conv", () => {
  it("gives svdTop's triplets and every |λ| in order, also at R[3, 256, 256] where a dense SVD is refused", () => {
    const g: ConvGeometry = { channels: 2, height: 6, width: 8, size: 3 };
    const k = circulantFromTaps(g, taps(g, 4));
    const lead = leadingSvd(k, 3);
    expect(Array.from(lead.s)).toEqual(Array.from(svdTop(k, 3).s));
    // The same |λ| up to the FFT's rounding (|λ(f)| and |λ(−f)| are computed separately, ~1 ulp apart).
    const full = svd(k).s;
    lead.values.forEach((x, i) => expect(Math.abs(x - full[i])).toBeLessThanOrEqual(tol(96) * full[0]));
    const big = circulantFromTaps({ channels: 3, height: 256, width: 256, size: 3 }, taps({ channels: 3, height: 256, width: 256, size: 3 }, 5));
    const top = leadingSvd(big, 4);
    expect(top.values.length).toBe(196608);
    expect(top.s[0]).toBe(top.values[0]);
    expect(top.u.cols).toBe(4);
  });
});

describe("kernelWindow", () => {
  it("is the leaf's k×k window, its flip for the transpose, and the whole image for K⁺", () => {
    const g: ConvGeometry = { channels: 1, height: 6, width: 8, size: 2 };
    const k = circulantFromTaps(g, [1, 2, 3, 4]); // offsets 0…1: top 0
    expect(kernelWindow(k)).toEqual({ top: 0, kh: 2, left: 0, kw: 2 });
    expect(kernelWindow(transpose(k) as CirculantConv)).toEqual({ top: 1, kh: 2, left: 1, kw: 2 });
    const g3: ConvGeometry = { ...g, size: 3 };
    expect(kernelWindow(circulantFromTaps(g3, [1, 2, 3, 4, 5, 6, 7, 8, 9]))).toEqual({ top: 1, kh: 3, left: 1, kw: 3 });
  });
});
