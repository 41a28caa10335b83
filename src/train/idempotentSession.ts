// A training session for `loss = idempotent` (paper-notes §1.6): the model is p = g⁻¹ ∘ Q ∘ g on one
// induced space Z (one network, one tag), Q = W·Wᵀ a rank-r projector, so p ∘ p = p for every value
// of the parameters, and training only decides WHICH idempotent map: the network g and the subspace
// range(W) are fitted so that the data are fixed points. The program's values are bound exactly as
// `compile` binds them (same seeds and tensor names: binding.ts), as in session.ts.
//
// Loss per batch of data rows x (docs/training.md, "The idempotent objective"):
//   data_rec = mean((x − p(x))²)                      pixel MSE: the data should be fixed points
//   latent   = Σ‖(I − Q)g(x)‖² / [Σ‖g(x)‖²]           how far g(x) lies from range(Q), relative
//   total    = data_rec + latent
// [·] is held constant in the gradient: its value makes `latent` the fraction of the latent energy off
// range(Q) (comparable between models and over a run), while the gradient is that of the plain squared
// distance. Differentiating the ratio would reward a large offset inside range(Q), which moves no data
// point closer to a fixed point. data_rec is measured in data space, so neither a shrinking nor a
// growing latent can game it. The rank r bounds the dimension of the fixed-point set g⁻¹(range Q),
// which is what keeps p from being the identity ("tightness"). No noise is injected: every point of the
// ambient space is a valid input.
import * as tf from "@tensorflow/tfjs-core";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { seededRandom } from "../runtime/operator/index.js";
import { BoundSession, bindForTraining, trainedVariables, valueCount, type NamedVariable, type SessionParts, type TrainingExpectation } from "./binding.js";
import { gatherRows } from "./data.js";
import { TrainError } from "./errors.js";
import type { TrainPlan } from "./plan.js";
import { TrainableProjector } from "./projector.js";
import { TrainingChart, initialiseActNormOnData, stepSeed, type TrainableSession } from "./session.js";

export const IDEMPOTENT_COLUMNS = ["total", "data_rec", "latent"] as const;

/** The identity with a zero gradient (tfjs has no stop_gradient): a normaliser, not something to fit. */
const constantInGradient = tf.customGrad((x) => ({ value: tf.clone(x as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as (x: tf.Tensor) => tf.Tensor;

/** The idempotent objective trains a projector Q on the one space Z of the model map. */
const PROJECTOR_ON_ONE_SPACE: TrainingExpectation<"projector"> = {
  kind: "projector",
  described: "a projector",
  dataMismatch: (dataset, plan) =>
    `data ${dataset.name} has rows of shape [${dataset.shape.join(", ")}]; the space of ${plan.mapName} has shape [${plan.data.shape.join(", ")}] (${valueCount(plan.data.shape)} values)`,
};

export class IdempotentSession extends BoundSession<TrainableProjector> implements TrainableSession {
  readonly lossColumns: readonly string[] = IDEMPOTENT_COLUMNS;

  private constructor(
    parts: SessionParts,
    operator: TrainableProjector,
    /** The chart g of Z (domain and codomain of the model map are the same space). */
    readonly data: TrainingChart,
    variables: readonly NamedVariable[],
  ) {
    super(parts, operator, variables);
  }

  static async create(program: CheckedProgram, spec: TrainPlan, baseDir: string): Promise<IdempotentSession> {
    return bindForTraining(program, spec, baseDir, PROJECTOR_ON_ONE_SPACE, ({ trained, ...parts }) => {
      const { plan } = parts;
      const networks = parts.program.networks;
      const chart = plan.data;
      const network = chart.network === undefined ? undefined : networks.get(chart.network);
      if (network === undefined) throw new TrainError("LIN0902", `the space of ${plan.mapName} is not induced by a built network`);
      const operator = new TrainableProjector(trained.operator);
      const variables = trainedVariables([network], { prefix: trained.prefix, parameters: operator.parameters() });
      const session = new IdempotentSession(parts, operator, new TrainingChart(chart, network.network), variables);
      initialiseActNormOnData(session.data, session.batch(0), plan.batch);
      return session.withoutUnusedVariables();
    });
  }

  /**
   * The same session trained on only the variables the loss depends on. With `induced G[0]` of a tagged
   * network the conditioners' tag weights multiply a tag of 0 and get no gradient; the trainer saves Adam's moments per
   * variable, so a variable the optimiser never sees would leave a checkpoint without optimiser state.
   * One gradient of a 2-row batch finds them.
   */
  private withoutUnusedVariables(): IdempotentSession {
    const probe = { ...this.plan, batch: 2 };
    const prober = new IdempotentSession({ ...this.parts(), plan: probe }, this.operator, this.data, this.variables);
    const used = new Set<string>();
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => prober.lossTensors(0)[0],
        this.variables.map((v) => v.variable),
      );
      for (const name of Object.keys(grads)) used.add(name);
    });
    if (used.size === this.variables.length) return this;
    return new IdempotentSession(
      this.parts(),
      this.operator,
      this.data,
      this.variables.filter((v) => used.has(v.variable.name)),
    );
  }

  /** The data rows of step `step` (with replacement), from a generator seeded by (seed, step). */
  batch(step: number, size = this.plan.batch): Float32Array {
    const random = seededRandom(stepSeed(this.plan.seed, step));
    const rows = Int32Array.from({ length: size }, () => Math.min(this.dataset.rows - 1, Math.floor(random.uniform() * this.dataset.rows)));
    return gatherRows(this.dataset, rows);
  }

  /** p(x) = g⁻¹(Q·g(x)) for rows x [b, dim], differentiable (the caller tidies). */
  project(x: tf.Tensor2D): tf.Tensor2D {
    return this.data.decode(this.operator.apply(this.data.encode(x)));
  }

  /** [total, data_rec, latent] for step `step` (the file comment's formulas); the caller tidies. */
  lossTensors(step: number): tf.Scalar[] {
    const x = tf.tensor2d(this.batch(step), [this.plan.batch, this.data.dim]);
    const z = this.data.encode(x);
    const projected = this.operator.apply(z);
    const dataRec = tf.mean(tf.squaredDifference(x, this.data.decode(projected))) as tf.Scalar;
    const latent = tf.div(tf.sum(tf.squaredDifference(z, projected)), constantInGradient(tf.sum(tf.square(z)))) as tf.Scalar;
    return [tf.add(dataRec, latent) as tf.Scalar, dataRec, latent];
  }

  /** Retraction after each optimiser step: W back to orthonormal columns (src/train/projector.ts). */
  async afterStep(): Promise<void> {
    await this.operator.retract();
  }

  /** p applied to host rows [count, dim] (no gradient). */
  async projectRows(rows: Float32Array): Promise<Float32Array> {
    const out = tf.tidy(() => this.project(tf.tensor2d(rows, [rows.length / this.data.dim, this.data.dim])));
    const values = Float32Array.from((await out.data()) as Float32Array);
    out.dispose();
    return values;
  }
}
