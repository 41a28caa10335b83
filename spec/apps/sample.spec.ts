// apps/sample.ts without the CLI: compareSamplers runs the one-step (collapsed) and the multi-step
// sampler on the same noises, and their per-sample PSNR clears a threshold derived from float32 rounding
// of the step matrices; a multi-step sampler of a deliberately wrong operator (1.25·A(t)) falls below it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareSamplers } from "../../src/apps/sample.js";
import { samplerSpec, seededNoise, type SamplerSpec } from "../../src/apps/sampling.js";
import { evaluateOperator } from "../../src/compiler/ir/evaluate.js";
import type { SamplerMethod } from "../../src/compiler/checker/builtins.js";
import { scale, type OpExpr } from "../../src/compiler/ir/expr.js";
import { stagesOf, stepTimes } from "../../src/compiler/ir/sampler.js";
import { operatorStepAlgebra, stepOperator } from "../../src/compiler/passes/collapse.js";
import { svd as operatorSvd } from "../../src/runtime/operator/index.js";
import { checkedSpec } from "./support.js";

const FLOAT32_EPS = 2 ** -23;
const N = 3;
const SAMPLES = 8;

const dir = mkdtempSync(join(tmpdir(), "linea-apps-sample-"));
writeFileSync(join(dir, "linea.json"), "{}");
// Euclidean ends (g = identity), so the float32 bound needs only the step matrices.
const spec = checkedSpec(
  dir,
  "flat.lin",
  `space X = R^${N};
operator A = time_conditioned(rank = 1, embed = 8, hidden = 8);
map v : X -> X = A;
`,
);

const spectralNorm = (op: Parameters<typeof operatorSvd>[0]): number => operatorSvd(op).s[0] ?? 0;

/**
 * ‖one-step − multi-step‖ ≤ bound·‖x‖ (the bound of spec/cli/sample.spec.ts): multi-step rounds each
 * step's stages with relative error ≤ γ = 4·stages·N·ε₃₂ of magnitude ≤ L_k‖z_k‖, carried by the other
 * steps (‖M_j‖); one-step rounds B to float32 and applies it in an N-term product.
 */
function bound(A: OpExpr, method: SamplerMethod, steps: number): number {
  const dt = 1 / steps;
  const alg = operatorStepAlgebra((t) => evaluateOperator(A, t));
  const stages = stagesOf(method);
  const times = stepTimes(steps);
  const m = times.map((t) => spectralNorm(stepOperator(alg, method, N, t, dt)));
  const local = times.map((t) => {
    const a = Math.max(...[t, t + dt / 2, t + dt].map((s) => spectralNorm(evaluateOperator(A, s))));
    return (1 + (dt / (1 - t)) * (a + 1)) ** stages;
  });
  const product = (skip: number): number => m.reduce((p, x, j) => (j === skip ? p : p * Math.max(1, x)), 1);
  const multi = 4 * stages * N * FLOAT32_EPS * local.reduce((s, l, k) => s + l * product(k), 0);
  const one = (Math.sqrt(N) + N + 1) * FLOAT32_EPS * product(-1);
  return multi + one;
}

/** The per-sample PSNR floor: MSEᵢ ≤ (bound·‖xᵢ‖)²/N. */
function psnrFloor(b: number): number[] {
  const noise = seededNoise(SAMPLES, N);
  return Array.from({ length: SAMPLES }, (_, i) => {
    const x = Math.hypot(...noise.subarray(i * N, (i + 1) * N));
    return -10 * Math.log10((b * x) ** 2 / N);
  });
}

/** The same sampler spec, but its multi-step sampler steps with `wrong(A)` instead of A(t). */
function withVelocity(s: SamplerSpec, wrong: (a: OpExpr) => OpExpr): SamplerSpec {
  return {
    ...s,
    compile: async (choice) => {
      const compiled = await s.compile(choice);
      return { ...compiled, velocity: wrong(compiled.velocity) };
    },
  };
}

describe("apps/sample: compareSamplers", { timeout: 120_000 }, () => {
  it("one-step and multi-step agree above the derived PSNR floor; a wrong operator does not", async () => {
    const choices = [
      { method: "euler", steps: 6 },
      { method: "rk4", steps: 12 },
    ] as const;
    const sampler = samplerSpec(spec, "v", choices, { backend: "cpu" });
    const events: string[] = [];
    const run = await compareSamplers(sampler, choices, { samples: SAMPLES, onProgress: (e) => events.push(`${e.kind} ${e.choice.method}`) });
    expect(run.backend).toContain("cpu");
    expect(run.domain).toEqual([N]);
    expect(run.noise).toEqual(seededNoise(SAMPLES, N));
    expect(events).toEqual(["collapsing euler", "collapsed euler", "multi-step euler", "compared euler", "collapsing rk4", "collapsed rk4", "multi-step rk4", "compared rk4"]);
    const control = await compareSamplers(
      withVelocity(sampler, (a) => scale(1.25, a)),
      choices,
      { samples: SAMPLES },
    );
    // A(t) of the compiled v (the same seed, so the same operator in every compile).
    const reference = await sampler.compile(choices[0]);
    const A = reference.velocity;
    try {
      for (const [k, choice] of choices.entries()) {
        const floor = psnrFloor(bound(A, choice.method, choice.steps));
        const mean = floor.reduce((s, p) => s + p, 0) / SAMPLES;
        const r = run.results[k];
        const wrong = control.results[k];
        if (r === undefined || wrong === undefined) throw new Error("one result per choice");
        expect([r.method, r.steps]).toEqual([choice.method, choice.steps]);
        expect(r.oneStep).toHaveLength(SAMPLES * N);
        for (let i = 0; i < SAMPLES; i++) expect(r.agreement.psnr[i]).toBeGreaterThanOrEqual(floor[i] ?? Infinity);
        expect(r.agreement.psnrMean).toBeGreaterThanOrEqual(mean);
        // Control: the one-step samples are the same (B is v's), the multi-step ones come from 1.25·A(t).
        expect(wrong.oneStep).toEqual(r.oneStep);
        for (let i = 0; i < SAMPLES; i++) expect(wrong.agreement.psnr[i]).toBeLessThan(floor[i] ?? -Infinity);
        expect(wrong.agreement.psnrMean).toBeLessThan(mean);
      }
    } finally {
      reference.compiled.dispose();
    }
  });
});
