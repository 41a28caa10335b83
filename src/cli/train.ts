// `linea train FILE [--train NAME] [--steps N] [--checkpoint-every N] [--out DIR] [--resume
// [--resume-fallback]] [--backend B]`: checks the spec, runs its train section (docs/training.md) with
// a progress bar on stderr, checkpoints in DIR/checkpoints, weights in DIR/weights.safetensors,
// loss.{csv,json,png} and samples.png in DIR, holding DIR/.lock for the whole command.
// SIGINT (Ctrl-C) or SIGTERM finishes the current step, saves a checkpoint and exits 130 or 143; a
// second signal exits at once (every file is written atomically, so nothing is left half-written).
import path from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { check, nodeFileHost } from "../index.js";
import { hasErrors } from "../ast/diagnostic.js";
import { selectBackend } from "../runtime/backend/index.js";
import { imageShape } from "../runtime/plot/index.js";
import { trainPlan, type TrainPlan } from "../train/plan.js";
import { TrainingSession } from "../train/session.js";
import { IdempotentSession } from "../train/idempotentSession.js";
import { saveProjections } from "../train/idempotentPictures.js";
import { createTrainingSession, type AnyTrainingSession } from "../train/sessions.js";
import { backendMemoryError, train } from "../train/trainer.js";
import { acquireOutputLock, type OutputLock } from "../train/lock.js";
import { progressReporter } from "../train/progress.js";
import { samplerDefaults } from "../compiler/checker/builtins.js";
import { oneStepSamples } from "../train/samples.js";
import { saveSamples } from "../runtime/plot/index.js";
import { LineaError } from "../diagnostics/error.js";
import { ExitCode, parseCommandLine, reportFailure, UsageError, type Command, type CommandIO } from "./command.js";
import type { FlagTable } from "./flags.js";
import { jsonUri, printDiagnostics, printResult } from "./output.js";
import { readSpecText } from "./spec_input.js";

/** 128 + the signal's number, as a shell reports a process a signal ended. */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;
const SAMPLE_COUNT = 2000;
const IMAGE_SAMPLE_COUNT = 64;

export interface TrainCommandHooks {
  /** Whether stderr is a terminal (default: process.stderr.isTTY). */
  readonly tty?: boolean;
  /** Installs the SIGINT and SIGTERM handler; returns its removal. Tests pass their own. */
  readonly onSignal?: (handler: (signal: StopSignal) => void) => () => void;
  /** Ends the process at a second signal (default process.exit). */
  readonly exit?: (code: number) => void;
}

function processSignals(handler: (signal: StopSignal) => void): () => void {
  const onInt = (): void => handler("SIGINT");
  const onTerm = (): void => handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return () => {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  };
}

/** The train codes that are the environment's state, not the input's: exit 2, like an unreadable file. */
const ENVIRONMENT_CODES: ReadonlySet<string> = new Set(["LIN0907"]);

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got ${value}`);
  return n;
}

/**
 * samples.png: one-step samples x = g_data⁻¹(B·g_noise(x₀)), B the collapse of the spec's sampler over
 * the model (else Euler T = 100). 2-D data: a scatter of data and samples; images [C, H, W]: a grid of
 * samples; other shapes: heat-map rows (`linea sample`'s pictures). Returns what was drawn, or
 * undefined when the latent is too large for B.
 */
async function writeSamples(session: TrainingSession, file: string, seed: number): Promise<string | undefined> {
  const image = imageShape(session.plan.data.shape) !== undefined;
  const count = image ? IMAGE_SAMPLE_COUNT : SAMPLE_COUNT;
  const samples = await oneStepSamples(session, count, seed);
  if (samples === undefined) return undefined;
  const sampler = session.plan.sampler ?? samplerDefaults;
  const label = `one step, ${sampler.method} T=${sampler.steps}`;
  if (session.data.dim === 2) {
    const rows = Math.min(count, session.dataset.rows);
    await saveSamples(
      file,
      [
        { label: "data", values: session.dataset.data.subarray(0, 2 * rows) },
        { label: "one-step samples", values: samples },
      ],
      [2],
      { title: "one-step samples vs data" },
    );
    return `${label}; data and samples`;
  }
  if (image) {
    // Clamped to the data's range for display, as the reference clamps to [0, 1]; g⁻¹ may overshoot it.
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of session.dataset.data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    for (let i = 0; i < samples.length; i++) samples[i] = Math.min(hi, Math.max(lo, samples[i]));
  }
  await saveSamples(file, [{ label: "one-step samples", values: samples }], session.plan.data.shape, {
    columns: 8,
    title: `one-step samples (${sampler.method} T=${sampler.steps})`,
  });
  return `${label}; ${count} samples${image ? " clamped to the data's range" : ""}`;
}

const TRAIN_FLAGS = {
  train: { type: "string", value: "NAME", defaultText: "the spec's only train section", help: "the train section to run" },
  steps: { type: "string", value: "N", defaultText: "the section's steps", help: "optimiser steps" },
  "checkpoint-every": { type: "string", value: "N", defaultText: "the section's checkpoint_every", help: "write a checkpoint every N steps" },
  out: { type: "string", value: "DIR", defaultText: "runs/FILE-NAME", help: "folder for checkpoints, weights, loss and samples" },
  resume: { type: "boolean", help: "continue from the last checkpoint in DIR/checkpoints (refused when there is none)" },
  "resume-fallback": { type: "boolean", help: "with --resume: skip a checkpoint that fails its checks and use the previous one" },
  backend: { type: "string", value: "NAME", defaultText: "LINEA_BACKEND, else wasm", help: "tfjs backend: wasm, cpu, webgpu, tensorflow or auto" },
} as const satisfies FlagTable;

export async function runTrain(args: readonly string[], io: CommandIO, hooks: TrainCommandHooks = {}): Promise<number> {
  const parsed = parseCommandLine(args, TRAIN_FLAGS);
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) throw new UsageError("train needs a spec file");
  if (extra.length > 0) throw new UsageError(`train takes one spec file, got ${parsed.positionals.length}`);
  const steps = positiveInt(parsed.values.steps, "--steps");
  const checkpointEvery = positiveInt(parsed.values["checkpoint-every"], "--checkpoint-every");
  if (parsed.values["resume-fallback"] === true && parsed.values.resume !== true) throw new UsageError("--resume-fallback goes with --resume");
  const read = await readSpecText(file, io);
  if (typeof read === "number") return read;
  const specPath = read.path;
  const checked = await check({ uri: specPath, text: read.text });
  if (isLeft(checked)) {
    const diags = checked.left;
    printDiagnostics(io, diags, (u) => (u === specPath ? read.text : nodeFileHost.readFile(u)));
    return hasErrors(diags) ? ExitCode.Errors : ExitCode.Ok;
  }
  const fail = (e: unknown): number => {
    const code = reportFailure("train", io, e);
    return e instanceof LineaError && ENVIRONMENT_CODES.has(e.code) ? ExitCode.Usage : code;
  };
  let plan;
  try {
    plan = trainPlan(checked.right, parsed.values.train);
  } catch (e) {
    return fail(e);
  }
  const outDir = path.resolve(io.cwd, parsed.values.out ?? path.join("runs", `${path.basename(file, ".lin")}-${plan.name}`));
  let session: AnyTrainingSession | undefined;
  const tty = hooks.tty ?? process.stderr.isTTY === true;
  const progress = progressReporter(io.stderr, tty);
  const stop = new AbortController();
  let stoppedBy: StopSignal | undefined;
  let lastStep: number | undefined;
  // Training: a first signal stops after the step in progress. Setting up or drawing: nothing to save, so it exits at once.
  let phase: "setup" | "training" | "pictures" = "setup";
  let lock: OutputLock | undefined;
  const exit = hooks.exit ?? ((code: number) => process.exit(code));
  const removeHandler = (hooks.onSignal ?? processSignals)((signal) => {
    progress.finish();
    if (stoppedBy === undefined && phase === "training") {
      stoppedBy = signal;
      stop.abort();
      const at = lastStep === undefined ? "before the first step" : `after step ${lastStep}`;
      io.stderr(`linea train: ${signal} ${at}; saving a checkpoint at the end of this step (again to quit now)\n`);
      return;
    }
    io.stderr(`linea train: ${signal}: quitting without saving; the last checkpoint is intact\n`);
    lock?.release();
    exit(SIGNAL_EXIT[signal]);
  });
  try {
    lock = await acquireOutputLock(outDir);
    const backend = await selectBackend(parsed.values.backend);
    // Binding initialises ActNorm on a data batch through the networks: the first place memory can run out.
    session = await createTrainingSession(checked.right, plan, path.dirname(specPath)).catch((e: unknown) => {
      throw backendMemoryError(e, "binding the model (ActNorm's first batch)", plan.batch) ?? e;
    });
    io.stderr(
      `linea train: ${plan.name} (${plan.loss}${perceptualNote(plan)}, ${plan.optimizer} lr ${plan.lr}, batch ${plan.batch}, seed ${plan.seed}) on ${backend.description}; data ${session.dataset.name}: ${session.dataset.rows} rows\n`,
    );
    phase = "training";
    const result = await train(session, {
      outDir,
      lock,
      ...(steps === undefined ? {} : { steps }),
      ...(checkpointEvery === undefined ? {} : { checkpointEvery }),
      resume: parsed.values.resume === true,
      resumeFallback: parsed.values["resume-fallback"] === true,
      signal: stop.signal,
      onProgress: (p) => {
        lastStep = p.step;
        progress.update(p);
      },
      warn: (m) => {
        progress.finish();
        io.stderr(`linea train: warning: ${m}\n`);
      },
    });
    phase = "pictures";
    progress.finish();
    if (result.start > 0) io.stderr(`linea train: resumed from step ${result.start}\n`);
    // An interrupted run exits within the step: the pictures wait for the run that finishes (--resume).
    const draw = !result.stopped;
    const samples = draw && session instanceof TrainingSession ? await writeSamples(session, path.join(outDir, "samples.png"), plan.seed + 1) : undefined;
    const projections = draw && session instanceof IdempotentSession ? await saveProjections(path.join(outDir, "projections.png"), session, plan.seed + 1) : undefined;
    const last = result.history[result.history.length - 1];
    const shown = (p: string): string => jsonUri(io, p);
    const totalSteps = steps ?? session.plan.steps;
    const summary = {
      train: plan.name,
      stopped: result.stopped,
      step: result.step,
      steps: totalSteps,
      loss: last === undefined ? null : last[0],
      seconds: result.seconds,
      weights: shown(result.weightsFile),
      checkpoint: result.checkpoint === undefined ? null : shown(result.checkpoint),
      out: shown(outDir),
    };
    printResult(io, summary, () =>
      [
        `${result.stopped ? "stopped" : "trained"} ${plan.name}: step ${result.step}/${summary.steps}, loss ${last === undefined ? "n/a" : last[0].toPrecision(4)}, ${result.seconds.toFixed(1)} s`,
        `  weights     ${result.stopped && result.checkpoint === undefined ? "none (stopped before the first step)" : path.relative(io.cwd, result.weightsFile)}`,
        `  checkpoint  ${result.checkpoint === undefined ? "none" : path.relative(io.cwd, result.checkpoint)}`,
        `  loss        ${path.relative(io.cwd, path.join(outDir, "loss.png"))} (.csv, .json)`,
        ...(samples === undefined ? [] : [`  samples     ${path.relative(io.cwd, path.join(outDir, "samples.png"))} (${samples})`]),
        ...(projections === undefined ? [] : [`  projections ${path.relative(io.cwd, path.join(outDir, "projections.png"))} (${projections})`]),
        "",
      ].join("\n"),
    );
    return stoppedBy === undefined || !result.stopped ? ExitCode.Ok : SIGNAL_EXIT[stoppedBy];
  } catch (e) {
    progress.finish();
    return fail(e);
  } finally {
    removeHandler();
    session?.dispose();
    lock?.release();
  }
}

export const trainCommand: Command = {
  name: "train",
  summary: "train a spec's train section (flow matching or an idempotent projector), with checkpoints and a loss curve",
  usage: "linea train FILE [--train NAME] [--steps N] [--checkpoint-every N] [--out DIR] [--resume [--resume-fallback]] [--backend wasm|cpu|webgpu|tensorflow|auto]",
  flags: TRAIN_FLAGS,
  examples: ["linea train examples/toy2d_train.lin --out runs/toy2d", "linea train examples/toy2d_train.lin --out runs/toy2d --resume --steps 2000"],
  run: (args, io) => runTrain(args, io),
};

/** How a plan uses LPIPS, for the run's first line: which terms, with which trunk and pooling. */
function perceptualNote(plan: TrainPlan): string {
  const p = plan.perceptual;
  if (p === undefined) return "";
  const where = plan.loss === "lpips" ? "" : " in data_rec and prediction";
  return ` with LPIPS ${p.net}, ${p.pooling} pooling${where}`;
}
