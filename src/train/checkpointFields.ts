// Every field a resumed run takes from a checkpoint, checked before any of it is used: the metadata
// (step, iterations, optimizer, optimizer_state, lr, train, seed) and the training-state tensors (the
// loss history, Adam's moments). An impossible value is LIN0909 naming the file and the field; a value
// that is possible but not this spec's (another train section or seed) is LIN0905.
import type { HostTensor } from "../runtime/io/index.js";
import type { Checkpoint } from "./checkpoint.js";
import { TrainError } from "./errors.js";
import type { TrainPlan } from "./plan.js";

/** What the resuming run expects of a checkpoint. */
export interface CheckpointExpectation {
  readonly plan: Pick<TrainPlan, "name" | "seed" | "optimizer">;
  /** The step the file name says. */
  readonly fileStep: number;
  /** This run's last step: a checkpoint beyond it cannot be continued to it. */
  readonly total: number;
  readonly lossColumns: number;
  /** Adam's moments: the trained tensors' names in the file and their shapes. */
  readonly moments: readonly { readonly fileName: string; readonly shape: readonly number[] }[];
}

/** The training state a checkpoint restores, every value checked. */
export interface CheckpointState {
  readonly step: number;
  readonly iterations: number;
  readonly optimizerState: "complete" | "none";
  readonly history: number[][];
  /** `train/adam/{m,v}/<name>` data by name, when the state is complete and the optimiser is Adam's. */
  readonly moments: ReadonlyMap<string, Float32Array>;
}

export const OPTIMIZERS = ["adam", "adamw", "sgd"] as const;

function invalid(file: string, field: string, problem: string): TrainError {
  return new TrainError("LIN0909", `${file}: field ${field}: ${problem}`);
}

/** A whole number written in decimal digits (no sign, exponent, fraction or spaces). */
function wholeNumber(file: string, metadata: Readonly<Record<string, string>>, field: string): number {
  const text = metadata[field];
  if (text === undefined) throw invalid(file, field, "missing");
  if (!/^\d{1,15}$/.test(text)) throw invalid(file, field, `${JSON.stringify(text)} is not a non-negative integer`);
  return Number(text);
}

function oneOf<const T extends string>(file: string, metadata: Readonly<Record<string, string>>, field: string, allowed: readonly T[]): T {
  const text = metadata[field];
  if (text === undefined) throw invalid(file, field, "missing");
  const found = allowed.find((a) => a === text);
  if (found === undefined) throw invalid(file, field, `${JSON.stringify(text)} is not one of ${allowed.join(", ")}`);
  return found;
}

function finiteF32(file: string, field: string, t: HostTensor | undefined, shape: readonly number[], nonNegative = false): Float32Array {
  if (t === undefined) throw invalid(file, field, "missing");
  if (t.dtype !== "F32") throw invalid(file, field, `dtype ${t.dtype}, expected F32`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) throw invalid(file, field, `shape [${t.shape.join(", ")}], expected [${shape.join(", ")}]`);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    if (!Number.isFinite(v) || (nonNegative && v < 0)) throw invalid(file, field, `impossible value ${v} at flat index ${i}`);
  }
  return t.data;
}

/** Checks every restored field of a checkpoint against what this run expects; LIN0909 naming the file and field. */
export function checkCheckpoint(ckpt: Checkpoint, want: CheckpointExpectation, trainPrefix: string): CheckpointState {
  const { file, metadata } = ckpt;
  const step = wholeNumber(file, metadata, "step");
  if (step !== want.fileStep) throw invalid(file, "step", `${step} disagrees with the file name's step ${want.fileStep}`);
  if (step > want.total) throw invalid(file, "step", `${step} is beyond this run's ${want.total} steps (pass --steps ${step} or more to continue it)`);

  const train = metadata.train;
  if (train === undefined) throw invalid(file, "train", "missing");
  if (train !== want.plan.name) throw new TrainError("LIN0905", `${file}: written by train ${train}, not ${want.plan.name}`);
  const seed = wholeNumber(file, metadata, "seed");
  if (seed !== want.plan.seed) throw new TrainError("LIN0905", `${file}: written with seed ${seed}, the spec now says ${want.plan.seed}`);
  const optimizer = oneOf(file, metadata, "optimizer", OPTIMIZERS);
  if (optimizer !== want.plan.optimizer) throw new TrainError("LIN0905", `${file}: written with optimizer ${optimizer}, the spec now says ${want.plan.optimizer}`);
  const lr = Number(metadata.lr);
  if (metadata.lr === undefined || !(Number.isFinite(lr) && lr > 0)) throw invalid(file, "lr", `${JSON.stringify(metadata.lr ?? null)} is not a positive number`);
  // One optimiser update per step, whatever the objective: the count is the step.
  const iterations = wholeNumber(file, metadata, "iterations");
  if (iterations !== step) throw invalid(file, "iterations", `${iterations} optimiser updates for ${step} steps`);
  const optimizerState = oneOf(file, metadata, "optimizer_state", ["complete", "none"] as const);

  const loss = finiteF32(file, `${trainPrefix}loss`, ckpt.tensors.get(`${trainPrefix}loss`), [step, want.lossColumns]);
  const history: number[][] = [];
  for (let i = 0; i < step; i++) history.push(Array.from(loss.subarray(i * want.lossColumns, (i + 1) * want.lossColumns)));

  const moments = new Map<string, Float32Array>();
  if (optimizer !== "sgd" && optimizerState === "complete" && step > 0) {
    for (const kind of ["m", "v"] as const) {
      for (const m of want.moments) {
        const name = `${trainPrefix}adam/${kind}/${m.fileName}`;
        // The second moment is a running mean of squares: never negative.
        moments.set(name, finiteF32(file, name, ckpt.tensors.get(name), m.shape, kind === "v"));
      }
    }
  }
  return { step, iterations, optimizerState, history, moments };
}
