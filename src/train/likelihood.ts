// A training session for `loss = nll`: exact maximum likelihood of a normalising flow. The model is one
// chart g (a network, or an induced space's network and tag) with a standard normal latent, so by the
// change of variables
//   −log p(x) = ½‖g(x)‖² + (D/2)·log 2π − log|det ∂g/∂x|
// with the log-determinant every block computes alongside its forward (forwardWithLogDet,
// src/runtime/network/block.ts). Reported per dimension in bits: bits/dim = −log p(x) / (D·ln 2),
// averaged over the batch. No dequantisation noise is added: for 8-bit data scaled to [0, 1], the
// discrete bits/dim of uniformly dequantised data is this value + 8 (log₂ 256), docs/training.md.
import * as tf from "@tensorflow/tfjs-core";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { LineaError } from "../diagnostics/error.js";
import type { LinearOperator } from "../runtime/operator/index.js";
import { seededRandom } from "../runtime/operator/index.js";
import {
  BoundSession,
  bindProgramForTraining,
  trainedVariables,
  valueCount,
  variablesWithGradient,
  type NamedVariable,
  type SessionParts,
  type TrainedOperator,
} from "./binding.js";
import { gatherRows } from "./data.js";
import type { Dataset } from "./dataSource.js";
import { TrainError } from "./errors.js";
import type { TrainPlan } from "./plan.js";
import { TrainingChart, initialiseActNormOnData, stepSeed, type TrainableSession } from "./session.js";

/** The loss terms an nll step records: bits/dim (the total), then its two parts in nats per dimension. */
export const LIKELIHOOD_COLUMNS = ["total", "prior", "log_det"] as const;

/** Options of LikelihoodSession.create. */
export interface LikelihoodOptions {
  /** Data to train on instead of the plan's source. */
  readonly dataset?: Dataset;
}

/** nll trains no operator: nothing to save or restore in its place (the plan has no operatorKey). */
const NO_OPERATOR: TrainedOperator = {
  parameters: () => new Map(),
  toOperator: (): Promise<LinearOperator> => Promise.reject(new Error("loss nll trains no operator")),
  dispose: () => undefined,
};

/** A maximum-likelihood run of one chart g on data rows. */
export class LikelihoodSession extends BoundSession<TrainedOperator> implements TrainableSession {
  readonly lossColumns: readonly string[] = LIKELIHOOD_COLUMNS;

  private constructor(
    parts: SessionParts,
    /** g: the modelled chart (data → latent). */
    readonly chart: TrainingChart,
    variables: readonly NamedVariable[],
  ) {
    super(parts, NO_OPERATOR, variables);
  }

  /** Binds a checked program's train section (loss = nll) and its data (or `options.dataset`). */
  static async create(program: CheckedProgram, spec: TrainPlan, baseDir: string, options: LikelihoodOptions = {}): Promise<LikelihoodSession> {
    const parts = await bindProgramForTraining(
      program,
      spec,
      baseDir,
      (d, p) => `data ${d.name} has rows of shape [${d.shape.join(", ")}] (${valueCount(d.shape)} values); the chart ${p.mapName} has shape [${p.data.shape.join(", ")}]`,
      (p) => p.data,
      options.dataset,
    );
    try {
      const { plan } = parts;
      const network = plan.data.network === undefined ? undefined : parts.program.networks.get(plan.data.network);
      if (network === undefined) throw new TrainError("LIN0941", `loss nll: ${plan.mapName} is not the chart of a built network`);
      const all = trainedVariables([network], { prefix: "", parameters: new Map() });
      const session = new LikelihoodSession(parts, new TrainingChart(plan.data, network.network), all);
      initialiseActNormOnData(session.chart, session.batch(0), plan.batch);
      const probe = new LikelihoodSession({ ...parts, plan: { ...plan, batch: 2 } }, session.chart, all);
      let used: NamedVariable[];
      try {
        used = variablesWithGradient(all, () => probe.lossTensors(0)[0]);
      } catch (e) {
        // A block without a log-determinant (LIN1061) cannot be trained by likelihood: say which model.
        if (e instanceof LineaError && e.code === "LIN1061")
          throw new TrainError("LIN0941", `loss nll: ${plan.mapName}: ${e.message}; nll needs a log-determinant from every block`);
        throw e;
      }
      return used.length === all.length ? session : new LikelihoodSession(parts, session.chart, used);
    } catch (e) {
      parts.program.dispose();
      throw e;
    }
  }

  /** The data rows of step `step` (with replacement), from a generator seeded by (seed, step). */
  batch(step: number, size = this.plan.batch): Float32Array {
    const random = seededRandom(stepSeed(this.plan.seed, step));
    const rows = Int32Array.from({ length: size }, () => Math.min(this.dataset.rows - 1, Math.floor(random.uniform() * this.dataset.rows)));
    return gatherRows(this.dataset, rows);
  }

  /**
   * Per row: [−log p(x) in nats, ½‖g(x)‖², log|det ∂g/∂x|] for rows x [b, D] (differentiable; the caller
   * tidies).
   */
  negativeLogLikelihood(x: tf.Tensor2D): { nll: tf.Tensor1D; prior: tf.Tensor1D; logDet: tf.Tensor1D } {
    const net = this.chart.network;
    if (net === undefined) throw new TrainError("LIN0941", `loss nll: ${this.plan.mapName} has no network`);
    const d = this.chart.dim;
    const { y, logDet } = net.forwardWithLogDet(tf.reshape(x, [-1, ...this.chart.ref.shape]), this.chart.ref.tag);
    const prior = tf.mul(tf.sum(tf.square(tf.reshape(y, [-1, d])), 1), 0.5) as tf.Tensor1D;
    const nll = tf.sub(tf.add(prior, (d / 2) * Math.log(2 * Math.PI)), logDet) as tf.Tensor1D;
    return { nll, prior, logDet };
  }

  /** [bits/dim, ½‖g(x)‖²/D, log|det|/D] averaged over step `step`'s batch; the caller tidies. */
  lossTensors(step: number): tf.Scalar[] {
    const d = this.chart.dim;
    const x = tf.tensor2d(this.batch(step), [this.plan.batch, d]);
    const { nll, prior, logDet } = this.negativeLogLikelihood(x);
    const bitsPerDim = tf.div(tf.mean(nll), d * Math.LN2) as tf.Scalar;
    return [bitsPerDim, tf.div(tf.mean(prior), d) as tf.Scalar, tf.div(tf.mean(logDet), d) as tf.Scalar];
  }

  /** Every tensor of the program in the layout `compile(…, { weights })` loads (no operator is trained). */
  override async weights(): ReturnType<BoundSession<TrainedOperator>["weights"]> {
    return this.program.tensors(new Map());
  }
}
