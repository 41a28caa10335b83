// The compact WY form (householder.ts) against the definition it replaces: the product of the
// reflectors H_i = I − 2·v_i·v_iᵀ formed one at a time, in float64.
import { describe, expect, it } from "vitest";
import { frobeniusNorm, identityMatrix, matrix, subtract, transpose as transposeM, type Matrix } from "../../../src/runtime/linalg/index.js";
import { compactWyFactor, wyMaterialise, wyTimes } from "../../../src/runtime/operator/householder.js";
import { householder, materialise, multiplyHost, transpose, type Orthogonal } from "../../../src/runtime/operator/index.js";
import { gaussianMatrix } from "../../support/random.js";
import { EPS64 } from "./support.js";

/** Oracle: (H₁⋯H_k)·M, applying H_k first, each as M − 2·v·(vᵀ·M). */
function reflectorProduct(vectors: Matrix, m: Matrix): Matrix {
  const n = vectors.cols;
  const out = matrix(m.rows, m.cols, m.data);
  for (let i = vectors.rows - 1; i >= 0; i--) {
    for (let c = 0; c < m.cols; c++) {
      let dot = 0;
      for (let r = 0; r < n; r++) dot += vectors.data[i * n + r] * out.data[r * m.cols + c];
      for (let r = 0; r < n; r++) out.data[r * m.cols + c] -= 2 * vectors.data[i * n + r] * dot;
    }
  }
  return out;
}

function unitVectors(op: Orthogonal): Matrix {
  if (op.form.type !== "householder") throw new Error("expected a householder form");
  return op.form.vectors;
}

/**
 * Both sides are backward stable products of k reflectors on an n×c block: every reflector costs a
 * length-n dot product (relative error ≤ n·ε64) and the WY side adds the Gram matrix (n·ε64) and
 * log₂k levels of k-long products for T; summed over k reflectors and both sides, with a factor 4 of
 * slack, the difference is below 4·k·n·ε64·‖M‖_F (‖Q‖₂ = 1).
 */
function tolerance(k: number, n: number, m: Matrix): number {
  return 4 * k * n * EPS64 * frobeniusNorm(m);
}

const N = 40;

describe("compact WY materialisation of Householder products", () => {
  // k = 40 splits once above the column-recurrence leaf (32); k = 75 recurses twice with uneven halves.
  for (const k of [1, 7, 40, 75]) {
    it(`equals the reflector-by-reflector product (n = ${N}, k = ${k})`, () => {
      const vectors = unitVectors(householder(gaussianMatrix(k, N, 100 + k)));
      const oracle = reflectorProduct(vectors, identityMatrix(N));
      const tol = tolerance(k, N, identityMatrix(N));
      expect(frobeniusNorm(subtract(materialise(householder(vectors)), oracle))).toBeLessThan(tol);
      expect(frobeniusNorm(subtract(wyMaterialise(vectors), oracle))).toBeLessThan(tol);
    });
  }

  it("T is upper triangular with 2 on the diagonal", () => {
    const vectors = unitVectors(householder(gaussianMatrix(75, N, 7)));
    const t = compactWyFactor(vectors);
    for (let i = 0; i < t.rows; i++) {
      expect(t.data[i * t.cols + i]).toBe(2);
      for (let j = 0; j < i; j++) expect(t.data[i * t.cols + j]).toBe(0);
    }
  });

  it("host apply agrees on wide and narrow blocks, and for the transpose", () => {
    const k = 75;
    const op = householder(gaussianMatrix(k, N, 11));
    const vectors = unitVectors(op);
    // A fresh copy of the vectors has no cached T, so a narrow block takes the reflector loop.
    const fresh = householder(matrix(k, N, vectors.data));
    for (const cols of [1, 3, 50]) {
      const m = gaussianMatrix(N, cols, 20 + cols);
      const oracle = reflectorProduct(vectors, m);
      const tol = tolerance(k, N, m);
      expect(frobeniusNorm(subtract(multiplyHost(fresh, m), oracle))).toBeLessThan(tol);
      expect(frobeniusNorm(subtract(wyTimes(vectors, m), oracle))).toBeLessThan(tol);
      // Qᵀ·M: the oracle Qᵀ is the transpose of the materialised reflector product.
      const qt = transposeM(reflectorProduct(vectors, identityMatrix(N)));
      const expected = multiplyDense(qt, m);
      expect(frobeniusNorm(subtract(multiplyHost(transpose(op), m), expected))).toBeLessThan(tol);
    }
  });

  it("control: perturbing one reflector changes the materialisation beyond the tolerance", () => {
    const k = 40;
    const vectors = unitVectors(householder(gaussianMatrix(k, N, 140)));
    const perturbedRaw = matrix(k, N, vectors.data);
    perturbedRaw.data[17 * N + 3] += 1e-6;
    const perturbed = householder(perturbedRaw);
    const oracle = reflectorProduct(vectors, identityMatrix(N));
    const tol = tolerance(k, N, identityMatrix(N));
    expect(frobeniusNorm(subtract(materialise(perturbed), oracle))).toBeGreaterThan(100 * tol);
  });
});

/** Plain triple-loop A·B, independent of linalg's matmul. */
function multiplyDense(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) s += a.data[i * a.cols + p] * b.data[p * b.cols + j];
      out.data[i * b.cols + j] = s;
    }
  }
  return out;
}
