// Seeded, reproducible initialisation of every parametrised kind. The same (shape, seed) always gives
// the same float64 parameters, on every machine: the QR behind orthonormal columns is the TypeScript
// one, named explicitly rather than the active backend (as network/host_lu.ts does), so building the
// LAPACK addon or not cannot change a model's initial weights. Scales keep ‖A·x‖ ≈ ‖x‖ for x with
// unit-variance entries.
import { OperatorError } from "./errors.js";
import { matrix, type Matrix } from "./host.js";
import {
  cayley,
  dense,
  diagonal,
  householder,
  identityPlusLowRank,
  lowRank,
  projector,
  svdFactored,
  type Dense,
  type Diagonal,
  type IdentityPlusLowRank,
  type LowRank,
  type Orthogonal,
  type Projector,
  type SvdFactored,
} from "./kinds.js";
import { jsLinalg } from "../linalg/index.js";
import { seededRandom, type Random } from "../random.js";

/** How `randomDense` initialises: gaussian, orthogonal, identity or zeros. */
export type DenseInit = "gaussian" | "orthogonal" | "identity" | "zeros";

function gaussian(random: Random, rows: number, cols: number, std: number): Matrix {
  const m = matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = std * random.normal();
  return m;
}

function checkRank(what: string, rank: number, limit: number): void {
  if (!Number.isInteger(rank) || rank < 0 || rank > limit) {
    throw new OperatorError("LIN1004", `${what}: rank must be an integer in [0, ${limit}], got ${rank}`);
  }
}

/**
 * Orthonormal columns: the Q of a Gaussian rows×cols matrix (rows ≥ cols) with diag(R) > 0, which
 * makes Q unique for a full-rank matrix (no dependence on the QR method's reflector signs) and
 * Haar-distributed (Mezzadri 2007).
 */
function orthonormalColumns(random: Random, rows: number, cols: number): Matrix {
  if (cols === 0) return matrix(rows, 0);
  const { q, r } = jsLinalg.qr(gaussian(random, rows, cols, 1));
  const out = matrix(rows, cols, Float64Array.from(q.data));
  for (let j = 0; j < cols; j++) {
    if (r.data[j * r.cols + j] >= 0) continue;
    for (let i = 0; i < rows; i++) out.data[i * cols + j] = -out.data[i * cols + j];
  }
  return out;
}

/** A seeded rows×cols dense operator. */
export function randomDense(rows: number, cols: number, seed: number, init: DenseInit = "gaussian"): Dense {
  const random = seededRandom(seed);
  switch (init) {
    case "gaussian":
      return dense(gaussian(random, rows, cols, 1 / Math.sqrt(Math.max(cols, 1))));
    case "zeros":
      return dense(matrix(rows, cols));
    case "identity": {
      const m = matrix(rows, cols);
      for (let i = 0; i < Math.min(rows, cols); i++) m.data[i * cols + i] = 1;
      return dense(m);
    }
    case "orthogonal": {
      // Orthonormal columns (rows ≥ cols) or rows (rows < cols).
      if (rows >= cols) return dense(orthonormalColumns(random, rows, cols));
      const q = orthonormalColumns(random, cols, rows);
      const t = matrix(rows, cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t.data[i * cols + j] = q.data[j * rows + i];
      return dense(t);
    }
  }
}

/** diag(1 + 0.1·N(0, 1)): near the identity, with distinct entries. */
export function randomDiagonal(n: number, seed: number): Diagonal {
  const random = seededRandom(seed);
  return diagonal(Array.from({ length: n }, () => 1 + 0.1 * random.normal()));
}

/** U, V with N(0, 1/√n) entries scaled so U·Vᵀ·x has the size of x. */
export function randomLowRank(rows: number, cols: number, rank: number, seed: number): LowRank {
  checkRank("lowrank", rank, Math.min(rows, cols));
  const random = seededRandom(seed);
  const std = 1 / Math.sqrt(Math.sqrt(Math.max(rows, 1) * Math.max(rank, 1)));
  return lowRank(gaussian(random, rows, rank, std), gaussian(random, cols, rank, std));
}

/** I + U·Vᵀ with a small low-rank part (entries of U·Vᵀ of order 0.1/√n): close to the identity. */
export function randomIdentityPlusLowRank(n: number, rank: number, seed: number): IdentityPlusLowRank {
  checkRank("identity_plus_lowrank", rank, n);
  const random = seededRandom(seed);
  const std = Math.sqrt(0.1 / (Math.max(n, 1) * Math.sqrt(Math.max(rank, 1))));
  return identityPlusLowRank(gaussian(random, n, rank, std), gaussian(random, n, rank, std));
}

/** Householder: `reflectors` Gaussian normals (n by default, which reaches every orthogonal matrix). */
export function randomHouseholder(n: number, seed: number, reflectors = n): Orthogonal {
  if (n === 0 || reflectors === 0) {
    return { kind: "orthogonal", rows: n, cols: n, form: { type: "householder", vectors: matrix(0, n) } };
  }
  return householder(gaussian(seededRandom(seed), reflectors, n, 1));
}

/** Cayley with W ~ N(0, 1/n): Q near I for small n, spread over SO(n) as the weight grows. */
export function randomCayley(n: number, seed: number): Orthogonal {
  return cayley(gaussian(seededRandom(seed), n, n, 1 / Math.sqrt(Math.max(n, 1))));
}

/** Haar-like U and V, singular values 1 + |N(0, 1)| so the operator is well conditioned. */
export function randomSvdFactored(rows: number, cols: number, rank: number, seed: number): SvdFactored {
  checkRank("svd_factored", rank, Math.min(rows, cols));
  const random = seededRandom(seed);
  const u = orthonormalColumns(random, rows, rank);
  const v = orthonormalColumns(random, cols, rank);
  return svdFactored(
    u,
    Array.from({ length: rank }, () => 1 + Math.abs(random.normal())),
    v,
  );
}

/** The projector onto the span of a Gaussian n×r basis. */
export function randomProjector(n: number, rank: number, seed: number): Projector {
  checkRank("projector", rank, n);
  return projector(gaussian(seededRandom(seed), n, rank, 1));
}
