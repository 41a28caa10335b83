// The Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017, "FID"):
// ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^{1/2}), float64, covariances unbiased (divided by n − 1) as
// pytorch-fid (np.cov) and torchmetrics compute them. pytorch-fid takes scipy's sqrtm of the non-symmetric
// Σ₁Σ₂ and keeps the real part; here the trace of its square root is taken stably and without complex
// numbers: Σ₁Σ₂ is similar to the symmetric positive semi-definite M = Σ₁^{1/2} Σ₂ Σ₁^{1/2}, so
// tr (Σ₁Σ₂)^{1/2} = Σᵢ √λᵢ(M), with Σ₁^{1/2} and λ(M) from symmetric eigendecompositions (eigenvalues
// rounded below zero are clamped: both matrices are PSD in exact arithmetic).
import { eigh, matmul } from "../linalg/index.js";
import type { Matrix } from "../linalg/matrix.js";
import { MetricError, requireFiniteInput } from "./errors.js";

/** A Gaussian fitted to n samples: mean [d] and unbiased covariance d×d. */
export interface GaussianFit {
  readonly mean: Float64Array;
  readonly covariance: Matrix;
  readonly samples: number;
}

/** Checks a feature set is [n, d] with n ≥ `minRows` and finite; LIN0950/0951/0953 otherwise. */
export function checkFeatures(features: Matrix, what: string, minRows = 2): void {
  if (features.cols < 1) throw new MetricError("LIN0950", `${what}: ${features.rows}×${features.cols} features; expected [n, d] with d ≥ 1`);
  if (features.rows < minRows) throw new MetricError("LIN0951", `${what}: ${features.rows} samples; at least ${minRows} are needed`);
  requireFiniteInput(features.data, what);
}

/** Mean and unbiased covariance of the rows of `features` [n, d] (two passes: centred sums, as np.cov). */
export function fitGaussian(features: Matrix, what = "features"): GaussianFit {
  checkFeatures(features, what);
  const { rows: n, cols: d, data } = features;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] ?? 0;
  for (let j = 0; j < d; j++) mean[j] /= n;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred[i * d + j] = (data[i * d + j] ?? 0) - (mean[j] ?? 0);
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const x = centred[i * d + j] ?? 0;
      if (x === 0) continue;
      for (let k = j; k < d; k++) cov[j * d + k] += x * (centred[i * d + k] ?? 0);
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const v = (cov[j * d + k] ?? 0) / (n - 1);
      cov[j * d + k] = v;
      cov[k * d + j] = v;
    }
  }
  return { mean, covariance: { rows: d, cols: d, data: cov }, samples: n };
}

/** The symmetric PSD square root V·diag(√max(λ, 0))·Vᵀ of a covariance. */
function psdSquareRoot(a: Matrix): Matrix {
  const { values, vectors } = eigh(a);
  const d = a.rows;
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const root = Math.sqrt(Math.max(values[k] ?? 0, 0));
    if (root === 0) continue;
    for (let i = 0; i < d; i++) {
      const vi = (vectors.data[i * d + k] ?? 0) * root;
      for (let j = 0; j < d; j++) out[i * d + j] += vi * (vectors.data[j * d + k] ?? 0);
    }
  }
  return { rows: d, cols: d, data: out };
}

/** (M + Mᵀ)/2: the product S·Σ·S is symmetric in exact arithmetic, a few ulps off in floating point. */
function symmetrised(m: Matrix): Matrix {
  const d = m.rows;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] = 0.5 * ((m.data[i * d + j] ?? 0) + (m.data[j * d + i] ?? 0));
  return { rows: d, cols: d, data: out };
}

/** tr (Σ₁Σ₂)^{1/2} = Σᵢ √λᵢ(Σ₁^{1/2} Σ₂ Σ₁^{1/2}). */
export function traceSqrtProduct(a: Matrix, b: Matrix): number {
  const root = psdSquareRoot(a);
  const m = symmetrised(matmul(matmul(root, b), root));
  return eigh(m).values.reduce((s, v) => s + Math.sqrt(Math.max(v, 0)), 0);
}

/** The parts of a Fréchet distance: ‖μ₁ − μ₂‖², and the covariance term tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^{1/2}). */
export interface FrechetDistance {
  readonly distance: number;
  readonly meanTerm: number;
  readonly covarianceTerm: number;
}

/** The Fréchet distance between two fitted Gaussians of the same dimension. */
export function frechetDistance(p: GaussianFit, q: GaussianFit): FrechetDistance {
  const d = p.mean.length;
  if (q.mean.length !== d) throw new MetricError("LIN0950", `the feature sets have different widths: ${d} and ${q.mean.length}; extract both with the same network`);
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += ((p.mean[j] ?? 0) - (q.mean[j] ?? 0)) ** 2;
  let traces = 0;
  for (let j = 0; j < d; j++) traces += (p.covariance.data[j * d + j] ?? 0) + (q.covariance.data[j * d + j] ?? 0);
  const covarianceTerm = traces - 2 * traceSqrtProduct(p.covariance, q.covariance);
  return { distance: meanTerm + covarianceTerm, meanTerm, covarianceTerm };
}

/** FID of two feature sets [n₁, d] and [n₂, d] (rows are samples). */
export function fid(a: Matrix, b: Matrix): FrechetDistance {
  if (a.cols !== b.cols) throw new MetricError("LIN0950", `the feature sets have different widths: ${a.cols} and ${b.cols}; extract both with the same network`);
  return frechetDistance(fitGaussian(a, "first features"), fitGaussian(b, "second features"));
}
