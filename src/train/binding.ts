// The set-up every training session shares, whatever its objective (session.ts, idempotentSession.ts):
// the data loaded and checked against the model's space, the program bound exactly as `compile` binds
// it (one BoundProgram: same seeds, same tensor names, src/compiler/binding), the trained operator's
// binding found, and the trained tensors gathered in the order the optimiser's state follows; and what
// a session then holds and does whatever it trains (BoundSession).
import * as tf from "@tensorflow/tfjs-core";
import type { BoundNetwork } from "../compiler/binding/networks.js";
import type { BoundOperator } from "../compiler/binding/operators.js";
import { bindProgram, type BoundProgram } from "../compiler/binding/program.js";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import type { HostTensor } from "../runtime/io/index.js";
import type { LinearOperator } from "../runtime/operator/index.js";
import { loadDataset, projectRootOf } from "./data.js";
import type { Dataset } from "./dataSource.js";
import { TrainError } from "./errors.js";
import { registerTrainingGradients } from "./gradients.js";
import { PerceptualLoss } from "./perceptual.js";
import { withDataRows, type ChartRef, type TrainPlan } from "./plan.js";
import { requireRowLayout } from "./rowLayout.js";

/** A trainable tensor under its name in a weights file. */
export interface NamedVariable {
  readonly fileName: string;
  readonly variable: tf.Variable;
}

/** What a session is built from: the plan (with the data's row count), the data and the bound program. */
export interface TrainingBinding<O extends LinearOperator> {
  readonly plan: TrainPlan;
  readonly dataset: Dataset;
  /** Seeded with the train seed; its networks are the ones trained. */
  readonly program: BoundProgram;
  /** The plan's LPIPS term (`lpips = "…"`), loaded for the data chart's images; absent without one. */
  readonly perceptual?: PerceptualLoss;
  /** The trained operator's initial value and the name prefix of its tensors. */
  readonly trained: { readonly prefix: string; readonly operator: O };
}

/** What the objective expects: the trained operator's kind (or kinds), and its own wording of the two checks. */
export interface TrainingExpectation<K extends LinearOperator["kind"]> {
  readonly kind: K | readonly K[];
  /** The kind for "operator A was not bound to …", e.g. "a projector". */
  readonly described: string;
  /** The message when the data rows do not have as many values as the model's data space. */
  dataMismatch(dataset: Dataset, plan: TrainPlan): string;
  /** The chart the data rows live in: the data chart unless given (mse: the input chart, plan.noise). */
  rowsChart?(plan: TrainPlan): ChartRef;
}

/** What every objective binds, with or without a trained operator. */
export type ProgramBinding = Omit<TrainingBinding<LinearOperator>, "trained">;

/**
 * Loads the plan's data, checks its rows against `rowsChart` (default: the data chart; `mismatch` words
 * the refusal) and binds the program, seeded as compile seeds it with the train seed, so a trained
 * weights file also carries the untrained declarations unchanged. Registers the training gradients.
 * `preloaded` replaces the plan's data source (a Dataset built by the caller, e.g. with targets).
 */
export async function bindProgramForTraining(
  program: CheckedProgram,
  spec: TrainPlan,
  baseDir: string,
  mismatch: (dataset: Dataset, plan: TrainPlan) => string,
  rowsChart: (plan: TrainPlan) => ChartRef = (plan) => plan.data,
  preloaded?: Dataset,
): Promise<ProgramBinding> {
  registerTrainingGradients();
  const root = projectRootOf(baseDir);
  const dataset = preloaded ?? (await loadDataset(spec.dataSource.name, spec.dataSource.args, { seed: spec.seed, baseDir, root, location: spec.dataSource.location }));
  const plan = withDataRows(spec, dataset.rows);
  if (valueCount(dataset.shape) !== valueCount(rowsChart(plan).shape)) throw new TrainError("LIN0903", mismatch(dataset, plan));
  requireRowLayout(dataset.shape, rowsChart(plan).shape, dataset.name);
  const settings = plan.perceptual;
  const context = { seed: plan.seed, baseDir, root };
  const perceptual = settings === undefined ? undefined : await PerceptualLoss.load(settings, plan.data.shape, dataset, context, `train ${plan.name}`);
  try {
    return { plan, dataset, program: await bindProgram(program, { seed: plan.seed }), ...(perceptual === undefined ? {} : { perceptual }) };
  } catch (e) {
    perceptual?.dispose();
    throw e;
  }
}

/**
 * Binds the program for training (bindProgramForTraining), finds the trained operator (of the kind the
 * objective expects) and hands the binding to `build` (synchronous, so that its failures are caught here and
 * the bound networks disposed).
 */
export async function bindForTraining<K extends LinearOperator["kind"], S>(
  program: CheckedProgram,
  spec: TrainPlan,
  baseDir: string,
  expect: TrainingExpectation<K>,
  build: (binding: TrainingBinding<Extract<LinearOperator, { kind: K }>>) => S,
): Promise<S> {
  const {
    plan,
    dataset,
    program: bound,
    perceptual,
  } = await bindProgramForTraining(
    program,
    spec,
    baseDir,
    (d, p) => expect.dataMismatch(d, p),
    (p) => expect.rowsChart?.(p) ?? p.data,
  );
  try {
    const trained = plan.operatorKey === undefined ? undefined : bound.operators.get(plan.operatorKey);
    if (trained === undefined || !isKind(trained.operator, expect.kind)) {
      throw new TrainError("LIN0902", `operator ${plan.operatorName} was not bound to ${expect.described}`);
    }
    return build({ plan, dataset, program: bound, ...(perceptual === undefined ? {} : { perceptual }), trained: { prefix: trained.prefix, operator: trained.operator } });
  } catch (e) {
    bound.dispose();
    perceptual?.dispose();
    throw e;
  }
}

function isKind<K extends LinearOperator["kind"]>(op: LinearOperator, kind: K | readonly K[]): op is Extract<LinearOperator, { kind: K }> {
  const kinds: readonly string[] = typeof kind === "string" ? [kind] : kind;
  return kinds.includes(op.kind);
}

export function valueCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The variables `loss` has a gradient for (one evaluation, e.g. on a 2-row batch): a tagged network's
 * tag weights get none when only tag 0 is used, and the trainer saves Adam's moments per variable, so
 * a variable the optimiser never sees would leave a checkpoint without optimiser state.
 */
export function variablesWithGradient(variables: readonly NamedVariable[], loss: () => tf.Scalar): NamedVariable[] {
  const used = new Set<string>();
  tf.tidy(() => {
    const { grads } = tf.variableGrads(
      loss,
      variables.map((v) => v.variable),
    );
    for (const name of Object.keys(grads)) used.add(name);
  });
  return variables.filter((v) => used.has(v.variable.name));
}

/** The trained tensors under their file names, sorted by name: the optimiser's state follows this order. */
export function trainedVariables(
  networks: Iterable<BoundNetwork>,
  operator: { readonly prefix: string; readonly parameters: ReadonlyMap<string, { readonly variable: NamedVariable["variable"] }> },
): NamedVariable[] {
  const variables: NamedVariable[] = [];
  for (const n of networks) for (const [name, p] of n.network.parameters()) variables.push({ fileName: n.prefix + name, variable: p.variable });
  for (const [name, p] of operator.parameters) variables.push({ fileName: operator.prefix + name, variable: p.variable });
  return variables.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
}

/** What a session trains in place of the model's operator (src/train/projector.ts, timeConditioned.ts). */
export interface TrainedOperator {
  parameters(): Map<string, { variable: tf.Variable; transposedInFile: boolean }>;
  /** The current value, as the operator a weights file stores. */
  toOperator(): Promise<LinearOperator>;
  dispose(): void;
}

/** The binding a session keeps: its plan, its data and the program's bound values. */
export type SessionParts = Omit<TrainingBinding<LinearOperator>, "trained">;

/** What every session holds and does alike: the bound program, the trained operator and variables, saving and disposal. */
export abstract class BoundSession<O extends TrainedOperator> {
  readonly plan: TrainPlan;
  readonly dataset: Dataset;
  readonly program: BoundProgram;
  /** LPIPS for the plan's image terms, when it names weights. */
  readonly perceptual?: PerceptualLoss;

  protected constructor(
    parts: SessionParts,
    readonly operator: O,
    /** Sorted by file name (trainedVariables): the optimiser's state follows this order. */
    readonly variables: readonly NamedVariable[],
  ) {
    this.plan = parts.plan;
    this.dataset = parts.dataset;
    this.program = parts.program;
    if (parts.perceptual !== undefined) this.perceptual = parts.perceptual;
  }

  get networks(): ReadonlyMap<string, BoundNetwork> {
    return this.program.networks;
  }

  get operators(): ReadonlyMap<string, BoundOperator> {
    return this.program.operators;
  }

  /** The binding, to build a variant of this session (another plan or fewer variables) over the same values. */
  protected parts(): SessionParts {
    return { plan: this.plan, dataset: this.dataset, program: this.program, ...(this.perceptual === undefined ? {} : { perceptual: this.perceptual }) };
  }

  /** Every tensor of the program in the layout `compile(…, { weights })` loads, with the trained operator. */
  async weights(): Promise<Map<string, HostTensor>> {
    const key = this.plan.operatorKey;
    return this.program.tensors(key === undefined ? new Map() : new Map([[key, await this.operator.toOperator()]]));
  }

  /** Frees the session's program and operator tensors. */
  dispose(): void {
    this.program.dispose();
    this.operator.dispose();
    this.perceptual?.dispose();
  }
}
