// The structured collapse at a size where a dense B would be the wrong representation: B stays
// β·I + U·Vᵀ (never D×D), its kept rank is far below D, and B·x equals the float64 step-by-step sampler
// on a few vectors (the oracle needs only D·r work per step). A sampler of a different T is the control.
import { describe, expect, it } from "vitest";
import { frobeniusNorm, subtract, type Matrix } from "../../../src/runtime/linalg/index.js";
import { multiplyHost } from "../../../src/runtime/operator/hostApply.js";
import { lowRank } from "../../../src/runtime/operator/kinds.js";
import { svd } from "../../../src/runtime/operator/decompose.js";
import { randomTimeConditioned, timeConditionedAt } from "../../../src/runtime/operator/timeConditioned.js";
import * as ir from "../../../src/compiler/ir/expr.js";
import { applyHost } from "../../../src/compiler/ir/evaluate.js";
import { stagesOf, stepTimes } from "../../../src/compiler/ir/sampler.js";
import { collapseSampler } from "../../../src/compiler/passes/collapse.js";
import { gaussianMatrix } from "../../support/random.js";
import { EPS64 } from "./support.js";

const D = 2048;
const RANK = 4;
const T = 30;
const tc = randomTimeConditioned({ n: D, rank: RANK, embedDim: 8, hidden: 16 }, 5);
// The untrained hypernetworks give σ₁(U(t)V(t)ᵀ) ≈ 50 at this D; scaled by 1/50 the steps' norms stay
// near 1, so the error bound below (a product of step norms) stays meaningful. The scale keeps the
// step-basis (factored) path: every A(t) is still α·I + U·Vᵀ.
const SCALE = 0.02;
const leaf = ir.scale(SCALE, ir.boundLeaf("A", tc));

/** ‖A(t) − I‖₂ ≤ |α − 1| + σ₁(U(t)V(t)ᵀ), σ₁ from the structured SVD (thin QRs of the D×r factors). */
function velocityNumerator(t: number): number {
  const a = timeConditionedAt(tc, t);
  return Math.abs(SCALE * a.alpha - 1) + SCALE * svd(lowRank(a.u, a.v)).s[0];
}

/**
 * ∏ₖ‖M_k‖₂ bounded: a step is I + dt·(a polynomial of degree `stages` in the velocities L(τ) =
 * (A(τ) − I)/(1 − τ) at its times), so ‖M_k‖₂ ≤ Σ_{p ≤ stages} (dt·ℓ)^p/p! with ℓ the largest ‖L(τ)‖₂.
 */
function stepGrowth(method: "euler" | "rk4"): number {
  const dt = 1 / T;
  return stepTimes(T).reduce((g, t) => {
    const taus = method === "euler" ? [t] : [t, t + dt / 2, t + dt];
    const l = Math.max(...taus.map((tau) => velocityNumerator(tau) / (1 - tau)));
    let step = 0;
    for (let p = 0, term = 1; p <= stagesOf(method); p++, term *= (dt * l) / p) step += term;
    return g * step;
  }, 1);
}

describe(`structured collapse at D = ${D} (r = ${RANK}, T = ${T})`, () => {
  const x: Matrix = gaussianMatrix(D, 3, 9); // three column vectors
  for (const method of ["euler", "rk4"] as const) {
    it(`${method}: B is β·I + U·Vᵀ of low kept rank, and B·x equals the float64 step-by-step sampler`, () => {
      const b = collapseSampler(leaf, method, T);
      expect(b.kind).toBe("identity_plus_lowrank");
      if (b.kind !== "identity_plus_lowrank") return;
      // Rank ≤ r·(distinct times) and, stored, two D×R factors: far below D² floats.
      expect(b.u.cols).toBeLessThanOrEqual(RANK * (method === "euler" ? T - 1 : 2 * T - 1));
      expect(2 * D * b.u.cols).toBeLessThan((D * D) / 10);
      const got = multiplyHost(b, x);
      const oracle = applyHost(ir.sampler(leaf, method, T), x);
      // Both sides round each of the T−1 steps (≤ 4·stages·(r + 2)·ε relative per stage: two factor
      // products and the stage sums), and B carries ≤ T−1 truncations of D·ε·max(σ₁, |β|) each; every
      // error is amplified by at most the later steps' norms (stepGrowth).
      const growth = stepGrowth(method);
      const tol = (T - 1) * (4 * stagesOf(method) * (RANK + 2) + D) * EPS64 * growth * frobeniusNorm(x);
      expect(frobeniusNorm(subtract(got, oracle))).toBeLessThanOrEqual(tol);
      // Control: the sampler with one step fewer is a different map, far outside the tolerance.
      const shorter = applyHost(ir.sampler(leaf, method, T - 1), x);
      expect(frobeniusNorm(subtract(shorter, oracle))).toBeGreaterThan(1e3 * tol);
    });
  }
});
