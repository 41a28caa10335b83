// fast-check arbitraries for the objects laws are checked on: well-conditioned invertible networks
// (bounded depth, width and scale) and operators of every kind (bounded rank and norm). Networks
// shrink towards fewer blocks and simpler kinds, so a failing network is reported small.
import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import { buildNetwork, type BlockSpec, type NetworkSpec } from "../runtime/network/index.js";
import type { Stack } from "../runtime/network/stack.js";
import {
  identity,
  randomCayley,
  randomDense,
  randomDiagonal,
  randomHouseholder,
  randomIdentityPlusLowRank,
  randomLowRank,
  randomProjector,
  randomSvdFactored,
  randomTimeConditioned,
  randomDepthwiseConv,
  randomIndexedDepthwiseConv,
  randomCirculantConv,
  kronecker,
  type ConvGeometry,
  scaledIdentity,
  type LinearOperator,
  type OperatorKind,
} from "../runtime/operator/index.js";
import { samplePoints } from "./conditioning.js";

/** Coupling conditioners are kept small and their scales bounded: depth 1, width ≤ 8, |log-scale| ≤ 1. */
export const blockSpecArb: fc.Arbitrary<BlockSpec> = fc.oneof(
  fc.constant<BlockSpec>({ kind: "permute", mode: "reverse" }),
  fc.constant<BlockSpec>({ kind: "actnorm" }),
  fc.constant<BlockSpec>({ kind: "inv_dense" }),
  fc.record({ hidden: fc.integer({ min: 2, max: 8 }) }).map((r): BlockSpec => ({ kind: "additive_coupling", hidden: r.hidden, depth: 1, activation: "tanh" })),
  fc.record({ hidden: fc.integer({ min: 2, max: 8 }) }).map((r): BlockSpec => ({ kind: "affine_coupling", hidden: r.hidden, depth: 1, activation: "tanh", scale_bound: 1 })),
);

/** A network to build: its description, input shape, seed, and the scale of the couplings' last layers. */
export interface NetworkCase {
  readonly spec: NetworkSpec;
  readonly shape: readonly number[];
  readonly seed: number;
  readonly gain: number;
}

/** Networks on ℝ^dim with 1…maxBlocks blocks. */
export function networkCaseArb(dim: number, maxBlocks = 3, tagged = false): fc.Arbitrary<NetworkCase> {
  return fc
    .record({
      blocks: fc.array(blockSpecArb, { minLength: 1, maxLength: maxBlocks }),
      seed: fc.nat({ max: 10_000 }),
    })
    .map(({ blocks, seed }) => ({ spec: { tagged, blocks }, shape: [dim], seed, gain: 0.3 }));
}

export function describeNetwork(c: NetworkCase): string {
  const block = (b: BlockSpec): string => {
    const args = Object.entries(b).filter(([k]) => k !== "kind" && k !== "body");
    return args.length === 0 ? b.kind : `${b.kind}(${args.map(([k, v]) => `${k} = ${String(v)}`).join(", ")})`;
  };
  return `network on R[${c.shape.join(", ")}]${c.spec.tagged ? " tagged" : ""} { ${c.spec.blocks.map(block).join("; ")}; } (seed ${c.seed})`;
}

/** Builds the network; ActNorm layers are initialised on a seeded batch from the sampling box. */
export function buildCase(c: NetworkCase, bound = 1.5): Stack {
  const network = buildNetwork(c.spec, c.shape, c.seed, { outputGain: c.gain });
  if (network.needsInitialization) {
    const dim = c.shape.reduce((a, b) => a * b, 1);
    const flat = samplePoints(16, dim, bound, c.seed + 1);
    const x = tf.reshape(flat, [16, ...c.shape]);
    network.initialize(x, c.spec.tagged ? 0 : undefined);
    x.dispose();
    flat.dispose();
  }
  return network;
}

/**
 * One operator of a kind, [rows, cols] where the kind allows a rectangle and [cols, cols] where it is
 * square. The registry is a Record over every OperatorKind, so a new kind does not compile until it
 * is registered here, and then conformance.spec runs every applicable law on it.
 */
/** A one-channel image of n pixels, square where n is, with a 2×2 kernel (PyTorch's uneven 'same' padding). */
function convLayout(n: number): ConvGeometry {
  const side = Math.round(Math.sqrt(n));
  return side * side === n ? { channels: 1, height: side, width: side, size: 2 } : { channels: 1, height: 1, width: n, size: 2 };
}

export const OPERATOR_FACTORIES: Readonly<Record<OperatorKind, (rows: number, cols: number, seed: number) => LinearOperator>> = {
  dense: (m, n, s) => randomDense(m, n, s),
  diagonal: (_, n, s) => randomDiagonal(n, s),
  identity: (_, n) => identity(n),
  scaled_identity: (_, n, s) => scaledIdentity(n, 0.5 + (s % 7) / 4),
  lowrank: (m, n, s) => randomLowRank(m, n, Math.min(2, m, n), s),
  identity_plus_lowrank: (_, n, s) => randomIdentityPlusLowRank(n, Math.min(2, n), s),
  orthogonal: (_, n, s) => (s % 2 === 0 ? randomHouseholder(n, s) : randomCayley(n, s)),
  svd_factored: (m, n, s) => randomSvdFactored(m, n, Math.min(3, m, n), s),
  projector: (_, n, s) => randomProjector(n, Math.min(2, n), s),
  time_conditioned: (_, n, s) => randomTimeConditioned({ n, rank: 2, embedDim: 8, hidden: 8 }, s),
  depthwise_conv: (_, n, s) => randomDepthwiseConv(convLayout(n), s),
  indexed_depthwise_conv: (_, n, s) => randomIndexedDepthwiseConv(convLayout(n), 3, s),
  circulant_conv: (_, n, s) => randomCirculantConv(convLayout(n), s),
  // A 2×2 (or 1×1) factor ⊗ the rest, where the sizes split so.
  kronecker: (m, n, s) =>
    m % 2 === 0 && n % 2 === 0 ? kronecker(randomDense(2, 2, s), randomDense(m / 2, n / 2, s + 1)) : kronecker(randomDiagonal(1, s), randomDense(m, n, s + 1)),
  product: (m, n, s) => ({ kind: "product", rows: m, cols: n, factors: [randomDense(m, n, s), randomDiagonal(n, s + 1)] }),
  sum: (m, n, s) => ({ kind: "sum", rows: m, cols: n, terms: [randomDense(m, n, s), randomLowRank(m, n, 1, s + 1)] }),
  scaled: (m, n, s) => ({ kind: "scaled", rows: m, cols: n, scale: -0.75, inner: randomDense(m, n, s) }),
  transposed: (m, n, s) => ({ kind: "transposed", rows: m, cols: n, inner: randomDense(n, m, s) }),
  // A⁺ of a random n×m dense: LSQR's minimum-norm solutions, to 1e-12 relative (pinvApply's defaults).
  iterative_pinv: (m, n, s) => ({ kind: "iterative_pinv", rows: m, cols: n, inner: randomDense(n, m, s) }),
};

export const OPERATOR_KINDS = Object.keys(OPERATOR_FACTORIES) as OperatorKind[];

/** Operators of any registered kind, [rows, cols] (or square), shrinking towards simpler kinds. */
export function operatorArb(rows: number, cols: number): fc.Arbitrary<LinearOperator> {
  return fc.record({ kind: fc.constantFrom(...OPERATOR_KINDS), seed: fc.nat({ max: 10_000 }) }).map(({ kind, seed }) => OPERATOR_FACTORIES[kind](rows, cols, seed));
}
