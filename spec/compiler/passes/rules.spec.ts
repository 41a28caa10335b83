// Every operator rewrite rule, in isolation: on random inputs where it applies it fires and the
// optimised tree equals the original (reference interpreter, float64, tolerance derived in support.ts);
// on a control where its pattern or side condition fails it must not fire (fired-rules log).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomTimeConditioned } from "../../../src/runtime/operator/timeConditioned.js";
import { lowRank, dense } from "../../../src/runtime/operator/kinds.js";
import { matrix, matmul, pinv as densePinv } from "../../../src/runtime/linalg/index.js";
import { materialise } from "../../../src/runtime/operator/hostApply.js";
import * as ir from "../../../src/compiler/ir/expr.js";
import type { OpExpr } from "../../../src/compiler/ir/expr.js";
import { materialiseExpr } from "../../../src/compiler/ir/evaluate.js";
import { estimateCost, cheaper } from "../../../src/compiler/ir/cost.js";
import { optimiseOperator } from "../../../src/compiler/passes/optimise.js";
import type { Rule } from "../../../src/compiler/passes/rule.js";
import * as A from "../../../src/compiler/passes/rules/algebra.js";
import * as F from "../../../src/compiler/passes/rules/fold.js";
import { TOLERANCE, constant, relativeError, rewriteError, symbolic, type ConstantKind } from "./support.js";

interface RuleCase {
  readonly rule: Rule<OpExpr>;
  /** An expression the rule applies to. */
  readonly applies: (seed: number, n: number) => OpExpr;
  /** An expression where the pattern or the side condition fails: the rule must not fire. */
  readonly control: (seed: number, n: number) => OpExpr;
}

const pick = <T>(seed: number, xs: readonly T[]): T => xs[seed % xs.length];
const sq = (kind: ConstantKind, seed: number, n: number, rank?: number): OpExpr => constant(kind, n, n, seed, rank);
const tc = (seed: number, n: number): OpExpr => ir.boundLeaf("At", randomTimeConditioned({ n, rank: 1, embedDim: 4, hidden: 8 }, seed));

const cases: RuleCase[] = [
  { rule: A.transposeInvolution, applies: (s, n) => ir.transpose(ir.transpose(constant("dense", n, n + 1, s))), control: (s, n) => ir.transpose(constant("dense", n, n + 1, s)) },
  {
    rule: A.transposeOfProduct,
    applies: (s, n) => ir.transpose(ir.product([constant("dense", n, n + 1, s), constant("lowrank", n + 1, n, s + 1, 1)])),
    control: (s, n) =>
      ir.transpose(
        ir.sum([
          { coeff: 1, expr: sq("dense", s, n) },
          { coeff: 2, expr: sq("dense", s + 1, n) },
        ]),
      ),
  },
  {
    rule: A.transposeOfSum,
    applies: (s, n) =>
      ir.transpose(
        ir.sum([
          { coeff: 2, expr: sq("dense", s, n) },
          { coeff: -0.5, expr: sq("identity_plus_lowrank", s + 1, n, 1) },
        ]),
      ),
    control: (s, n) => ir.transpose(ir.product([sq("dense", s, n), sq("dense", s + 1, n)])),
  },
  { rule: A.transposeOfScale, applies: (s, n) => ir.transpose(ir.scale(1.5, constant("dense", n, n + 2, s))), control: (s, n) => ir.transpose(constant("dense", n, n + 2, s)) },
  { rule: A.transposeOfPower, applies: (s, n) => ir.transpose(ir.power(sq("dense", s, n), 3)), control: (s, n) => ir.transpose(sq("dense", s, n)) },
  {
    rule: A.transposeSymmetric,
    applies: (s, n) => ir.transpose(sq(pick(s, ["diagonal", "projector", "scaled_identity"] as const), s, n, 1)),
    control: (s, n) => ir.transpose(sq("dense", s, n)),
  },
  {
    rule: A.productFlatten,
    applies: (s, n) => ir.product([sq("dense", s, n), ir.product([sq("diagonal", s + 1, n), sq("householder", s + 2, n)])]),
    control: (s, n) => ir.product([sq("dense", s, n), sq("diagonal", s + 1, n)]),
  },
  {
    rule: A.productDropIdentity,
    applies: (s, n) => ir.product([sq("dense", s, n), ir.identity(n), sq("cayley", s + 1, n)]),
    control: (s, n) => ir.product([sq("dense", s, n), sq("scaled_identity", s + 1, n)]),
  },
  { rule: A.productSingle, applies: (s, n) => ir.product([sq("dense", s, n)]), control: (s, n) => ir.product([sq("dense", s, n), sq("dense", s + 1, n)]) },
  {
    rule: A.productCollectPowers,
    applies: (s, n) => {
      const a = sq(pick(s, ["conditioned", "identity_plus_lowrank", "householder"] as const), s, n, 1);
      return ir.product([sq("diagonal", s + 1, n), a, a, a]);
    },
    control: (s, n) => ir.product([sq("dense", s, n), sq("dense", s, n), sq("diagonal", s + 1, n)]), // equal values, two declarations
  },
  {
    rule: A.productHoistScale,
    applies: (s, n) => ir.product([sq("dense", s, n), ir.scale(-2, sq("lowrank", s + 1, n, 1))]),
    control: (s, n) => ir.product([sq("dense", s, n), sq("lowrank", s + 1, n, 1)]),
  },
  { rule: A.scaleMerge, applies: (s, n) => ir.scale(2, ir.scale(-0.75, sq("dense", s, n))), control: (s, n) => ir.scale(2, sq("dense", s, n)) },
  { rule: A.scaleOne, applies: (s, n) => ir.scale(1, sq("dense", s, n)), control: (s, n) => ir.scale(1 + 2 ** -40, sq("dense", s, n)) },
  {
    rule: A.sumFlatten,
    applies: (s, n) =>
      ir.sum([
        { coeff: 1, expr: sq("dense", s, n) },
        {
          coeff: 2,
          expr: ir.sum([
            { coeff: 1, expr: sq("diagonal", s + 1, n) },
            { coeff: -1, expr: ir.scale(3, sq("lowrank", s + 2, n, 1)) },
          ]),
        },
      ]),
    control: (s, n) =>
      ir.sum([
        { coeff: 1, expr: sq("dense", s, n) },
        { coeff: 2, expr: sq("diagonal", s + 1, n) },
      ]),
  },
  {
    rule: A.sumCombineLikeTerms,
    applies: (s, n) => {
      const a = sq("dense", s, n);
      return ir.sum([
        { coeff: 0.5, expr: a },
        { coeff: 1, expr: sq("diagonal", s + 1, n) },
        { coeff: -1.5, expr: a },
      ]);
    },
    control: (s, n) =>
      ir.sum([
        { coeff: 0.5, expr: sq("dense", s, n) },
        { coeff: -1.5, expr: sq("dense", s, n) },
      ]), // equal shape, two declarations
  },
  {
    rule: A.sumSingle,
    applies: (s, n) => ir.sum([{ coeff: 3, expr: sq("dense", s, n) }]),
    control: (s, n) =>
      ir.sum([
        { coeff: 3, expr: sq("dense", s, n) },
        { coeff: 1, expr: sq("dense", s + 1, n) },
      ]),
  },
  { rule: A.powerZero, applies: (s, n) => ir.power(sq("dense", s, n), 0), control: (s, n) => ir.power(sq("dense", s, n), 2) },
  { rule: A.powerOne, applies: (s, n) => ir.power(sq("dense", s, n), 1), control: (s, n) => ir.power(sq("dense", s, n), 2) },
  { rule: A.powerOfPower, applies: (s, n) => ir.power(ir.power(sq("conditioned", s, n), 2), 2), control: (s, n) => ir.power(sq("conditioned", s, n), 2) },
  { rule: A.powerOfScale, applies: (s, n) => ir.power(ir.scale(0.5, sq("dense", s, n)), 3), control: (s, n) => ir.power(sq("dense", s, n), 3) },
  { rule: A.powerOfIdentity, applies: (_s, n) => ir.power(ir.identity(n), 5), control: (s, n) => ir.power(sq("householder", s, n), 5) },
  { rule: A.pinvInvolution, applies: (s, n) => ir.pinv(ir.pinv(constant("conditioned", n + 1, n, s))), control: (s, n) => ir.pinv(constant("conditioned", n + 1, n, s)) },
  { rule: A.pinvOfTranspose, applies: (s, n) => ir.pinv(ir.transpose(constant("conditioned", n + 1, n, s))), control: (s, n) => ir.pinv(constant("conditioned", n + 1, n, s)) },
  {
    rule: A.pinvOfScale,
    applies: (s, n) => ir.pinv(ir.scale(-2.5, constant("conditioned", n, n + 1, s))),
    control: (s, n) => ir.pinv(ir.scale(0, constant("conditioned", n, n + 1, s))),
  },
  { rule: A.pinvOrthogonal, applies: (s, n) => ir.pinv(sq(pick(s, ["householder", "cayley"] as const), s, n)), control: (s, n) => ir.pinv(sq("conditioned", s, n)) },
  { rule: A.pinvProjector, applies: (s, n) => ir.pinv(sq("projector", s, n, Math.max(1, n - 1))), control: (s, n) => ir.pinv(obliqueProjector(s, n)) },
  {
    rule: A.pinvOfProduct,
    applies: (s, n) =>
      s % 2 === 0
        ? ir.pinv(ir.product([constant("conditioned", n + 1, n, s), constant("conditioned", n, n + 2, s + 1)])) // full column rank · full row rank
        : ir.pinv(ir.product([sq("householder", s, n + 1), constant("lowrank", n + 1, n, s + 1, 1)])), // orthonormal columns · anything
    control: (s, n) => ir.pinv(ir.product([constant("lowrank", n + 1, n, s, 1), constant("conditioned", n, n + 2, s + 1)])),
  },
  {
    rule: F.foldProduct,
    applies: (s, n) =>
      s % 2 === 0
        ? ir.product([sq("identity_plus_lowrank", s, n, 1), sq("identity_plus_lowrank", s + 1, n, 1)])
        : ir.product([sq("dense", s, n), sq(pick(s >> 1, ["dense", "diagonal"] as const), s + 1, n)]),
    control: (s, n) => thinChain(s, n),
  },
  {
    rule: F.foldSum,
    applies: (s, n) =>
      ir.sum([
        { coeff: 2, expr: sq("identity_plus_lowrank", s, n, 1) },
        { coeff: -1, expr: sq("lowrank", s + 1, n, 1) },
      ]),
    control: (s, n) =>
      ir.sum([
        { coeff: 2, expr: sq("identity_plus_lowrank", s, n, 1) },
        { coeff: -1, expr: symbolic("lowrank", n, n, 1) },
      ]),
  },
  {
    rule: F.foldScale,
    applies: (s, n) => ir.scale(-3, sq(pick(s, ["dense", "lowrank", "diagonal", "identity_plus_lowrank"] as const), s, n, 1)),
    control: (_s, n) => ir.scale(-3, symbolic("dense", n, n)),
  },
  {
    rule: F.foldKron,
    applies: (s, n) => ir.kron(constant(pick(s, ["lowrank", "dense", "diagonal"] as const), 2, 3, s, 1), sq("dense", s + 1, n)),
    // One factor symbolic (no bound value): nothing to fold.
    control: (s, n) => ir.kron(symbolic("dense", 2, 3), sq("dense", s + 1, n)),
  },
  {
    rule: F.foldTranspose,
    applies: (s, n) => ir.transpose(constant(pick(s, ["lowrank", "dense", "svd_factored"] as const), n, n + 1, s, 1)),
    control: (s, n) => ir.transpose(tc(s, n)),
  },
  {
    rule: F.pinvFromFactors,
    applies: (s, n) =>
      ir.pinv(pick(s, [sq("diagonal", s, n), constant("svd_factored", n, n + 1, s, 1), sq("identity_plus_lowrank", s, n, 1), constant("lowrank", n + 1, n, s, 1)])),
    control: (s, n) => ir.pinv(constant("conditioned", n + 1, n, s)),
  },
  { rule: F.foldPinv, applies: (s, n) => ir.pinv(constant("conditioned", n + 1, n, s)), control: (_s, n) => ir.pinv(symbolic("dense", n, n)) },
  {
    rule: F.foldPower,
    applies: (s, n) => ir.power(sq(pick(s, ["identity_plus_lowrank", "diagonal", "householder", "conditioned"] as const), s, n, 1), 2 + (s % 3)),
    control: (_s, n) => ir.power(symbolic("dense", n, n), 3),
  },
  { rule: F.foldAt, applies: (s, n) => ir.at(tc(s, n), (s % 10) / 10), control: (_s, n) => ir.at(symbolic("time_conditioned", n, n, 1), 0.5) },
  {
    rule: F.collapseSamplerRule,
    applies: (s, n) => ir.sampler(tc(s, n), pick(s, ["euler", "rk4"] as const), 2 + (s % 5)),
    control: (_s, n) => ir.sampler(symbolic("time_conditioned", n, n, 1), "euler", 4),
  },
];

/** E = u·vᵀ with vᵀu = 1: idempotent but not symmetric, held as a plain dense matrix. */
function obliqueProjector(seed: number, n: number): OpExpr {
  const u = matrix(
    n,
    1,
    Array.from({ length: n }, (_, i) => 1 + ((seed + i) % 3)),
  );
  const v = matrix(
    n,
    1,
    Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0.5)),
  );
  const vu = v.data.reduce((acc, x, i) => acc + x * u.data[i], 0);
  return ir.boundLeaf(
    "E",
    dense(
      materialise(
        lowRank(
          u,
          matrix(
            n,
            1,
            v.data.map((x) => x / vu),
          ),
        ),
      ),
    ),
  );
}

/** A dense (m×1)·(1×m) chain: applying it costs 4m per row, its dense product 2m², so fold-product must keep it. */
function thinChain(seed: number, n: number): OpExpr {
  const m = n + 2;
  return ir.product([constant("dense", m, 1, seed), constant("dense", 1, m, seed + 1)]);
}

const firedNames = (e: OpExpr, rule: Rule<OpExpr>): string[] => optimiseOperator(e, [rule]).fired.map((f) => f.rule);

describe("operator rewrite rules: optimised ≡ unoptimised, and controls", () => {
  const arb = fc.record({ seed: fc.integer({ min: 0, max: 10_000 }), n: fc.integer({ min: 2, max: 6 }) });
  for (const c of cases) {
    it(`${c.rule.name}: fires and preserves the value on random inputs`, () => {
      fc.assert(
        fc.property(arb, ({ seed, n }) => {
          const e = c.applies(seed, n);
          const { result, fired } = optimiseOperator(e, [c.rule]);
          expect(fired.map((f) => f.rule)).toContain(c.rule.name);
          expect(rewriteError(e, result)).toBeLessThanOrEqual(TOLERANCE);
        }),
        { numRuns: 15 },
      );
    });
    it(`${c.rule.name}: does not fire on its control`, () => {
      fc.assert(
        fc.property(arb, ({ seed, n }) => {
          expect(firedNames(c.control(seed, n), c.rule)).not.toContain(c.rule.name);
        }),
        { numRuns: 5 },
      );
    });
  }
});

describe("side conditions that matter: the identity is false where the rule refuses", () => {
  it("pinv(AB) ≠ pinv(B)pinv(A) for a rank-deficient A (the pinv-of-product control)", () => {
    const a = constant("lowrank", 5, 4, 3, 1);
    const b = constant("conditioned", 4, 6, 4);
    const truth = materialiseExpr(ir.pinv(ir.product([a, b])));
    const wrong = matmul(materialiseExpr(ir.pinv(b)), materialiseExpr(ir.pinv(a)));
    expect(relativeError(wrong, truth)).toBeGreaterThan(1e-3);
    expect(firedNames(ir.pinv(ir.product([a, b])), A.pinvOfProduct)).toEqual([]);
  });

  it("pinv-of-product does not fire on symbolic dense factors (rank unknown)", () => {
    expect(firedNames(ir.pinv(ir.product([symbolic("dense", 4, 3), symbolic("dense", 3, 4)])), A.pinvOfProduct)).toEqual([]);
  });

  it("pinv-of-product fires on kron of orthogonal factors (orthonormal columns, rank.ts); control: kron(dense, orthogonal) does not", () => {
    const orth = ir.kron(symbolic("orthogonal", 2, 2), symbolic("orthogonal", 3, 3));
    expect(firedNames(ir.pinv(ir.product([orth, symbolic("dense", 6, 4)])), A.pinvOfProduct)).toContain("pinv-of-product");
    const mixed = ir.kron(symbolic("dense", 2, 2), symbolic("orthogonal", 3, 3));
    expect(firedNames(ir.pinv(ir.product([mixed, symbolic("dense", 6, 4)])), A.pinvOfProduct)).not.toContain("pinv-of-product");
  });

  it("pinv-of-product fires on symbolic orthogonal factors (structure proves it)", () => {
    expect(firedNames(ir.pinv(ir.product([symbolic("orthogonal", 4, 4), symbolic("dense", 4, 3)])), A.pinvOfProduct)).toContain("pinv-of-product");
  });

  it("Aᵀ ≠ A and pinv(A) ≠ Aᵀ for a dense control", () => {
    const a = constant("conditioned", 4, 4, 11);
    expect(relativeError(materialiseExpr(ir.transpose(a)), materialiseExpr(a))).toBeGreaterThan(1e-3);
    expect(relativeError(materialiseExpr(ir.pinv(a)), materialiseExpr(ir.transpose(a)))).toBeGreaterThan(1e-3);
  });

  it("an oblique idempotent is not its own pseudo-inverse", () => {
    const e = obliqueProjector(2, 4);
    const m = materialiseExpr(e);
    expect(relativeError(matmul(m, m), m)).toBeLessThanOrEqual(TOLERANCE); // idempotent
    expect(relativeError(densePinv(m).pinv, m)).toBeGreaterThan(1e-3);
  });

  it("pinv(0·A) = 0, so pinv-of-scale must not divide by zero", () => {
    const e = ir.pinv(ir.scale(0, constant("conditioned", 3, 4, 5)));
    const value = materialiseExpr(e);
    expect(value.data.every((x) => x === 0)).toBe(true);
  });

  it("fold-product keeps a thin dense chain because r(m+n) < mn makes it cheaper", () => {
    const chain = thinChain(1, 6);
    const folded = ir.boundLeaf("C", dense(materialiseExpr(chain)));
    expect(cheaper(estimateCost(chain), estimateCost(folded))).toBe(true);
    const wide = ir.product([constant("dense", 3, 3, 1), constant("dense", 3, 3, 2)]);
    expect(firedNames(wide, F.foldProduct)).toContain("fold-product"); // 2n² < 4n²: folds
  });

  it("identity + low-rank products fold to one identity + low-rank of rank r₁ + r₂", () => {
    const e = ir.product([constant("identity_plus_lowrank", 8, 8, 1, 1), constant("identity_plus_lowrank", 8, 8, 2, 2)]);
    const { result } = optimiseOperator(e, [F.foldProduct]);
    const op = result.kind === "leaf" ? result.operator : undefined;
    expect(op?.kind).toBe("identity_plus_lowrank");
    expect(op?.kind === "identity_plus_lowrank" ? op.u.cols : -1).toBe(3);
  });
});
