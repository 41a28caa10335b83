import { expect, it } from "vitest";
import { matrix, orthogonalityError, productResidual, type Matrix } from "../../../src/runtime/linalg/index.js";
import { EPS, geometricSpectrum, randomMatrix, withSingularValues } from "./fixtures.js";
import { describeEachBackend } from "./backends.js";

// Householder QR is backward stable: Q·R = A + E with ‖E‖ ≤ c·m·n·ε·‖A‖ in the worst-case analysis,
// c·m·ε in practice, and Q orthonormal to c·m·ε — independent of conditioning and rank. C = 4.
const C = 4;

function expectUpperTriangular(r: Matrix): void {
  for (let i = 0; i < r.rows; i++) for (let j = 0; j < Math.min(i, r.cols); j++) expect(r.data[i * r.cols + j]).toBe(0);
}

describeEachBackend("qr", (linalg) => {
  it.each([
    ["random tall 64×20", randomMatrix(64, 20, 1)],
    ["random square 40×40", randomMatrix(40, 40, 2)],
    ["random wide 12×30", randomMatrix(12, 30, 3)],
    ["ill-conditioned 40×40, cond 1e10", withSingularValues(40, 40, geometricSpectrum(40, 1e10), 4)],
    ["rank-deficient 50×30, rank 7", withSingularValues(50, 30, geometricSpectrum(7, 10), 5)],
    ["zero 5×3", matrix(5, 3)],
  ])("%s: Q·R = A, QᵀQ = I, R upper triangular", (_name, a) => {
    const { q, r } = linalg.qr(a);
    const k = Math.min(a.rows, a.cols);
    const bound = C * Math.max(a.rows, a.cols) * EPS;
    expect([q.rows, q.cols, r.rows, r.cols]).toEqual([a.rows, k, k, a.cols]);
    expect(productResidual(q, r, a)).toBeLessThan(bound);
    expect(orthogonalityError(q)).toBeLessThan(bound);
    expectUpperTriangular(r);
  });

  it("control: a Q with one column scaled by 1 + 1e-10 fails the orthogonality check", () => {
    const { q } = linalg.qr(randomMatrix(30, 10, 6));
    const bad = matrix(q.rows, q.cols, q.data);
    for (let i = 0; i < bad.rows; i++) bad.data[i * bad.cols] *= 1 + 1e-10;
    expect(orthogonalityError(bad)).toBeGreaterThan(C * 30 * EPS);
  });

  it("rejects NaN with LIN1044", () => {
    const a = randomMatrix(3, 2, 1);
    a.data[1] = Number.NaN;
    expect(() => linalg.qr(a)).toThrow(/LIN1044/);
  });
});
