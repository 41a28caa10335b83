import { expect, it } from "vitest";
import { LinalgError, frobeniusNorm, matrix, orthogonalityError, subtract, transpose, type Matrix } from "../../../src/runtime/linalg/index.js";
import { matmulJs } from "../../../src/runtime/linalg/arithmetic.js";
import { EPS, randomMatrix, randomOrthogonal } from "./fixtures.js";
import { describeEachBackend } from "./backends.js";

// Tolerances. Symmetric eigensolvers are backward stable: the result is exact for A + E with
// ‖E‖ ≤ c·n·ε·‖A‖, so ‖A·V − V·Λ‖/‖A‖ and ‖VᵀV − I‖ are ≤ C·n·ε, and by Weyl each eigenvalue is
// within C·n·ε·‖A‖ ABSOLUTE of the exact one, whatever the conditioning. C = 4.
const C = 4;

/** Q·diag(λ)·Qᵀ with a random orthogonal Q: eigenvalues known exactly. */
function withEigenvalues(lambda: readonly number[], seed: number): Matrix {
  const n = lambda.length;
  const q = randomOrthogonal(n, n, seed);
  const a = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let p = 0; p < n; p++) sum += q.data[i * n + p] * lambda[p] * q.data[j * n + p];
      a.data[i * n + j] = sum;
      a.data[j * n + i] = sum;
    }
  }
  return a;
}

/** ‖A·V − V·diag(values)‖_F / ‖A‖_F */
function eigenResidual(a: Matrix, values: Float64Array, vectors: Matrix): number {
  const n = a.rows;
  const vl = matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vl.data[i * n + j] = vectors.data[i * n + j] * values[j];
  return frobeniusNorm(subtract(matmulJs(a, vectors), vl)) / frobeniusNorm(a);
}

describeEachBackend("eigh", (linalg) => {
  it.each([
    ["random symmetric 40×40", 40, 0],
    ["with a repeated eigenvalue, negatives and a 1e10 spread", 30, 1],
    ["positive semidefinite of rank 8", 24, 2],
  ])("%s: A·V = V·Λ, VᵀV = I, ascending, eigenvalues to C·n·ε·‖A‖", (_name, n, kind) => {
    let a: Matrix;
    let exact: number[] | undefined;
    if (kind === 0) {
      const m = randomMatrix(n, n, 3);
      a = matrix(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.data[i * n + j] = 0.5 * (m.data[i * n + j] + m.data[j * n + i]);
    } else {
      exact =
        kind === 1 ? Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : i < 5 ? 2 : Math.pow(10, -10 * (i / n)))) : Array.from({ length: n }, (_, i) => (i < 8 ? i + 1 : 0));
      a = withEigenvalues(exact, n + kind);
    }
    const { values, vectors } = linalg.eigh(a);
    expect(values.length).toBe(n);
    expect(eigenResidual(a, values, vectors)).toBeLessThan(C * n * EPS);
    expect(orthogonalityError(vectors)).toBeLessThan(C * n * EPS);
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    if (exact !== undefined) {
      const sorted = [...exact].sort((x, y) => x - y);
      const norm = Math.max(...exact.map(Math.abs));
      sorted.forEach((x, i) => expect(Math.abs(values[i] - x)).toBeLessThan(C * n * EPS * norm));
    }
  });

  it("control: swapping two eigenvalues makes the residual check fail", () => {
    const a = withEigenvalues([1, 2, 3, 4, 5, 6], 9);
    const { values, vectors } = linalg.eigh(a);
    const swapped = Float64Array.from(values);
    [swapped[0], swapped[5]] = [swapped[5], swapped[0]];
    expect(eigenResidual(a, swapped, vectors)).toBeGreaterThan(C * 6 * EPS);
  });

  it("rejects non-symmetric and non-square input with codes", () => {
    const a = randomMatrix(5, 5, 4);
    const codes: string[] = [];
    for (const bad of [a, matrix(2, 3)]) {
      try {
        linalg.eigh(bad);
      } catch (err) {
        if (err instanceof LinalgError) codes.push(err.code);
      }
    }
    expect(codes).toEqual(["LIN1045", "LIN1041"]);
    // Symmetric up to rounding (BᵀB computed in float64) is accepted.
    const b = randomMatrix(7, 5, 5);
    expect(linalg.eigh(matmulJs(transpose(b), b)).values.length).toBe(5);
  });
});
