// `linea export --format torch`: writes a readable Python package that runs the spec on PyTorch with no
// Linea code at run time. The files:
//   linea_torch.py   the block, operator and map classes, the safetensors reader/writer (a fixed file,
//                    python/torch_export/ in the npm package)
//   train.py         the train section (flow matching, the idempotent objective) under DistributedDataParallel (fixed)
//   launch.py        N local processes with the rendezvous variables set, where torchrun is broken (fixed)
//   model.py         generated: the spec's networks, operators and maps; TRAIN, the section's settings
//   init.safetensors Linea's initial values (or --weights): the program bound exactly as `linea train`
//                    binds it (same seed, ActNorm initialised on the same first data batch)
//   data.npy         the train section's data rows as Linea loads them (toy sets drawn with its seed)
//   maps.safetensors the materialised operator of maps that are not a (sampled) time-conditioned operator
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BoundNetwork } from "../../compiler/binding/networks.js";
import type { BoundOperator } from "../../compiler/binding/operators.js";
import { bindProgram, type BoundProgram } from "../../compiler/binding/program.js";
import type { CheckedProgram } from "../../compiler/checker/checked.js";
import { encodeNpy, encodeSafetensors, writeFileAtomic, type HostTensor } from "../../runtime/io/index.js";
import { trainPlan, trainSections, type ChartRef, type TrainPlan } from "../../train/plan.js";
import { IdempotentSession } from "../../train/idempotentSession.js";
import { TrainingSession } from "../../train/session.js";
import { TrainError } from "../../train/errors.js";
import { modelSource, type ChartSettings, type TrainSettings } from "./model_source.js";

/** The fixed files copied into every package, from python/torch_export/ (three folders above src/apps/export_torch and dist/apps/export_torch alike). */
const TEMPLATES = new URL("../../../python/torch_export/", import.meta.url);
const FIXED_FILES = ["linea_torch.py", "train.py", "launch.py"] as const;

/** How the package is made. */
export interface TorchExportOptions {
  /** The spec's path (its folder resolves data paths). */
  readonly specPath: string;
  /** The package folder; its name is the Python package's (`python -m NAME.train`). */
  readonly out: string;
  /** Start from these weights instead of Linea's initial values. */
  readonly weights?: string;
  /** Seed of the initial values when the spec has no train section (default 0; a train section uses its own seed). */
  readonly seed?: number;
  /** The train section to export, when the spec has several. */
  readonly train?: string;
  readonly version: string;
}

/** What was written. */
export interface TorchExport {
  readonly out: string;
  readonly files: readonly string[];
  readonly networks: readonly string[];
  readonly maps: readonly string[];
  readonly skipped: readonly string[];
  /** The exported train section, or undefined (none, or an objective train.py does not implement). */
  readonly train: string | undefined;
}

/** A Python package name: the folder's name must be an identifier for `python -m NAME.train`. */
export function isPackageName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

function pathOf(prefix: string): string {
  return prefix.endsWith(".") ? prefix.slice(0, -1) : prefix;
}

function chartSettings(ref: ChartRef, networks: ReadonlyMap<string, BoundNetwork>): ChartSettings {
  const n = ref.network === undefined ? undefined : networks.get(ref.network);
  return { network: n === undefined ? undefined : pathOf(n.prefix), tag: ref.tag, shape: [...ref.shape] };
}

function trainSettings(plan: TrainPlan, program: BoundProgram): TrainSettings {
  const op = plan.operatorKey === undefined ? undefined : program.operators.get(plan.operatorKey);
  return {
    name: plan.name,
    loss: plan.loss,
    model: plan.mapName,
    operator: op === undefined ? undefined : pathOf(op.prefix),
    noise: chartSettings(plan.noise, program.networks),
    data: chartSettings(plan.data, program.networks),
    steps: plan.steps,
    batch: plan.batch,
    lr: plan.lr,
    optimizer: plan.optimizer,
    weightDecay: plan.weightDecay,
    seed: plan.seed,
    noiseLevel: plan.noiseLevel,
    checkpointEvery: plan.checkpointEvery,
  };
}

/**
 * The train section's plan, or undefined without one. A section that `linea train` itself refuses does not stop
 * the export of the model when no section was asked for (the refusal is returned as a note); with --train it does.
 */
function sectionPlan(checked: CheckedProgram, name: string | undefined): { plan?: TrainPlan; note?: string } {
  if (trainSections(checked).length === 0) return {};
  try {
    return { plan: trainPlan(checked, name) };
  } catch (e) {
    if (name !== undefined || !(e instanceof TrainError)) throw e;
    return { note: `the train section: ${e.message}` };
  }
}

interface Bound {
  readonly program: BoundProgram;
  readonly tensors: Map<string, HostTensor>;
  readonly plan: TrainPlan | undefined;
  readonly data: HostTensor | undefined;
  /** What was left out of the binding (a train section Linea refuses). */
  readonly notes: readonly string[];
  dispose(): void;
}

/** The objectives train.py implements. */
const TRAINED_IN_TORCH: ReadonlySet<string> = new Set(["flow_matching", "idempotent"]);

/**
 * The program bound as the export's starting point: with a train section train.py implements, as `linea train`
 * binds it (its seed, its data, ActNorm on its first batch); otherwise as compile binds it. --weights
 * replaces the values (the data still comes from the section).
 */
async function bind(checked: CheckedProgram, options: TorchExportOptions): Promise<Bound> {
  const { plan: flow, note } = sectionPlan(checked, options.train);
  const notes = note === undefined ? [] : [note];
  if (flow !== undefined && TRAINED_IN_TORCH.has(flow.loss)) {
    const baseDir = path.dirname(options.specPath);
    const session = flow.loss === "idempotent" ? await IdempotentSession.create(checked, flow, baseDir) : await TrainingSession.create(checked, flow, baseDir);
    const weighted = options.weights === undefined ? undefined : await bindProgram(checked, { seed: flow.seed, weights: options.weights });
    const program = weighted ?? session.program;
    const tensors = weighted === undefined ? await session.weights() : await weighted.tensors();
    const d = session.dataset;
    return {
      program,
      tensors,
      plan: session.plan,
      data: { dtype: "F32", shape: [d.rows, ...d.shape], data: d.data },
      notes,
      dispose: () => {
        session.dispose();
        weighted?.dispose();
      },
    };
  }
  const program = await bindProgram(checked, { seed: flow?.seed ?? options.seed ?? 0, ...(options.weights === undefined ? {} : { weights: options.weights }) });
  return { program, tensors: await program.tensors(), plan: undefined, data: undefined, notes, dispose: () => program.dispose() };
}

/** Writes the package for a checked spec (see the file header for its files). */
export async function exportTorchPackage(checked: CheckedProgram, options: TorchExportOptions): Promise<TorchExport> {
  const bound = await bind(checked, options);
  try {
    const { program, plan } = bound;
    const networks: BoundNetwork[] = [...program.networks.values()];
    const operators: BoundOperator[] = [...program.operators.values()];
    const train = plan === undefined ? undefined : trainSettings(plan, program);
    const model = modelSource({ spec: path.basename(options.specPath), version: options.version, seed: program.seed, networks, operators, maps: program.ir.maps, train });
    await fs.mkdir(options.out, { recursive: true });
    const files: string[] = [];
    const write = async (name: string, chunks: readonly Uint8Array[]): Promise<void> => {
      await writeFileAtomic(path.join(options.out, name), chunks);
      files.push(name);
    };
    const text = (s: string): Uint8Array[] => [new TextEncoder().encode(s)];
    for (const name of FIXED_FILES) await write(name, [await fs.readFile(fileURLToPath(new URL(name, TEMPLATES)))]);
    await write("__init__.py", text(`"""${path.basename(options.specPath)} exported for PyTorch by Linea ${options.version}: see model.py, train.py and launch.py."""\n`));
    await write("model.py", text(model.source));
    await write("init.safetensors", encodeSafetensors(bound.tensors, { format: "linea-weights", spec: path.basename(options.specPath), seed: String(program.seed) }));
    if (model.matrices.size > 0) await write("maps.safetensors", encodeSafetensors(model.matrices, { format: "linea-map-matrices" }));
    if (bound.data !== undefined) await write("data.npy", encodeNpy({ dtype: "F32", shape: bound.data.shape, data: bound.data.data as Float32Array }));
    return {
      out: options.out,
      files,
      networks: networks.map((n) => pathOf(n.prefix)),
      maps: [...program.ir.maps.keys()].filter((m) => !model.skipped.some((s) => s.startsWith(`${m}:`))),
      skipped: [...model.skipped, ...bound.notes],
      train: train?.name,
    };
  } finally {
    bound.dispose();
  }
}
