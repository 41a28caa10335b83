// A training session for `loss = mse` or `loss = lpips` (supervised, the reference's style transfer, paper-notes §2.8):
// the model is a declared map f : X -> Y = A between two (possibly induced) spaces, so
//   f(x) = g_y⁻¹(A·g_x(x))
// through the input chart g_x, the operator A and the output chart's inverse g_y⁻¹, and the loss per
// batch of (input, target) rows is mean((f(x) − y)²) over every entry (or the mean LPIPS of the pairs,
// with the section's lpips weights: src/train/perceptual.ts), gradients into g_x, g_y and A
// jointly (all of them trained, the optimiser as configured: the reference uses Adam with
// weight_decay = 1e-5, coupled L2). The program's values are bound exactly as `compile` binds them
// (binding.ts), so the weights file runs with `linea run`.
import * as tf from "@tensorflow/tfjs-core";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { seededRandom } from "../runtime/operator/index.js";
import { BoundSession, bindProgramForTraining, trainedVariables, valueCount, variablesWithGradient, type NamedVariable, type SessionParts } from "./binding.js";
import { gatherRows } from "./data.js";
import type { Dataset } from "./dataSource.js";
import { TrainError } from "./errors.js";
import { TrainableLinear } from "./linearOperator.js";
import type { ChartRef, TrainPlan } from "./plan.js";
import { TrainingChart, initialiseActNormOnData, stepSeed, type TrainableSession } from "./session.js";

/** The loss terms a supervised step records: the total is the one term. */
export const SUPERVISED_COLUMNS = ["total"] as const;

/** Options of SupervisedSession.create. */
export interface SupervisedOptions {
  /** Data to train on instead of the plan's source (it must carry targets). */
  readonly dataset?: Dataset;
}

/** The targets of `dataset` as [rows, values per row], checked against the output chart (LIN0942). */
function checkedTargets(dataset: Dataset, output: ChartRef, mapName: string, loss: string): Float32Array {
  const targets = dataset.targets;
  const want = valueCount(output.shape);
  if (targets === undefined) {
    throw new TrainError(
      "LIN0942",
      `loss ${loss}: data ${dataset.name} has no targets; give input and target rows (data = pairs(inputs = "x.npy", targets = "y.npy")), row i the target of input row i`,
    );
  }
  // The targets' shape may be per row ([...]) or with the row count first ([rows, ...]).
  const perRow = targets.data.length === dataset.rows * valueCount(targets.shape) ? targets.shape : targets.shape.slice(1);
  if (targets.data.length !== dataset.rows * want || valueCount(perRow) !== want) {
    throw new TrainError(
      "LIN0942",
      `loss ${loss}: data ${dataset.name} has targets of shape [${targets.shape.join(", ")}] (${targets.data.length} values for ${dataset.rows} rows); the output space of ${mapName} has shape [${output.shape.join(", ")}] (${want} values per row)`,
    );
  }
  return targets.data;
}

/** A supervised run of f = g_y⁻¹ A g_x on (input, target) rows; one `lossTensors` per step. */
export class SupervisedSession extends BoundSession<TrainableLinear> implements TrainableSession {
  readonly lossColumns: readonly string[] = SUPERVISED_COLUMNS;

  private constructor(
    parts: SessionParts,
    operator: TrainableLinear,
    /** g_x: the chart of the map's domain X. */
    readonly input: TrainingChart,
    /** g_y: the chart of the map's codomain Y. */
    readonly output: TrainingChart,
    private readonly targets: Float32Array,
    variables: readonly NamedVariable[],
  ) {
    super(parts, operator, variables);
  }

  /** Binds a checked program's train section (loss = mse) and its data (or `options.dataset`). */
  static async create(program: CheckedProgram, spec: TrainPlan, baseDir: string, options: SupervisedOptions = {}): Promise<SupervisedSession> {
    const parts = await bindProgramForTraining(
      program,
      spec,
      baseDir,
      (d, p) =>
        `data ${d.name} has input rows of shape [${d.shape.join(", ")}] (${valueCount(d.shape)} values); the input space of ${p.mapName} has shape [${p.noise.shape.join(", ")}]`,
      (p) => p.noise,
      options.dataset,
    );
    let operator: TrainableLinear | undefined;
    try {
      const { plan, dataset } = parts;
      const targets = checkedTargets(dataset, plan.data, plan.mapName, plan.loss);
      const bound = plan.operatorKey === undefined ? undefined : parts.program.operators.get(plan.operatorKey);
      if (bound === undefined) throw new TrainError("LIN0941", `operator ${plan.operatorName ?? "(none)"} of map ${plan.mapName} was not bound`);
      operator = new TrainableLinear(bound.operator);
      const networks = parts.program.networks;
      const chart = (ref: ChartRef): TrainingChart => new TrainingChart(ref, ref.network === undefined ? undefined : networks.get(ref.network)?.network);
      const keys = [...new Set([plan.noise.network, plan.data.network].filter((k): k is string => k !== undefined))];
      const trainedNetworks = keys.map((key) => {
        const n = networks.get(key);
        if (n === undefined) throw new TrainError("LIN0941", `network ${key} was not built`);
        return n;
      });
      const all = trainedVariables(trainedNetworks, { prefix: bound.prefix, parameters: operator.parameters() });
      const session = new SupervisedSession(parts, operator, chart(plan.noise), chart(plan.data), targets, all);
      session.initialiseActNormOnData();
      const probe = new SupervisedSession({ ...parts, plan: { ...plan, batch: 2 } }, operator, session.input, session.output, targets, all);
      const used = variablesWithGradient(all, () => probe.lossTensors(0)[0]);
      return used.length === all.length ? session : new SupervisedSession(parts, operator, session.input, session.output, targets, used);
    } catch (e) {
      parts.program.dispose();
      operator?.dispose();
      throw e;
    }
  }

  /**
   * ActNorm initialised on data (session.ts, initialiseActNormOnData): g_x on step 0's inputs, and g_y,
   * when it is another network, on their targets (g_y's forward sees targets: y = g_y⁻¹(…)).
   */
  private initialiseActNormOnData(): void {
    const { x, y } = this.batch(0);
    initialiseActNormOnData(this.input, x, this.plan.batch);
    if (this.output.ref.network !== this.input.ref.network) initialiseActNormOnData(this.output, y, this.plan.batch);
  }

  /**
   * The (input, target) rows of step `step`, drawn with replacement by a generator seeded by (seed, step),
   * with each row's label (its style, for an indexed operator) when the data has labels.
   */
  batch(step: number, size = this.plan.batch): { x: Float32Array; y: Float32Array; labels?: number[] } {
    const random = seededRandom(stepSeed(this.plan.seed, step));
    const rows = Int32Array.from({ length: size }, () => Math.min(this.dataset.rows - 1, Math.floor(random.uniform() * this.dataset.rows)));
    const y = gatherRows({ ...this.dataset, data: this.targets }, rows);
    const labels = this.dataset.labels;
    return { x: gatherRows(this.dataset, rows), y, ...(labels === undefined ? {} : { labels: Array.from(rows, (r) => labels[r]) }) };
  }

  /** f(x) = g_y⁻¹(A·g_x(x)) for rows x [b, dim X], row i through style styles[i] of an indexed A (differentiable; the caller tidies). */
  predict(x: tf.Tensor2D, styles?: readonly number[]): tf.Tensor2D {
    return this.output.decode(this.operator.apply(this.input.encode(x), styles));
  }

  /** [mean((f(x) − y)²)], or for `loss = lpips` [mean LPIPS(f(x), y)], over step `step`'s batch; the caller tidies. */
  lossTensors(step: number): tf.Scalar[] {
    const { x, y, labels } = this.batch(step);
    const n = this.plan.batch;
    const predicted = this.predict(tf.tensor2d(x, [n, this.input.dim]), labels);
    const target = tf.tensor2d(y, [n, this.output.dim]);
    if (this.plan.loss === "lpips") {
      if (this.perceptual === undefined) throw new TrainError("LIN0940", `train ${this.plan.name}: loss lpips without its weights`);
      return [this.perceptual.mean(predicted, target)];
    }
    return [tf.mean(tf.squaredDifference(predicted, target)) as tf.Scalar];
  }

  /** f applied to host rows [count, dim X] (no gradient), row i through style styles[i] of an indexed A. */
  async predictRows(rows: Float32Array, styles?: readonly number[]): Promise<Float32Array> {
    const out = tf.tidy(() => this.predict(tf.tensor2d(rows, [rows.length / this.input.dim, this.input.dim]), styles));
    const values = Float32Array.from((await out.data()) as Float32Array);
    out.dispose();
    return values;
  }
}
