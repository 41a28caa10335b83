// How a law's two sides are compared, and the float32 error model its tolerance comes from
// (docs/verification.md, "Tolerances").
//
// Error: the root-mean-square difference per coordinate, relative to 1 + the largest magnitude of
// the sample's inputs: E = ‖lhs − rhs‖₂ / (√n · (1 + M)). Rounding in float32 is relative to the
// values an op touches, so this is the quantity the model below bounds.
//
// Model: a side is a path of stages k = 1…K (an encode g, an operator A, a combination, a decode g⁻¹,
// a decode-then-encode round trip). Stage k makes a rounding error of about u·gain_k·√ops_k (u = 2⁻²⁴,
// ops_k its summed fan-ins: a sum of n rounded terms errs by ~√n·u with high probability, Higham &
// Mary 2019, where n·u is the rarely reached worst case), and every later stage amplifies it by at most
// its Lipschitz constant lip_j. Hence
//     err(path) = u · Σ_k gain_k·√ops_k · Π_{j>k} lip_j,   tolerance = S · (err(lhs) + err(rhs)),
// with S = SAFETY covering the probabilistic constant, the two-sided comparison and the Lipschitz
// estimates being local.

/** Unit round-off of float32. */
export const U32 = 2 ** -24;

/** Safety factor S on the a-priori float32 error (see the header and docs/verification.md). */
export const SAFETY = 16;

/** One stage of a computation in the float32 error model. */
export interface Stage {
  /** Float32 operations per output value (summed fan-ins plus elementwise ops). */
  readonly ops: number;
  /** Lipschitz constant of the stage (how much it amplifies an error already present). */
  readonly lip: number;
  /** How much the stage amplifies its own rounding (a round trip: the encode amplifies the decode's); 1 by default. */
  readonly gain?: number;
}

/** u · Σ_k gain_k·√ops_k · Π_{j>k} lip_j, for stages in the order they run. */
export function pathError(stages: readonly Stage[]): number {
  let err = 0;
  for (const s of stages) err = err * s.lip + U32 * (s.gain ?? 1) * Math.sqrt(s.ops);
  return err;
}

/** S · (err(lhs) + err(rhs)). */
export function tolerance(lhs: readonly Stage[], rhs: readonly Stage[]): number {
  return SAFETY * (pathError(lhs) + pathError(rhs));
}

/** max over rows of ‖aᵢ − bᵢ‖₂/√n, divided by (1 + scale). a and b are [rows, n] in row-major order. */
export function rmsError(a: ArrayLike<number>, b: ArrayLike<number>, n: number, scale: number): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let r = 0; r * n < a.length; r++) {
    let d = 0;
    for (let j = 0; j < n; j++) d += (a[r * n + j] - b[r * n + j]) ** 2;
    worst = Math.max(worst, Math.sqrt(d / Math.max(n, 1)));
  }
  // NaN compares false everywhere: report it as an infinite error so it always fails.
  return Number.isNaN(worst) ? Number.POSITIVE_INFINITY : worst / (1 + scale);
}

/** Largest |vᵢ| of some arrays (the M of the error measure). */
export function maxMagnitude(...arrays: ArrayLike<number>[]): number {
  let m = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Euclidean norm of an array. */
export function euclidean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}
