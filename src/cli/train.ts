// `linea train FILE [--train NAME] [--steps N] [--out DIR] [--resume] [--backend B]`: checks the
// spec, runs its train section (docs/training.md) with a progress bar on stderr, checkpoints in
// DIR/checkpoints, weights in DIR/weights.safetensors, loss.{csv,json,png} and samples.png in DIR.
// Ctrl-C finishes the current step, saves a checkpoint and exits 130; a second Ctrl-C exits at once
// (every file is written atomically, so nothing is left half-written).
import path from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { check, nodeFileHost } from "../index.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { hasErrors } from "../ast/diagnostic.js";
import { selectBackend } from "../runtime/backend/index.js";
import { imageShape } from "../runtime/plot/index.js";
import { trainPlan } from "../train/plan.js";
import { TrainingSession } from "../train/session.js";
import { IdempotentSession } from "../train/idempotentSession.js";
import { saveProjections } from "../train/idempotentPictures.js";
import { train } from "../train/trainer.js";
import { progressReporter } from "../train/progress.js";
import { samplerDefaults } from "../compiler/checker/builtins.js";
import { oneStepSamples } from "../train/samples.js";
import { saveSamples } from "../runtime/plot/index.js";
import { cannotRead, ExitCode, parseCommandLine, reportFailure, UsageError, type Command, type CommandIO } from "./command.js";

export const SIGINT_EXIT = 130;
const SAMPLE_COUNT = 2000;
const IMAGE_SAMPLE_COUNT = 64;

export interface TrainCommandHooks {
  /** Whether stderr is a terminal (default: process.stderr.isTTY). */
  readonly tty?: boolean;
  /** Installs the Ctrl-C handler; returns its removal. Tests pass their own. */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

function processInterrupt(handler: () => void): () => void {
  process.on("SIGINT", handler);
  return () => process.off("SIGINT", handler);
}

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

export async function runTrain(args: readonly string[], io: CommandIO, hooks: TrainCommandHooks = {}): Promise<number> {
  const parsed = parseCommandLine(args, {
    train: { type: "string" },
    steps: { type: "string" },
    out: { type: "string" },
    resume: { type: "boolean" },
    backend: { type: "string" },
  });
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) throw new UsageError("train needs a spec file");
  if (extra.length > 0) throw new UsageError(`train takes one spec file, got ${parsed.positionals.length}`);
  const steps = positiveInt(parsed.values.steps, "--steps");
  const specPath = path.resolve(io.cwd, file);
  if (nodeFileHost.readFile(specPath) === undefined) {
    io.stderr(cannotRead(file, specPath));
    return ExitCode.Usage;
  }
  const checked = await check(specPath);
  if (isLeft(checked)) {
    const diags = checked.left;
    io.stderr(`${renderDiagnostics(diags, (u) => nodeFileHost.readFile(u), { cwd: io.cwd })}\n`);
    return hasErrors(diags) ? ExitCode.Errors : ExitCode.Ok;
  }
  const fail = (e: unknown): number => reportFailure("train", io, e);
  let plan;
  try {
    plan = trainPlan(checked.right, parsed.values.train);
  } catch (e) {
    return fail(e);
  }
  const outDir = path.resolve(io.cwd, parsed.values.out ?? path.join("runs", `${path.basename(file, ".lin")}-${plan.name}`));
  let session: TrainingSession | IdempotentSession | undefined;
  const tty = hooks.tty ?? process.stderr.isTTY === true;
  const progress = progressReporter(io.stderr, tty);
  let interrupts = 0;
  const removeHandler = (hooks.onInterrupt ?? processInterrupt)(() => {
    interrupts++;
    if (interrupts === 1) {
      progress.finish();
      io.stderr("linea train: interrupted; saving a checkpoint at the end of this step (Ctrl-C again to quit now)\n");
    } else {
      io.stderr("linea train: quitting without saving; the last checkpoint is intact\n");
      process.exit(SIGINT_EXIT);
    }
  });
  try {
    const backend = await selectBackend(parsed.values.backend);
    session =
      plan.loss === "idempotent"
        ? await IdempotentSession.create(checked.right, plan, path.dirname(specPath))
        : await TrainingSession.create(checked.right, plan, path.dirname(specPath));
    io.stderr(
      `linea train: ${plan.name} (${plan.loss}, ${plan.optimizer} lr ${plan.lr}, batch ${plan.batch}, seed ${plan.seed}) on ${backend.description}; data ${session.dataset.name}: ${session.dataset.rows} rows\n`,
    );
    const result = await train(session, {
      outDir,
      ...(steps === undefined ? {} : { steps }),
      resume: parsed.values.resume === true,
      onProgress: (p) => progress.update(p),
      shouldStop: () => interrupts > 0,
      warn: (m) => {
        progress.finish();
        io.stderr(`linea train: warning: ${m}\n`);
      },
    });
    progress.finish();
    if (result.start > 0) io.stderr(`linea train: resumed from step ${result.start}\n`);
    const samples = session instanceof TrainingSession ? await writeSamples(session, path.join(outDir, "samples.png"), plan.seed + 1) : undefined;
    const projections = session instanceof IdempotentSession ? await saveProjections(path.join(outDir, "projections.png"), session, plan.seed + 1) : undefined;
    const last = result.history[result.history.length - 1];
    io.stdout(
      [
        `${result.stopped ? "stopped" : "trained"} ${plan.name}: step ${result.step}/${steps ?? session.plan.steps}, loss ${last === undefined ? "n/a" : last[0].toPrecision(4)}, ${result.seconds.toFixed(1)} s`,
        `  weights     ${path.relative(io.cwd, result.weightsFile)}`,
        `  checkpoint  ${result.checkpoint === undefined ? "none" : path.relative(io.cwd, result.checkpoint)}`,
        `  loss        ${path.relative(io.cwd, path.join(outDir, "loss.png"))} (.csv, .json)`,
        ...(samples === undefined ? [] : [`  samples     ${path.relative(io.cwd, path.join(outDir, "samples.png"))} (${samples})`]),
        ...(projections === undefined ? [] : [`  projections ${path.relative(io.cwd, path.join(outDir, "projections.png"))} (${projections})`]),
        "",
      ].join("\n"),
    );
    return result.stopped ? SIGINT_EXIT : ExitCode.Ok;
  } catch (e) {
    progress.finish();
    return fail(e);
  } finally {
    removeHandler();
    session?.dispose();
  }
}

export const trainCommand: Command = {
  name: "train",
  summary: "train a spec's train section (flow matching or an idempotent projector), with checkpoints and a loss curve",
  usage: "linea train FILE [--train NAME] [--steps N] [--out DIR] [--resume] [--backend wasm|cpu|webgpu|tensorflow|auto]",
  run: (args, io) => runTrain(args, io),
};
