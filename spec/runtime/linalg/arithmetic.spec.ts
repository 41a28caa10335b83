import { describe, expect, it } from "vitest";
import {
  LinalgError,
  add,
  frobeniusNorm,
  fromFloat32,
  fromRows,
  identityMatrix,
  jsLinalg,
  matrix,
  nativeLinalg,
  scale,
  toFloat32,
  transpose,
} from "../../../src/runtime/linalg/index.js";
import { EPS, randomMatrix } from "./fixtures.js";
import { describeEachBackend } from "./backends.js";

describe("matrix helpers", () => {
  it("fromFloat32 widens exactly and toFloat32 narrows back to the same bits", () => {
    const f32 = new Float32Array([0.1, -3.25, 1e-30, 7]);
    const m = fromFloat32(2, 2, f32);
    expect(Array.from(m.data)).toEqual(Array.from(f32));
    expect(toFloat32(m)).toEqual(f32);
    expect(() => fromFloat32(3, 2, f32)).toThrow(RangeError);
  });

  it("transpose swaps indices (non-square, larger than one cache block)", () => {
    const a = randomMatrix(37, 70, 1);
    const t = transpose(a);
    expect([t.rows, t.cols]).toEqual([70, 37]);
    for (let i = 0; i < 37; i++) for (let j = 0; j < 70; j++) expect(t.data[j * 37 + i]).toBe(a.data[i * 70 + j]);
    expect(transpose(t)).toEqual(a);
  });

  it("add and scale are elementwise; mismatched shapes are LIN1041", () => {
    const a = fromRows([
      [1, 2],
      [3, 4],
    ]);
    expect(Array.from(add(a, scale(a, -2)).data)).toEqual([-1, -2, -3, -4]);
    expect(() => add(a, matrix(2, 3))).toThrow(LinalgError);
    expect(() => add(a, matrix(2, 3))).toThrow(/LIN1041/);
  });

  it("frobeniusNorm is √Σa² without overflow or underflow", () => {
    expect(frobeniusNorm(fromRows([[3, 4]]))).toBe(5);
    // Squaring 3e200 overflows; the scaled sum does not: ‖[3e200, 4e200]‖ = 5e200 to rounding.
    expect(frobeniusNorm(fromRows([[3e200, 4e200]])) / 5e200).toBeCloseTo(1, 14);
    expect(frobeniusNorm(fromRows([[3e-200, 4e-200]])) / 5e-200).toBeCloseTo(1, 14);
    expect(frobeniusNorm(matrix(0, 0))).toBe(0);
  });
});

describeEachBackend("matmul", (linalg) => {
  it("small integer products are exact: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]", () => {
    const c = linalg.matmul(
      fromRows([
        [1, 2],
        [3, 4],
      ]),
      fromRows([
        [5, 6],
        [7, 8],
      ]),
    );
    expect(Array.from(c.data)).toEqual([19, 22, 43, 50]);
  });

  it("A·I = A exactly and (A·B)ᵀ = Bᵀ·Aᵀ to k·ε·‖A‖·‖B‖", () => {
    const a = randomMatrix(23, 31, 2);
    const b = randomMatrix(31, 17, 3);
    expect(linalg.matmul(a, identityMatrix(31))).toEqual(a);
    const left = transpose(linalg.matmul(a, b));
    const right = linalg.matmul(transpose(b), transpose(a));
    // Each entry is a length-31 dot product: both orders are within 31·ε·Σ|a||b| of exact.
    const diff = frobeniusNorm(add(left, scale(right, -1)));
    expect(diff).toBeLessThan(2 * 31 * EPS * frobeniusNorm(a) * frobeniusNorm(b));
  });

  it("inner sizes that differ are LIN1041", () => {
    expect(() => linalg.matmul(matrix(2, 3), matrix(2, 3))).toThrow(/LIN1041/);
  });
});

// The two backends are independent implementations: each is an oracle for the other.
const native = nativeLinalg();
describe.skipIf(!("linalg" in native))(`js and native agree${"reason" in native ? ` — skipped: ${native.reason}` : ""}`, () => {
  it("singular values and eigenvalues agree to c·n·ε·‖A‖ (both backward stable; Weyl)", () => {
    if (!("linalg" in native)) return;
    const n = 40;
    const a = randomMatrix(n, n, 77);
    const sJs = jsLinalg.svd(a).s;
    const sNative = native.linalg.svd(a).s;
    const bound = 8 * n * EPS * sJs[0];
    for (let i = 0; i < n; i++) expect(Math.abs(sJs[i] - sNative[i])).toBeLessThan(bound);
    const sym = jsLinalg.matmul(transpose(a), a);
    const eJs = jsLinalg.eigh(sym).values;
    const eNative = native.linalg.eigh(sym).values;
    const eBound = 8 * n * EPS * eJs[n - 1];
    for (let i = 0; i < n; i++) expect(Math.abs(eJs[i] - eNative[i])).toBeLessThan(eBound);
  });
});
