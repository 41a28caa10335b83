// Aᵀ for every kind, structurally: no kind is materialised to transpose it.
import { transposeCirculant } from "./circulantConv.js";
import { transposeConv } from "./depthwiseConv.js";
import { transposeMatrix } from "./host.js";
import { precisionOf, storedIn } from "./precision.js";
import type { LinearOperator, Orthogonal } from "./kinds.js";

function reversedRows(vectors: Orthogonal["form"] & { type: "householder" }): Orthogonal["form"] {
  const { rows, cols, data } = vectors.vectors;
  const out = new Float64Array(data.length);
  for (let i = 0; i < rows; i++) out.set(data.subarray(i * cols, (i + 1) * cols), (rows - 1 - i) * cols);
  return { type: "householder", vectors: { rows, cols, data: out } };
}

/** Aᵀ, stored in A's precision. */
export function transpose(op: LinearOperator): LinearOperator {
  return storedIn(transposeUnmarked(op), precisionOf(op));
}

function transposeUnmarked(op: LinearOperator): LinearOperator {
  switch (op.kind) {
    case "dense":
      return { kind: "dense", rows: op.cols, cols: op.rows, matrix: transposeMatrix(op.matrix) };
    case "diagonal":
      return op.rows === op.cols ? op : { ...op, rows: op.cols, cols: op.rows };
    case "identity":
    case "scaled_identity":
    case "projector":
      return op; // symmetric (a diagonal too, up to its shape)
    case "lowrank":
      return { kind: "lowrank", rows: op.cols, cols: op.rows, u: op.v, v: op.u };
    case "identity_plus_lowrank":
      return { ...op, u: op.v, v: op.u };
    case "orthogonal":
      if (op.form.type === "householder") {
        // (H₁⋯H_k)ᵀ = H_k⋯H₁: each reflector is symmetric, so reverse their order.
        return { ...op, form: reversedRows(op.form) };
      }
      {
        // Cayley: Q(S)ᵀ = (I − S)(I + S)⁻¹ = Q(−S), i.e. the weight W ↦ Wᵀ.
        const weight = transposeMatrix(op.form.weight);
        return { ...op, form: { type: "cayley", weight, q: transposeMatrix(op.form.q) } };
      }
    case "svd_factored":
      return { kind: "svd_factored", rows: op.cols, cols: op.rows, u: op.v, s: op.s, v: op.u };
    case "depthwise_conv":
      return transposeConv(op);
    case "circulant_conv":
      return transposeCirculant(op);
    case "iterative_pinv":
      return { kind: "iterative_pinv", rows: op.cols, cols: op.rows, inner: transpose(op.inner) }; // (A⁺)ᵀ = (Aᵀ)⁺
    case "kronecker":
      return { kind: "kronecker", rows: op.cols, cols: op.rows, a: transpose(op.a), b: transpose(op.b) }; // (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ
    case "time_conditioned":
    case "indexed_depthwise_conv":
      return { kind: "transposed", rows: op.cols, cols: op.rows, inner: op };
    case "product":
      return { kind: "product", rows: op.cols, cols: op.rows, factors: op.factors.map(transpose).reverse() };
    case "sum":
      return { kind: "sum", rows: op.cols, cols: op.rows, terms: op.terms.map(transpose) };
    case "scaled":
      return { kind: "scaled", rows: op.cols, cols: op.rows, scale: op.scale, inner: transpose(op.inner) };
    case "transposed":
      return op.inner;
  }
}
