// A training session for `loss = idempotent` (paper-notes §1.6): the model is p = g⁻¹ ∘ Q ∘ g on one
// induced space Z (one network, one tag), Q = W·Wᵀ a rank-r projector, so p ∘ p = p for every value
// of the parameters, and training only decides WHICH idempotent map: the network g and the subspace
// range(W) are fitted so that the data are fixed points. The program's values are bound exactly as
// `compile` binds them (same seeds and tensor names), as in session.ts.
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
import type { CheckedProgram } from "../compiler/checked.js";
import { bindNetworks, operatorBinder, programTensors, type BoundNetwork, type BoundOperator } from "../compiler/execute/weights.js";
import { lower } from "../compiler/lower.js";
import type { HostTensor } from "../runtime/io/index.js";
import { seededRandom } from "../runtime/operator/index.js";
import { gatherRows, loadDataset, type Dataset } from "./data.js";
import { TrainError } from "./errors.js";
import { registerTrainingGradients } from "./gradients.js";
import { withDataRows, type TrainPlan } from "./plan.js";
import { TrainableProjector } from "./projector.js";
import { Chart, stepSeed, type NamedVariable, type TrainableSession } from "./session.js";

export const IDEMPOTENT_COLUMNS = ["total", "data_rec", "latent"] as const;

/** The identity with a zero gradient (tfjs has no stop_gradient): a normaliser, not something to fit. */
const constantInGradient = tf.customGrad((x) => ({ value: tf.clone(x as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as (x: tf.Tensor) => tf.Tensor;

export class IdempotentSession implements TrainableSession {
  readonly lossColumns: readonly string[] = IDEMPOTENT_COLUMNS;

  private constructor(
    readonly plan: TrainPlan,
    readonly dataset: Dataset,
    readonly networks: ReadonlyMap<string, BoundNetwork>,
    readonly operators: ReadonlyMap<string, BoundOperator>,
    readonly operator: TrainableProjector,
    /** The chart g of Z (domain and codomain of the model map are the same space). */
    readonly data: Chart,
    /** Sorted by file name: the optimiser's state follows this order. */
    readonly variables: readonly NamedVariable[],
  ) {}

  static async create(program: CheckedProgram, spec: TrainPlan, baseDir: string): Promise<IdempotentSession> {
    registerTrainingGradients();
    const dataset = await loadDataset(spec.dataSource.name, spec.dataSource.args, { seed: spec.seed, baseDir });
    const plan = withDataRows(spec, dataset.rows);
    const chart = plan.data;
    const dim = chart.shape.reduce((a, b) => a * b, 1);
    if (dataset.shape.reduce((a, b) => a * b, 1) !== dim) {
      throw new TrainError("LIN-TRAIN-DATA", `data ${dataset.name} has rows of shape [${dataset.shape.join(", ")}]; the space of ${plan.mapName} has shape [${chart.shape.join(", ")}] (${dim} values)`);
    }
    const networks = await bindNetworks(program, plan.seed);
    try {
      const binder = await operatorBinder(program, plan.seed);
      lower(program, { bind: binder.bind });
      const bound = binder.bound.get(plan.operatorKey);
      if (bound === undefined || bound.operator.kind !== "projector") {
        throw new TrainError("LIN-TRAIN-UNSUPPORTED", `operator ${plan.operatorName} was not bound to a projector`);
      }
      const network = chart.network === undefined ? undefined : networks.get(chart.network);
      if (network === undefined) throw new TrainError("LIN-TRAIN-UNSUPPORTED", `the space of ${plan.mapName} is not induced by a built network`);
      const operator = new TrainableProjector(bound.operator);
      const variables: NamedVariable[] = [...network.network.parameters()].map(([name, p]) => ({ fileName: network.prefix + name, variable: p.variable }));
      for (const [name, p] of operator.parameters()) variables.push({ fileName: bound.prefix + name, variable: p.variable });
      variables.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
      const session = new IdempotentSession(plan, dataset, networks, binder.bound, operator, new Chart(chart, network.network), variables);
      return session.withoutUnusedVariables();
    } catch (e) {
      for (const n of networks.values()) n.network.dispose();
      throw e;
    }
  }

  /**
   * The same session trained on only the variables the loss depends on. With `induced G[0]` of a tagged
   * network the conditioners' tag weights multiply a tag of 0 and get no gradient; the trainer saves Adam's moments per
   * variable, so a variable the optimiser never sees would leave a checkpoint without optimiser state.
   * One gradient of a 2-row batch finds them.
   */
  private withoutUnusedVariables(): IdempotentSession {
    const probe = { ...this.plan, batch: 2 };
    const prober = new IdempotentSession(probe, this.dataset, this.networks, this.operators, this.operator, this.data, this.variables);
    const used = new Set<string>();
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => prober.lossTensors(0)[0], this.variables.map((v) => v.variable));
      for (const name of Object.keys(grads)) used.add(name);
    });
    if (used.size === this.variables.length) return this;
    return new IdempotentSession(this.plan, this.dataset, this.networks, this.operators, this.operator, this.data, this.variables.filter((v) => used.has(v.variable.name)));
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

  /** Every tensor of the program in the layout `compile(…, { weights })` loads, with the trained Q. */
  async weights(): Promise<Map<string, HostTensor>> {
    const trained = await this.operator.toOperator();
    const operators = [...this.operators.values()].map((o) => (o.key === this.plan.operatorKey ? { ...o, operator: trained } : o));
    return programTensors(this.networks.values(), operators);
  }

  dispose(): void {
    for (const n of this.networks.values()) n.network.dispose();
    this.operator.dispose();
  }
}
