// pinv and SVD of every kind: the four Moore–Penrose conditions, reconstruction and orthogonality,
// agreement with the dense float64 routines, the structured paths taken where promised, and
// ill-conditioned and singular inputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  frobeniusNorm,
  matrix,
  orthogonalityError,
  penroseViolations,
  pinv as densePinv,
  reconstructionError,
  subtract,
  svd as denseSvd,
  type Matrix,
} from "../../../src/runtime/linalg/index.js";
import {
  compress,
  identityPlusLowRank,
  lowRank,
  materialise,
  pinv,
  product,
  randomIdentityPlusLowRank,
  randomTimeConditioned,
  completeSvd,
  svd,
  svdFactored,
  diagonal,
  type LinearOperator,
} from "../../../src/runtime/operator/index.js";
import {
  RECTANGULAR_KINDS,
  SQUARE_KINDS,
  compositeArb,
  dimArb,
  float64Tolerance,
  makeOperator,
  oracleConditioning,
  oracleOf,
  rectangularLeafArb,
  seedArb,
  squareLeafArb,
} from "./support.js";

/** κ over the singular values the cut-off keeps: the amplification of rounding in A⁺. */
function keptCondition(a: Matrix): number {
  const { s } = denseSvd(a);
  const cutoff = (s[0] ?? 0) * Math.max(a.rows, a.cols) * 2 ** -52;
  const kept = Array.from(s).filter((x) => x > cutoff);
  return kept.length === 0 ? 1 : kept[0] / kept[kept.length - 1];
}

/** Penrose residuals are relative; each is a chain of ≤ 3 products amplified by κ (and the oracle's own κ). */
function penroseTolerance(op: LinearOperator): number {
  const oracle = oracleOf(op);
  return float64Tolerance(Math.max(op.rows, op.cols) + 8, 8) * keptCondition(oracle) * oracleConditioning(op);
}

const anyOperatorArb = fc.oneof(squareLeafArb, rectangularLeafArb, compositeArb);

describe("pinv", () => {
  it("satisfies the four Moore–Penrose conditions for every kind and composite", () => {
    fc.assert(
      fc.property(anyOperatorArb, (op) => {
        const result = pinv(op);
        expect([result.operator.rows, result.operator.cols]).toEqual([op.cols, op.rows]);
        const violations = penroseViolations(materialise(op), materialise(result.operator));
        expect(violations.worst).toBeLessThanOrEqual(penroseTolerance(op));
      }),
      { numRuns: 120 },
    );
  });

  it("agrees with the dense pseudo-inverse and reports the same rank", () => {
    fc.assert(
      fc.property(anyOperatorArb, (op) => {
        const result = pinv(op);
        const dense = densePinv(oracleOf(op));
        expect(result.rank).toBe(dense.rank);
        const got = materialise(result.operator);
        let diff = 0;
        let norm = 0;
        for (let i = 0; i < got.data.length; i++) {
          diff += (got.data[i] - dense.pinv.data[i]) ** 2;
          norm += dense.pinv.data[i] ** 2;
        }
        // Two independent pseudo-inverses of the same matrix differ by O(ε·κ²) relative (perturbation
        // theory of A⁺ for a fixed rank).
        expect(Math.sqrt(diff / Math.max(norm, 1))).toBeLessThanOrEqual(penroseTolerance(op) * keptCondition(oracleOf(op)));
      }),
      { numRuns: 80 },
    );
  });

  it("control: a perturbed pseudo-inverse, and Aᵀ in place of A⁺, violate the conditions", () => {
    fc.assert(
      fc.property(fc.constantFrom("dense", "lowrank", "identity_plus_lowrank", "svd_factored"), dimArb, seedArb, (kind, n, seed) => {
        const op = makeOperator(kind, n + 1, n + 1, 2, seed);
        const x = materialise(pinv(op).operator);
        const wrong = matrix(x.rows, x.cols, x.data);
        wrong.data[seed % wrong.data.length] += 0.05;
        const a = materialise(op);
        expect(penroseViolations(a, wrong).worst).toBeGreaterThan(penroseTolerance(op));
      }),
      { numRuns: 40 },
    );
  });

  it("takes the exact structured path where the structure gives it", () => {
    for (const kind of ["diagonal", "identity", "scaled_identity", "lowrank", "identity_plus_lowrank", "householder", "cayley", "svd_factored", "projector"] as const) {
      expect(pinv(makeOperator(kind, 5, 5, 2, 1)).method).toBe("structured");
    }
    expect(pinv(makeOperator("dense", 5, 5, 2, 1)).method).toBe("dense");
    const orth = makeOperator("householder", 5, 5, 2, 1);
    expect(pinv(orth).operator.kind).toBe("orthogonal");
    const p = makeOperator("projector", 5, 5, 2, 1);
    expect(pinv(p).operator).toBe(p);
    expect(pinv(randomIdentityPlusLowRank(6, 2, 3)).operator.kind).toBe("identity_plus_lowrank");
    expect(pinv(makeOperator("lowrank", 6, 4, 2, 3)).operator.kind).toBe("svd_factored");
    // A product of orthogonal factors inverts factor by factor; with a non-orthogonal factor it does not.
    const q1 = makeOperator("householder", 5, 5, 1, 1);
    const q2 = makeOperator("cayley", 5, 5, 1, 2);
    const orthogonalProduct: LinearOperator = { kind: "product", rows: 5, cols: 5, factors: [q1, q2] };
    const r = pinv(orthogonalProduct);
    expect(r.method).toBe("structured");
    expect(penroseViolations(materialise(orthogonalProduct), materialise(r.operator)).worst).toBeLessThanOrEqual(penroseTolerance(orthogonalProduct));
    const mixed: LinearOperator = { kind: "product", rows: 5, cols: 5, factors: [q1, makeOperator("dense", 5, 5, 1, 3)] };
    expect(pinv(mixed).method).toBe("dense");
  });

  it("handles singular and ill-conditioned inputs with the relative cut-off", () => {
    // I − q·qᵀ (q unit) is singular: Woodbury's core 1 + qᵀ(−q) vanishes, so the dense path runs.
    const q = matrix(4, 1, [0.5, 0.5, 0.5, 0.5]);
    const minus = matrix(4, 1, [-0.5, -0.5, -0.5, -0.5]);
    const complement = identityPlusLowRank(minus, q);
    const r = pinv(complement);
    expect(r.method).toBe("dense");
    expect(r.rank).toBe(3);
    expect(penroseViolations(materialise(complement), materialise(r.operator)).worst).toBeLessThan(float64Tolerance(12, 8));
    // A diagonal entry below σ_max·n·ε is treated as zero, not inverted to 1e20.
    const d = pinv(diagonal([1, 1e-20, 2]));
    expect(d.rank).toBe(2);
    expect(Math.max(...materialise(d.operator).data.map(Math.abs))).toBeLessThanOrEqual(1);
    // A rank-deficient low-rank U·Vᵀ (two equal columns) reports its numerical rank.
    const u = matrix(5, 2, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    const v = matrix(3, 2, [1, 1, 0, 0, 2, 2]);
    const lr = pinv(lowRank(u, v));
    expect(lr.rank).toBe(1);
    expect(penroseViolations(materialise(lowRank(u, v)), materialise(lr.operator)).worst).toBeLessThan(float64Tolerance(13, 8) * 100);
    // A graded svd_factored with σ from 1 down to 1e-12 keeps every value above the cut-off.
    const e = (i: number, n: number): number[] => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0));
    const basis = matrix(4, 3, [...e(0, 3), ...e(1, 3), ...e(2, 3), 0, 0, 0]);
    const graded = svdFactored(basis, [1, 1e-6, 1e-12], basis);
    expect(pinv(graded).rank).toBe(3);
  });

  it("needs a time for a time-conditioned operator", () => {
    expect(() => pinv(randomTimeConditioned({ n: 3, rank: 1, embedDim: 4, hidden: 3 }, 1))).toThrow(expect.objectContaining({ code: "LIN1007" }));
  });
});

describe("svd", () => {
  it("reconstructs A with orthonormal factors and descending non-negative values, matching the dense SVD", () => {
    fc.assert(
      fc.property(anyOperatorArb, (op) => {
        const { u, s, v, rank } = svd(op);
        const oracle = oracleOf(op);
        const tol = float64Tolerance(Math.max(op.rows, op.cols) + 8, 8) * oracleConditioning(op);
        expect(reconstructionError(oracle, u, s, v)).toBeLessThanOrEqual(tol);
        expect(orthogonalityError(u)).toBeLessThanOrEqual(tol);
        expect(orthogonalityError(v)).toBeLessThanOrEqual(tol);
        for (let i = 1; i < s.length; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
        expect(s.every((x) => x >= 0)).toBe(true);
        // Singular values are perfectly conditioned: |σ_i − σ̂_i| ≤ ‖ΔA‖ ≈ tol·σ_max.
        const reference = denseSvd(oracle).s;
        for (let i = 0; i < Math.max(s.length, reference.length); i++) {
          expect(Math.abs((s[i] ?? 0) - (reference[i] ?? 0))).toBeLessThanOrEqual(tol * Math.max(reference[0] ?? 0, 1));
        }
        expect(rank).toBe(densePinv(oracle).rank);
      }),
      { numRuns: 120 },
    );
  });

  it("control: a perturbed singular value breaks the reconstruction", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SQUARE_KINDS, ...RECTANGULAR_KINDS), dimArb, seedArb, (kind, n, seed) => {
        const op = makeOperator(kind, n, n, 2, seed);
        const { u, s, v } = svd(op);
        const wrong = s.slice();
        wrong[0] *= 1.01;
        expect(reconstructionError(oracleOf(op), u, wrong, v)).toBeGreaterThan(float64Tolerance(n + 8, 8) * oracleConditioning(op));
      }),
      { numRuns: 40 },
    );
  });

  it("is structured (thin, from the factors) for low-rank kinds", () => {
    const r = svd(makeOperator("lowrank", 7, 5, 2, 4));
    expect(r.method).toBe("structured");
    expect(r.s.length).toBe(2);
    expect(svd(makeOperator("projector", 6, 6, 3, 4)).s.length).toBe(3);
    expect(svd(makeOperator("dense", 4, 3, 1, 4)).method).toBe("dense");
  });
});

describe("completeSvd", () => {
  it("has exactly k = min(rows, cols) triplets: the thin SVD completed by orthonormal columns with value 0", () => {
    fc.assert(
      fc.property(anyOperatorArb, (op) => {
        const k = Math.min(op.rows, op.cols);
        const thin = svd(op);
        const { u, s, v } = completeSvd(op);
        expect([s.length, u.rows, u.cols, v.rows, v.cols]).toEqual([k, op.rows, k, op.cols, k]);
        const tol = float64Tolerance(Math.max(op.rows, op.cols) + 8, 8) * oracleConditioning(op);
        expect(reconstructionError(oracleOf(op), u, s, v)).toBeLessThanOrEqual(tol);
        expect(orthogonalityError(u)).toBeLessThanOrEqual(tol);
        expect(orthogonalityError(v)).toBeLessThanOrEqual(tol);
        expect(Array.from(s.subarray(0, thin.s.length))).toEqual(Array.from(thin.s));
        expect(s.subarray(thin.s.length).every((x) => x === 0)).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it("control: the thin SVD of a low-rank operator has only r triplets, the completed one k", () => {
    const op = makeOperator("lowrank", 7, 5, 2, 4);
    expect(svd(op).s.length).toBe(2);
    expect(completeSvd(op).s.length).toBe(5);
  });
});

describe("compress", () => {
  it("caps the rank of concatenated factors at the numerical rank, keeping the operator", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 5 }), seedArb, (n, factors, seed) => {
        // A product of `factors` identity-plus-low-rank operators of rank 2 has ≤ 2·factors columns;
        // its low-rank part has rank ≤ n.
        let op: LinearOperator = randomIdentityPlusLowRank(n, Math.min(2, n), seed);
        for (let i = 1; i < factors; i++) op = product(op, randomIdentityPlusLowRank(n, Math.min(2, n), seed + i));
        const small = compress(op);
        expect(small.kind).toBe("identity_plus_lowrank");
        if (small.kind !== "identity_plus_lowrank" || op.kind !== "identity_plus_lowrank") return;
        expect(small.u.cols).toBeLessThanOrEqual(Math.min(n, op.u.cols));
        const before = materialise(op);
        // Thin QRs and an SVD of the small core: a chain of ≤ 8 float64 products.
        const tol = float64Tolerance(n + 2 * factors, 8) * Math.max(frobeniusNorm(before), 1);
        expect(frobeniusNorm(subtract(materialise(small), before))).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 30 },
    );
  });

  it("drops exactly dependent columns (control: independent ones are kept)", () => {
    // Column 3 of U is column 1 + column 2, so U·Vᵀ has rank 2 although it is stored with 3 columns.
    const u = matrix(5, 3, [1, 0, 1, 0, 1, 1, 2, 1, 3, 0, 3, 3, 1, 1, 2]);
    const v = matrix(4, 3, [1, 0, 2, 0, 1, 1, 3, 1, 0, 1, 2, 1]);
    const small = compress(lowRank(u, v));
    expect(small.kind).toBe("lowrank");
    if (small.kind === "lowrank") expect(small.u.cols).toBe(2);
    const full = compress(makeOperator("lowrank", 6, 6, 3, 1));
    if (full.kind === "lowrank") expect(full.u.cols).toBe(3);
  });
});
