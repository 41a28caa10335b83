// Fixtures for the verification specs: small induced spaces built from real networks, and the
// broken objects the controls need (a network whose inverse is off, a plain MLP "declared as a map").
import * as tf from "@tensorflow/tfjs-core";
import { expect } from "vitest";
import type { Block } from "../../src/runtime/network/index.js";
import { blockChart, Space, type Chart } from "../../src/runtime/space/index.js";
import { buildCase, type NetworkCase } from "../../src/verify/arbitraries.js";
import { networkOps, networkSpace, profileChart, type SpaceModel } from "../../src/verify/conditioning.js";
import type { CheckResult } from "../../src/verify/law.js";
import { functionSubject, type MapUnderTest } from "../../src/verify/subject.js";

/** Runs per law in these specs: enough to hit a broken law many times over, small enough for CI. */
export const RUNS = 50;

export function smallNetwork(dim: number, seed: number): NetworkCase {
  return {
    spec: {
      tagged: false,
      blocks: [
        { kind: "affine_coupling", hidden: 8, depth: 1, activation: "tanh", scale_bound: 1 },
        { kind: "permute", mode: "reverse" },
        { kind: "actnorm" },
        { kind: "additive_coupling", hidden: 8, depth: 1, activation: "tanh" },
      ],
    },
    shape: [dim],
    seed,
    gain: 0.5,
  };
}

export async function smallSpace(dim: number, seed: number, name: string): Promise<{ model: SpaceModel; network: Block }> {
  const network = buildCase(smallNetwork(dim, seed));
  return { model: await networkSpace(network, name), network };
}

/**
 * The space of a network whose inverse is off by a relative `error`: g⁻¹ is followed by (1 + error)·.
 * Every point still has coordinates, but g⁻¹(g(x)) ≠ x.
 */
export function offInverseSpace(network: Block, error: number, name: string): Promise<SpaceModel> {
  const chart = blockChart(network);
  const off: Chart = {
    dim: chart.dim,
    forward: (x) => chart.forward(x),
    inverse: (z) => tf.tidy(() => tf.mul(chart.inverse(z), 1 + error) as tf.Tensor2D),
  };
  return profileChart(Space.induced(off, name), off, networkOps(network));
}

/** A plain tanh MLP X → Y (one hidden layer) declared as a map: not linear in any induced structure. */
export function mlpMap(X: SpaceModel, Y: SpaceModel, seed: number): MapUnderTest {
  const hidden = 6;
  const w1 = tf.keep(tf.randomNormal([X.space.dim, hidden], 0, 1 / Math.sqrt(X.space.dim), "float32", seed));
  const w2 = tf.keep(tf.randomNormal([hidden, Y.space.dim], 0, 1 / Math.sqrt(hidden), "float32", seed + 1));
  return functionSubject("mlp", X, Y, (p) => tf.tidy(() => tf.matMul(tf.tanh(tf.matMul(p, w1)), w2)), { ops: X.space.dim + hidden + 4, lip: 2 });
}

/** A failing result must say why: the shrunk counterexample, its error above its tolerance, and the replay. */
export function expectReportedFailure(r: CheckResult): void {
  expect(r.passed).toBe(false);
  expect(r.counterexample).toBeDefined();
  expect(r.path).toBeDefined();
  expect(r.failure ?? "").not.toMatch(/Error|at /); // a law that threw is not a law that failed
  expect(r.counterexampleError ?? 0).toBeGreaterThan(r.counterexampleTolerance ?? Number.POSITIVE_INFINITY);
}
