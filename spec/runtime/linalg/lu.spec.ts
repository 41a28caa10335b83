import { expect, it } from "vitest";
import { LinalgError, frobeniusNorm, fromRows, identityMatrix, matrix, productResidual, subtract, type Linalg, type Matrix } from "../../../src/runtime/linalg/index.js";
import { matmulJs } from "../../../src/runtime/linalg/arithmetic.js";
import { EPS, geometricSpectrum, randomMatrix, withSingularValues } from "./fixtures.js";
import { describeEachBackend } from "./backends.js";

// Tolerances. LU with partial pivoting is backward stable up to the growth factor ρ (small, ≤ ~10, for
// these matrices): P·A − L·U and the solve residual ‖A·X − B‖/(‖A‖·‖X‖) are ≤ C·n·ε·ρ, independent of
// the conditioning; the forward error ‖X − X*‖/‖X*‖ and ‖A·A⁻¹ − I‖ grow with κ: ≤ C·n·ε·κ. C·ρ = 10.
const C = 10;

function rowsPermuted(a: Matrix, perm: Int32Array): Matrix {
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) out.data.set(a.data.subarray(perm[i] * a.cols, (perm[i] + 1) * a.cols), i * a.cols);
  return out;
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof LinalgError) return err.code;
    throw err;
  }
  return undefined;
}

function relative(x: Matrix, y: Matrix): number {
  return frobeniusNorm(subtract(x, y)) / frobeniusNorm(y);
}

function relativeTo(diff: Matrix, scale: Matrix): number {
  return frobeniusNorm(diff) / frobeniusNorm(scale);
}

describeEachBackend("lu, solve, inverse, triangularSolve", (linalg: Linalg) => {
  it.each([
    ["random 48×48", randomMatrix(48, 48, 1)],
    ["ill-conditioned 40×40, cond 1e10", withSingularValues(40, 40, geometricSpectrum(40, 1e10), 2)],
  ])("lu of %s: P·A = L·U, L unit lower with |l| ≤ 1, U upper", (_name, a) => {
    const { l, u, perm, sign } = linalg.lu(a);
    const n = a.rows;
    expect(relativeTo(subtract(matmulJs(l, u), rowsPermuted(a, perm)), a)).toBeLessThan(C * n * EPS);
    for (let i = 0; i < n; i++) {
      expect(l.data[i * n + i]).toBe(1);
      for (let j = 0; j < n; j++) {
        if (j > i) expect(l.data[i * n + j]).toBe(0);
        if (j < i) expect(u.data[i * n + j]).toBe(0);
        if (j < i) expect(Math.abs(l.data[i * n + j])).toBeLessThanOrEqual(1);
      }
    }
    expect(Array.from(perm).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect([1, -1]).toContain(sign);
  });

  it("sign and U give the determinant: det [[0, 3], [2, 0]] = −6 after one row swap", () => {
    const { u, sign } = linalg.lu(
      fromRows([
        [0, 3],
        [2, 0],
      ]),
    );
    expect(sign * u.data[0] * u.data[3]).toBe(-6);
  });

  it.each([
    ["random 48×48 (κ ≈ 1e2)", 48, 1e2],
    ["ill-conditioned 40×40 (κ = 1e10)", 40, 1e10],
  ])("solve on %s: backward residual ≤ C·n·ε, forward error ≤ C·n·ε·κ", (_name, n, kappa) => {
    const a = withSingularValues(n, n, geometricSpectrum(n, kappa), n);
    const xTrue = randomMatrix(n, 3, 7);
    const b = matmulJs(a, xTrue);
    const x = linalg.solve(a, b);
    expect(frobeniusNorm(subtract(matmulJs(a, x), b)) / (frobeniusNorm(a) * frobeniusNorm(x))).toBeLessThan(C * n * EPS);
    expect(relative(x, xTrue)).toBeLessThan(C * n * EPS * kappa);
  });

  it("luSolve reuses lu's factors: the same X as solve, to rounding (same factors, same solves)", () => {
    const n = 24;
    const a = withSingularValues(n, n, geometricSpectrum(n, 1e2), 16);
    const factors = linalg.lu(a);
    for (const seed of [1, 2]) {
      const b = randomMatrix(n, 2, seed);
      const x = linalg.luSolve(factors, b);
      expect(productResidual(a, x, b)).toBeLessThan(C * n * EPS);
      expect(x).toEqual(linalg.solve(a, b));
    }
    expect(() => linalg.luSolve(factors, matrix(n + 1, 1))).toThrow(/LIN1041/);
  });

  it("inverse: A·A⁻¹ = I to C·n·ε·κ (κ = 1e3)", () => {
    const n = 36;
    const a = withSingularValues(n, n, geometricSpectrum(n, 1e3), 9);
    const inv = linalg.inverse(a);
    expect(frobeniusNorm(subtract(matmulJs(a, inv), identityMatrix(n))) / Math.sqrt(n)).toBeLessThan(C * n * EPS * 1e3);
  });

  it.each([
    [true, false],
    [true, true],
    [false, false],
    [false, true],
  ])("triangularSolve lower=%s unitDiagonal=%s: residual ≤ C·n·ε", (lower, unitDiagonal) => {
    const n = 32;
    const t = randomMatrix(n, n, 12);
    // A well-conditioned triangle: dominant diagonal, the other triangle zeroed (it must not be read anyway).
    const tri = matrix(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) tri.data[i * n + j] = unitDiagonal ? 1 : n + Math.abs(t.data[i * n + j]);
        else if (lower ? j < i : j > i) tri.data[i * n + j] = t.data[i * n + j];
      }
    }
    // Garbage in the unread triangle (and on the diagonal when unit) must not change the answer.
    const dirty = matrix(n, n, tri.data);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) if ((lower ? j > i : j < i) || (unitDiagonal && i === j)) dirty.data[i * n + j] = 1e6;
    }
    const b = randomMatrix(n, 4, 13);
    const x = linalg.triangularSolve(dirty, b, { lower, unitDiagonal });
    expect(productResidual(tri, x, b)).toBeLessThan(C * n * EPS);
  });

  it("singular input is LIN1043: exactly singular, rank-deficient in floating point, zero triangle diagonal", () => {
    const exact = fromRows([
      [1, 2],
      [2, 4],
    ]);
    expect(codeOf(() => linalg.solve(exact, identityMatrix(2)))).toBe("LIN1043");
    expect(codeOf(() => linalg.inverse(exact))).toBe("LIN1043");
    expect(codeOf(() => linalg.lu(exact))).toBe("LIN1043");
    // Rank 20 of 32: its trailing pivots are rounding noise, below the n·ε·max|U| rule.
    const deficient = withSingularValues(32, 32, geometricSpectrum(20, 10), 14);
    expect(codeOf(() => linalg.inverse(deficient))).toBe("LIN1043");
    const tri = fromRows([
      [1, 0],
      [5, 0],
    ]);
    expect(codeOf(() => linalg.triangularSolve(tri, identityMatrix(2), { lower: true }))).toBe("LIN1043");
    // Control on the other side of the rule: a unit-diagonal solve ignores the zero, and κ = 1e10 is not singular.
    expect(codeOf(() => linalg.triangularSolve(tri, identityMatrix(2), { lower: true, unitDiagonal: true }))).toBeUndefined();
    expect(codeOf(() => linalg.inverse(withSingularValues(32, 32, geometricSpectrum(32, 1e10), 15)))).toBeUndefined();
  });

  it("shape and value errors carry codes", () => {
    expect(codeOf(() => linalg.lu(matrix(3, 4)))).toBe("LIN1041");
    expect(codeOf(() => linalg.solve(identityMatrix(3), matrix(2, 1)))).toBe("LIN1041");
    expect(codeOf(() => linalg.inverse(matrix(2, 3)))).toBe("LIN1041");
    expect(codeOf(() => linalg.triangularSolve(matrix(2, 3), matrix(2, 1), { lower: true }))).toBe("LIN1041");
    const nan = identityMatrix(3);
    nan.data[4] = Number.NaN;
    expect(codeOf(() => linalg.solve(nan, identityMatrix(3)))).toBe("LIN1044");
  });
});
