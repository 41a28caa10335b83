// A training session: the program's values bound exactly as `compile` binds them (same seeds, same
// tensor names: binding.ts), the model's operator copied into tfjs Variables,
// the data loaded, and the flow-matching loss of paper-notes §2.4 over them.
import * as tf from "@tensorflow/tfjs-core";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import type { BoundNetwork } from "../compiler/binding/networks.js";
import type { BoundOperator } from "../compiler/binding/operators.js";
import type { HostTensor } from "../runtime/io/index.js";
import type { Stack } from "../runtime/network/index.js";
import { seededRandom } from "../runtime/operator/index.js";
import { BoundSession, bindForTraining, trainedVariables, valueCount, type NamedVariable, type SessionParts, type TrainingExpectation } from "./binding.js";
import { gatherRows } from "./data.js";
import { TrainError } from "./errors.js";
import type { ChartRef, TrainPlan } from "./plan.js";
import { TrainableTimeConditioned } from "./timeConditioned.js";

/** The loss terms a flow-matching step records, total first. */
export const LOSS_COLUMNS = ["total", "latent", "noise_rec", "data_rec", "prediction"] as const;

/**
 * What the training loop needs of a session, whatever its objective (flow matching here, the
 * idempotent projector in idempotentSession.ts, mse in supervised.ts, nll in likelihood.ts): the trained variables, the loss per step with its
 * column names (total first), the operator's parameters for restoring a checkpoint, the weights to
 * save, and an optional hook run after each optimiser step (e.g. a retraction).
 */
export interface TrainableSession {
  readonly plan: TrainPlan;
  readonly networks: ReadonlyMap<string, BoundNetwork>;
  readonly operators: ReadonlyMap<string, BoundOperator>;
  readonly operator: { parameters(): Map<string, { variable: tf.Variable; transposedInFile: boolean }> };
  readonly variables: readonly NamedVariable[];
  readonly lossColumns: readonly string[];
  lossTensors(step: number): tf.Scalar[];
  afterStep?(): Promise<void>;
  weights(): Promise<Map<string, HostTensor>>;
  dispose(): void;
}

/** A chart of the model: the network and tag, or the identity on a Euclidean space. */
export class TrainingChart {
  constructor(
    readonly ref: ChartRef,
    readonly network: Stack | undefined,
  ) {}

  get dim(): number {
    return this.ref.shape.reduce((a, b) => a * b, 1);
  }

  /** Coordinates [b, dim] → latent [b, dim]. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    if (this.network === undefined) return tf.clone(x);
    const net = this.network;
    return tf.tidy(() => tf.reshape(net.forward(tf.reshape(x, [-1, ...this.ref.shape]), this.ref.tag), [-1, this.dim]) as tf.Tensor2D);
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    if (this.network === undefined) return tf.clone(z);
    const net = this.network;
    return tf.tidy(() => tf.reshape(net.inverse(tf.reshape(z, [-1, ...net.outputShape]), this.ref.tag), [-1, this.dim]) as tf.Tensor2D);
  }
}

/**
 * ActNorm's data-dependent initialisation (paper-notes §2.2) redone on data: compile initialises it on a
 * seeded normal batch (an untrained program must run), but a data chart's ActNorms should see the data's
 * statistics: `count` data rows through the chart's network, with its tag. A resumed run then loads the
 * checkpoint's values over these. Nothing happens for a network without ActNorm.
 */
export function initialiseActNormOnData(chart: TrainingChart, rows: Float32Array, count: number): void {
  const net = chart.network;
  if (net === undefined || ![...net.state().keys()].some((k) => k.endsWith(".initialized"))) return;
  for (const name of net.state().keys()) if (name.endsWith(".initialized")) net.setState(name, Int32Array.of(0));
  tf.tidy(() => net.initialize(tf.tensor(rows, [count, ...chart.ref.shape], "float32"), chart.ref.tag));
}

/** Seed of step `step`'s batch: each step's randomness depends only on (seed, step), so resuming repeats it. */
export function stepSeed(seed: number, step: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) + Math.imul(step + 1, 0x165667b1)) >>> 0;
}

/** Flow matching trains a time-conditioned operator A(t) between the noise and data charts. */
const FLOW_MATCHING_OPERATOR: TrainingExpectation<"time_conditioned"> = {
  kind: "time_conditioned",
  described: "a time-conditioned operator",
  dataMismatch: (dataset, plan) =>
    `data ${dataset.name} has rows of shape [${dataset.shape.join(", ")}] (${valueCount(dataset.shape)} values); the model's data space has shape [${plan.data.shape.join(", ")}] (${valueCount(plan.data.shape)})`,
};

/** A flow-matching run bound to its program, data and optimiser; one `step` at a time. */
export class TrainingSession extends BoundSession<TrainableTimeConditioned> implements TrainableSession {
  readonly lossColumns: readonly string[] = LOSS_COLUMNS;

  private constructor(
    parts: SessionParts,
    operator: TrainableTimeConditioned,
    readonly noise: TrainingChart,
    readonly data: TrainingChart,
    variables: readonly NamedVariable[],
  ) {
    super(parts, operator, variables);
  }

  /** Binds a checked program's train section (starting the default backend when none is set) and loads its data. */
  static async create(program: CheckedProgram, spec: TrainPlan, baseDir: string): Promise<TrainingSession> {
    return bindForTraining(program, spec, baseDir, FLOW_MATCHING_OPERATOR, ({ trained, ...parts }) => {
      const { plan } = parts;
      const networks = parts.program.networks;
      const operator = new TrainableTimeConditioned(trained.operator);
      const chart = (ref: ChartRef): TrainingChart => new TrainingChart(ref, ref.network === undefined ? undefined : networks.get(ref.network)?.network);
      const trainedNetworks = [...new Set([plan.noise.network, plan.data.network].filter((k): k is string => k !== undefined))].map((key) => {
        const n = networks.get(key);
        if (n === undefined) throw new TrainError("LIN0902", `network ${key} was not built`);
        return n;
      });
      const variables = trainedVariables(trainedNetworks, { prefix: trained.prefix, parameters: operator.parameters() });
      const session = new TrainingSession(parts, operator, chart(plan.noise), chart(plan.data), variables);
      session.initialiseActNormOnData();
      return session;
    });
  }

  /** ActNorm initialised on step 0's data rows (initialiseActNormOnData). */
  private initialiseActNormOnData(): void {
    initialiseActNormOnData(this.data, this.batch(0).x1, this.plan.batch);
  }

  /**
   * The batch of step `step`: data rows (with replacement), Gaussian noise x₀, times t ~ U[0, 1] and
   * the two latent perturbations ε, ε′, all from one generator seeded by (seed, step).
   */
  batch(step: number, size = this.plan.batch): { x1: Float32Array; x0: Float32Array; t: Float32Array; e0: Float32Array; e1: Float32Array } {
    const random = seededRandom(stepSeed(this.plan.seed, step));
    const dim = this.data.dim;
    const rows = new Int32Array(size);
    for (let i = 0; i < size; i++) rows[i] = Math.min(this.dataset.rows - 1, Math.floor(random.uniform() * this.dataset.rows));
    const normal = (count: number): Float32Array => Float32Array.from({ length: count }, () => random.normal());
    const x1 = gatherRows(this.dataset, rows);
    const t = Float32Array.from({ length: size }, () => random.uniform());
    return { x1, x0: normal(size * this.noise.dim), t, e0: normal(size * this.noise.dim), e1: normal(size * dim) };
  }

  /**
   * Paper-notes §2.4, with pixel MSE in the two image terms unless the plan names LPIPS weights:
   *   latent     = mean((A_t z_t − z₁)²),  z_t = (1−t) z₀ + t z₁, z₀ = g_noise(x₀), z₁ = g_data(x₁)
   *   noise_rec  = mean((x₀ − g_noise⁻¹(z₀ + σε))²)
   *   data_rec   = mean((x₁ − g_data⁻¹(z₁ + σε′))²)   or mean LPIPS(x₁, g_data⁻¹(z₁ + σε′))
   *   prediction = mean((x₁ − g_data⁻¹(A_t z_t))²)    or mean LPIPS(x₁, g_data⁻¹(A_t z_t))
   * summed unweighted; σ = noise_level. Returns the total and the terms as tensors (the caller tidies).
   */
  lossTensors(step: number): tf.Scalar[] {
    const b = this.batch(step);
    const n = this.plan.batch;
    const x1 = tf.tensor2d(b.x1, [n, this.data.dim]);
    const x0 = tf.tensor2d(b.x0, [n, this.noise.dim]);
    const t = tf.tensor1d(b.t);
    const z0 = this.noise.encode(x0);
    const z1 = this.data.encode(x1);
    const tc = tf.reshape(t, [-1, 1]);
    const zt = tf.add(tf.mul(tf.sub(1, tc), z0), tf.mul(tc, z1)) as tf.Tensor2D;
    const predicted = this.operator.apply(t, zt);
    const sigma = this.plan.noiseLevel;
    const latent = tf.mean(tf.squaredDifference(predicted, z1)) as tf.Scalar;
    const noiseRec = tf.mean(tf.square(tf.sub(x0, this.noise.decode(tf.add(z0, tf.mul(tf.tensor2d(b.e0, [n, this.noise.dim]), sigma)) as tf.Tensor2D)))) as tf.Scalar;
    // The image terms: pixel MSE, or with lpips weights LPIPS (the reference's terms 3 and 4).
    const perceptual = this.perceptual;
    const imageLoss = (x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar => (perceptual === undefined ? (tf.mean(tf.squaredDifference(x, y)) as tf.Scalar) : perceptual.mean(x, y));
    const dataRec = imageLoss(x1, this.data.decode(tf.add(z1, tf.mul(tf.tensor2d(b.e1, [n, this.data.dim]), sigma)) as tf.Tensor2D));
    const prediction = imageLoss(x1, this.data.decode(predicted));
    const total = tf.addN([latent, noiseRec, dataRec, prediction]) as tf.Scalar;
    return [total, latent, noiseRec, dataRec, prediction];
  }
}
