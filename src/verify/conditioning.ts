// Conditioning estimates the tolerances are derived from: per space, the float32 work of one pass of
// its network and the Lipschitz constants of g and g⁻¹ (finite-difference Jacobians at sample points,
// largest singular value in float64); per operator, ‖A‖₂ and 1/σ_min from the float64 SVD.
import * as tf from "@tensorflow/tfjs-core";
import { svd as denseSvd, matrix } from "../runtime/linalg/index.js";
import { at as operatorAt, convNormBound, needsTime, singularValuesCirculant, svd as operatorSvd, svdTop, type LinearOperator } from "../runtime/operator/index.js";
import type { Block } from "../runtime/network/index.js";
import { blockChart, Space, type Chart } from "../runtime/space/index.js";
import { seededRandom } from "../runtime/operator/index.js";

/** A space as the laws see it: the space and the numbers its tolerances use. */
export interface SpaceModel {
  readonly space: Space;
  /** Float32 ops per value of one pass of g (or g⁻¹): summed fan-ins; 0 for a Euclidean space. */
  readonly ops: number;
  /** Lipschitz estimate of g (1 for a Euclidean space). */
  readonly lip: number;
  /** Lipschitz estimate of g⁻¹. */
  readonly lipInverse: number;
  /** Points are sampled uniformly in [−bound, bound]ⁿ (data is normalised to about this range). */
  readonly bound: number;
  /** Largest |g(x)| seen at the profiling points: coordinates are sampled in this range. */
  readonly coordinateBound: number;
}

export const DEFAULT_BOUND = 1.5;

export function euclideanModel(space: Space, bound = DEFAULT_BOUND): SpaceModel {
  return { space, ops: 0, lip: 1, lipInverse: 1, bound, coordinateBound: bound };
}

/** Float32 ops per value of one pass of a block: 4 elementwise ops plus the fan-in of every weight. */
export function networkOps(block: Block): number {
  let ops = 4;
  for (const p of block.parameters().values()) {
    // weights are [in, out] (fan-in first); vectors (biases, scales) add one op each
    ops += p.variable.shape.length >= 2 ? p.variable.shape[0] + 2 : 1;
  }
  return ops;
}

/** Seeded points uniform in [−bound, bound], [rows, dim]. */
export function samplePoints(rows: number, dim: number, bound: number, seed: number): tf.Tensor2D {
  const random = seededRandom(seed);
  return tf.tensor2d(
    Float32Array.from({ length: rows * dim }, () => bound * (2 * random.uniform() - 1)),
    [rows, dim],
    "float32",
  );
}

/** Largest singular value of a dim×dim float64 matrix. */
function spectralNorm(m: ReturnType<typeof matrix>): number {
  return denseSvd(m).s[0] ?? 0;
}

/**
 * Lipschitz estimate of f: ℝᵈ → ℝᵈ near the rows of x: the largest σ_max of its forward-difference
 * Jacobian (step h) over the rows. Up to d = 48 the whole Jacobian is formed (one batched call);
 * above, 24 random directions per point give max ‖J·v‖, times 2 for the directions not tried.
 */
export async function lipschitzEstimate(f: (x: tf.Tensor2D) => tf.Tensor2D, x: tf.Tensor2D, seed: number, h = 1e-2): Promise<number> {
  const [m, d] = x.shape;
  const full = d <= 48;
  const k = full ? d : 24;
  const random = seededRandom(seed);
  const directions = new Float32Array(k * d);
  for (let i = 0; i < k; i++) {
    if (full) directions[i * d + i] = 1;
    else {
      let n = 0;
      for (let j = 0; j < d; j++) n += (directions[i * d + j] = random.normal()) ** 2;
      for (let j = 0; j < d; j++) directions[i * d + j] /= Math.sqrt(n);
    }
  }
  const out = tf.tidy(() => {
    const base = x;
    const steps = tf.mul(tf.tensor2d(directions, [k, d]), h);
    const shifted = tf.reshape(tf.add(tf.expandDims(base, 1), tf.expandDims(steps, 0)), [m * k, d]) as tf.Tensor2D;
    const fx = f(base);
    const fs = f(shifted);
    return tf.div(tf.sub(tf.reshape(fs, [m, k, d]), tf.expandDims(fx, 1)), h);
  });
  // read asynchronously: tfjs-backend-webgpu has no synchronous read under Node
  const data = await out.data();
  out.dispose();
  let worst = 0;
  for (let p = 0; p < m; p++) {
    if (full) {
      // columns of J are the difference quotients: J[j][i] = data[p][i][j]
      const jac = matrix(d, d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) jac.data[j * d + i] = data[(p * k + i) * d + j];
      worst = Math.max(worst, spectralNorm(jac));
    } else {
      for (let i = 0; i < k; i++) {
        let n = 0;
        for (let j = 0; j < d; j++) n += data[(p * k + i) * d + j] ** 2;
        worst = Math.max(worst, 2 * Math.sqrt(n));
      }
    }
  }
  return Number.isFinite(worst) ? Math.max(worst, 1) : Number.POSITIVE_INFINITY;
}

/** Profiles the space induced by a chart (with the ops of one pass of its network) at seeded points. */
export async function profileChart(space: Space, chart: Chart, ops: number, bound = DEFAULT_BOUND, seed = 1): Promise<SpaceModel> {
  const x = samplePoints(4, chart.dim, bound, seed);
  const z = chart.forward(x);
  try {
    const lip = await lipschitzEstimate((t) => chart.forward(t), x, seed + 1);
    const lipInverse = await lipschitzEstimate((t) => chart.inverse(t), z, seed + 2);
    const coordinateBound = Math.max(...Array.from(await z.data(), Math.abs), 1e-6);
    return { space, ops, lip, lipInverse, bound, coordinateBound };
  } finally {
    x.dispose();
    z.dispose();
  }
}

/** The space a network (with its tag) induces, profiled. */
export function networkSpace(block: Block, name: string, tag?: number, bound = DEFAULT_BOUND, seed = 1): Promise<SpaceModel> {
  const chart = blockChart(block, tag);
  return profileChart(Space.induced(chart, name), chart, networkOps(block), bound, seed);
}

/** A space's model: profiled when induced (ops from the network if known, else from the dimension). */
export async function modelOf(space: Space, ops?: number, bound = DEFAULT_BOUND): Promise<SpaceModel> {
  const chart = space.chart;
  if (chart === undefined) return euclideanModel(space, bound);
  return profileChart(space, chart, ops ?? 4 * space.dim, bound);
}

/** An operator as the laws see it. */
export interface OperatorModel {
  /** Float32 ops per output value of one application (a bound: rows + cols + 2). */
  readonly ops: number;
  /** ‖A‖₂ (largest over the probe times for a time-conditioned A). */
  readonly norm: number;
  /** 1/σ_min over the numerical rank (∞ for A = 0). */
  readonly inverseNorm: number;
  readonly rank: number;
}

/** Times at which a time-conditioned operator is profiled. */
const PROBE_TIMES = [0, 0.5, 0.9];

/** The float32 error model of an operator: its operation count and conditioning, for the laws' tolerances. */
export function profileOperator(op: LinearOperator): OperatorModel {
  const ops = op.rows + op.cols + 2;
  const evaluated = needsTime(op) ? PROBE_TIMES.map((t) => operatorAt(op, t)) : [op];
  let norm = 0;
  let inverseNorm = 0;
  let rank = 0;
  for (const a of evaluated) {
    if (a.kind === "depthwise_conv") {
      // Matrix-free: no dense SVD of an image-sized operator; the norm bound is conservative, σ_min unknown.
      norm = Math.max(norm, convNormBound(a));
      inverseNorm = Number.POSITIVE_INFINITY;
      rank = Math.max(rank, a.rows);
      continue;
    }
    if (a.kind === "circulant_conv") {
      // Exact and cheap: the singular values are the |λ| (svd() would form D×D singular vectors).
      const { rank: r, cutoff } = svdTop(a, 0);
      const values = singularValuesCirculant(a);
      norm = Math.max(
        norm,
        values.reduce((m, x) => Math.max(m, x), 0),
      );
      const smallest = values.reduce((m, x) => (x > cutoff ? Math.min(m, x) : m), Number.POSITIVE_INFINITY);
      inverseNorm = Math.max(inverseNorm, r === 0 ? Number.POSITIVE_INFINITY : 1 / smallest);
      rank = Math.max(rank, r);
      continue;
    }
    const { s, rank: r } = operatorSvd(a);
    norm = Math.max(norm, s[0] ?? 0);
    inverseNorm = Math.max(inverseNorm, r === 0 ? Number.POSITIVE_INFINITY : 1 / s[r - 1]);
    rank = Math.max(rank, r);
  }
  return { ops, norm, inverseNorm, rank };
}
