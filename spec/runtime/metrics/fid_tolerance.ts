// The FID tolerance of frechet_kid.spec.ts (test helper, not a spec), shared with the CLI's spec: the
// derivation is in that spec's header. Float64 unit round-off ε = 2⁻⁵³.
import { eigh, matmul } from "../../../src/runtime/linalg/index.js";
import type { Matrix } from "../../../src/runtime/linalg/matrix.js";
import type { GaussianFit } from "../../../src/runtime/metrics/frechet.js";

const EPS = 2 ** -53;

function trace(m: Matrix): number {
  let s = 0;
  for (let i = 0; i < m.rows; i++) s += m.data[i * m.cols + i] ?? 0;
  return s;
}

/** ‖v‖². */
export function squaredNorm(v: Float64Array): number {
  return v.reduce((s, x) => s + x * x, 0);
}

/** The FID tolerance derived in frechet_kid.spec.ts's header, for two fitted Gaussians. */
export function fidTolerance(p: GaussianFit, q: GaussianFit): number {
  const n = Math.max(p.samples, q.samples);
  const D = p.mean.length;
  const eta = EPS * (2 * n + 10 * D);
  // M = Σ₁^{1/2} Σ₂ Σ₁^{1/2} has the eigenvalues of Σ₁Σ₂; those of the symmetric Σ₂^{1/2}Σ₁Σ₂^{1/2} are the same.
  const e1 = eigh(p.covariance);
  const root = matmul(
    matmul(e1.vectors, { rows: D, cols: D, data: Float64Array.from({ length: D * D }, (_, i) => (i % (D + 1) === 0 ? Math.sqrt(Math.max(e1.values[i / (D + 1)] ?? 0, 0)) : 0)) }),
    transposeOf(e1.vectors),
  );
  const m = matmul(matmul(root, q.covariance), root);
  const sym: Matrix = { rows: D, cols: D, data: Float64Array.from(m.data, (v, i) => 0.5 * (v + (m.data[(i % D) * D + Math.floor(i / D)] ?? 0))) };
  const lambda = eigh(sym).values;
  const lambdaMin = Math.max(lambda[0] ?? 0, Number.MIN_VALUE);
  const lambdaMax = lambda[D - 1] ?? 0;
  const one = 4 * eta * (squaredNorm(p.mean) + squaredNorm(q.mean)) + eta * (trace(p.covariance) + trace(q.covariance)) + (2 * D * eta * lambdaMax) / Math.sqrt(lambdaMin);
  return 2 * one;
}

function transposeOf(a: Matrix): Matrix {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j] ?? 0;
  return { rows: a.cols, cols: a.rows, data: out };
}
