// The time-conditioned operator A(t) = α·I + U(t)·V(t)ᵀ, after the reference's
// TimeDependentLoRALinearLayer (paper-notes §2.3): each factor is produced by its own hypernetwork
//   SinusoidalPosEmb(embed) → Linear(embed→hidden) → GELU → Linear(hidden→hidden) → GELU → Linear(hidden→n·r)
// on the raw t (not scaled by 1000), reshaped row-major to [n, r]. The reference has no identity term
// (α = 0, what `time_conditioned(…, form = lowrank)` declares; the default form keeps α = 1) and, in its row-vector forward x·(A₁A₂ᵀ), realises the column operator A₂·A₁ᵀ: so its lin2 is
// our U and its lin1 is our V. Evaluated on the host in float64: one evaluation per time is a few
// small mat-vecs, and the result feeds the exact identity-plus-low-rank algebra.
import { OperatorError } from "./errors.js";
import { matmul, matrix, type Matrix } from "./host.js";
import type { DenseLayer, Hypernetwork, IdentityPlusLowRank, TimeConditioned } from "./kinds.js";
import { seededRandom, type Random } from "../random.js";

/** [sin(t·f_k), cos(t·f_k)] with f_k = exp(−k·ln(10⁴)/(half − 1)), k = 0…half−1 (half = dim/2). */
export function sinusoidalEmbedding(t: number, dim: number): Float64Array {
  if (!Number.isInteger(dim) || dim < 4 || dim % 2 !== 0) {
    throw new OperatorError("LIN1004", `time embedding size must be an even integer ≥ 4, got ${dim}`);
  }
  const half = dim / 2;
  const step = Math.log(10000) / (half - 1);
  const out = new Float64Array(dim);
  for (let k = 0; k < half; k++) {
    const angle = t * Math.exp(-k * step);
    out[k] = Math.sin(angle);
    out[half + k] = Math.cos(angle);
  }
  return out;
}

/**
 * erf by the Chebyshev fit of Numerical Recipes (erfc with fractional error < 1.2e-7 everywhere).
 * JavaScript has no Math.erf and no npm dependency of this project provides one; float32 accuracy
 * is all the reference's (float32) GELU has.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/** PyTorch's default (erf) GELU: x·Φ(x). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

function denseLayer(layer: DenseLayer, x: Float64Array): Float64Array {
  const { weight, bias } = layer;
  const out = new Float64Array(weight.rows);
  for (let i = 0; i < weight.rows; i++) {
    let s = bias[i];
    for (let j = 0; j < weight.cols; j++) s += weight.data[i * weight.cols + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** The hypernetwork's output at t, reshaped row-major to an n×rank factor. */
export function evaluateHypernetwork(net: Hypernetwork, t: number, embedDim: number, n: number, rank: number): Matrix {
  const [l0, l1, l2] = net.layers;
  const h1 = denseLayer(l0, sinusoidalEmbedding(t, embedDim)).map(gelu);
  const h2 = denseLayer(l1, h1).map(gelu);
  return matrix(n, rank, denseLayer(l2, h2));
}

/** A(t) as an identity-plus-low-rank operator. */
export function timeConditionedAt(op: TimeConditioned, t: number): IdentityPlusLowRank {
  if (!Number.isFinite(t)) throw new OperatorError("LIN1004", `time must be finite, got ${t}`);
  const u = evaluateHypernetwork(op.u, t, op.embedDim, op.rows, op.rank);
  const v = evaluateHypernetwork(op.v, t, op.embedDim, op.rows, op.rank);
  return { kind: "identity_plus_lowrank", rows: op.rows, cols: op.rows, alpha: op.alpha, u, v };
}

/**
 * One layer on a batch of inputs, one per column (x is inputs×b): W·x + bias by one BLAS product, with
 * no copy of W. The sampler collapse needs A(t) at thousands of times, where a mat-vec per time
 * dominates its cost.
 */
function denseLayerBatch(layer: DenseLayer, x: Matrix): Matrix {
  const out = matmul(layer.weight, x);
  for (let i = 0; i < out.rows; i++) {
    const b = layer.bias[i];
    for (let j = 0; j < out.cols; j++) out.data[i * out.cols + j] += b;
  }
  return out;
}

/** evaluateHypernetwork at every time of `times` (equal to it up to float64 rounding: BLAS sums in another order). */
function evaluateHypernetworkBatch(net: Hypernetwork, times: readonly number[], embedDim: number, n: number, rank: number): Matrix[] {
  const b = times.length;
  const embedded = matrix(embedDim, b);
  times.forEach((t, j) => sinusoidalEmbedding(t, embedDim).forEach((e, i) => (embedded.data[i * b + j] = e)));
  const [l0, l1, l2] = net.layers;
  const h1 = denseLayerBatch(l0, embedded);
  h1.data.set(h1.data.map(gelu));
  const h2 = denseLayerBatch(l1, h1);
  h2.data.set(h2.data.map(gelu));
  const out = denseLayerBatch(l2, h2);
  return times.map((_, j) => {
    const factor = matrix(n, rank);
    for (let i = 0; i < n * rank; i++) factor.data[i] = out.data[i * b + j];
    return factor;
  });
}

/** A(t) for every t of `times`, batched (see evaluateHypernetworkBatch). */
export function timeConditionedAtTimes(op: TimeConditioned, times: readonly number[]): IdentityPlusLowRank[] {
  const bad = times.find((t) => !Number.isFinite(t));
  if (bad !== undefined) throw new OperatorError("LIN1004", `time must be finite, got ${bad}`);
  const us = evaluateHypernetworkBatch(op.u, times, op.embedDim, op.rows, op.rank);
  const vs = evaluateHypernetworkBatch(op.v, times, op.embedDim, op.rows, op.rank);
  return times.map((_, i) => ({ kind: "identity_plus_lowrank", rows: op.rows, cols: op.rows, alpha: op.alpha, u: us[i], v: vs[i] }));
}

function checkLayer(name: string, layer: DenseLayer, inputs: number, outputs: number): void {
  if (layer.weight.cols !== inputs || layer.weight.rows !== outputs || layer.bias.length !== outputs) {
    throw new OperatorError(
      "LIN1004",
      `time_conditioned ${name}: weight ${layer.weight.rows}×${layer.weight.cols}, bias ${layer.bias.length}; expected weight ${outputs}×${inputs}, bias ${outputs}`,
    );
  }
}

/** A time-conditioned operator's size: n, rank, embedding width and hidden width. */
export interface TimeConditionedShape {
  readonly n: number;
  readonly rank: number;
  readonly embedDim: number;
  readonly hidden: number;
  /** Coefficient of the identity term; 1 by default, 0 reproduces the reference exactly. */
  readonly alpha?: number;
}

/** A(t) = α·I + U(t)·V(t)ᵀ with U, V from two hypernetworks of t's embedding. */
export function timeConditioned(shape: TimeConditionedShape, u: Hypernetwork, v: Hypernetwork): TimeConditioned {
  const { n, rank, embedDim, hidden } = shape;
  for (const [name, net] of [
    ["u", u],
    ["v", v],
  ] as const) {
    checkLayer(`${name}.0`, net.layers[0], embedDim, hidden);
    checkLayer(`${name}.1`, net.layers[1], hidden, hidden);
    checkLayer(`${name}.2`, net.layers[2], hidden, n * rank);
  }
  return { kind: "time_conditioned", rows: n, cols: n, rank, embedDim, alpha: shape.alpha ?? 1, u, v };
}

/** PyTorch's default nn.Linear initialisation: weight and bias uniform in ±1/√fan_in. */
function randomLayer(random: Random, inputs: number, outputs: number): DenseLayer {
  const bound = 1 / Math.sqrt(inputs);
  const weight = matrix(outputs, inputs);
  for (let i = 0; i < weight.data.length; i++) weight.data[i] = bound * (2 * random.uniform() - 1);
  const bias = new Float64Array(outputs);
  for (let i = 0; i < outputs; i++) bias[i] = bound * (2 * random.uniform() - 1);
  return { weight, bias };
}

/** A seeded time-conditioned operator. */
export function randomTimeConditioned(shape: TimeConditionedShape, seed: number): TimeConditioned {
  const random = seededRandom(seed);
  const net = (): Hypernetwork => ({
    layers: [randomLayer(random, shape.embedDim, shape.hidden), randomLayer(random, shape.hidden, shape.hidden), randomLayer(random, shape.hidden, shape.n * shape.rank)],
  });
  const u = net();
  const v = net();
  return timeConditioned(shape, u, v);
}
