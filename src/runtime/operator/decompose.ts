// Pseudo-inverse and SVD. Exact from the factors where the structure gives them; otherwise the dense
// float64 routines of ../linalg on the materialised matrix, with the relative cut-off
// σ_max·max(m, n)·ε and the numerical rank reported.
import { OperatorError } from "./errors.js";
import { seededRandom } from "../random.js";
import {
  FLOAT64_EPS,
  columns,
  concatColumns,
  densePinv,
  denseSvd,
  identityMatrix,
  matmul,
  matrix,
  scaleColumns,
  scaleMatrix,
  thinQr,
  transposeMatrix,
  transposeTimes,
  type Matrix,
} from "./host.js";
import { materialise } from "./hostApply.js";
import { circulantTriplets, pinvCirculant, singularValuesCirculant } from "./circulantConv.js";
import { kroneckerColumn } from "./kronecker.js";
import {
  needsTime,
  projectorFromOrthonormal,
  shapeOf,
  type CirculantConv,
  type Kronecker,
  type LinearOperator,
  type Projector,
  type ScaledIdentity,
  type SvdFactored,
} from "./kinds.js";
import { transpose } from "./transpose.js";
import { DENSE_SVD_LIMIT, decompositionRoute } from "./route.js";
import { asMatrixFree, topSvd } from "./matrixFree/index.js";
import { MACHINE_EPSILON, precisionOf, type Precision } from "./precision.js";

/** How a decomposition was computed: from the structure (exact) or from the dense matrix. */
export type DecompositionMethod = "structured" | "dense" | "matrix-free";

/** An operator's thin SVD with its numerical rank and cut-off. */
export interface SvdResult {
  /** rows×k, orthonormal columns. */
  readonly u: Matrix;
  /** k singular values, descending, ≥ 0. */
  readonly s: Float64Array;
  /** cols×k, orthonormal columns: A = u·diag(s)·vᵀ. */
  readonly v: Matrix;
  /** Number of singular values above the cut-off. */
  readonly rank: number;
  /** σ_max·max(m, n)·ε, ε of `precision`. */
  readonly cutoff: number;
  readonly method: DecompositionMethod;
  /** The precision whose ε the cut-off uses: that the operator's values were stored in (precision.ts). */
  readonly precision: Precision;
}

/** An operator's pseudo-inverse, as an operator, with its numerical rank and cut-off. */
export interface PinvResult {
  readonly operator: LinearOperator;
  /** The numerical rank; NaN on the matrix-free route (an iterative_pinv), where it is not computed. */
  readonly rank: number;
  /** NaN on the matrix-free route, as rank. */
  readonly cutoff: number;
  readonly method: DecompositionMethod;
  /** As SvdResult's. */
  readonly precision: Precision;
}

function relativeCutoff(sigmaMax: number, rows: number, cols: number, precision: Precision = "float64"): number {
  return sigmaMax * Math.max(rows, cols) * MACHINE_EPSILON[precision];
}

function rankAbove(s: Float64Array, cutoff: number): number {
  let rank = 0;
  for (const x of s) if (x > cutoff) rank++;
  return rank;
}

function requireTimeFree(what: string, op: LinearOperator): void {
  if (needsTime(op)) throw new OperatorError("LIN1007", `${what}: ${shapeOf(op)} needs a time: use at(op, t) first`);
}

/** Orders the triplets of U·diag(s)·Vᵀ by |s| descending and moves signs into U. */
function normalised(u: Matrix, s: ArrayLike<number>, v: Matrix, method: DecompositionMethod, rows: number, cols: number, precision: Precision = "float64"): SvdResult {
  const order = Array.from({ length: s.length }, (_, i) => i).sort((i, j) => Math.abs(s[j]) - Math.abs(s[i]));
  const k = order.length;
  const uOut = matrix(u.rows, k);
  const vOut = matrix(v.rows, k);
  const sOut = new Float64Array(k);
  order.forEach((src, dst) => {
    const sign = s[src] < 0 ? -1 : 1;
    sOut[dst] = Math.abs(s[src]);
    for (let i = 0; i < u.rows; i++) uOut.data[i * k + dst] = sign * u.data[i * u.cols + src];
    for (let i = 0; i < v.rows; i++) vOut.data[i * k + dst] = v.data[i * v.cols + src];
  });
  const cutoff = relativeCutoff(sOut[0] ?? 0, rows, cols, precision);
  return { u: uOut, s: sOut, v: vOut, rank: rankAbove(sOut, cutoff), cutoff, method, precision };
}

/** U·Vᵀ = (Q_u R_u)(Q_v R_v)ᵀ = Q_u·(R_u R_vᵀ)·Q_vᵀ; an SVD W·Σ·Zᵀ of the small core gives (Q_u W)·Σ·(Q_v Z)ᵀ. */
function lowRankSvd(u: Matrix, v: Matrix, rows: number, cols: number, precision: Precision = "float64"): SvdResult {
  if (u.cols === 0) return { u: matrix(rows, 0), s: new Float64Array(0), v: matrix(cols, 0), rank: 0, cutoff: 0, method: "structured", precision };
  const qu = thinQr(u);
  const qv = thinQr(v);
  const core = denseSvd(matmul(qu.r, transposeMatrix(qv.r)));
  return normalised(matmul(qu.q, core.u), core.s, matmul(qv.q, core.v), "structured", rows, cols, precision);
}

/** The top-k SVD of a circular convolution from its Fourier modes (circulantConv.ts); rank over all D values. */
function circulantSvd(op: CirculantConv, k: number, precision: Precision): SvdResult {
  const { u, s, v, all } = circulantTriplets(op, k);
  const cutoff = relativeCutoff(
    all.reduce((m, x) => Math.max(m, x), 0),
    op.rows,
    op.cols,
    precision,
  );
  return { u, s, v, rank: rankAbove(all, cutoff), cutoff, method: "structured", precision };
}

/**
 * The top-k SVD of A ⊗ B from the factors' thin SVDs: (U_A ⊗ U_B)(Σ_A ⊗ Σ_B)(V_A ⊗ V_B)ᵀ, so the
 * singular values are the products σᵢ(A)·σⱼ(B) and the vectors the Kronecker products of the factors'
 * (orthonormal: (U ⊗ U')ᵀ(U ⊗ U') = UᵀU ⊗ U'ᵀU' = I). Only the k chosen columns are formed.
 */
function kroneckerSvd(op: Kronecker, k: number, precision: Precision): SvdResult {
  return kroneckerDecomposition(op, k, precision).result;
}

/** kroneckerSvd's result and all the products σᵢ(A)·σⱼ(B), descending (the factors' SVDs taken once). */
function kroneckerDecomposition(op: Kronecker, k: number, precision: Precision): { result: SvdResult; all: Float64Array } {
  const a = svd(op.a, precision);
  const b = svd(op.b, precision);
  const pairs: { i: number; j: number; s: number }[] = [];
  for (let i = 0; i < a.s.length; i++) for (let j = 0; j < b.s.length; j++) pairs.push({ i, j, s: a.s[i] * b.s[j] });
  pairs.sort((x, y) => y.s - x.s);
  const count = Math.min(k, pairs.length);
  const u = matrix(op.rows, count);
  const v = matrix(op.cols, count);
  const s = new Float64Array(count);
  pairs.slice(0, count).forEach((pair, t) => {
    s[t] = pair.s;
    kroneckerColumn(a.u, pair.i, b.u, pair.j, u, t);
    kroneckerColumn(a.v, pair.i, b.v, pair.j, v, t);
  });
  const all = Float64Array.from(pairs, (pair) => pair.s);
  const cutoff = relativeCutoff(all[0] ?? 0, op.rows, op.cols, precision);
  const method = a.method === "structured" && b.method === "structured" ? "structured" : "dense";
  return { result: { u, s, v, rank: rankAbove(all, cutoff), cutoff, method, precision }, all };
}

/** The cut-off σ_max·max(m, n)·ε of a circular convolution, σ_max = max |λ|. */
function circulantCutoff(op: CirculantConv, precision: Precision): number {
  return relativeCutoff(
    singularValuesCirculant(op).reduce((m, x) => Math.max(m, x), 0),
    op.rows,
    op.cols,
    precision,
  );
}

/**
 * The k largest singular triplets of op (k clamped to [0, min(rows, cols)]); rank and cut-off as svd()'s,
 * over all singular values. A circular convolution gives them from its Fourier modes without forming
 * a D×D matrix (R[3, 256, 256]: D = 196,608); other kinds truncate svd().
 */
export function svdTop(op: LinearOperator, k: number, precision: Precision = precisionOf(op)): SvdResult {
  requireTimeFree("svd", op);
  const count = Math.max(0, Math.min(Math.floor(k), op.rows, op.cols));
  if (op.kind === "circulant_conv") return circulantSvd(op, count, precision);
  if (op.kind === "kronecker") return kroneckerSvd(op, count, precision);
  const full = svd(op, precision);
  if (full.s.length <= count) return full;
  return { ...full, u: columns(full.u, 0, count), s: full.s.slice(0, count), v: columns(full.v, 0, count) };
}

function denseSvdResult(op: LinearOperator, precision: Precision): SvdResult {
  const { u, s, v } = denseSvd(materialise(op));
  return normalised(u, s, v, "dense", op.rows, op.cols, precision);
}

/** The SVD of op, its rank cut off at σ_max·max(m, n)·ε with ε of `precision` (default: what op was stored in). */
export function svd(op: LinearOperator, precision: Precision = precisionOf(op)): SvdResult {
  requireTimeFree("svd", op);
  const { rows, cols } = op;
  switch (op.kind) {
    case "identity":
      return normalised(identityMatrix(rows), new Float64Array(rows).fill(1), identityMatrix(cols), "structured", rows, cols, precision);
    case "scaled_identity":
      return normalised(identityMatrix(rows), new Float64Array(rows).fill(op.scale), identityMatrix(cols), "structured", rows, cols, precision);
    case "diagonal":
      return normalised(identityMatrix(rows), op.diag, identityMatrix(cols), "structured", rows, cols, precision);
    case "orthogonal":
      return normalised(materialise(op), new Float64Array(rows).fill(1), identityMatrix(cols), "structured", rows, cols, precision);
    case "projector":
      return normalised(op.q, new Float64Array(op.q.cols).fill(1), op.q, "structured", rows, cols, precision);
    case "svd_factored":
      return normalised(op.u, op.s, op.v, "structured", rows, cols, precision);
    case "lowrank":
      return lowRankSvd(op.u, op.v, rows, cols, precision);
    case "circulant_conv":
      return circulantSvd(op, rows, precision);
    case "kronecker":
      return kroneckerSvd(op, Math.min(rows, cols), precision);
    default:
      return denseSvdResult(op, precision);
  }
}

/**
 * The orthogonal projector onto range(A), Q·Qᵀ with Q the left singular vectors above the rank
 * cut-off (the zero map for rank 0). Not A·A⁺: that product is a projector only up to rounding, and
 * the rounding shows as extra singular values just above the cut-off (a rank-7 projector read as rank 9).
 */
export function rangeProjector(op: LinearOperator, precision: Precision = precisionOf(op)): Projector | ScaledIdentity | CirculantConv | Kronecker {
  // A circular convolution's projector is the circular convolution with spectrum 1 where |λ| > cut-off, else 0.
  if (op.kind === "circulant_conv") return pinvCirculant(op, circulantCutoff(op, precision)).projector;
  // range(A ⊗ B) = range(A) ⊗ range(B), so its projector is P_A ⊗ P_B.
  if (op.kind === "kronecker") return { kind: "kronecker", rows: op.rows, cols: op.rows, a: rangeProjector(op.a, precision), b: rangeProjector(op.b, precision) };
  const { u, rank } = svd(op, precision);
  return rank === 0 ? { kind: "scaled_identity", rows: op.rows, cols: op.rows, scale: 0 } : projectorFromOrthonormal(columns(u, 0, rank));
}

/** Fixed seed of the completion directions: the completed SVD is deterministic. */
const COMPLETION_SEED = 0x5eed;

/** q (m×r, orthonormal columns) extended to m×k orthonormal columns; q's own columns are kept as they are. */
function completeBasis(q: Matrix, k: number): Matrix {
  const extra = k - q.cols;
  if (extra <= 0) return q;
  // A thin QR of [q | G], G Gaussian, spans q's columns first; its last columns are orthonormal to q
  // (G is almost surely independent of q when k ≤ m). linalg has no null-space routine to use instead.
  const random = seededRandom(COMPLETION_SEED);
  const g = matrix(q.rows, extra);
  for (let i = 0; i < g.data.length; i++) g.data[i] = random.normal();
  return concatColumns(q, columns(thinQr(concatColumns(q, g)).q, q.cols, k));
}

/**
 * The SVD with exactly k = min(rows, cols) triplets, as the language types `svd(f)` (`.U : R^k -> Y`,
 * `.left[i]` for i < k): the structured thin SVD of a low-rank kind has only r triplets, so its U and
 * V are completed to orthonormal k-column bases with singular values 0 (A = u·diag(s)·vᵀ still holds).
 */
export function completeSvd(op: LinearOperator, precision: Precision = precisionOf(op)): SvdResult {
  if (op.rows * op.cols > DENSE_SVD_LIMIT) {
    // k = min(m, n) vectors of length m and n: as large as the dense matrix itself.
    const k = Math.min(op.rows, op.cols);
    throw new OperatorError(
      "LIN1008",
      `svd: ${shapeOf(op)}: all ${k} singular vectors (what svd(f) types) would be ${((8 * k * (op.rows + op.cols)) / 2 ** 30).toFixed(1)} GiB; take the leading ones with \`linea svd FILE --map NAME --top K\` (leadingSvd)`,
    );
  }
  const thin = svd(op, precision);
  const k = Math.min(op.rows, op.cols);
  if (thin.s.length >= k) return thin;
  const s = new Float64Array(k);
  s.set(thin.s);
  return { ...thin, u: completeBasis(thin.u, k), s, v: completeBasis(thin.v, k) };
}

/** Σ⁺ over the kept triplets: V·diag(1/s)·Uᵀ for s above the cut-off. */
function pinvFromSvd(result: SvdResult, rows: number, cols: number): PinvResult {
  const keep = result.rank;
  const operator: SvdFactored = {
    kind: "svd_factored",
    rows: cols,
    cols: rows,
    u: columns(result.v, 0, keep),
    s: result.s.slice(0, keep).map((x) => 1 / x),
    v: columns(result.u, 0, keep),
  };
  return { operator, rank: keep, cutoff: result.cutoff, method: result.method, precision: result.precision };
}

function densePinvResult(op: LinearOperator, precision: Precision): PinvResult {
  if (decompositionRoute(op, "pinv").route === "matrix-free") {
    // Never materialise past the dense limit: A⁺ is applied by LSQR on products, per vector. Its rank
    // is not computed (NaN): that would need the whole spectrum.
    const operator: LinearOperator = { kind: "iterative_pinv", rows: op.cols, cols: op.rows, inner: op };
    return { operator, rank: Number.NaN, cutoff: Number.NaN, method: "matrix-free", precision };
  }
  const { pinv, rank, cutoff } = densePinv(materialise(op), Math.max(op.rows, op.cols) * MACHINE_EPSILON[precision]);
  return { operator: { kind: "dense", rows: pinv.rows, cols: pinv.cols, matrix: pinv }, rank, cutoff, method: "dense", precision };
}

/** Woodbury applies while the r×r core is this well conditioned: it then loses at most half the digits. */
const WOODBURY_CONDITION_LIMIT = 1 / Math.sqrt(FLOAT64_EPS);

/** op⁺, the rank cut off as svd() does (ε of `precision`, by default what op was stored in). */
export function pinv(op: LinearOperator, precision: Precision = precisionOf(op)): PinvResult {
  requireTimeFree("pinv", op);
  const { rows, cols } = op;
  switch (op.kind) {
    case "identity":
      return { operator: op, rank: rows, cutoff: relativeCutoff(1, rows, cols, precision), method: "structured", precision };
    case "scaled_identity": {
      const cutoff = relativeCutoff(Math.abs(op.scale), rows, cols, precision);
      const invertible = op.scale !== 0;
      return { operator: { ...op, scale: invertible ? 1 / op.scale : 0 }, rank: invertible ? rows : 0, cutoff, method: "structured", precision };
    }
    case "diagonal": {
      const cutoff = relativeCutoff(
        op.diag.reduce((m, d) => Math.max(m, Math.abs(d)), 0),
        rows,
        cols,
        precision,
      );
      const diag = op.diag.map((d) => (Math.abs(d) > cutoff ? 1 / d : 0));
      return { operator: { ...op, rows: cols, cols: rows, diag }, rank: rankAbove(op.diag.map(Math.abs), cutoff), cutoff, method: "structured", precision };
    }
    case "orthogonal":
      return { operator: transpose(op), rank: rows, cutoff: relativeCutoff(1, rows, cols, precision), method: "structured", precision };
    case "projector":
      return { operator: op, rank: op.q.cols, cutoff: relativeCutoff(1, rows, cols, precision), method: "structured", precision };
    case "svd_factored":
    case "lowrank":
      return pinvFromSvd(svd(op, precision), rows, cols);
    case "kronecker": {
      // (A ⊗ B)⁺ = A⁺ ⊗ B⁺ (the four Penrose conditions factor through the mixed-product rule). Each
      // factor is cut off at its own σ_max·max(m, n)·ε, so rank = rank(A)·rank(B); a product σᵢ·τⱼ
      // below the Kronecker's own cut-off with both factors above theirs is still inverted.
      const a = pinv(op.a, precision);
      const b = pinv(op.b, precision);
      const operator: Kronecker = { kind: "kronecker", rows: cols, cols: rows, a: a.operator, b: b.operator };
      const method = a.method === "structured" && b.method === "structured" ? "structured" : "dense";
      return { operator, rank: a.rank * b.rank, cutoff: Math.max(a.cutoff, b.cutoff), method, precision };
    }
    case "circulant_conv": {
      // K⁺ = F*·Λ⁺·F, Λ⁺ = 1/λ above the cut-off (K is normal): again a circular convolution.
      const cutoff = circulantCutoff(op, precision);
      const { pinv: operator, rank } = pinvCirculant(op, cutoff);
      return { operator, rank, cutoff, method: "structured", precision };
    }
    case "identity_plus_lowrank": {
      if (op.alpha === 0) return pinvFromSvd(lowRankSvd(op.u, op.v, rows, cols, precision), rows, cols);
      // Woodbury: (αI + UVᵀ)⁻¹ = (1/α)·(I − U·S⁻¹·Vᵀ) with S = αI_r + VᵀU, since
      // (αI + UVᵀ)(I − US⁻¹Vᵀ)/α = I + U·[I − (αI + VᵀU)S⁻¹]·Vᵀ/α = I.
      const r = op.u.cols;
      const core = transposeTimes(op.v, op.u);
      for (let i = 0; i < r; i++) core.data[i * r + i] += op.alpha;
      const inverse = r === 0 ? undefined : densePinv(core);
      if (inverse === undefined || (inverse.rank === r && inverse.condition <= WOODBURY_CONDITION_LIMIT)) {
        const u = inverse === undefined ? op.u : scaleMatrix(-1 / op.alpha, matmul(op.u, inverse.pinv));
        const operator: LinearOperator = { kind: "identity_plus_lowrank", rows, cols, alpha: 1 / op.alpha, u, v: op.v };
        return { operator, rank: rows, cutoff: 0, method: "structured", precision };
      }
      return densePinvResult(op, precision);
    }
    case "scaled": {
      if (op.scale === 0)
        return { operator: { kind: "scaled", rows: cols, cols: rows, scale: 0, inner: transpose(op.inner) }, rank: 0, cutoff: 0, method: "structured", precision };
      // (cA)⁺ = A⁺/c
      const inner = pinv(op.inner, precision);
      return { ...inner, operator: { kind: "scaled", rows: cols, cols: rows, scale: 1 / op.scale, inner: inner.operator } };
    }
    case "product": {
      // (Q₁⋯Q_m)⁺ = Q_m⁺⋯Q₁⁺ holds when every factor is orthogonal or a non-zero multiple of I
      // (unitarily invariant factors); in general it does not, and the dense path runs.
      const invertible = (f: LinearOperator): boolean => f.kind === "orthogonal" || f.kind === "identity" || (f.kind === "scaled_identity" && f.scale !== 0);
      if (!op.factors.every(invertible)) return densePinvResult(op, precision);
      const factors = op.factors.map((f) => pinv(f, precision).operator).reverse();
      return { operator: { kind: "product", rows: cols, cols: rows, factors }, rank: rows, cutoff: relativeCutoff(1, rows, cols, precision), method: "structured", precision };
    }
    case "iterative_pinv": // (A⁺)⁺ = A
      return { operator: op.inner, rank: Number.NaN, cutoff: Number.NaN, method: "structured", precision };
    case "transposed": {
      // (Aᵀ)⁺ = (A⁺)ᵀ
      const inner = pinv(op.inner, precision);
      return { ...inner, operator: transpose(inner.operator) };
    }
    default:
      return densePinvResult(op, precision);
  }
}

/**
 * Re-factors the low-rank part of a lowrank / svd_factored / identity_plus_lowrank operator to its
 * numerical rank (the SVD of U·Vᵀ from thin QRs, dropping singular values at or below the relative
 * cut-off). Products and sums concatenate factors, so ranks only grow (r₁ + r₂); compressing caps
 * them at the true rank, at most min(rows, cols). Other kinds are returned unchanged.
 */
export function compress(op: LinearOperator): LinearOperator {
  if (op.kind !== "lowrank" && op.kind !== "identity_plus_lowrank" && op.kind !== "svd_factored") return op;
  const { rows, cols } = op;
  const u = op.kind === "svd_factored" ? scaleColumns(op.u, op.s) : op.u;
  const result = lowRankSvd(u, op.v, rows, cols);
  const keep = result.rank;
  const left = scaleColumns(columns(result.u, 0, keep), result.s.subarray(0, keep));
  const right = columns(result.v, 0, keep);
  if (op.kind === "identity_plus_lowrank") return { ...op, u: left, v: right };
  return { kind: "lowrank", rows, cols, u: left, v: right };
}

/** The k leading singular triplets of an operator and, where known, all of its singular values. */
export interface LeadingSvd {
  /** rows×k, orthonormal columns. */
  readonly u: Matrix;
  /** The k leading singular values, descending. */
  readonly s: Float64Array;
  /** cols×k, orthonormal columns: A·vᵢ = sᵢ·uᵢ. */
  readonly v: Matrix;
  /** The singular values known, descending: all min(rows, cols) when `complete`, else the k computed. */
  readonly values: Float64Array;
  /** Whether `values` holds all min(rows, cols) singular values (structured and dense routes do; matrix-free gives the top k). */
  readonly complete: boolean;
  /** Matrix-free only: each sᵢ is within this of a distinct true singular value (topSvd's errorBound), and whether the residual target was met. */
  readonly certificate?: { readonly errorBound: number; readonly converged: boolean; readonly iterations: number; readonly products: number };
  /** Number of values above the cut-off. */
  readonly rank: number;
  /** σ_max·max(m, n)·ε, ε of `precision`. */
  readonly cutoff: number;
  readonly method: DecompositionMethod;
  readonly precision: Precision;
}

/** The leading k triplets of an SVD result, with all min(rows, cols) values (`all`, descending; default its own, zero-padded). */
function leadingOf(full: SvdResult, k: number, rows: number, cols: number, all: Float64Array = full.s): LeadingSvd {
  const keep = Math.min(k, full.s.length);
  const values = new Float64Array(Math.min(rows, cols));
  values.set(all.subarray(0, values.length));
  return { ...full, u: columns(full.u, 0, keep), s: full.s.slice(0, keep), v: columns(full.v, 0, keep), values, complete: true };
}

/**
 * α·I + U·Vᵀ (n×n, rank r) exactly, for any n, with nothing n×n formed. With W an orthonormal basis
 * of span[U | V] (thin QR, m ≤ 2r columns), α·I + U·Vᵀ = W·C·Wᵀ + α·(I − W·Wᵀ) where
 * C = α·I_m + (WᵀU)(WᵀV)ᵀ: the singular values are those of the small C and |α| repeated n − m times,
 * on the complement of W (right vectors z, left vectors sign(α)·z).
 */
function identityPlusLowRankLeading(alpha: number, u: Matrix, v: Matrix, k: number, precision: Precision): LeadingSvd {
  const n = u.rows;
  const w = thinQr(concatColumns(u, v)).q;
  const m = w.cols;
  const core = matmul(transposeTimes(w, u), transposeMatrix(transposeTimes(w, v)));
  for (let i = 0; i < m; i++) core.data[i * m + i] += alpha;
  const c = denseSvd(core);
  const bulk = Math.abs(alpha);
  // Values in descending order: the core's, with n − m copies of |α| merged in after those ≥ |α|.
  const above = c.s.findIndex((x) => x < bulk);
  const split = above < 0 ? m : above;
  const values = new Float64Array(n);
  values.set(c.s.subarray(0, split), 0);
  values.fill(bulk, split, split + n - m);
  values.set(c.s.subarray(split), split + n - m);
  // Output j in that order: core triplet j before the split, a complement vector in the bulk, then
  // core triplet j − (n − m).
  const keep = Math.min(k, n);
  const bulkCount = Math.max(0, Math.min(keep, split + n - m) - split);
  const coreU = matmul(w, c.u);
  const coreV = matmul(w, c.v);
  // Complement vectors z ⟂ W: the last columns of W completed to an orthonormal basis.
  const z = bulkCount > 0 ? columns(completeBasis(w, m + bulkCount), m, m + bulkCount) : matrix(n, 0);
  const uOut = matrix(n, keep);
  const vOut = matrix(n, keep);
  const s = new Float64Array(keep);
  const sign = alpha < 0 ? -1 : 1;
  for (let j = 0; j < keep; j++) {
    const inBulk = j >= split && j < split + bulkCount;
    const col = inBulk ? j - split : j < split ? j : j - (n - m);
    const [left, right, lsign] = inBulk ? [z, z, sign] : [coreU, coreV, 1];
    s[j] = inBulk ? bulk : c.s[col];
    for (let i = 0; i < n; i++) {
      uOut.data[i * keep + j] = lsign * left.data[i * left.cols + col];
      vOut.data[i * keep + j] = right.data[i * right.cols + col];
    }
  }
  const cutoff = relativeCutoff(values[0] ?? 0, n, n, precision);
  return { u: uOut, s, v: vOut, values, complete: true, rank: rankAbove(values, cutoff), cutoff, method: "structured", precision };
}

/**
 * The k leading singular triplets of op and all its singular values: from the structure where it gives
 * them (α·I + U·Vᵀ at any n, the low-rank and diagonal kinds), else from a dense SVD up to
 * DENSE_SVD_LIMIT entries. What `linea svd` and `linea invert` report at image scale, where the full
 * svd() would return n×n factors.
 */
export function leadingSvd(op: LinearOperator, k: number, precision: Precision = precisionOf(op)): LeadingSvd {
  requireTimeFree("svd", op);
  const { rows, cols } = op;
  if (op.kind === "identity_plus_lowrank" && 2 * op.u.cols < rows) return identityPlusLowRankLeading(op.alpha, op.u, op.v, k, precision);
  const count = Math.max(0, Math.min(Math.floor(k), rows, cols));
  // The Fourier modes / the factors' SVDs give the leading triplets and every value (the rest zeros).
  if (op.kind === "circulant_conv") return leadingOf(circulantSvd(op, count, precision), count, rows, cols, singularValuesCirculant(op).sort().reverse());
  if (op.kind === "kronecker") {
    const { result, all } = kroneckerDecomposition(op, count, precision);
    return leadingOf(result, count, rows, cols, all);
  }
  if (decompositionRoute(op, "svd").route === "matrix-free") return matrixFreeLeading(op, k, precision);
  return leadingOf(svd(op, precision), k, rows, cols);
}

/** Residual target of a matrix-free leading SVD, relative to σ₁: well above the ~n·ε floor of the residuals themselves at image scale. */
const MATRIX_FREE_TOL = 1e-8;

/** The top k (at least 1) by randomized block Krylov on products (matrixFree/topSvd.ts), certified by its residuals. */
function matrixFreeLeading(op: LinearOperator, k: number, precision: Precision): LeadingSvd {
  const count = Math.max(1, Math.min(k, op.rows, op.cols));
  const top = topSvd(asMatrixFree(op), count, { tol: MATRIX_FREE_TOL });
  const cutoff = relativeCutoff(top.s[0] ?? 0, op.rows, op.cols, precision);
  const certificate = { errorBound: top.errorBound, converged: top.converged, iterations: top.iterations, products: top.products };
  return { u: top.u, s: top.s, v: top.v, values: top.s, complete: false, certificate, rank: rankAbove(top.s, cutoff), cutoff, method: "matrix-free", precision };
}
