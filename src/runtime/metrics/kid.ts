// The kernel inception distance (Bińkowski et al. 2018, "KID"): the unbiased MMD² between two feature
// sets under the polynomial kernel k(x, y) = (xᵀy/d + 1)³, averaged over random subsets, with its
// standard deviation over the subsets. Defaults as torchmetrics' KernelInceptionDistance and clean-fid:
// 100 subsets of 1000 samples (fewer when a set is smaller, as clean-fid does), each drawn without
// replacement from each set independently; the std is the population one (torchmetrics' unbiased=False).
// The subsets come from Linea's seeded generator, so a KID is reproducible from its seed.
import { matmul, transpose } from "../linalg/index.js";
import type { Matrix } from "../linalg/matrix.js";
import { Rng } from "../random.js";
import { MetricError } from "./errors.js";
import { checkFeatures } from "./frechet.js";

/** torchmetrics' and clean-fid's default number of subsets. */
export const DEFAULT_KID_SUBSETS = 100;
/** torchmetrics' and clean-fid's default (largest) subset size. */
export const DEFAULT_KID_SUBSET_SIZE = 1000;

/** k(x, y) = (xᵀy/d + 1)³ for every row pair of x [m, d] and y [n, d]: an m×n matrix. */
export function polynomialKernel(x: Matrix, y: Matrix): Matrix {
  const d = x.cols;
  const g = matmul(x, transpose(y));
  const out = new Float64Array(g.data.length);
  for (let i = 0; i < out.length; i++) out[i] = ((g.data[i] ?? 0) / d + 1) ** 3;
  return { rows: g.rows, cols: g.cols, data: out };
}

function sumOffDiagonal(k: Matrix): number {
  let s = 0;
  for (let i = 0; i < k.rows; i++) for (let j = 0; j < k.cols; j++) if (i !== j) s += k.data[i * k.cols + j] ?? 0;
  return s;
}

/**
 * Unbiased MMD² of samples x [m, d] and y [n, d]: Σ_{i≠j} k(xᵢ, xⱼ)/(m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ)/(n(n−1))
 * − 2 Σ k(xᵢ, yⱼ)/(mn). For m = n it is torchmetrics' poly_mmd.
 */
export function mmdUnbiased(x: Matrix, y: Matrix): number {
  if (x.cols !== y.cols) throw new MetricError("LIN0950", `the feature sets have different widths: ${x.cols} and ${y.cols}; extract both with the same network`);
  checkFeatures(x, "first features");
  checkFeatures(y, "second features");
  const m = x.rows;
  const n = y.rows;
  const kxy = polynomialKernel(x, y);
  const cross = kxy.data.reduce((s, v) => s + v, 0);
  return sumOffDiagonal(polynomialKernel(x, x)) / (m * (m - 1)) + sumOffDiagonal(polynomialKernel(y, y)) / (n * (n - 1)) - (2 * cross) / (m * n);
}

/** How KID draws its subsets. */
export interface KidOptions {
  /** Number of subsets (default 100). */
  readonly subsets?: number;
  /** Samples per subset from each set (default min(1000, n₁, n₂)); larger than a set is LIN0951. */
  readonly subsetSize?: number;
  /** Seed of the subset draw (default 0). */
  readonly seed?: number;
}

/** A KID: mean and population std of the subsets' MMD², and the subsets' values. */
export interface KidResult {
  readonly mean: number;
  readonly std: number;
  readonly subsetSize: number;
  readonly values: readonly number[];
}

/** `size` distinct indices of 0…n−1 (a partial Fisher–Yates shuffle). */
function sampleWithoutReplacement(rng: Rng, n: number, size: number): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rng.uniform() * (n - i));
    const t = pool[i] ?? 0;
    pool[i] = pool[j] ?? 0;
    pool[j] = t;
  }
  return pool.slice(0, size);
}

/** The subsets KID draws for sets of n₁ and n₂ samples: per subset, indices into each set. */
export function kidSubsets(n1: number, n2: number, options: KidOptions = {}): { readonly first: Int32Array; readonly second: Int32Array }[] {
  const subsets = options.subsets ?? DEFAULT_KID_SUBSETS;
  const size = options.subsetSize ?? Math.min(DEFAULT_KID_SUBSET_SIZE, n1, n2);
  if (!Number.isInteger(subsets) || subsets < 1) throw new MetricError("LIN0954", `KID subsets ${subsets}: expected a whole number ≥ 1`);
  if (!Number.isInteger(size) || size < 2) throw new MetricError("LIN0954", `KID subset size ${size}: expected a whole number ≥ 2 (the unbiased MMD divides by m − 1)`);
  if (size > n1 || size > n2) throw new MetricError("LIN0951", `KID subset size ${size} is larger than a set (${n1} and ${n2} samples); give a smaller subset size`);
  const rng = new Rng(options.seed ?? 0);
  return Array.from({ length: subsets }, () => ({ first: sampleWithoutReplacement(rng, n1, size), second: sampleWithoutReplacement(rng, n2, size) }));
}

function rowsAt(a: Matrix, index: Int32Array): Matrix {
  const out = new Float64Array(index.length * a.cols);
  index.forEach((r, i) => out.set(a.data.subarray(r * a.cols, (r + 1) * a.cols), i * a.cols));
  return { rows: index.length, cols: a.cols, data: out };
}

/** KID of two feature sets [n₁, d] and [n₂, d]: mean ± std of the unbiased MMD² over seeded subsets. */
export function kid(a: Matrix, b: Matrix, options: KidOptions = {}): KidResult {
  if (a.cols !== b.cols) throw new MetricError("LIN0950", `the feature sets have different widths: ${a.cols} and ${b.cols}; extract both with the same network`);
  checkFeatures(a, "first features");
  checkFeatures(b, "second features");
  const subsets = kidSubsets(a.rows, b.rows, options);
  const values = subsets.map((s) => mmdUnbiased(rowsAt(a, s.first), rowsAt(b, s.second)));
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std, subsetSize: subsets[0]?.first.length ?? 0, values };
}
