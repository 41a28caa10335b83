// The whole rule set together on random expression trees: the optimised tree equals the original,
// never costs more to apply, and the engine terminates. Plus the engine's own guarantees.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRandom, type Random } from "../../../src/runtime/random.js";
import * as ir from "../../../src/compiler/ir/expr.js";
import type { OpExpr } from "../../../src/compiler/ir/expr.js";
import { estimateCost } from "../../../src/compiler/ir/cost.js";
import { RewriteBudgetExceeded, rewriteToFixpoint } from "../../../src/compiler/passes/engine.js";
import { opShape, optimiseOperator } from "../../../src/compiler/passes/optimise.js";
import type { Rule } from "../../../src/compiler/passes/rule.js";
import { scaleOne } from "../../../src/compiler/passes/rules/algebra.js";
import { TOLERANCE, constant, rewriteError, type ConstantKind } from "./support.js";

const LEAVES: readonly ConstantKind[] = ["conditioned", "diagonal", "identity_plus_lowrank", "householder", "cayley", "svd_factored", "projector", "scaled_identity"];

/** A random square tree of depth ≤ 3; pinv only over well-conditioned leaves so the comparison stays meaningful. */
function randomTree(r: Random, n: number, depth: number, seed: number): OpExpr {
  const leaf = (): OpExpr => constant(LEAVES[Math.floor(r.uniform() * LEAVES.length)], n, n, seed + Math.floor(r.uniform() * 1000), 1 + Math.floor(r.uniform() * (n - 1)));
  if (depth === 0) return leaf();
  const sub = (): OpExpr => randomTree(r, n, depth - 1, seed + 17);
  switch (Math.floor(r.uniform() * 8)) {
    case 0:
      return ir.product([sub(), sub(), sub()]);
    case 1:
      return ir.sum([
        { coeff: 0.5, expr: sub() },
        { coeff: -1.5, expr: sub() },
      ]);
    case 2:
      return ir.scale(-2, sub());
    case 3:
      return ir.transpose(sub());
    case 4:
      return ir.pinv(ir.product([constant("householder", n, n, seed), constant("conditioned", n, n, seed + 1)]));
    case 5:
      return ir.power(sub(), Math.floor(r.uniform() * 4));
    case 6:
      return ir.product([ir.identity(n), sub()]);
    default:
      return leaf();
  }
}

describe("all rules together", () => {
  it("optimised ≡ unoptimised on random trees, and never costlier", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 2, max: 5 }), (seed, n) => {
        const e = randomTree(seededRandom(seed), n, 2, seed);
        const { result } = optimiseOperator(e);
        // Depth ≤ 2 trees with powers ≤ 3 stay within the support.ts budget (≤ 4 chained products per value, κ² ≤ 16).
        expect(rewriteError(e, result)).toBeLessThanOrEqual(TOLERANCE);
        expect(estimateCost(result).flops).toBeLessThanOrEqual(estimateCost(e).flops);
      }),
      { numRuns: 40 },
    );
  });

  it("a fully bound tree folds to a single constant", () => {
    const n = 4;
    const e = ir.transpose(ir.product([constant("conditioned", n, n, 1), ir.scale(2, constant("diagonal", n, n, 2)), ir.power(constant("identity_plus_lowrank", n, n, 3, 1), 3)]));
    const { result, fired } = optimiseOperator(e);
    expect(result.kind).toBe("leaf");
    expect(fired.map((f) => f.rule)).toEqual(expect.arrayContaining(["fold-power", "fold-product", "fold-transpose"]));
    expect(rewriteError(e, result)).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe("rule engine", () => {
  it("reaches a fixpoint: optimising the result again fires nothing", () => {
    const e = ir.transpose(ir.transpose(ir.product([ir.product([constant("dense", 3, 3, 1), ir.identity(3)]), ir.scale(1, constant("dense", 3, 3, 2))])));
    const once = optimiseOperator(e);
    expect(once.fired.length).toBeGreaterThan(0);
    expect(optimiseOperator(once.result).fired).toEqual([]);
  });

  it("stops a rule set that never converges with RewriteBudgetExceeded", () => {
    const wrap: Rule<OpExpr> = { name: "wrap", statement: "A = 1·A", sideCondition: "always", rewrite: (e) => (e.kind === "leaf" ? ir.scale(1, e) : undefined) };
    expect(() => rewriteToFixpoint(constant("dense", 2, 2, 1), [wrap, scaleOne], opShape, 50)).toThrow(RewriteBudgetExceeded);
  });
});
