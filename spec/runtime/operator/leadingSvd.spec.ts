// leadingSvd: α·I + U·Vᵀ decomposed from its factors at any n (the core on span[U | V] and |α| on the
// complement). At small n every value and triplet is checked against the dense float64 SVD; at an n
// where a dense SVD would be the wrong tool, the triplets are checked by their residuals and all n
// values by ‖A‖_F² computed from the factors. A perturbation outside the structure is the control.
import { describe, expect, it } from "vitest";
import { matmul, orthogonalityError, svd as denseSvd, transpose, type Matrix } from "../../../src/runtime/linalg/index.js";
import {
  DENSE_SVD_LIMIT,
  completeSvd,
  decompositionRoute,
  dense,
  diagonal,
  identityPlusLowRank,
  leadingSvd,
  materialise,
  multiplyHost,
  pinv,
  product,
  randomDepthwiseConv,
  transpose as transposeOp,
  type LinearOperator,
} from "../../../src/runtime/operator/index.js";
import { gaussianMatrix } from "../../support/random.js";
import { EPS64 } from "./support.js";

/** max over i of max(‖A vᵢ − σᵢ uᵢ‖, ‖Aᵀuᵢ − σᵢ vᵢ‖). */
function worstResidual(op: LinearOperator, u: Matrix, s: Float64Array, v: Matrix): number {
  const av = multiplyHost(op, v);
  const atu = multiplyHost(transposeOp(op), u);
  let worst = 0;
  for (let j = 0; j < s.length; j++) {
    let r1 = 0;
    let r2 = 0;
    for (let i = 0; i < u.rows; i++) {
      r1 += (av.data[i * s.length + j] - s[j] * u.data[i * s.length + j]) ** 2;
      r2 += (atu.data[i * s.length + j] - s[j] * v.data[i * s.length + j]) ** 2;
    }
    worst = Math.max(worst, Math.sqrt(r1), Math.sqrt(r2));
  }
  return worst;
}

/** ‖αI + UVᵀ‖_F² = α²n + 2α·tr(VᵀU) + ‖(UᵀU)^{½}…‖: computed as α²n + 2α·Σᵢ uᵢ·vᵢ + tr((UᵀU)(VᵀV)), O(n·r²). */
function frobeniusSquared(alpha: number, u: Matrix, v: Matrix): number {
  const n = u.rows;
  let trace = 0;
  for (let i = 0; i < u.data.length; i++) trace += u.data[i] * v.data[i];
  const uu = matmul(transpose(u), u);
  const vv = matmul(transpose(v), v);
  let cross = 0;
  for (let i = 0; i < uu.data.length; i++) cross += uu.data[i] * vv.data[i]; // tr(UᵀU·VᵀV), both symmetric
  return alpha * alpha * n + 2 * alpha * trace + cross;
}

describe("leadingSvd of α·I + U·Vᵀ from its factors", () => {
  const n = 40;
  const r = 3;
  // α above, inside and below the core's values, negative, and zero.
  for (const alpha of [30, 2.5, 0.05, -1.5, 0]) {
    it(`n = ${n}, r = ${r}, α = ${alpha}: all values and the leading triplets equal the dense SVD's`, () => {
      const op = identityPlusLowRank(gaussianMatrix(n, r, 1), gaussianMatrix(n, r, 2), alpha);
      const k = 8;
      const got = leadingSvd(op, k);
      expect(got.method).toBe("structured");
      const want = denseSvd(materialise(op));
      // Both are backward stable SVDs of the same matrix (the structured one of a 2r×2r core after two
      // thin QRs): each value within ~c·n·ε·σ₁ of the exact one (Weyl), c = 10 for the few products.
      const tol = 10 * n * EPS64 * want.s[0];
      got.values.forEach((x, i) => expect(Math.abs(x - want.s[i])).toBeLessThanOrEqual(tol));
      expect(worstResidual(op, got.u, got.s, got.v)).toBeLessThanOrEqual(tol);
      expect(orthogonalityError(got.u)).toBeLessThanOrEqual(10 * n * EPS64);
      expect(orthogonalityError(got.v)).toBeLessThanOrEqual(10 * n * EPS64);
      // Control: one entry changed outside the structure moves the dense values far outside tol.
      const perturbed = materialise(op);
      perturbed.data[1] += 0.5;
      const off = denseSvd(perturbed).s;
      expect(Math.max(...got.values.map((x, i) => Math.abs(x - off[i])))).toBeGreaterThan(1e6 * tol);
    });
  }

  it("n = 3000 (a dense SVD would be 72 MB and slow): residuals and ‖A‖_F² from the factors check every value", () => {
    const big = 3000;
    const alpha = 0.7;
    const u = gaussianMatrix(big, 4, 3);
    const v = gaussianMatrix(big, 4, 4);
    const op = identityPlusLowRank(u, v, alpha);
    const got = leadingSvd(op, 12);
    expect(got.values.length).toBe(big);
    // 8 core values at most, then |α| for the rest (the leading 12 reach into the complement).
    expect(got.values[11]).toBeCloseTo(Math.abs(alpha), 12);
    const sigma1 = got.values[0];
    expect(worstResidual(op, got.u, got.s, got.v)).toBeLessThanOrEqual(10 * big * EPS64 * sigma1);
    const sumSquares = got.values.reduce((acc, x) => acc + x * x, 0);
    const want = frobeniusSquared(alpha, u, v);
    // Σσᵢ² = ‖A‖_F²: n terms each within ~10·n·ε·σ₁ of exact, relative to ‖A‖_F² ≥ σ₁².
    expect(Math.abs(sumSquares - want) / want).toBeLessThanOrEqual(20 * big * EPS64);
    // Control: dropping one repeated |α| (the complement's multiplicity off by one) is caught.
    expect(Math.abs(sumSquares - alpha * alpha - want) / want).toBeGreaterThan(1e3 * 20 * big * EPS64);
  });

  it("an unstructured operator above DENSE_SVD_LIMIT takes the matrix-free route, certified by its residuals", () => {
    // diag(d)·K with K a zero-padded 3×3 depthwise conv on R[3, 40, 40] (D = 4800 > 4096): no structured
    // SVD, and a dense one would be 184 MB. d decays geometrically, so the top values are well separated.
    const conv = randomDepthwiseConv({ channels: 3, height: 40, width: 40, size: 3 }, 7);
    const n = conv.rows;
    expect(n * n).toBeGreaterThan(DENSE_SVD_LIMIT);
    const d = Float64Array.from({ length: n }, (_, i) => 0.999 ** i);
    const op = product(diagonal(d), conv);
    expect(decompositionRoute(op, "svd").route).toBe("matrix-free");
    const got = leadingSvd(op, 4);
    expect(got.method).toBe("matrix-free");
    expect(got.complete).toBe(false);
    expect(got.values.length).toBe(4);
    if (got.certificate === undefined) throw new Error("a matrix-free result carries its certificate");
    expect(got.certificate.converged).toBe(true);
    // The residuals recomputed here through the operator's products bound each σᵢ's distance to a true
    // singular value; topSvd aimed at 1e-8·σ₁, and the rounding of the products is ~n·ε·σ₁ far below it.
    const residual = worstResidual(op, got.u, got.s, got.v);
    expect(residual).toBeLessThanOrEqual(1e-8 * got.s[0] * 1.01);
    expect(got.certificate.errorBound).toBeLessThanOrEqual(2 * Math.sqrt(4) * 1e-8 * got.s[0]);
    // Control: a triplet with σ₁ changed by 1 % has a residual of ~0.01·σ₁, far above the bound.
    const wrong = Float64Array.from(got.s, (x, i) => (i === 0 ? 1.01 * x : x));
    expect(worstResidual(op, got.u, wrong, got.v)).toBeGreaterThan(1e4 * residual);
    // A pseudo-inverse on that route is never materialised: it is an iterative_pinv (iterativePinv.spec).
    expect(pinv(op).operator.kind).toBe("iterative_pinv");
    // All the singular vectors (what the language's svd(f) types) are refused there: LIN1008.
    expect(() => completeSvd(op)).toThrow(/LIN1008/);
  });

  it("the route: structured for α·I + U·Vᵀ at any n, dense within the limit, and why", () => {
    const small = product(diagonal(Float64Array.from({ length: 30 }, (_, i) => i + 1)), dense(gaussianMatrix(30, 30, 8)));
    expect(decompositionRoute(small, "svd")).toMatchObject({ route: "dense" });
    const big = identityPlusLowRank(gaussianMatrix(20000, 2, 1), gaussianMatrix(20000, 2, 2), 1);
    const route = decompositionRoute(big, "svd");
    expect(route.route).toBe("structured");
    expect(route.reason).toMatch(/core on span/);
    expect(decompositionRoute(big, "pinv").reason).toMatch(/Woodbury/);
  });
});
