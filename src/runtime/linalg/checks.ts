// Measures of how far a factorisation is from exact, shared by tests, benchmarks and callers that want
// to verify a result. Each returns the violation (a relative size), so a caller compares it with a
// tolerance it derives from ε, the size and the conditioning.
import { frobeniusNorm, matmulJs, subtract, transpose } from "./arithmetic.js";
import { identityMatrix, matrix, type Matrix } from "./matrix.js";

/** ‖A − U·diag(s)·Vᵀ‖_F / ‖A‖_F (0 for A = 0 reconstructed exactly). */
export function reconstructionError(a: Matrix, u: Matrix, s: Float64Array, v: Matrix): number {
  const k = s.length;
  const us = matrix(u.rows, k);
  for (let i = 0; i < u.rows; i++) for (let j = 0; j < k; j++) us.data[i * k + j] = u.data[i * k + j] * s[j];
  const diff = frobeniusNorm(subtract(a, matmulJs(us, transpose(v))));
  const norm = frobeniusNorm(a);
  return norm === 0 ? diff : diff / norm;
}

/** max |QᵀQ − I|: 0 for exactly orthonormal columns. */
export function orthogonalityError(q: Matrix): number {
  const g = subtract(matmulJs(transpose(q), q), identityMatrix(q.cols));
  let worst = 0;
  for (let i = 0; i < g.data.length; i++) worst = Math.max(worst, Math.abs(g.data[i]));
  return worst;
}

/** ‖A·B − C‖_F / (‖A‖_F·‖B‖_F): a residual normalised by the size rounding can reach. */
export function productResidual(a: Matrix, b: Matrix, c: Matrix): number {
  const scale = frobeniusNorm(a) * frobeniusNorm(b);
  const diff = frobeniusNorm(subtract(matmulJs(a, b), c));
  return scale === 0 ? diff : diff / scale;
}

/** How far X is from A's pseudo-inverse in each of the four Penrose conditions. */
export interface PenroseViolations {
  /** ‖A·X·A − A‖ / ‖A‖ */
  readonly axa: number;
  /** ‖X·A·X − X‖ / ‖X‖ */
  readonly xax: number;
  /** ‖(A·X)ᵀ − A·X‖ / ‖A·X‖ */
  readonly axSymmetric: number;
  /** ‖(X·A)ᵀ − X·A‖ / ‖X·A‖ */
  readonly xaSymmetric: number;
  /** The largest of the four. */
  readonly worst: number;
}

function relative(diff: Matrix, scaleOf: Matrix): number {
  const scale = frobeniusNorm(scaleOf);
  const d = frobeniusNorm(diff);
  return scale === 0 ? d : d / scale;
}

/** How far X is from satisfying the four Moore–Penrose conditions for A (all norms Frobenius). */
export function penroseViolations(a: Matrix, x: Matrix): PenroseViolations {
  const ax = matmulJs(a, x);
  const xa = matmulJs(x, a);
  const axa = relative(subtract(matmulJs(ax, a), a), a);
  const xax = relative(subtract(matmulJs(xa, x), x), x);
  const axSymmetric = relative(subtract(transpose(ax), ax), ax);
  const xaSymmetric = relative(subtract(transpose(xa), xa), xa);
  return { axa, xax, axSymmetric, xaSymmetric, worst: Math.max(axa, xax, axSymmetric, xaSymmetric) };
}
