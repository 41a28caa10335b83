// One policy over either backend: input checks, the singularity rule, solves and inverses from LU
// factors, the symmetric check for eigh, and pinv from the SVD. Only arithmetic differs between the
// js and native kernels; every error, cut-off and ordering is decided here.
import { LinalgError } from "./errors.js";
import { maxAbs, requireProductShapes } from "./arithmetic.js";
import { identityMatrix, matrix, type Matrix } from "./matrix.js";
import type { EighResult, LinalgBackendName, LinalgKernels, PackedLu, QrResult, SvdResult } from "./kernels.js";

/** The float64 machine epsilon, 2⁻⁵². */
export const FLOAT64_EPS = 2.220446049250313e-16;

/** An LU factorisation with partial pivoting, P·A = L·U. */
export interface LuResult {
  /** n×n unit lower triangular. */
  readonly l: Matrix;
  /** n×n upper triangular. */
  readonly u: Matrix;
  /** P·A = L·U where row i of P·A is row perm[i] of A. */
  readonly perm: Int32Array;
  /** det(P); det(A) = sign·∏ diag(U). */
  readonly sign: 1 | -1;
  /** L and U packed in one matrix as LAPACK stores them (for repeated solves). */
  readonly packed: Matrix;
}

/** Which triangle of T holds the system, and whether its diagonal is ones. */
export interface TriangularSolveOptions {
  readonly lower: boolean;
  /** Treat the diagonal as ones (it is not read). */
  readonly unitDiagonal?: boolean;
}

/** A pseudo-inverse with its numerical rank and the cut-off used. */
export interface PinvResult {
  /** n×m Moore–Penrose pseudo-inverse. */
  readonly pinv: Matrix;
  /** Number of singular values above `cutoff`. */
  readonly rank: number;
  /** Absolute cut-off: singular values ≤ cutoff are treated as zero. */
  readonly cutoff: number;
  /** σ_max/σ_min over all min(m, n) singular values; Infinity when σ_min = 0 (0 for an empty matrix). */
  readonly condition: number;
}

/** Dense float64 linear algebra on one backend (js or native); the top-level functions use the active one. */
export interface Linalg {
  readonly backend: LinalgBackendName;
  /** A·B. */
  matmul(a: Matrix, b: Matrix): Matrix;
  /** Householder QR, economy size. */
  qr(a: Matrix): QrResult;
  /** P·A = L·U with partial pivoting. */
  lu(a: Matrix): LuResult;
  /** X with A·X = B from lu(A)'s factors: for many solves against one matrix. */
  luSolve(factors: LuResult, b: Matrix): Matrix;
  /** X with A·X = B, A square and nonsingular. */
  solve(a: Matrix, b: Matrix): Matrix;
  /** A⁻¹, A square and nonsingular. */
  inverse(a: Matrix): Matrix;
  /** X with T·X = B, T triangular. */
  triangularSolve(t: Matrix, b: Matrix, options: TriangularSolveOptions): Matrix;
  /** Symmetric eigendecomposition, values ascending. */
  eigh(a: Matrix): EighResult;
  /** Thin SVD, singular values descending. */
  svd(a: Matrix): SvdResult;
  /** rcond is relative to σ_max; default max(m, n)·ε as numpy and LAPACK use. */
  pinv(a: Matrix, rcond?: number): PinvResult;
}

function requireFinite(op: string, a: Matrix): void {
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i])) {
      const row = Math.floor(i / a.cols);
      throw new LinalgError("LIN1044", `${op}: element (${row}, ${i - row * a.cols}) is ${a.data[i]}`);
    }
  }
}

function requireSquare(op: string, a: Matrix): void {
  if (a.rows !== a.cols) throw new LinalgError("LIN1041", `${op}: needs a square matrix, got [${a.rows}, ${a.cols}]`);
}

/**
 * The singularity rule, the same on both paths: a diagonal entry d of a triangular factor T (n×n) with
 * |d| ≤ n·ε·max|T_ij| is zero to working precision. LAPACK only flags exact zeros, which rounding
 * almost never produces; this threshold is the size of the rounding error in the factor itself.
 */
export function singularDiagonal(t: Matrix): number | undefined {
  const n = t.rows;
  const threshold = n * FLOAT64_EPS * maxAbs(t);
  for (let i = 0; i < n; i++) {
    const d = Math.abs(t.data[i * n + i]);
    if (d === 0 || d <= threshold) return i;
  }
  return undefined;
}

function checkedLuFactor(kernels: LinalgKernels, op: string, a: Matrix): PackedLu {
  requireSquare(op, a);
  requireFinite(op, a);
  const f = kernels.luFactor(a);
  // max|U| over the upper triangle: the scale the pivots' rounding errors are measured against.
  const n = a.rows;
  const u = matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) u.data[i * n + j] = f.packed.data[i * n + j];
  const bad = singularDiagonal(u);
  if (bad !== undefined) {
    throw new LinalgError("LIN1043", `${op}: [${n}, ${n}] matrix is singular to working precision (pivot ${bad} is ${f.packed.data[bad * n + bad]})`);
  }
  return f;
}

/** X with A·X = B from P·A = L·U: permute B's rows, then two triangular solves. */
function solveFromLu(kernels: LinalgKernels, f: PackedLu, b: Matrix): Matrix {
  const n = f.packed.rows;
  const pb = matrix(n, b.cols);
  for (let i = 0; i < n; i++) pb.data.set(b.data.subarray(f.perm[i] * b.cols, (f.perm[i] + 1) * b.cols), i * b.cols);
  const y = kernels.triangularSolve(f.packed, pb, true, true);
  return kernels.triangularSolve(f.packed, y, false, false);
}

function symmetrizedOrThrow(a: Matrix): Matrix {
  const n = a.rows;
  const scale = maxAbs(a);
  // Inputs built as BᵀB or (M + Mᵀ)/2 in float64 are symmetric to a few ulps; a larger asymmetry is a bug upstream.
  const tolerance = Math.sqrt(FLOAT64_EPS) * scale;
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = a.data[i * n + j];
      const y = a.data[j * n + i];
      if (Math.abs(x - y) > tolerance) {
        throw new LinalgError("LIN1045", `eigh: a(${i}, ${j}) = ${x} but a(${j}, ${i}) = ${y}`);
      }
      const mean = 0.5 * (x + y);
      out.data[i * n + j] = mean;
      out.data[j * n + i] = mean;
    }
  }
  return out;
}

export function linalgOf(kernels: LinalgKernels): Linalg {
  const lu = (a: Matrix): LuResult => {
    const f = checkedLuFactor(kernels, "lu", a);
    const n = a.rows;
    const l = identityMatrix(n);
    const u = matrix(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = f.packed.data[i * n + j];
        if (j < i) l.data[i * n + j] = v;
        else u.data[i * n + j] = v;
      }
    }
    return { l, u, perm: f.perm, sign: f.sign, packed: f.packed };
  };

  const svd = (a: Matrix): SvdResult => {
    requireFinite("svd", a);
    return kernels.svd(a);
  };

  return {
    backend: kernels.name,
    matmul(a, b) {
      requireProductShapes(a, b);
      return kernels.matmul(a, b);
    },
    qr(a) {
      requireFinite("qr", a);
      return kernels.qr(a);
    },
    lu,
    luSolve(factors, b) {
      if (b.rows !== factors.packed.rows) {
        throw new LinalgError("LIN1041", `luSolve: factors are [${factors.packed.rows}, ${factors.packed.rows}] but B has ${b.rows} rows`);
      }
      requireFinite("luSolve", b);
      return solveFromLu(kernels, factors, b);
    },
    solve(a, b) {
      if (b.rows !== a.rows) {
        throw new LinalgError("LIN1041", `solve: A is [${a.rows}, ${a.cols}] but B has ${b.rows} rows`);
      }
      requireFinite("solve", b);
      return solveFromLu(kernels, checkedLuFactor(kernels, "solve", a), b);
    },
    inverse(a) {
      return solveFromLu(kernels, checkedLuFactor(kernels, "inverse", a), identityMatrix(a.rows));
    },
    triangularSolve(t, b, options) {
      requireSquare("triangularSolve", t);
      if (b.rows !== t.rows) {
        throw new LinalgError("LIN1041", `triangularSolve: T is [${t.rows}, ${t.cols}] but B has ${b.rows} rows`);
      }
      requireFinite("triangularSolve", t);
      requireFinite("triangularSolve", b);
      const unit = options.unitDiagonal ?? false;
      if (!unit) {
        // Only the triangle that will be read counts towards the scale.
        const n = t.rows;
        const tri = matrix(n, n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) if (options.lower ? j <= i : j >= i) tri.data[i * n + j] = t.data[i * n + j];
        }
        const bad = singularDiagonal(tri);
        if (bad !== undefined) {
          throw new LinalgError("LIN1043", `triangularSolve: diagonal entry ${bad} is ${t.data[bad * n + bad]}`);
        }
      }
      return kernels.triangularSolve(t, b, options.lower, unit);
    },
    eigh(a) {
      requireSquare("eigh", a);
      requireFinite("eigh", a);
      return kernels.eigh(symmetrizedOrThrow(a));
    },
    svd,
    pinv(a, rcond) {
      const m = a.rows;
      const n = a.cols;
      const relative = rcond ?? Math.max(m, n) * FLOAT64_EPS;
      if (!(relative >= 0)) throw new LinalgError("LIN1042", `pinv: rcond must be ≥ 0, got ${relative}`);
      const { u, s, v } = svd(a);
      const k = s.length;
      const sMax = k > 0 ? s[0] : 0;
      const cutoff = relative * sMax;
      let rank = 0;
      while (rank < k && s[rank] > cutoff) rank++;
      // A⁺ = V_r·diag(1/σ)·U_rᵀ: scale the first r columns of V, then one product with U_rᵀ.
      const vScaled = matrix(n, rank);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < rank; j++) vScaled.data[i * rank + j] = v.data[i * k + j] / s[j];
      }
      const uT = matrix(rank, m);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < rank; j++) uT.data[j * m + i] = u.data[i * k + j];
      }
      const pinv = rank === 0 ? matrix(n, m) : kernels.matmul(vScaled, uT);
      const sMin = k > 0 ? s[k - 1] : 0;
      const condition = k === 0 ? 0 : sMin === 0 ? Infinity : sMax / sMin;
      return { pinv, rank, cutoff, condition };
    },
  };
}
