// The fast sampler collapse (step-basis tracing, grouped dense low-rank updates, batched A(t)) equals
// the straightforward product: every traced step matrix M_k materialised densely and multiplied one by
// one in float64. Both the fast path (A(t) = αI + U(t)V(t)ᵀ) and the generic path (A(t) dense) are
// checked; a product with one step left out is the control.
import { describe, expect, it } from "vitest";
import { frobeniusNorm, identityMatrix, matmul, subtract, svd, type Matrix } from "../../../src/runtime/linalg/index.js";
import { materialise } from "../../../src/runtime/operator/hostApply.js";
import { dense, identity } from "../../../src/runtime/operator/kinds.js";
import { randomTimeConditioned, timeConditionedAt, timeConditionedAtTimes } from "../../../src/runtime/operator/timeConditioned.js";
import type { SamplerMethod } from "../../../src/compiler/checker/builtins.js";
import * as ir from "../../../src/compiler/ir/expr.js";
import { evaluateOperator } from "../../../src/compiler/ir/evaluate.js";
import { samplerStep, stagesOf, stepTimes } from "../../../src/compiler/ir/sampler.js";
import { collapseSampler, operatorStepAlgebra } from "../../../src/compiler/passes/collapse.js";
import { gaussianMatrix } from "../../support/random.js";
import { EPS64 } from "./support.js";

const D = 40;
const RANK = 3;
const T = 50;
const tc = randomTimeConditioned({ n: D, rank: RANK, embedDim: 8, hidden: 16 }, 11);

/** The traced step matrices M_k (runtime operator algebra from z = I, no recompression), materialised. */
function stepMatrices(inner: ir.OpExpr, method: SamplerMethod, steps: number): Matrix[] {
  const alg = operatorStepAlgebra((t) => evaluateOperator(inner, t));
  return stepTimes(steps).map((t) => materialise(samplerStep(alg, method, identity(D), t, 1 / steps)));
}

/** M_{T−2}⋯M₀ by dense products, optionally leaving step `skip` out (the control). */
const denseProduct = (ms: readonly Matrix[], skip = -1): Matrix => ms.reduce((b, m, k) => (k === skip ? b : matmul(m, b)), identityMatrix(D));

const spectral = (m: Matrix): number => svd(m).s[0];

/**
 * Derived tolerance of ‖B_fast − B_ref‖_F / ‖B_ref‖_F. Both sides are the same exact product of T−1
 * steps, rounded differently. Per step, forming M_k (stages predictions, each a product with inner
 * size ≤ D, plus the stage sums) and applying it to B costs ≤ 4·stages·D·ε relative (γ_D ≤ D·ε per
 * product, ×4 for the additions); an error made at step k is carried by the later steps, so
 *   ‖δ‖₂ ≤ 4·(T−1)·stages·D·ε·∏ₖ‖M_k‖₂,   ‖δ‖_F ≤ √D·‖δ‖₂.
 * The fast path keeps B factored and, after each group of steps (at most T−1 groups), drops singular
 * values of B − βI at or below D·ε·max(σ₁, |β|) (at most D of them), each cut carried by the later
 * steps: ≤ (T−1)·√D·D·ε·(‖B‖₂ + |β|)·∏ₖ‖M_k‖₂ in Frobenius norm, with |β| ≤ ∏ₖ‖M_k‖₂.
 */
function tolerance(ms: readonly Matrix[], method: SamplerMethod, b: Matrix): number {
  const growth = ms.reduce((g, m) => g * spectral(m), 1);
  const stages = stagesOf(method);
  const rounding = 4 * ms.length * stages * D * EPS64 * growth * Math.sqrt(D);
  const truncation = ms.length * Math.sqrt(D) * D * EPS64 * (spectral(b) + growth) * growth;
  return (rounding + truncation) / frobeniusNorm(b);
}

const relative = (got: Matrix, want: Matrix): number => frobeniusNorm(subtract(got, want)) / frobeniusNorm(want);

describe("fast sampler collapse equals the dense product of the traced step matrices", () => {
  // A(t) = αI + U(t)V(t)ᵀ as a bound leaf (batched A(t)), and the same A(t) behind a scale node
  // (evaluated one time at a time): both take the step-basis path.
  const leaf = ir.boundLeaf("A", tc);
  const cases: [string, ir.OpExpr][] = [
    ["time-conditioned leaf", leaf],
    ["scaled leaf (A(t) evaluated per time)", ir.scale(0.9, leaf)],
  ];
  for (const [name, inner] of cases) {
    for (const method of ["euler", "rk4"] as const) {
      it(`${method}, D = ${D}, r = ${RANK}, T = ${T}: ${name}`, () => {
        const ms = stepMatrices(inner, method, T);
        const want = denseProduct(ms);
        const got = materialise(collapseSampler(inner, method, T));
        const tol = tolerance(ms, method, want);
        expect(tol).toBeLessThan(1e-9); // the bound is a float64 statement
        expect(relative(got, want)).toBeLessThanOrEqual(tol);
        // control: the same product with one step left out is caught by the same comparison
        const missing = denseProduct(ms, Math.floor(ms.length / 2));
        expect(relative(missing, want)).toBeGreaterThan(1e3 * tol);
        expect(relative(got, missing)).toBeGreaterThan(1e3 * tol);
      });
    }
  }

  it("the generic path (A(t) dense: a time-conditioned leaf plus a dense constant) equals it too", () => {
    const shift = ir.boundLeaf("C", dense(gaussianMatrix(D, D, 5)));
    const inner = ir.sum([
      { coeff: 1, expr: leaf },
      { coeff: 0.01, expr: shift },
    ]);
    expect(evaluateOperator(inner, 0.5).kind).toBe("dense"); // so the step-basis path does not apply
    for (const method of ["euler", "rk4"] as const) {
      const ms = stepMatrices(inner, method, 20);
      const want = denseProduct(ms);
      const got = materialise(collapseSampler(inner, method, 20));
      const tol = tolerance(ms, method, want);
      expect(relative(got, want)).toBeLessThanOrEqual(tol);
      expect(relative(denseProduct(ms, 10), want)).toBeGreaterThan(1e3 * tol);
    }
  });

  it("B − βI of low numerical rank comes back as identity plus low rank (β = ∏ αₖ)", () => {
    // Euler, T = 6: B − βI has rank ≤ r·(T − 1) = 15 < D/2, so it is cheaper than dense.
    const b = collapseSampler(leaf, "euler", 6);
    expect(b.kind).toBe("identity_plus_lowrank");
    if (b.kind !== "identity_plus_lowrank") return;
    expect(b.u.cols).toBeLessThanOrEqual(RANK * 5);
    const ms = stepMatrices(leaf, "euler", 6);
    const want = denseProduct(ms);
    expect(relative(materialise(b), want)).toBeLessThanOrEqual(tolerance(ms, "euler", want));
  });
});

describe("batched A(t) (the collapse's evaluation) equals A(t) evaluated one time at a time", () => {
  /** ‖|W|‖_∞ + ‖b‖_∞: how much a layer can amplify an entrywise error (GELU is 1.13-Lipschitz). */
  const layerGain = (l: { weight: Matrix; bias: Float64Array }): number => {
    let row = 0;
    for (let i = 0; i < l.weight.rows; i++) {
      let s = 0;
      for (let j = 0; j < l.weight.cols; j++) s += Math.abs(l.weight.data[i * l.weight.cols + j]);
      row = Math.max(row, s);
    }
    return row + Math.max(...l.bias.map(Math.abs));
  };
  /**
   * Entrywise: each layer's dot products are float64 sums of ≤ fan-in terms in another order (γ_n ≤ n·ε
   * relative to |W||x| + |b|), and a layer's error is amplified by the later layers' gains; the
   * embedding (|·| ≤ 1) is the same code on both sides. Hence
   *   |ΔU| ≤ (embed + 2·hidden + 1)·ε·1.13²·∏ gains ≤ (embed + 2·hidden + 1)·ε·1.13²·(max gain)³.
   */
  const gain = [...tc.u.layers, ...tc.v.layers].reduce((g, l) => Math.max(g, layerGain(l)), 1);
  const tolerance = (tc.embedDim + 2 * tc.u.layers[1].weight.rows + 1) * EPS64 * 1.13 ** 2 * gain ** 3;
  const times = stepTimes(T).flatMap((t) => [t, t + 1 / (2 * T)]);
  const maxDiff = (a: Matrix, b: Matrix): number => a.data.reduce((m, x, i) => Math.max(m, Math.abs(x - b.data[i])), 0);

  it("U(t), V(t) and α agree at every time the RK4 collapse uses; A at a neighbouring time is caught", () => {
    const batched = timeConditionedAtTimes(tc, times);
    times.forEach((t, i) => {
      const one = timeConditionedAt(tc, t);
      expect(batched[i].alpha).toBe(one.alpha);
      expect(maxDiff(batched[i].u, one.u)).toBeLessThanOrEqual(tolerance);
      expect(maxDiff(batched[i].v, one.v)).toBeLessThanOrEqual(tolerance);
    });
    expect(tolerance).toBeLessThan(1e-11);
    // control: the batch shifted by one time (A(t_{i+1}) in place of A(t_i)) is far outside the bound
    expect(maxDiff(batched[1].u, timeConditionedAt(tc, times[0]).u)).toBeGreaterThan(1e3 * tolerance);
  });
});
