// Shared test support for the operator specs: generators of every kind, the float64 oracle
// comparisons, and the rounding model the float32 tolerances are derived from.
import fc from "fast-check";
import { selectBackend } from "../../../src/runtime/backend/select.js";
import { compactWyFactor } from "../../../src/runtime/operator/householder.js";
import {
  add,
  diagonalMatrix,
  frobeniusNorm,
  identityMatrix,
  inverse,
  matmul,
  matrix,
  scale,
  subtract,
  svd as denseSvd,
  transpose as transposeM,
  type Matrix,
  pinv as densePinv,
} from "../../../src/runtime/linalg/index.js";
import { apply, applyTranspose, diagonal, float32Tensor, hostMatrix, type LinearOperator } from "../../../src/runtime/operator/index.js";
import { gaussianMatrix } from "../../support/random.js";
import { seededOperator, SEEDED_KINDS, type SeededKind } from "../../support/operators.js";

/** float32 machine epsilon 2⁻²³ (tfjs computes in float32). */
export const EPS32 = 2 ** -23;
/** float64 machine epsilon 2⁻⁵². */
export const EPS64 = 2 ** -52;

/** The backend under test: LINEA_BACKEND (CI runs wasm and cpu), cpu by default for tiny cases. */
export async function useTestBackend(): Promise<void> {
  await selectBackend(process.env.LINEA_BACKEND ?? "cpu");
}

export const SQUARE_KINDS = SEEDED_KINDS;
export const RECTANGULAR_KINDS = ["dense", "diagonal", "lowrank", "svd_factored"] as const;
export type LeafKind = SeededKind;

/**
 * A seeded operator of the given kind and shape (square kinds ignore cols), rank clamped to [1, min(rows, cols)].
 * A diagonal is rectangular when rows ≠ cols: min(rows, cols) entries drawn as a square one's.
 */
export function makeOperator(kind: LeafKind, rows: number, cols: number, rank: number, seed: number): LinearOperator {
  if (kind === "diagonal" && rows !== cols) {
    const square = seededOperator(kind, Math.min(rows, cols), Math.min(rows, cols), 1, seed);
    if (square.kind !== "diagonal") throw new Error(`seeded diagonal is a ${square.kind}`);
    return diagonal(square.diag, rows, cols);
  }
  return seededOperator(kind, rows, cols, Math.max(1, Math.min(rank, rows, cols)), seed);
}

export const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });
export const dimArb = fc.integer({ min: 1, max: 6 });

/** A random leaf operator of any kind, with its shape. */
export const squareLeafArb = fc
  .record({ kind: fc.constantFrom(...SQUARE_KINDS), n: dimArb, rank: fc.integer({ min: 1, max: 4 }), seed: seedArb })
  .map(({ kind, n, rank, seed }) => makeOperator(kind, n, n, rank, seed));

export const rectangularLeafArb = fc
  .record({ kind: fc.constantFrom(...RECTANGULAR_KINDS), rows: dimArb, cols: dimArb, rank: fc.integer({ min: 1, max: 4 }), seed: seedArb })
  .map(({ kind, rows, cols, rank, seed }) => makeOperator(kind, rows, cols, rank, seed));

/** Lazy composites built directly (not through the algebra, which would simplify them). */
export const compositeArb = fc
  .record({
    n: dimArb,
    kinds: fc.array(fc.constantFrom(...SQUARE_KINDS), { minLength: 2, maxLength: 3 }),
    seed: seedArb,
    c: fc.integer({ min: -16, max: 16 }).map((k) => k / 8),
    shape: fc.constantFrom("product", "sum", "scaled", "transposed"),
  })
  .map(({ n, kinds, seed, c, shape }): LinearOperator => {
    const parts = kinds.map((k, i) => makeOperator(k, n, n, 2, seed + i));
    switch (shape) {
      case "product":
        return { kind: "product", rows: n, cols: n, factors: parts };
      case "sum":
        return { kind: "sum", rows: n, cols: n, terms: parts };
      case "scaled":
        return { kind: "scaled", rows: n, cols: n, scale: c, inner: parts[0] };
      default:
        return { kind: "transposed", rows: n, cols: n, inner: parts[0] };
    }
  });

/** max over channels of Σ|w| over that channel's block of a per-channel kernel (equal blocks). */
function channelL1Max(kernel: Float64Array, channels: number): number {
  const per = kernel.length / channels;
  let worst = 0;
  for (let c = 0; c < channels; c++)
    worst = Math.max(
      worst,
      kernel.subarray(c * per, (c + 1) * per).reduce((a, w) => a + Math.abs(w), 0),
    );
  return worst;
}

/**
 * The float32 rounding model of apply(): (scale, depth) such that
 *   ‖apply(A, X) − X·Aᵀ‖_F ≤ ε₃₂·(depth + 1)·(n + 3)·scale·‖X‖_F.
 * Each sequential float32 product with inner size ≤ n adds γ_n ≈ n·ε times the product of the
 * magnitudes |A||x| (bounded by ‖A‖_F‖x‖); the "+1" is the float32 rounding of the parameters and
 * the "+3" covers the scalings and subtractions of the Householder and α·x + … steps.
 */
export function roundingModel(op: LinearOperator): { scale: number; depth: number } {
  const f = frobeniusNorm;
  switch (op.kind) {
    case "dense":
      return { scale: f(op.matrix), depth: 1 };
    case "diagonal":
      return { scale: op.diag.reduce((m, d) => Math.max(m, Math.abs(d)), 0), depth: 1 };
    case "identity":
      return { scale: 1, depth: 0 };
    case "scaled_identity":
      return { scale: Math.abs(op.scale), depth: 1 };
    case "lowrank":
      return { scale: f(op.u) * f(op.v), depth: 2 };
    case "identity_plus_lowrank":
      return { scale: Math.abs(op.alpha) + f(op.u) * f(op.v), depth: 3 };
    case "orthogonal":
      if (op.form.type === "cayley") return { scale: f(op.form.q), depth: 1 };
      // Compact WY: X − ((X·V)·Tᵀ)·Vᵀ, three products through |V|·|T|·|V| (‖V‖_F² = k unit rows).
      return { scale: 1 + op.form.vectors.rows * f(compactWyFactor(op.form.vectors)), depth: 4 };
    case "svd_factored":
      return { scale: f(op.u) * f(op.v) * op.s.reduce((m, s) => Math.max(m, Math.abs(s)), 0), depth: 3 };
    case "projector":
      return { scale: f(op.q) ** 2, depth: 2 };
    case "time_conditioned":
    case "indexed_depthwise_conv":
      throw new Error("roundingModel: evaluate at(op, t) first");
    case "depthwise_conv":
    case "circulant_conv":
      // ‖K‖₂ ≤ max over channels of Σ|kernel taps| (Young's inequality); each output is one sum of
      // k² taps (depthwise_conv) or of the kernel window's taps (circulant_conv, at most H·W).
      return { scale: channelL1Max(op.kernel, op.geometry.channels), depth: 1 };
    case "iterative_pinv":
      // float64 LSQR to 1e-12 relative, then one float32 rounding of A⁺x: ‖A⁺‖_F bounds |A⁺||x|.
      return { scale: frobeniusNorm(densePinv(oracleOf(op.inner)).pinv), depth: 1 };
    case "kronecker": {
      // Two sequential applications (B then A): scales multiply, depths add.
      const a = roundingModel(op.a);
      const b = roundingModel(op.b);
      return { scale: a.scale * b.scale, depth: a.depth + b.depth };
    }
    case "product":
      return op.factors.map(roundingModel).reduce((a, b) => ({ scale: a.scale * b.scale, depth: a.depth + b.depth }));
    case "sum":
      return op.terms.map(roundingModel).reduce((a, b) => ({ scale: a.scale + b.scale, depth: Math.max(a.depth, b.depth) + 1 }));
    case "scaled": {
      const inner = roundingModel(op.inner);
      return { scale: Math.abs(op.scale) * inner.scale, depth: inner.depth + 1 };
    }
    case "transposed":
      return roundingModel(op.inner);
  }
}

export function apply32Tolerance(op: LinearOperator): number {
  const { scale, depth } = roundingModel(op);
  return EPS32 * (depth + 1) * (Math.max(op.rows, op.cols) + 3) * scale;
}

/** A seeded Gaussian batch [b, n] as a float64 matrix whose entries are exactly float32 values. */
export function randomBatch(b: number, n: number, seed: number): Matrix {
  const g = gaussianMatrix(b, n, seed);
  return matrix(b, n, Float32Array.from(g.data));
}

export const toTensor2D = float32Tensor;
export const fromTensor2D = hostMatrix;

/** ‖apply(op, X) − X·oracleᵀ‖_F / ‖X‖_F, with the batch run on the backend (transposed: X·oracle). */
export async function applyError(op: LinearOperator, oracle: Matrix, x: Matrix, transposed = false): Promise<number> {
  const xt = toTensor2D(x);
  const yt = transposed ? applyTranspose(op, xt) : apply(op, xt);
  const y = await fromTensor2D(yt);
  xt.dispose();
  yt.dispose();
  const expected = transposed ? matmul(x, oracle) : matmul(x, transposeM(oracle));
  const norm = frobeniusNorm(x);
  return frobeniusNorm(subtract(y, expected)) / (norm === 0 ? 1 : norm);
}

/** ‖a − b‖_F / scale, scale ≥ tiny. */
export function relativeDifference(a: Matrix, b: Matrix, scale: number): number {
  return frobeniusNorm(subtract(a, b)) / Math.max(scale, Number.MIN_VALUE);
}

/**
 * Tolerance for a float64 chain of `depth` products with inner sizes ≤ n, relative to the product of
 * the operands' Frobenius norms: each product adds γ_n ≤ n·ε₆₄ (ε = 2u gives a factor 2 of slack).
 */
export function float64Tolerance(n: number, depth: number): number {
  return EPS64 * Math.max(n, 1) * Math.max(depth, 1);
}

/** The oracle with one entry moved by 1 % of ‖A‖_F (at least 1e-2): a control that must fail. */
export function perturbed(oracle: Matrix, seed: number): Matrix {
  const out = matrix(oracle.rows, oracle.cols, oracle.data);
  const i = seed % out.data.length;
  out.data[i] += Math.max(1e-2 * frobeniusNorm(oracle), 1e-2);
  return out;
}

/** The block-diagonal matrix on R[C, H, W] whose entry (c,i,j) ← (c,p,q) is entry(c, i, j, p, q). */
function perChannelOracle(g: { channels: number; height: number; width: number }, entry: (c: number, i: number, j: number, p: number, q: number) => number): Matrix {
  const { channels, height, width } = g;
  const n = channels * height * width;
  const m = matrix(n, n);
  for (let c = 0; c < channels; c++)
    for (let p = 0; p < height; p++)
      for (let q = 0; q < width; q++)
        for (let i = 0; i < height; i++) for (let j = 0; j < width; j++) m.data[((c * height + i) * width + j) * n + (c * height + p) * width + q] = entry(c, i, j, p, q);
  return m;
}

/**
 * The dense float64 matrix of op by the textbook formula of each kind, independent of the code under
 * test: Householder as the explicit product of I − 2vvᵀ, Cayley by an explicit inverse, the projector
 * as B(BᵀB)⁻¹Bᵀ (no QR), composites by dense products and sums.
 */
export function oracleOf(op: LinearOperator): Matrix {
  switch (op.kind) {
    case "dense":
      return op.matrix;
    case "diagonal": {
      // rows×cols with dᵢ at (i, i).
      const m = matrix(op.rows, op.cols);
      op.diag.forEach((d, i) => (m.data[i * op.cols + i] = d));
      return m;
    }
    case "identity":
      return identityMatrix(op.rows);
    case "scaled_identity":
      return scale(identityMatrix(op.rows), op.scale);
    case "lowrank":
      return matmul(op.u, transposeM(op.v));
    case "identity_plus_lowrank":
      return add(scale(identityMatrix(op.rows), op.alpha), matmul(op.u, transposeM(op.v)));
    case "orthogonal": {
      const n = op.rows;
      if (op.form.type === "cayley") {
        const w = op.form.weight;
        const sk = subtract(w, transposeM(w));
        return matmul(inverse(subtract(identityMatrix(n), sk)), add(identityMatrix(n), sk));
      }
      let q = identityMatrix(n);
      const vs = op.form.vectors;
      for (let i = 0; i < vs.rows; i++) {
        const v = matrix(n, 1, vs.data.subarray(i * n, (i + 1) * n));
        const nv = frobeniusNorm(v);
        const h = subtract(identityMatrix(n), scale(matmul(v, transposeM(v)), 2 / (nv * nv)));
        q = matmul(q, h);
      }
      return q;
    }
    case "svd_factored":
      return matmul(matmul(op.u, diagonalMatrix(op.s)), transposeM(op.v));
    case "projector": {
      const b = op.basis;
      return matmul(matmul(b, inverse(matmul(transposeM(b), b))), transposeM(b));
    }
    case "time_conditioned":
    case "indexed_depthwise_conv":
      throw new Error("oracleOf: evaluate at(op, t) first");
    case "depthwise_conv":
      // The Toeplitz formula: input pixel (c, p, q) reaches output (c, i, j) through tap
      // (p − i + padTop, q − j + padLeft) when that tap exists.
      return perChannelOracle(op.geometry, (c, i, j, p, q) => {
        const { size } = op.geometry;
        const a = p - i + op.padTop;
        const b = q - j + op.padLeft;
        return a < 0 || a >= size || b < 0 || b >= size ? 0 : op.kernel[(c * size + a) * size + b];
      });
    case "kronecker": {
      // The textbook formula, row-major: entry (p·q₁ + q, i·c₁ + j) = A[p, i]·B[q, j].
      const a = oracleOf(op.a);
      const b = oracleOf(op.b);
      const m = matrix(op.rows, op.cols);
      for (let p = 0; p < a.rows; p++)
        for (let i = 0; i < a.cols; i++)
          for (let q = 0; q < b.rows; q++) for (let j = 0; j < b.cols; j++) m.data[(p * b.rows + q) * op.cols + i * b.cols + j] = a.data[p * a.cols + i] * b.data[q * b.cols + j];
      return m;
    }
    case "circulant_conv":
      // The circulant formula: input pixel (c, p, q) reaches output (c, i, j) through the kernel
      // offset ((p − i) mod H, (q − j) mod W).
      return perChannelOracle(op.geometry, (c, i, j, p, q) => {
        const { height, width } = op.geometry;
        return op.kernel[(c * height + ((p - i + height) % height)) * width + ((q - j + width) % width)];
      });
    case "product":
      return op.factors.map(oracleOf).reduce((a, b) => matmul(a, b));
    case "sum":
      return op.terms.map(oracleOf).reduce((a, b) => add(a, b));
    case "scaled":
      return scale(oracleOf(op.inner), op.scale);
    case "transposed":
      return transposeM(oracleOf(op.inner));
    case "iterative_pinv":
      return densePinv(oracleOf(op.inner)).pinv; // LAPACK's SVD-based pinv, independent of LSQR
  }
}

export function condition(m: Matrix): number {
  const { s } = denseSvd(m);
  return s[0] / s[s.length - 1];
}

/**
 * How much an oracle formula amplifies float64 rounding: the projector oracle inverts BᵀB (κ(B)²),
 * the Cayley oracle inverts I − S (κ(I − S)); the other formulas are plain products (1). Composites
 * take the worst of their parts.
 */
export function oracleConditioning(op: LinearOperator): number {
  switch (op.kind) {
    case "projector":
      return condition(op.basis) ** 2;
    case "orthogonal": {
      if (op.form.type !== "cayley") return 1;
      const w = op.form.weight;
      return condition(subtract(identityMatrix(w.rows), subtract(w, transposeM(w))));
    }
    case "product":
      return Math.max(...op.factors.map(oracleConditioning));
    case "sum":
      return Math.max(...op.terms.map(oracleConditioning));
    case "scaled":
    case "transposed":
      return oracleConditioning(op.inner);
    default:
      return 1;
  }
}

/** The magnitude float64 rounding is relative to: the factor-level scale of the rounding model, or ‖A‖_F. */
export function magnitude(op: LinearOperator): number {
  return Math.max(roundingModel(op).scale, frobeniusNorm(oracleOf(op)), 1);
}
