// The training loop: Adam (or SGD) from tfjs on the session's variables, one seeded batch per step,
// checkpoints every `checkpoint_every` steps (atomic), resume from the newest checkpoint whose every
// field checks out (checkpointFields.ts), a stop through an AbortSignal that finishes the current step
// and saves, one run per output folder (lock.ts), and the loss history as CSV, JSON and PNG next to the
// checkpoints.
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { assignNetworkTensors, encodeSafetensors, writeFileAtomic, type HostTensor } from "../runtime/io/index.js";
import { saveLinePlot } from "../runtime/plot/index.js";
import { listCheckpoints, modelTensors, pruneCheckpoints, readCheckpoint, saveCheckpoint, TRAIN_PREFIX, type FileWriter } from "./checkpoint.js";
import { checkCheckpoint, type CheckpointState } from "./checkpointFields.js";
import { TrainError } from "./errors.js";
import { acquireOutputLock, type OutputLock } from "./lock.js";
import { checkpointDir, prepareOutput } from "./output.js";
import { LOSS_COLUMNS, type TrainableSession } from "./session.js";

export { checkpointDir } from "./output.js";

/** Where a training run is, for a progress line. */
export interface Progress {
  /** Steps completed so far (the next step to run). */
  readonly step: number;
  readonly total: number;
  /** The step this run started from (0, or the resumed checkpoint's step). */
  readonly start: number;
  readonly loss: number;
  readonly stepsPerSecond: number;
  readonly etaSeconds: number;
}

/** Where `train` writes, how far it goes, and its callbacks. */
export interface TrainOptions {
  /** Directory for checkpoints/, weights.safetensors and the loss files. */
  readonly outDir: string;
  /** Total steps (overrides the spec's `steps`). */
  readonly steps?: number;
  /** Continue from the newest checkpoint; refused (LIN0908) when there is none to continue from. */
  readonly resume?: boolean;
  /** With resume: a checkpoint that fails its checks is skipped for the previous one (with a warning) instead of refused. */
  readonly resumeFallback?: boolean;
  /** Steps between checkpoints (overrides the spec's `checkpoint_every`). */
  readonly checkpointEvery?: number;
  /** How checkpoint and weight files are written (default: atomic). */
  readonly writer?: FileWriter;
  /** Called after each step. */
  readonly onProgress?: (p: Progress) => void;
  /** Called after each checkpoint is written. */
  readonly onCheckpoint?: (file: string, step: number) => void;
  /**
   * Aborting it finishes the step in progress, saves a checkpoint (and the weights and loss files, as
   * every checkpoint does) and returns with `stopped`; before the first step it returns at once, saving nothing.
   */
  readonly signal?: AbortSignal;
  /** The lock of `outDir`, when the caller already holds it (the CLI, for the whole command); else train takes one. */
  readonly lock?: OutputLock;
  /** Receives warnings (none are printed by the library). */
  readonly warn?: (message: string) => void;
  /** Checkpoints kept on disk (default 3). */
  readonly keep?: number;
}

/** What a run did: steps, the loss history, the last checkpoint and the weights file. */
export interface TrainResult {
  /** Steps completed (the last checkpoint's step). */
  readonly step: number;
  readonly start: number;
  readonly stopped: boolean;
  /** Per step: total and the four loss terms (LOSS_COLUMNS). */
  readonly history: readonly (readonly number[])[];
  readonly checkpoint?: string;
  readonly weightsFile: string;
  readonly seconds: number;
}

const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/** Lets the event loop run (signal handlers, timers, I/O) between steps: a step is otherwise one synchronous run of kernels. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function hostF32(t: tf.Tensor, data: Float32Array): HostTensor {
  return { dtype: "F32", shape: [...t.shape], data };
}

/** Adam's or SGD's state as `train/…` tensors, in the session's variable order. */
async function optimizerTensors(optimizer: tf.Optimizer, session: TrainableSession): Promise<{ tensors: Map<string, HostTensor>; iterations: number; complete: boolean }> {
  const weights = await optimizer.getWeights();
  const tensors = new Map<string, HostTensor>();
  const [iter, ...rest] = weights;
  const iterations = iter === undefined ? 0 : Number((await iter.tensor.data())[0]);
  const count = session.variables.length;
  if (session.plan.optimizer === "sgd") return { tensors, iterations, complete: true };
  if (rest.length !== 2 * count) return { tensors, iterations, complete: rest.length === 0 };
  for (let i = 0; i < count; i++) {
    const name = session.variables[i].fileName;
    const m = rest[i].tensor;
    const v = rest[count + i].tensor;
    tensors.set(`${TRAIN_PREFIX}adam/m/${name}`, hostF32(m, Float32Array.from((await m.data()) as Float32Array)));
    tensors.set(`${TRAIN_PREFIX}adam/v/${name}`, hostF32(v, Float32Array.from((await v.data()) as Float32Array)));
  }
  return { tensors, iterations, complete: true };
}

function historyTensor(history: readonly (readonly number[])[], cols: number): HostTensor {
  const data = new Float32Array(history.length * cols);
  history.forEach((row, i) => data.set(row, i * cols));
  return { dtype: "F32", shape: [history.length, cols], data };
}

/**
 * The trained operator's tensors that are declared, not learned (time_conditioned's `alpha`, fixed by
 * its `form`; an identity_plus_lowrank's `alpha`), must be in the checkpoint as the spec declares them
 * now: resuming would otherwise silently train another model (LIN0905).
 */
async function checkDeclaredStructure(session: TrainableSession, file: string, tensors: ReadonlyMap<string, HostTensor>, prefix: string): Promise<void> {
  if (session.plan.operatorKey === undefined || prefix === "") return;
  const learned = new Set([...session.operator.parameters().keys()].map((n) => prefix + n));
  for (const [name, declared] of await session.weights()) {
    if (!name.startsWith(prefix) || learned.has(name)) continue;
    const saved = tensors.get(name);
    if (saved === undefined) continue;
    const same = saved.data.length === declared.data.length && Array.from(saved.data as ArrayLike<number>).every((v, i) => v === Number((declared.data as ArrayLike<number>)[i]));
    if (!same) {
      throw new TrainError(
        "LIN0905",
        `${file}: tensor ${name} is [${Array.from(saved.data as ArrayLike<number>).join(", ")}], the spec now declares [${Array.from(declared.data as ArrayLike<number>).join(", ")}] (did the operator's form change since this checkpoint?)`,
      );
    }
  }
}

/** Puts a checked checkpoint's values back: networks (parameters and state), the operator, the optimiser. */
async function restore(session: TrainableSession, optimizer: tf.Optimizer, file: string, tensors: ReadonlyMap<string, HostTensor>, state: CheckpointState): Promise<void> {
  for (const n of session.networks.values()) {
    try {
      assignNetworkTensors(n.network, tensors, file, { rename: (name) => (name.startsWith(n.prefix) ? name.slice(n.prefix.length) : undefined) });
    } catch (e) {
      throw new TrainError("LIN0905", `${file}: network ${n.key}: ${(e as Error).message} (did the spec change since this checkpoint?)`);
    }
  }
  const key = session.plan.operatorKey;
  const prefix = (key === undefined ? undefined : session.operators.get(key)?.prefix) ?? "";
  const assignments: [tf.Variable, Float32Array][] = [];
  for (const [name, p] of session.operator.parameters()) {
    const t = tensors.get(prefix + name);
    if (t === undefined || t.dtype !== "F32") throw new TrainError("LIN0905", `${file}: missing F32 tensor ${prefix + name}`);
    const want = p.transposedInFile ? [p.variable.shape[1], p.variable.shape[0]] : [...p.variable.shape];
    if (t.shape.join(",") !== want.join(",")) {
      throw new TrainError("LIN0905", `${file}: tensor ${prefix + name} has shape [${t.shape.join(", ")}], the spec needs [${want.join(", ")}]`);
    }
    let data = t.data;
    if (p.transposedInFile) {
      const rows = want[0] ?? 0;
      const cols = want[1] ?? 0;
      data = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[j * rows + i] = t.data[i * cols + j];
    }
    assignments.push([p.variable, data]);
  }
  await checkDeclaredStructure(session, file, tensors, prefix);
  for (const [v, data] of assignments) tf.tidy(() => v.assign(tf.tensor(data, v.shape, "float32")));

  if (state.moments.size > 0) {
    const moments = (kind: "m" | "v"): { name: string; tensor: tf.Tensor }[] =>
      session.variables.map((v) => ({
        name: `${v.variable.name}/${kind}`,
        tensor: tf.tensor(state.moments.get(`${TRAIN_PREFIX}adam/${kind}/${v.fileName}`) ?? new Float32Array(0), v.variable.shape, "float32"),
      }));
    const named = [{ name: "iter", tensor: tf.scalar(state.iterations, "int32") }, ...moments("m"), ...moments("v")];
    await optimizer.setWeights(named);
    for (const n of named) n.tensor.dispose();
  }
}

/**
 * Restores the newest checkpoint that passes every check and returns its step and loss history. A
 * checkpoint that fails is refused, or skipped for the previous one with `fallback`; none left to
 * resume from is LIN0908 (starting again from step 0 would overwrite the trained weights).
 */
async function resumeFrom(
  dir: string,
  session: TrainableSession,
  optimizer: tf.Optimizer,
  total: number,
  fallback: boolean,
  warn: (m: string) => void,
): Promise<{ step: number; file: string; history: number[][] }> {
  const files = await listCheckpoints(dir);
  if (files.length === 0) throw new TrainError("LIN0908", `--resume: no checkpoint in ${dir}; run without --resume to start from step 0`);
  const skipped: string[] = [];
  for (const [i, { step: fileStep, file }] of files.entries()) {
    try {
      const ckpt = await readCheckpoint(file);
      const state = checkCheckpoint(
        ckpt,
        {
          plan: session.plan,
          fileStep,
          total,
          lossColumns: session.lossColumns.length,
          moments: session.variables.map((v) => ({ fileName: v.fileName, shape: v.variable.shape })),
        },
        TRAIN_PREFIX,
      );
      await restore(session, optimizer, file, ckpt.tensors, state);
      return { step: state.step, file, history: state.history };
    } catch (e) {
      if (!(e instanceof TrainError)) throw e;
      const older = files.length - i - 1;
      if (!fallback) throw new TrainError(e.code, older > 0 ? `${e.message} (--resume-fallback resumes from the previous checkpoint instead)` : e.message);
      warn(`skipping checkpoint: ${e.code}: ${e.message}`);
      skipped.push(path.basename(file));
    }
  }
  throw new TrainError("LIN0908", `--resume: no usable checkpoint in ${dir} (skipped ${skipped.join(", ")}); run without --resume to start from step 0`);
}

/** loss.csv, loss.json and loss.png in `outDir`, each written atomically. */
export async function writeLossFiles(outDir: string, history: readonly (readonly number[])[], columns: readonly string[] = LOSS_COLUMNS): Promise<void> {
  const header = ["step", ...columns].join(",");
  const lines = history.map((row, i) => [i + 1, ...row.map((v) => String(v))].join(","));
  const encoder = new TextEncoder();
  await writeFileAtomic(path.join(outDir, "loss.csv"), [encoder.encode(`${header}\n${lines.join("\n")}\n`)]);
  const json = { columns: ["step", ...columns], rows: history.map((row, i) => [i + 1, ...row]) };
  await writeFileAtomic(path.join(outDir, "loss.json"), [encoder.encode(`${JSON.stringify(json)}\n`)]);
  const steps = history.map((_, i) => i + 1);
  // The total and a running mean over 1% of the run (at least 5 steps): single batches are noisy.
  const window = Math.max(5, Math.floor(history.length / 100));
  const smooth: number[] = [];
  let sum = 0;
  history.forEach((row, i) => {
    sum += row[0];
    if (i >= window) sum -= history[i - window][0];
    smooth.push(sum / Math.min(i + 1, window));
  });
  await saveLinePlot(
    path.join(outDir, "loss.png"),
    [
      { x: steps, y: history.map((r) => r[0]), color: [170, 200, 230], label: "per step" },
      { x: steps, y: smooth, color: [31, 119, 180], label: "smoothed" },
    ],
    { logY: true, title: "training loss", xLabel: "step", yLabel: "loss" },
  );
}

/**
 * Decoupled weight decay (Loshchilov & Hutter; PyTorch's AdamW): θ ← θ·(1 − lr·λ) for each variable
 * that has a gradient, before the optimiser's update, which uses the gradient taken at the old θ. For
 * plain SGD this equals an L2 term λ·θ in the gradient.
 */
function decayWeights(session: TrainableSession, grads: tf.NamedTensorMap): void {
  const { lr, weightDecay, optimizer } = session.plan;
  if (!(weightDecay > 0) || optimizer === "adam") return;
  const keep = 1 - lr * weightDecay;
  for (const v of session.variables) {
    if (grads[v.variable.name] !== undefined) tf.tidy(() => v.variable.assign(tf.mul(v.variable, keep)));
  }
}

/**
 * Coupled L2 decay (PyTorch's Adam(weight_decay = λ)): g ← g + λ·θ for each variable that has a
 * gradient, so the moments, and with them Adam's per-coordinate normalisation, see the decay term: not
 * the same step as AdamW's decoupled decay (decayWeights). Replaces (and frees) the gradients in `grads`.
 */
function addL2ToGradients(session: TrainableSession, grads: tf.NamedTensorMap): void {
  const { weightDecay, optimizer } = session.plan;
  if (!(weightDecay > 0) || optimizer !== "adam") return;
  for (const v of session.variables) {
    const g = grads[v.variable.name];
    if (g === undefined) continue;
    grads[v.variable.name] = tf.tidy(() => tf.add(g, tf.mul(v.variable, weightDecay)));
    g.dispose();
  }
}

/**
 * Whether `e` is a backend running out of memory: tfjs-wasm's heap is 32-bit (4 GiB), and it traps inside a
 * kernel ("memory access out of bounds") or aborts when malloc cannot grow the heap (emscripten's
 * "Aborted()", which tfjs-wasm raises for nothing else a training step can reach); other backends throw
 * RangeError or "out of memory".
 */
function outOfBackendMemory(e: unknown): boolean {
  const message = e instanceof Error ? e.message : String(e);
  const wasmTrap = typeof WebAssembly !== "undefined" && e instanceof WebAssembly.RuntimeError && /memory access out of bounds|^Aborted\(/.test(message);
  return wasmTrap || /out of memory|Array buffer allocation failed|Cannot allocate/i.test(message);
}

/**
 * LIN0943 for a failure of `what` (a step, or binding the model) that ran out of the backend's memory,
 * naming the batch to lower; undefined for any other failure.
 */
export function backendMemoryError(e: unknown, what: string, batch: number): TrainError | undefined {
  if (!outOfBackendMemory(e)) return undefined;
  const message = e instanceof Error ? e.message : String(e);
  return new TrainError(
    "LIN0943",
    `${what} ran out of the backend's memory (${message}); the wasm backend's heap is 4 GiB: lower batch (now ${batch}), make the network smaller, or train on --backend webgpu or tensorflow`,
  );
}

/** A step that exhausts the backend's memory is LIN0943 (backendMemoryError); any other failure passes through unchanged. */
export function backendMemoryGuard<T>(step: number, batch: number, body: () => T): T {
  try {
    return body();
  } catch (e) {
    throw backendMemoryError(e, `step ${step + 1}`, batch) ?? e;
  }
}

/** Runs a training session to its step count (resuming when asked), writing checkpoints, the weights and the loss files. */
export async function train(session: TrainableSession, options: TrainOptions): Promise<TrainResult> {
  const plan = session.plan;
  const total = options.steps ?? plan.steps;
  const writer = options.writer ?? writeFileAtomic;
  const dir = checkpointDir(options.outDir);
  const weightsFile = path.join(options.outDir, "weights.safetensors");
  const checkpointEvery = options.checkpointEvery ?? plan.checkpointEvery;
  const lock = options.lock ?? (await acquireOutputLock(options.outDir));
  if (lock.dir !== path.resolve(options.outDir)) throw new TrainError("LIN0907", `the lock given is for ${lock.dir}, not ${path.resolve(options.outDir)}`);
  try {
    const orphans = await prepareOutput(options.outDir);
    if (orphans.length > 0) options.warn?.(`removed ${orphans.length} temporary file(s) left by an interrupted write: ${orphans.join(", ")}`);
    return await trainLocked(session, options, { total, writer, dir, weightsFile, checkpointEvery });
  } finally {
    if (options.lock === undefined) lock.release();
  }
}

interface RunSettings {
  readonly total: number;
  readonly writer: FileWriter;
  readonly dir: string;
  readonly weightsFile: string;
  readonly checkpointEvery: number;
}

async function trainLocked(session: TrainableSession, options: TrainOptions, { total, writer, dir, weightsFile, checkpointEvery }: RunSettings): Promise<TrainResult> {
  const plan = session.plan;
  // AdamW is Adam plus the decoupled decay applied before each update (decayWeights); tfjs has no AdamW,
  // and its Adam has no weight decay: Adam's coupled L2 is added to the gradients (addL2ToGradients).
  const optimizer = plan.optimizer === "sgd" ? tf.train.sgd(plan.lr) : tf.train.adam(plan.lr, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
  let history: number[][] = [];
  let start = 0;
  let checkpoint: string | undefined;
  try {
    if (options.resume) {
      const resumed = await resumeFrom(dir, session, optimizer, total, options.resumeFallback === true, options.warn ?? (() => undefined));
      history = resumed.history;
      start = resumed.step;
      checkpoint = resumed.file;
    }
    const save = async (step: number): Promise<void> => {
      const model = await session.weights();
      const state = await optimizerTensors(optimizer, session);
      const tensors = new Map([...model, ...state.tensors, [`${TRAIN_PREFIX}loss`, historyTensor(history, session.lossColumns.length)]]);
      checkpoint = await saveCheckpoint(
        dir,
        step,
        tensors,
        {
          train: plan.name,
          seed: String(plan.seed),
          optimizer: plan.optimizer,
          lr: String(plan.lr),
          iterations: String(state.iterations),
          optimizer_state: state.complete ? "complete" : "none",
        },
        writer,
      );
      await writer(weightsFile, encodeSafetensors(modelTensors(model), { format: "linea-program", format_version: "1", train: plan.name, step: String(step) }));
      await writeLossFiles(options.outDir, history, session.lossColumns);
      await pruneCheckpoints(dir, options.keep ?? 3);
      options.onCheckpoint?.(checkpoint, step);
    };

    const vars = session.variables.map((v) => v.variable);
    // Dropout (the conv conditioners' `dropout`) is on for the steps, as the reference trains, and off
    // again afterwards, so that the trained networks' forward and inverse agree exactly.
    const training = (on: boolean): void => session.networks.forEach((n) => n.network.setTraining(on));
    training(true);
    const began = performance.now();
    let stopped = false;
    let step = start;
    let lastSaved = start;
    while (step < total) {
      if (options.signal?.aborted === true) {
        stopped = true;
        break;
      }
      let terms: tf.Scalar[] = [];
      const { value, grads } = backendMemoryGuard(step, plan.batch, () =>
        tf.variableGrads(() => {
          const [totalLoss, ...rest] = session.lossTensors(step);
          terms = rest.map((r) => tf.keep(r));
          return totalLoss;
        }, vars),
      );
      // One asynchronous read of all the terms: WebGPU has no synchronous read in Node.
      const stacked = tf.stack([value, ...terms]);
      const values = Array.from(await stacked.data());
      stacked.dispose();
      if (!values.every(Number.isFinite)) {
        tf.dispose([value, ...terms, ...Object.values(grads)]);
        throw new TrainError("LIN0906", `the loss is ${values[0]} at step ${step + 1}; lower lr (now ${plan.lr}) or resume from ${checkpoint ?? "the start"}`);
      }
      addL2ToGradients(session, grads);
      decayWeights(session, grads);
      // An array keeps the optimiser's slots in the session's order (a name-keyed object would reorder them).
      optimizer.applyGradients(session.variables.flatMap((v) => (grads[v.variable.name] === undefined ? [] : [{ name: v.variable.name, tensor: grads[v.variable.name] }])));
      await session.afterStep?.();
      tf.dispose([value, ...terms, ...Object.values(grads)]);
      history.push(values);
      step++;
      const elapsed = (performance.now() - began) / 1000;
      const rate = (step - start) / Math.max(elapsed, 1e-9);
      options.onProgress?.({ step, total, start, loss: values[0], stepsPerSecond: rate, etaSeconds: (total - step) / rate });
      if (step % checkpointEvery === 0 || step === total) {
        // What a checkpoint writes (samples, pictures) runs the networks in evaluation mode.
        training(false);
        await save(step);
        training(true);
        lastSaved = step;
      }
      await yieldToEventLoop();
    }
    training(false);
    // A run stopped before its first step has nothing new to save (and must not replace a previous run's weights).
    if (step !== lastSaved || (checkpoint === undefined && !(stopped && step === start))) await save(step);
    return { step, start, stopped, history, ...(checkpoint === undefined ? {} : { checkpoint }), weightsFile, seconds: (performance.now() - began) / 1000 };
  } finally {
    session.networks.forEach((n) => n.network.setTraining(false));
    optimizer.dispose();
  }
}
