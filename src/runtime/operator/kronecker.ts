// Kronecker products A ⊗ B of two time-free operators, in the ROW-MAJOR convention: an input of
// dimension A.cols·B.cols is the row-major flattening of X ∈ R[A.cols, B.cols] (x[i·B.cols + j] = X[i, j]),
// and (A ⊗ B)·vec(X) = vec(A·X·Bᵀ), i.e. (A ⊗ B)[p·B.rows + q, i·B.cols + j] = A[p, i]·B[q, j]. The
// factors are never multiplied out to apply it: A and B each act on one axis of X.
import { OperatorError } from "./errors.js";
import { matrix, type Matrix } from "./host.js";
import { needsTime, shapeOf, type Kronecker, type LinearOperator } from "./kinds.js";

/** A ⊗ B (row-major convention above); both factors time-free. */
export function kronecker(a: LinearOperator, b: LinearOperator): Kronecker {
  for (const f of [a, b]) {
    if (needsTime(f)) throw new OperatorError("LIN1007", `kronecker: ${shapeOf(f)} needs a time or a style index: use at(op, t) first`);
  }
  return { kind: "kronecker", rows: a.rows * b.rows, cols: a.cols * b.cols, a, b };
}

/** Whether (A ⊗ B)(C ⊗ D) = AC ⊗ BD applies: the factors chain one by one. */
export function kroneckerChains(x: Kronecker, y: Kronecker): boolean {
  return x.a.cols === y.a.rows && x.b.cols === y.b.rows;
}

/**
 * m [n₁·n₂, k] read as [n₁, n₂, k] and returned as [n₂, n₁, k] (the first two axes swapped), flattened
 * to a matrix [n₂, n₁·k]: what lets the second factor act on its axis as one matrix product.
 */
export function swapLeadingAxes(data: Float64Array, n1: number, n2: number, k: number): Matrix {
  const out = matrix(n2, n1 * k);
  for (let i = 0; i < n1; i++) {
    for (let j = 0; j < n2; j++) {
      const src = (i * n2 + j) * k;
      const dst = (j * n1 + i) * k;
      for (let t = 0; t < k; t++) out.data[dst + t] = data[src + t];
    }
  }
  return out;
}

/** The dense Kronecker product of two dense matrices, row-major: out[p·q₁ + q, i·c₁ + j] = a[p, i]·b[q, j]. */
export function kroneckerMatrix(a: Matrix, b: Matrix): Matrix {
  const rows = a.rows * b.rows;
  const cols = a.cols * b.cols;
  const out = matrix(rows, cols);
  for (let p = 0; p < a.rows; p++) {
    for (let i = 0; i < a.cols; i++) {
      const w = a.data[p * a.cols + i];
      if (w === 0) continue;
      for (let q = 0; q < b.rows; q++) {
        const row = (p * b.rows + q) * cols + i * b.cols;
        for (let j = 0; j < b.cols; j++) out.data[row + j] = w * b.data[q * b.cols + j];
      }
    }
  }
  return out;
}

/** Column t of the Kronecker product of the columns ua[:, i] ⊗ ub[:, j], written into column `t` of out. */
export function kroneckerColumn(ua: Matrix, i: number, ub: Matrix, j: number, out: Matrix, t: number): void {
  for (let p = 0; p < ua.rows; p++) {
    const w = ua.data[p * ua.cols + i];
    for (let q = 0; q < ub.rows; q++) out.data[(p * ub.rows + q) * out.cols + t] = w * ub.data[q * ub.cols + j];
  }
}
