// The structured algebra against dense float64 products and sums, and the structure each rule
// promises (docs/operators.md, "Structured rules").
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { add, matmul, scale as scaleM, transpose as transposeM, identityMatrix, type Matrix } from "../../../src/runtime/linalg/index.js";
import {
  OperatorError,
  at,
  difference,
  identity,
  materialise,
  power,
  product,
  randomDense,
  randomHouseholder,
  randomIdentityPlusLowRank,
  randomLowRank,
  randomProjector,
  randomTimeConditioned,
  scale,
  sum,
  transpose,
  type LinearOperator,
} from "../../../src/runtime/operator/index.js";
import {
  RECTANGULAR_KINDS,
  SQUARE_KINDS,
  dimArb,
  float64Tolerance,
  magnitude,
  makeOperator,
  oracleConditioning,
  oracleOf,
  perturbed,
  relativeDifference,
  seedArb,
} from "./support.js";

/** Inner sizes of the rules' products are at most n plus the two ranks; chains are ≤ 8 products deep. */
function tolerance(n: number, ...ops: LinearOperator[]): number {
  return float64Tolerance(n + 8, 8) * Math.max(...ops.map(oracleConditioning));
}

const pairArb = fc.record({
  a: fc.constantFrom(...SQUARE_KINDS),
  b: fc.constantFrom(...SQUARE_KINDS),
  n: dimArb,
  ra: fc.integer({ min: 1, max: 3 }),
  rb: fc.integer({ min: 1, max: 3 }),
  seed: seedArb,
});

const rankOf = (op: LinearOperator): number => (op.kind === "identity_plus_lowrank" || op.kind === "lowrank" ? op.u.cols : 0);

describe("product", () => {
  it("equals the dense product for every pair of kinds (control: a perturbed product is rejected)", () => {
    fc.assert(
      fc.property(pairArb, ({ a: ka, b: kb, n, ra, rb, seed }) => {
        const a = makeOperator(ka, n, n, ra, seed);
        const b = makeOperator(kb, n, n, rb, seed + 1);
        const expected = matmul(oracleOf(a), oracleOf(b));
        const scale = magnitude(a) * magnitude(b);
        const tol = tolerance(n, a, b);
        const got = materialise(product(a, b));
        expect(relativeDifference(got, expected, scale)).toBeLessThanOrEqual(tol);
        expect(relativeDifference(got, perturbed(expected, seed), scale)).toBeGreaterThan(tol);
      }),
      { numRuns: 150 },
    );
  });

  it("chains rectangular operators [m×k]·[k×p]", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RECTANGULAR_KINDS), fc.constantFrom(...RECTANGULAR_KINDS), dimArb, dimArb, dimArb, seedArb, (ka, kb, m, k, p, seed) => {
        const a = makeOperator(ka, m, k, 2, seed);
        const b = makeOperator(kb, k, p, 2, seed + 1);
        const got = product(a, b);
        expect([got.rows, got.cols]).toEqual([m, p]);
        expect(relativeDifference(materialise(got), matmul(oracleOf(a), oracleOf(b)), magnitude(a) * magnitude(b))).toBeLessThanOrEqual(tolerance(Math.max(m, k, p), a, b));
      }),
      { numRuns: 60 },
    );
  });

  it("keeps identity-plus-low-rank closed with rank ≤ r₁ + r₂ (control: with a dense factor it is not)", () => {
    fc.assert(
      fc.property(dimArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), seedArb, (n, r1, r2, seed) => {
        const a = randomIdentityPlusLowRank(n, Math.min(r1, n), seed);
        const b = randomIdentityPlusLowRank(n, Math.min(r2, n), seed + 1);
        const ab = product(a, b);
        expect(ab.kind).toBe("identity_plus_lowrank");
        expect(rankOf(ab)).toBeLessThanOrEqual(rankOf(a) + rankOf(b));
        expect(product(a, randomDense(n, n, seed)).kind).not.toBe("identity_plus_lowrank");
      }),
      { numRuns: 40 },
    );
  });

  it("keeps the other promised structures", () => {
    const n = 5;
    const lr = randomLowRank(n, n, 2, 1);
    const d = randomDense(n, n, 2);
    expect(product(lr, d).kind).toBe("lowrank");
    expect(product(d, lr).kind).toBe("lowrank");
    expect(product(randomHouseholder(n, 3), randomHouseholder(n, 4)).kind).toBe("orthogonal");
    const p = randomProjector(n, 2, 5);
    expect(product(p, p)).toBe(p);
    expect(product(makeOperator("diagonal", n, n, 1, 6), makeOperator("diagonal", n, n, 1, 7)).kind).toBe("diagonal");
    expect(product(makeOperator("identity", n, n, 1, 0), d)).toBe(d);
    expect(product(makeOperator("cayley", n, n, 1, 8), makeOperator("diagonal", n, n, 1, 9)).kind).toBe("product");
  });

  it("rejects mismatched inner dimensions with a stable code", () => {
    expect(() => product(randomDense(2, 3, 0), randomDense(2, 3, 1))).toThrow(expect.objectContaining({ code: "LIN1001" }));
  });
});

describe("sum, difference, scale, transpose", () => {
  it("equal the dense sum, difference, scaling and transpose for every pair of kinds", () => {
    fc.assert(
      fc.property(pairArb, fc.integer({ min: -12, max: 12 }), ({ a: ka, b: kb, n, ra, rb, seed }, k) => {
        const c = k / 4;
        const a = makeOperator(ka, n, n, ra, seed);
        const b = makeOperator(kb, n, n, rb, seed + 1);
        const [oa, ob] = [oracleOf(a), oracleOf(b)];
        const scaleAB = magnitude(a) + magnitude(b);
        const tol = tolerance(n, a, b);
        expect(relativeDifference(materialise(sum(a, b)), add(oa, ob), scaleAB)).toBeLessThanOrEqual(tol);
        expect(relativeDifference(materialise(difference(a, b)), add(oa, scaleM(ob, -1)), scaleAB)).toBeLessThanOrEqual(tol);
        expect(relativeDifference(materialise(scale(c, a)), scaleM(oa, c), magnitude(a) * Math.max(Math.abs(c), 1))).toBeLessThanOrEqual(tol);
        expect(relativeDifference(materialise(transpose(a)), transposeM(oa), magnitude(a))).toBeLessThanOrEqual(tol);
        // Control: the sum is not the difference (b ≠ 0 for every generated kind).
        expect(relativeDifference(materialise(sum(a, b)), add(oa, scaleM(ob, -1)), scaleAB)).toBeGreaterThan(tol);
      }),
      { numRuns: 150 },
    );
  });

  it("transpose and scale keep every leaf kind; sums of identity-plus-low-rank kinds stay structured", () => {
    for (const kind of SQUARE_KINDS) {
      const op = makeOperator(kind, 4, 4, 2, 3);
      expect(transpose(op).kind).toBe(op.kind);
      expect(transpose(transpose(op)).kind).toBe(op.kind);
    }
    for (const kind of ["dense", "diagonal", "lowrank", "identity_plus_lowrank", "svd_factored"] as const) {
      expect(scale(3, makeOperator(kind, 4, 4, 2, 3)).kind).toBe(kind);
    }
    const a = randomIdentityPlusLowRank(5, 2, 1);
    const b = randomIdentityPlusLowRank(5, 1, 2);
    const ab = sum(a, b);
    expect(ab.kind).toBe("identity_plus_lowrank");
    expect(rankOf(ab)).toBe(3);
    expect(sum(makeOperator("identity", 5, 5, 1, 0), randomLowRank(5, 5, 2, 3)).kind).toBe("identity_plus_lowrank");
    expect(sum(randomLowRank(5, 5, 2, 3), randomLowRank(5, 5, 1, 4)).kind).toBe("lowrank");
    expect(() => sum(randomDense(2, 3, 0), randomDense(3, 2, 0))).toThrow(OperatorError);
  });
});

describe("power", () => {
  function densePower(m: Matrix, k: number): Matrix {
    let out = identityMatrix(m.rows);
    for (let i = 0; i < k; i++) out = matmul(out, m);
    return out;
  }

  it("equals the repeated dense product for every kind and k = 0…5", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SQUARE_KINDS), dimArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 5 }), seedArb, (kind, n, r, k, seed) => {
        const a = makeOperator(kind, n, n, r, seed);
        const expected = densePower(oracleOf(a), k);
        // k chained products, each relative to the operand magnitude.
        const tol = float64Tolerance(n + 8, 4 * Math.max(k, 1)) * oracleConditioning(a);
        const scale = Math.max(magnitude(a), 1) ** k;
        const got = materialise(power(a, k));
        expect(relativeDifference(got, expected, scale)).toBeLessThanOrEqual(tol);
        if (k >= 1) expect(relativeDifference(got, perturbed(expected, seed), scale)).toBeGreaterThan(tol);
      }),
      { numRuns: 120 },
    );
  });

  it("keeps identity-plus-low-rank at the same rank, and projectors and identities fixed", () => {
    const a = randomIdentityPlusLowRank(6, 2, 9);
    const a7 = power(a, 7);
    expect(a7.kind).toBe("identity_plus_lowrank");
    expect(rankOf(a7)).toBe(2);
    const p = randomProjector(6, 2, 1);
    expect(power(p, 4)).toBe(p);
    expect(power(randomDense(3, 3, 1), 0).kind).toBe("identity");
    expect(() => power(a, -1)).toThrow(expect.objectContaining({ code: "LIN1003" }));
    expect(() => power(a, 1.5)).toThrow(expect.objectContaining({ code: "LIN1003" }));
    expect(() => power(randomDense(2, 3, 0), 2)).toThrow(expect.objectContaining({ code: "LIN1002" }));
  });
});

describe("the Euler collapse of a time-conditioned operator (paper-notes §1.4)", () => {
  it("∏ₖ((1 − c_k)I + c_k·A(t_k)) stays identity-plus-low-rank, rank ≤ r(T − 1), identity coefficient 1/T", () => {
    const n = 6;
    const r = 1;
    const steps = 4; // T
    // α = 0 reproduces the reference's A_t = U(t)V(t)ᵀ (no identity term).
    const v = randomTimeConditioned({ n, rank: r, embedDim: 8, hidden: 8, alpha: 0 }, 5);
    let collapsed: LinearOperator = identity(n);
    let oracle = identityMatrix(n);
    let withoutLastStep = oracle;
    for (let k = 0; k < steps - 1; k++) {
      withoutLastStep = oracle;
      const c = 1 / (steps - k);
      const step = sum(scale(1 - c, identity(n)), scale(c, at(v, k / steps)));
      // Column convention: z_{k+1} = M_k z_k, so B = M_{T−2}⋯M₀.
      collapsed = product(step, collapsed);
      oracle = matmul(oracleOf(step), oracle);
    }
    expect(collapsed.kind).toBe("identity_plus_lowrank");
    if (collapsed.kind !== "identity_plus_lowrank") return;
    expect(collapsed.u.cols).toBeLessThanOrEqual(r * (steps - 1));
    // ∏(1 − c_k) = ∏ (T−k−1)/(T−k) = 1/T, up to T float64 roundings.
    expect(Math.abs(collapsed.alpha - 1 / steps)).toBeLessThanOrEqual(steps * 2 ** -52);
    expect(relativeDifference(materialise(collapsed), oracle, magnitude(collapsed))).toBeLessThanOrEqual(float64Tolerance(n + 8, 8 * steps));
    // Control: the collapse without its last step is a different operator.
    expect(relativeDifference(materialise(collapsed), withoutLastStep, magnitude(collapsed))).toBeGreaterThan(float64Tolerance(n + 8, 8 * steps));
  });
});
