// The operator kinds, as a discriminated union of immutable records. Every algebraic rule is a
// function that switches on `kind` (see algebra.ts, decompose.ts): with a closed set of kinds a
// switch gives exhaustive, pairwise dispatch (product(lowrank, identity_plus_lowrank), …) that a
// class hierarchy with single dispatch would scatter over many methods. Parameters are float64 host
// matrices: exact structured algebra (products of factors, Woodbury, small SVDs) runs in float64,
// and apply() uploads float32 copies to the tfjs backend once (tensors.ts).
//
// Convention: an operator A has shape [rows, cols] = [out, in] and acts on column vectors, y = A·x.
// apply() takes row-vector batches X of shape [b, cols] and returns X·Aᵀ, shape [b, rows].
import { OperatorError } from "./errors.js";
import { FLOAT64_EPS, frobenius, matmul, matrix, solve, thinQr, transposeMatrix, type Matrix } from "./host.js";

/** A plain dense matrix, parameter "weight" [rows, cols]. */
export interface Dense {
  readonly kind: "dense";
  readonly rows: number;
  readonly cols: number;
  readonly matrix: Matrix;
}

/** diag(d), rows×cols with d of length min(rows, cols) (rectangular: zero rows or columns beyond). */
export interface Diagonal {
  readonly kind: "diagonal";
  readonly rows: number;
  readonly cols: number;
  readonly diag: Float64Array;
}

/** The identity I, n×n. */
export interface Identity {
  readonly kind: "identity";
  readonly rows: number;
  readonly cols: number;
}

/** c·I, square. */
export interface ScaledIdentity {
  readonly kind: "scaled_identity";
  readonly rows: number;
  readonly cols: number;
  readonly scale: number;
}

/** U·Vᵀ with U: rows×r and V: cols×r. */
export interface LowRank {
  readonly kind: "lowrank";
  readonly rows: number;
  readonly cols: number;
  readonly u: Matrix;
  readonly v: Matrix;
}

/** α·I + U·Vᵀ, square, U and V: n×r. */
export interface IdentityPlusLowRank {
  readonly kind: "identity_plus_lowrank";
  readonly rows: number;
  readonly cols: number;
  readonly alpha: number;
  readonly u: Matrix;
  readonly v: Matrix;
}

/**
 * Q = H₁·H₂·…·H_k with Householder reflectors H_i = I − 2·v_i·v_iᵀ (v_i unit rows of `vectors`).
 * Applied in compact WY form (householder.ts); never materialised to apply.
 */
export interface HouseholderForm {
  readonly type: "householder";
  readonly vectors: Matrix;
}

/**
 * Q = (I − S)⁻¹(I + S) with S = W − Wᵀ skew-symmetric (the Cayley transform). tfjs has no solve, so
 * Q is computed once in float64 when the operator is built and applied as a dense matrix.
 */
export interface CayleyForm {
  readonly type: "cayley";
  readonly weight: Matrix;
  readonly q: Matrix;
}

/** Q with orthonormal columns, held as Householder reflectors or a Cayley transform. */
export interface Orthogonal {
  readonly kind: "orthogonal";
  readonly rows: number;
  readonly cols: number;
  readonly form: HouseholderForm | CayleyForm;
}

/** U·diag(s)·Vᵀ with U: rows×r, V: cols×r orthonormal columns; s any real (svd() normalises signs). */
export interface SvdFactored {
  readonly kind: "svd_factored";
  readonly rows: number;
  readonly cols: number;
  readonly u: Matrix;
  readonly s: Float64Array;
  readonly v: Matrix;
}

/** Q·Qᵀ with Q the thin-QR orthonormal basis of a free n×r `basis`. */
export interface Projector {
  readonly kind: "projector";
  readonly rows: number;
  readonly cols: number;
  readonly basis: Matrix;
  readonly q: Matrix;
}

/** One dense layer of a hypernetwork, PyTorch layout: weight [out, in], bias [out]. */
export interface DenseLayer {
  readonly weight: Matrix;
  readonly bias: Float64Array;
}

/** Linear(embed→hidden), GELU, Linear(hidden→hidden), GELU, Linear(hidden→n·rank). */
export interface Hypernetwork {
  readonly layers: readonly [DenseLayer, DenseLayer, DenseLayer];
}

/**
 * A(t) = α·I + U(t)·V(t)ᵀ, U(t) and V(t) each the output of a hypernetwork on a sinusoidal embedding
 * of t, reshaped row-major to n×rank (see timeConditioned.ts and docs/operators.md).
 */
export interface TimeConditioned {
  readonly kind: "time_conditioned";
  readonly rows: number;
  readonly cols: number;
  readonly rank: number;
  readonly embedDim: number;
  readonly alpha: number;
  readonly u: Hypernetwork;
  readonly v: Hypernetwork;
}

/** The image layout a convolution acts on: R[channels, height, width], flattened row-major, and the k×k kernel size. */
export interface ConvGeometry {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly size: number;
}

/**
 * A per-channel (depthwise) k×k cross-correlation on R[C, H, W], zero padding `padTop` rows above and
 * k−1−padTop below (likewise `padLeft`): y[c,i,j] = Σ_{a,b} kernel[c,a,b]·x[c, i+a−padTop, j+b−padLeft].
 * PyTorch's padding='same' is padTop = padLeft = (k−1)//2; the transpose flips the kernel and the
 * padding becomes k−1−pad (depthwiseConv.ts). Applied matrix-free.
 */
export interface DepthwiseConv {
  readonly kind: "depthwise_conv";
  readonly rows: number;
  readonly cols: number;
  readonly geometry: ConvGeometry;
  readonly padTop: number;
  readonly padLeft: number;
  /** [C, k, k] row-major. */
  readonly kernel: Float64Array;
}

/**
 * One 'same'-padded depthwise convolution per style, held as a table of kernels: at(K, s) selects
 * style s (an integer in [0, styles)). The reference produces the same kernels from the style index by
 * an MLP (paper-notes §2.8); a table makes α·K₁ + (1−α)·K₂ one kernel, exactly.
 */
export interface IndexedDepthwiseConv {
  readonly kind: "indexed_depthwise_conv";
  readonly rows: number;
  readonly cols: number;
  readonly geometry: ConvGeometry;
  readonly styles: number;
  /** [styles, C, k, k] row-major. */
  readonly kernels: Float64Array;
}

/**
 * A per-channel circular (periodic) cross-correlation on R[C, H, W]: y[c,i,j] = Σ_{u,v} kernel[c,u,v]·
 * x[c,(i+u) mod H,(j+v) mod W], the kernel full-size [C, H, W]. Diagonalised by the 2-D DFT, so its
 * products, powers, pseudo-inverse and SVD are exact per frequency (circulantConv.ts). `geometry.size`
 * is the k of a declared k×k kernel (its parameter layout), not a limit on the kernel.
 */
export interface CirculantConv {
  readonly kind: "circulant_conv";
  readonly rows: number;
  readonly cols: number;
  readonly geometry: ConvGeometry;
  /** [C, H, W] row-major; offset (u, v) taken mod (H, W). */
  readonly kernel: Float64Array;
}

/**
 * A ⊗ B of two time-free operators, row-major: (A ⊗ B)·vec(X) = vec(A·X·Bᵀ) for X ∈ R[A.cols, B.cols]
 * flattened row-major (kronecker.ts). rows = A.rows·B.rows, cols = A.cols·B.cols.
 */
export interface Kronecker {
  readonly kind: "kronecker";
  readonly rows: number;
  readonly cols: number;
  readonly a: LinearOperator;
  readonly b: LinearOperator;
}

/** F₀·F₁·…·F_{m−1}, applied right to left; never multiplied out unless a rule says so. */
export interface Product {
  readonly kind: "product";
  readonly rows: number;
  readonly cols: number;
  readonly factors: readonly LinearOperator[];
}

/** A sum of operators of one shape. */
export interface Sum {
  readonly kind: "sum";
  readonly rows: number;
  readonly cols: number;
  readonly terms: readonly LinearOperator[];
}

/** c·A. */
export interface Scaled {
  readonly kind: "scaled";
  readonly rows: number;
  readonly cols: number;
  readonly scale: number;
  readonly inner: LinearOperator;
}

/** Aᵀ, unevaluated. */
export interface Transposed {
  readonly kind: "transposed";
  readonly rows: number;
  readonly cols: number;
  readonly inner: LinearOperator;
}

/**
 * A⁺ for an operator too large to materialise (decompositionRoute "matrix-free"): never formed; each
 * application solves min ‖A·x − b‖ per column by LSQR from products with A and Aᵀ (matrixFree/lsqr.ts),
 * whose minimum-norm limit is A⁺b. Shape [inner.cols, inner.rows].
 */
export interface IterativePinv {
  readonly kind: "iterative_pinv";
  readonly rows: number;
  readonly cols: number;
  readonly inner: LinearOperator;
}

/** Every operator kind, each with the structure its algebra (products, pinv, svd) keeps exact. */
export type LinearOperator =
  | Dense
  | Diagonal
  | Identity
  | ScaledIdentity
  | LowRank
  | IdentityPlusLowRank
  | Orthogonal
  | SvdFactored
  | Projector
  | TimeConditioned
  | DepthwiseConv
  | IndexedDepthwiseConv
  | CirculantConv
  | Kronecker
  | Product
  | Sum
  | Scaled
  | Transposed
  | IterativePinv;

/** The `kind` tag of an operator. */
export type OperatorKind = LinearOperator["kind"];

function checkSize(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new OperatorError("LIN1004", `${what}: bad size ${n}`);
}

function checkFinite(what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new OperatorError("LIN1004", `${what}: non-finite value at index ${i}`);
    }
  }
}

/** A dense operator of a float64 matrix (finite values). */
export function dense(m: Matrix): Dense {
  checkFinite("dense weight", m.data);
  return { kind: "dense", rows: m.rows, cols: m.cols, matrix: m };
}

/** A rows×cols diagonal operator of `d` (min(rows, cols) entries). */
export function diagonal(d: ArrayLike<number>, rows: number = d.length, cols: number = rows): Diagonal {
  checkFinite("diagonal", d);
  if (d.length !== Math.min(rows, cols)) {
    throw new OperatorError("LIN1001", `diagonal: a ${rows}×${cols} diagonal has ${Math.min(rows, cols)} entries, got ${d.length}`);
  }
  return { kind: "diagonal", rows, cols, diag: Float64Array.from(d) };
}

/** The n×n identity. */
export function identity(n: number): Identity {
  checkSize("identity", n);
  return { kind: "identity", rows: n, cols: n };
}

/** scale·I, n×n. */
export function scaledIdentity(n: number, scale: number): ScaledIdentity {
  checkSize("scaled_identity", n);
  checkFinite("scaled_identity scale", [scale]);
  return { kind: "scaled_identity", rows: n, cols: n, scale };
}

/** U·Vᵀ, U rows×r, V cols×r. */
export function lowRank(u: Matrix, v: Matrix): LowRank {
  if (u.cols !== v.cols) {
    throw new OperatorError("LIN1001", `lowrank: U is ${u.rows}×${u.cols} but V is ${v.rows}×${v.cols}; ranks differ`);
  }
  checkFinite("lowrank U", u.data);
  checkFinite("lowrank V", v.data);
  return { kind: "lowrank", rows: u.rows, cols: v.rows, u, v };
}

/** α·I + U·Vᵀ, U and V n×r. */
export function identityPlusLowRank(u: Matrix, v: Matrix, alpha = 1): IdentityPlusLowRank {
  if (u.cols !== v.cols || u.rows !== v.rows) {
    throw new OperatorError("LIN1001", `identity_plus_lowrank: U is ${u.rows}×${u.cols} and V is ${v.rows}×${v.cols}; both must be n×r`);
  }
  checkFinite("identity_plus_lowrank U", u.data);
  checkFinite("identity_plus_lowrank V", v.data);
  checkFinite("identity_plus_lowrank alpha", [alpha]);
  return { kind: "identity_plus_lowrank", rows: u.rows, cols: u.rows, alpha, u, v };
}

/** Q = H₁⋯H_k from reflector normals (the rows of `vectors`, k×n); each row is normalised here. */
export function householder(vectors: Matrix): Orthogonal {
  checkFinite("householder vectors", vectors.data);
  const unit = matrix(vectors.rows, vectors.cols);
  for (let i = 0; i < vectors.rows; i++) {
    let norm = 0;
    for (let j = 0; j < vectors.cols; j++) norm += vectors.data[i * vectors.cols + j] ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 0)) throw new OperatorError("LIN1004", `householder: reflector ${i} is the zero vector`);
    for (let j = 0; j < vectors.cols; j++) unit.data[i * vectors.cols + j] = vectors.data[i * vectors.cols + j] / norm;
  }
  return { kind: "orthogonal", rows: vectors.cols, cols: vectors.cols, form: { type: "householder", vectors: unit } };
}

/** Q = (I − S)⁻¹(I + S), S = W − Wᵀ. I − S is always invertible (S has imaginary eigenvalues). */
export function cayley(weight: Matrix): Orthogonal {
  if (weight.rows !== weight.cols) {
    throw new OperatorError("LIN1002", `cayley: weight is ${weight.rows}×${weight.cols}, must be square`);
  }
  checkFinite("cayley weight", weight.data);
  const n = weight.rows;
  const minus = matrix(n, n);
  const plus = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const s = weight.data[i * n + j] - weight.data[j * n + i];
      minus.data[i * n + j] = (i === j ? 1 : 0) - s;
      plus.data[i * n + j] = (i === j ? 1 : 0) + s;
    }
  }
  return { kind: "orthogonal", rows: n, cols: n, form: { type: "cayley", weight, q: solve(minus, plus) } };
}

/** Largest |(QᵀQ − I)_ij| over the columns of q. */
export function orthonormalityDefect(q: Matrix): number {
  const g = matmul(transposeMatrix(q), q);
  let worst = 0;
  for (let i = 0; i < g.rows; i++) {
    for (let j = 0; j < g.cols; j++) worst = Math.max(worst, Math.abs(g.data[i * g.cols + j] - (i === j ? 1 : 0)));
  }
  return worst;
}

/** U·diag(s)·Vᵀ, U and V with orthonormal columns. */
export function svdFactored(u: Matrix, s: ArrayLike<number>, v: Matrix): SvdFactored {
  if (u.cols !== s.length || v.cols !== s.length) {
    throw new OperatorError("LIN1001", `svd_factored: U is ${u.rows}×${u.cols}, s has ${s.length} values, V is ${v.rows}×${v.cols}`);
  }
  checkFinite("svd_factored s", s);
  // Exact pinv/SVD from the factors needs orthonormal columns; 1e3·ε·max(n, r) allows float64
  // round-off from a QR but rejects any real departure.
  const tolerance = 1e3 * FLOAT64_EPS * Math.max(u.rows, v.rows, s.length, 1);
  for (const [name, q] of [
    ["U", u],
    ["V", v],
  ] as const) {
    const defect = orthonormalityDefect(q);
    if (!(defect <= tolerance)) {
      throw new OperatorError("LIN1005", `svd_factored: columns of ${name} are not orthonormal (|QᵀQ − I| = ${defect.toExponential(2)})`);
    }
  }
  return { kind: "svd_factored", rows: u.rows, cols: v.rows, u, s: Float64Array.from(s), v };
}

/** The orthogonal projector onto the column span of a free n×r basis (r ≤ n, full column rank). */
export function projector(basis: Matrix): Projector {
  checkFinite("projector basis", basis.data);
  if (basis.cols > basis.rows) {
    throw new OperatorError("LIN1006", `projector: basis is ${basis.rows}×${basis.cols}; rank ${basis.cols} exceeds n = ${basis.rows}`);
  }
  const { q, r } = thinQr(basis);
  // Columns are independent iff every |r_ii| is above a relative cut-off ‖basis‖·n·ε.
  const cutoff = frobenius(basis) * Math.max(basis.rows, 1) * FLOAT64_EPS;
  for (let i = 0; i < r.rows; i++) {
    if (!(Math.abs(r.data[i * r.cols + i]) > cutoff)) {
      throw new OperatorError("LIN1006", `projector: basis column ${i} depends on the columns before it`);
    }
  }
  return { kind: "projector", rows: basis.rows, cols: basis.rows, basis, q };
}

/** A projector from a basis already known to be orthonormal (e.g. singular vectors). */
export function projectorFromOrthonormal(q: Matrix): Projector {
  return { kind: "projector", rows: q.rows, cols: q.rows, basis: q, q };
}

/** Whether rows = cols. */
export function isSquare(op: LinearOperator): boolean {
  return op.rows === op.cols;
}

/** The shape as `rows×cols`, for messages. */
export function shapeOf(op: LinearOperator): string {
  return `${op.kind}[${op.rows}×${op.cols}]`;
}

/** True when evaluating op needs a time or a style index (it contains a time_conditioned or indexed node). */
export function needsTime(op: LinearOperator): boolean {
  switch (op.kind) {
    case "time_conditioned":
    case "indexed_depthwise_conv":
      return true;
    case "product":
      return op.factors.some(needsTime);
    case "sum":
      return op.terms.some(needsTime);
    case "scaled":
    case "transposed":
    case "iterative_pinv":
      return needsTime(op.inner);
    default:
      return false;
  }
}
