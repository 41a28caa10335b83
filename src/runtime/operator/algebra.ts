// Structure-aware sums, scalings, products and powers. Each rule returns the most structured kind
// it can prove exactly (in float64); anything else becomes a lazy Sum / Product / Scaled node, which
// apply() evaluates factor by factor. The full table is in docs/operators.md.
import { coarsest, precisionOf, storedIn } from "./precision.js";
import { OperatorError } from "./errors.js";
import {
  addMatrices,
  axpy,
  concatColumns,
  concatRows,
  identityMatrix,
  matmul,
  matrix,
  scaleColumns,
  scaleMatrix,
  scaleRows,
  transposeMatrix,
  transposeTimes,
  type Matrix,
} from "./host.js";
import { plusIdentity, powerCirculant, productCirculant, sameImage, sumCirculant } from "./circulantConv.js";
import { sameLayout } from "./depthwiseConv.js";
import { kroneckerChains } from "./kronecker.js";
import { materialise, multiplyHost } from "./hostApply.js";
import { needsTime, shapeOf, type LinearOperator } from "./kinds.js";
import { transpose } from "./transpose.js";

export { transpose };

/** α·I + U·Vᵀ, with α = 0 for the purely low-rank kinds (rectangular allowed only when α = 0). */
interface IdentityPlusFactors {
  readonly alpha: number;
  readonly u: Matrix;
  readonly v: Matrix;
}

function asIdentityPlusFactors(op: LinearOperator): IdentityPlusFactors | undefined {
  switch (op.kind) {
    case "identity":
      return { alpha: 1, u: matrix(op.rows, 0), v: matrix(op.cols, 0) };
    case "scaled_identity":
      return { alpha: op.scale, u: matrix(op.rows, 0), v: matrix(op.cols, 0) };
    case "identity_plus_lowrank":
      return { alpha: op.alpha, u: op.u, v: op.v };
    case "lowrank":
      return { alpha: 0, u: op.u, v: op.v };
    case "svd_factored":
      return { alpha: 0, u: scaleColumns(op.u, op.s), v: op.v };
    case "projector":
      return { alpha: 0, u: op.q, v: op.q };
    default:
      return undefined;
  }
}

function fromIdentityPlusFactors(rows: number, cols: number, f: IdentityPlusFactors): LinearOperator {
  if (f.alpha === 0) return { kind: "lowrank", rows, cols, u: f.u, v: f.v };
  if (f.u.cols === 0) return f.alpha === 1 ? { kind: "identity", rows, cols } : { kind: "scaled_identity", rows, cols, scale: f.alpha };
  return { kind: "identity_plus_lowrank", rows, cols, alpha: f.alpha, u: f.u, v: f.v };
}

/** The diagonal of the diagonal-like kinds (identity, scaled identity, diagonal). */
function asDiagonal(op: LinearOperator): Float64Array | undefined {
  switch (op.kind) {
    case "identity":
      return new Float64Array(op.rows).fill(1);
    case "scaled_identity":
      return new Float64Array(op.rows).fill(op.scale);
    case "diagonal":
      return op.diag;
    default:
      return undefined;
  }
}

const isScalarKind = (op: LinearOperator): boolean => op.kind === "identity" || op.kind === "scaled_identity";
const scalarOf = (op: LinearOperator): number => (op.kind === "scaled_identity" ? op.scale : 1);

/** c·A, folded into the operand's structure where it can be. */
export function scale(c: number, op: LinearOperator): LinearOperator {
  return storedIn(scaleUnmarked(c, op), precisionOf(op));
}

function scaleUnmarked(c: number, op: LinearOperator): LinearOperator {
  if (!Number.isFinite(c)) throw new OperatorError("LIN1004", `scale: non-finite scalar ${c}`);
  if (c === 1) return op;
  switch (op.kind) {
    case "dense":
      return { ...op, matrix: scaleMatrix(c, op.matrix) };
    case "diagonal":
      return { ...op, diag: op.diag.map((d) => c * d) };
    case "identity":
      return { kind: "scaled_identity", rows: op.rows, cols: op.cols, scale: c };
    case "scaled_identity":
      return { ...op, scale: c * op.scale };
    case "lowrank":
      return { ...op, u: scaleMatrix(c, op.u) };
    case "identity_plus_lowrank":
      return { ...op, alpha: c * op.alpha, u: scaleMatrix(c, op.u) };
    case "svd_factored":
      return { ...op, s: op.s.map((s) => c * s) };
    case "depthwise_conv":
    case "circulant_conv":
      return { ...op, kernel: op.kernel.map((k) => c * k) };
    case "kronecker":
      return { ...op, a: scale(c, op.a) }; // c·(A ⊗ B) = (c·A) ⊗ B
    case "scaled":
      return op.scale * c === 1 ? op.inner : { ...op, scale: c * op.scale };
    default:
      return { kind: "scaled", rows: op.rows, cols: op.cols, scale: c, inner: op };
  }
}

function checkSameShape(what: string, a: LinearOperator, b: LinearOperator): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new OperatorError("LIN1001", `${what}: ${shapeOf(a)} and ${shapeOf(b)} have different shapes`);
  }
}

/** Kinds that a dense matrix absorbs in a sum: materialising them costs no more than the dense term. */
const densifiable = (op: LinearOperator): boolean => op.kind !== "time_conditioned" && !needsTime(op);

/** A + B, same shapes, folded where the structures allow. */
export function sum(a: LinearOperator, b: LinearOperator): LinearOperator {
  return storedIn(sumUnmarked(a, b), coarsest(precisionOf(a), precisionOf(b)));
}

function sumUnmarked(a: LinearOperator, b: LinearOperator): LinearOperator {
  checkSameShape("sum", a, b);
  const { rows, cols } = a;
  if (isScalarKind(a) && isScalarKind(b)) return { kind: "scaled_identity", rows, cols, scale: scalarOf(a) + scalarOf(b) };
  const da = asDiagonal(a);
  const db = asDiagonal(b);
  if (da !== undefined && db !== undefined) return { kind: "diagonal", rows, cols, diag: da.map((x, i) => x + db[i]) };
  // Convolutions of one layout add kernel-wise: α·K₁ + (1−α)·K₂ is the convolution of α·k₁ + (1−α)·k₂, exactly.
  if (a.kind === "depthwise_conv" && b.kind === "depthwise_conv" && sameLayout(a, b)) return { ...a, kernel: a.kernel.map((k, i) => k + b.kernel[i]) };
  // Circular convolutions of one image add kernel-wise, and s·I is s at offset (0, 0).
  if (a.kind === "circulant_conv" && b.kind === "circulant_conv" && sameImage(a, b)) return sumCirculant(a, b);
  if (a.kind === "circulant_conv" && isScalarKind(b)) return plusIdentity(a, scalarOf(b));
  if (b.kind === "circulant_conv" && isScalarKind(a)) return plusIdentity(b, scalarOf(a));
  if (a.kind === "dense" && densifiable(b)) return { kind: "dense", rows, cols, matrix: addMatrices(a.matrix, materialise(b)) };
  if (b.kind === "dense" && densifiable(a)) return { kind: "dense", rows, cols, matrix: addMatrices(materialise(a), b.matrix) };
  const fa = asIdentityPlusFactors(a);
  const fb = asIdentityPlusFactors(b);
  if (fa !== undefined && fb !== undefined) {
    // (αI + UVᵀ) + (βI + XYᵀ) = (α+β)I + [U X]·[V Y]ᵀ
    return fromIdentityPlusFactors(rows, cols, { alpha: fa.alpha + fb.alpha, u: concatColumns(fa.u, fb.u), v: concatColumns(fa.v, fb.v) });
  }
  const terms = [a, b].flatMap((t) => (t.kind === "sum" ? t.terms : [t]));
  return { kind: "sum", rows, cols, terms };
}

/** a − b. */
export function difference(a: LinearOperator, b: LinearOperator): LinearOperator {
  return sum(a, scale(-1, b));
}

/**
 * The product of two identity-plus-low-rank operators, derived term by term:
 *   (αI + UVᵀ)(βI + XYᵀ) = αβ·I + α·XYᵀ + β·UVᵀ + U(VᵀX)Yᵀ
 *                        = αβ·I + [αX | U]·[Y | βV + Y(XᵀV)]ᵀ
 * since β·UVᵀ + U(VᵀX)Yᵀ = U·(βV + Y·(VᵀX)ᵀ)ᵀ = U·(βV + Y(XᵀV))ᵀ. The rank is at most r₁ + r₂; when
 * α or β is 0 one block vanishes and the rank is at most r₂ or r₁:
 *   α = 0:  UVᵀ(βI + XYᵀ) = U·(βV + Y(XᵀV))ᵀ
 *   β = 0:  (αI + UVᵀ)XYᵀ = (αX + U(VᵀX))·Yᵀ
 */
function productOfIdentityPlusFactors(f: IdentityPlusFactors, g: IdentityPlusFactors): IdentityPlusFactors {
  const { alpha, u, v } = f;
  const { alpha: beta, u: x, v: y } = g;
  if (alpha === 0 && beta === 0) return { alpha: 0, u, v: matmul(y, transposeTimes(x, v)) }; // may be rectangular
  if (alpha === 0) return { alpha: 0, u, v: axpy(beta, v, matmul(y, transposeTimes(x, v))) };
  if (beta === 0) return { alpha: 0, u: axpy(alpha, x, matmul(u, transposeTimes(v, x))), v: y };
  const left = concatColumns(scaleMatrix(alpha, x), u);
  const right = concatColumns(y, axpy(beta, v, matmul(y, transposeTimes(x, v))));
  return { alpha: alpha * beta, u: left, v: right };
}

function flattenFactors(ops: readonly LinearOperator[]): LinearOperator[] {
  return ops.flatMap((f) => (f.kind === "product" ? f.factors : [f]));
}

/** a·b (a applied after b). */
export function product(a: LinearOperator, b: LinearOperator): LinearOperator {
  return storedIn(productUnmarked(a, b), coarsest(precisionOf(a), precisionOf(b)));
}

function productUnmarked(a: LinearOperator, b: LinearOperator): LinearOperator {
  if (a.cols !== b.rows) {
    throw new OperatorError("LIN1001", `product: ${shapeOf(a)}·${shapeOf(b)} needs ${a.cols} = ${b.rows}`);
  }
  const rows = a.rows;
  const cols = b.cols;
  if (a.kind === "identity") return b;
  if (b.kind === "identity") return a;
  if (a.kind === "scaled_identity") return scale(a.scale, b);
  if (b.kind === "scaled_identity") return scale(b.scale, a);
  if (a.kind === "diagonal" && b.kind === "diagonal") {
    // [m×n]·[n×p]: entry i is aᵢbᵢ while both exist (i < min(m, n, p)), 0 up to min(m, p).
    const diag = new Float64Array(Math.min(rows, cols));
    for (let i = 0; i < Math.min(diag.length, a.diag.length, b.diag.length); i++) diag[i] = a.diag[i] * b.diag[i];
    return { kind: "diagonal", rows, cols, diag };
  }
  if (a.kind === "dense" && b.kind === "dense") return { kind: "dense", rows, cols, matrix: matmul(a.matrix, b.matrix) };
  if (a.kind === "diagonal" && b.kind === "dense") return { kind: "dense", rows, cols, matrix: a.rows === a.cols ? scaleRows(a.diag, b.matrix) : multiplyHost(a, b.matrix) };
  if (a.kind === "dense" && b.kind === "diagonal") {
    // A·D = (Dᵀ·Aᵀ)ᵀ for a rectangular D.
    return { kind: "dense", rows, cols, matrix: b.rows === b.cols ? scaleColumns(a.matrix, b.diag) : transposeMatrix(multiplyHost(transpose(b), transposeMatrix(a.matrix))) };
  }
  if (a.kind === "projector" && b.kind === "projector" && a.q === b.q) return a; // P·P = P
  if (a.kind === "circulant_conv" && b.kind === "circulant_conv" && sameImage(a, b)) return productCirculant(a, b); // spectra multiply
  if (a.kind === "kronecker" && b.kind === "kronecker" && kroneckerChains(a, b)) {
    // (A ⊗ B)(C ⊗ D) = AC ⊗ BD: vec(A·(C·X·Dᵀ)·Bᵀ) = vec((AC)·X·(BD)ᵀ).
    return { kind: "kronecker", rows, cols, a: product(a.a, b.a), b: product(a.b, b.b) };
  }
  if (a.kind === "orthogonal" && b.kind === "orthogonal" && a.form.type === "householder" && b.form.type === "householder") {
    // (H₁⋯H_k)(H'₁⋯H'_m): the reflector list of a followed by that of b.
    return { kind: "orthogonal", rows, cols, form: { type: "householder", vectors: concatRows(a.form.vectors, b.form.vectors) } };
  }
  const fa = asIdentityPlusFactors(a);
  const fb = asIdentityPlusFactors(b);
  if (fa !== undefined && fb !== undefined) return fromIdentityPlusFactors(rows, cols, productOfIdentityPlusFactors(fa, fb));
  if (!needsTime(a) && !needsTime(b)) {
    // A low-rank factor absorbs anything it multiplies: (UVᵀ)·B = U·(BᵀV)ᵀ and A·(XYᵀ) = (A·X)·Yᵀ.
    if (fa !== undefined && fa.alpha === 0) return { kind: "lowrank", rows, cols, u: fa.u, v: multiplyHost(transpose(b), fa.v) };
    if (fb !== undefined && fb.alpha === 0) return { kind: "lowrank", rows, cols, u: multiplyHost(a, fb.u), v: fb.v };
    // (αI + UVᵀ)·B = αB + U·(BᵀV)ᵀ, kept only where αB stays dense or diagonal.
    if (fa !== undefined && (b.kind === "dense" || b.kind === "diagonal")) {
      return sum(scale(fa.alpha, b), { kind: "lowrank", rows, cols, u: fa.u, v: multiplyHost(transpose(b), fa.v) });
    }
    if (fb !== undefined && (a.kind === "dense" || a.kind === "diagonal")) {
      return sum(scale(fb.alpha, a), { kind: "lowrank", rows, cols, u: multiplyHost(a, fb.u), v: fb.v });
    }
  }
  return { kind: "product", rows, cols, factors: flattenFactors([a, b]) };
}

/** K^p for a small square matrix, by repeated squaring. */
function matrixPower(k: Matrix, p: number): Matrix {
  let result = identityMatrix(k.rows);
  let base = k;
  let e = p;
  while (e > 0) {
    if (e & 1) result = matmul(result, base);
    e >>= 1;
    if (e > 0) base = matmul(base, base);
  }
  return result;
}

/** a^k for a square a and an integer k ≥ 0 (negative powers go through pinv). */
export function power(a: LinearOperator, k: number): LinearOperator {
  return storedIn(powerUnmarked(a, k), precisionOf(a));
}

function powerUnmarked(a: LinearOperator, k: number): LinearOperator {
  if (a.rows !== a.cols) throw new OperatorError("LIN1002", `power: ${shapeOf(a)} is not square`);
  if (!Number.isInteger(k) || k < 0) throw new OperatorError("LIN1003", `power: exponent must be an integer ≥ 0, got ${k}`);
  const n = a.rows;
  if (k === 0) return { kind: "identity", rows: n, cols: n };
  if (k === 1) return a;
  switch (a.kind) {
    case "identity":
    case "projector":
      return a; // idempotent
    case "scaled_identity":
      return { ...a, scale: a.scale ** k };
    case "diagonal":
      return { ...a, diag: a.diag.map((d) => d ** k) };
    case "dense":
      return { ...a, matrix: matrixPower(a.matrix, k) };
    case "circulant_conv":
      return powerCirculant(a, k);
    case "kronecker":
      // (A ⊗ B)^k = A^k ⊗ B^k (the mixed-product rule k times); a square Kronecker of square factors only.
      if (a.a.rows === a.a.cols) return { ...a, a: power(a.a, k), b: power(a.b, k) };
      break;
    case "orthogonal":
      if (a.form.type === "householder") {
        let vectors = a.form.vectors;
        for (let i = 1; i < k; i++) vectors = concatRows(vectors, a.form.vectors);
        return { ...a, form: { type: "householder", vectors } };
      }
      break;
    default:
      break;
  }
  const f = asIdentityPlusFactors(a);
  if (f !== undefined) {
    const kernel = transposeTimes(f.v, f.u); // K = VᵀU, r×r
    if (f.alpha === 0) {
      // (UVᵀ)^k = U·(VᵀU)^{k−1}·Vᵀ
      return { kind: "lowrank", rows: n, cols: n, u: matmul(f.u, matrixPower(kernel, k - 1)), v: f.v };
    }
    // (αI + UVᵀ)^j = α^j·I + U·S_j·Vᵀ with S₁ = I and, multiplying by (αI + UVᵀ) on the right,
    // S_{j+1} = α^j·I + α·S_j + S_j·K. The rank stays r.
    const r = kernel.rows;
    let s = identityMatrix(r);
    let alphaPower = f.alpha;
    for (let j = 1; j < k; j++) {
      const next = addMatrices(scaleMatrix(f.alpha, s), matmul(s, kernel));
      for (let i = 0; i < r; i++) next.data[i * r + i] += alphaPower;
      s = next;
      alphaPower *= f.alpha;
    }
    return { kind: "identity_plus_lowrank", rows: n, cols: n, alpha: alphaPower, u: matmul(f.u, s), v: f.v };
  }
  return { kind: "product", rows: n, cols: n, factors: flattenFactors(new Array<LinearOperator>(k).fill(a)) };
}
