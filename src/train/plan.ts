// What a `train NAME { … }` section asks for, read from the checked program: the model's pieces
// (for flow matching: the time-conditioned operator and the two charts of its map; for mse: a map's
// operator and charts; for nll: one chart), the data source and the hyperparameters with their
// defaults (docs/training.md).
import type { Expr, Item, MapDecl, TrainDecl } from "../ast/nodes.js";
import type { Location } from "../ast/source.js";
import { literalValue } from "../compiler/checker/args.js";
import { samplerSettings, type SamplerSettings } from "../compiler/checker/builtins.js";
import { declKey, type CheckedProgram, type DeclKey, type SymbolInfo } from "../compiler/checker/checked.js";
import type { SpaceType } from "../compiler/checker/types.js";
import type { DataArgs } from "./dataSource.js";
import { TrainError } from "./errors.js";
import { checkIdempotentMap, IDEMPOTENT_LOSS, IDEMPOTENT_OPERATOR, trainLocation } from "./idempotentPlan.js";
import type { PerceptualSettings } from "./perceptual.js";

/** The objectives the trainer runs (docs/training.md, its opening paragraph and a section each). */
export type TrainLoss = "flow_matching" | typeof IDEMPOTENT_LOSS | "mse" | "lpips" | "nll";

/** The operator kinds `loss = mse` (and `lpips`) trains (src/train/linearOperator.ts): plain factors, no constraint to keep. */
export const SUPERVISED_OPERATORS = ["dense", "diagonal", "lowrank", "identity_plus_lowrank", "depthwise_conv", "indexed_depthwise_conv", "circulant_conv"] as const;

/** One side of the model's map: the network (by `uri#name`) and tag, or none for a Euclidean space. */
export interface ChartRef {
  readonly network?: string;
  readonly tag?: number;
  readonly shape: readonly number[];
  readonly name: string;
}

/** A train section resolved: model, spaces, data source, loss, optimiser and schedule. */
export interface TrainPlan {
  readonly name: string;
  /** The model's name: the map (flow matching, idempotent, mse) or the network or space (nll). */
  readonly mapName: string;
  /** The key of the trained operator's declaration; absent for nll, which trains a network alone. */
  readonly operatorKey?: DeclKey;
  readonly operatorName?: string;
  /** The map's domain chart: the noise space (flow matching), the input space X (mse); nll: the Euclidean latent. */
  readonly noise: ChartRef;
  /** The map's codomain chart: the data space (flow matching, idempotent), the output space Y (mse); nll: the chart modelled. */
  readonly data: ChartRef;
  /** The data source call (or path) and where the section writes it. */
  readonly dataSource: { readonly name: string; readonly args: DataArgs; readonly location: Location };
  readonly loss: TrainLoss;
  /** adam: PyTorch's Adam (weight decay as coupled L2); adamw: decoupled decay (PyTorch's AdamW); sgd decays either way alike. */
  readonly optimizer: "adam" | "adamw" | "sgd";
  /**
   * adam: coupled L2, g ← g + weight_decay·θ before the moment updates (torch.optim.Adam); adamw and
   * sgd: decoupled, θ ← θ·(1 − lr·weight_decay) before the update (for SGD the two are the same step).
   */
  readonly weightDecay: number;
  /** The steps to run; with `epochs` it is resolved once the data's row count is known (withDataRows). */
  readonly steps: number;
  /** `epochs = E`: steps = ⌈E·rows/batch⌉ (exclusive with `steps`). */
  readonly epochs?: number;
  /** `checkpoint_every` as written, if it was. */
  readonly checkpointEveryGiven?: number;
  /** The spec's one-step sampler over the model (`sampler(v, method = …, steps = …)`), for samples.png. */
  readonly sampler?: SamplerSettings;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  readonly noiseLevel: number;
  readonly checkpointEvery: number;
  /**
   * `lpips = "weights.safetensors"`: LPIPS in place of pixel MSE in flow matching's data_rec and prediction
   * terms (the reference's terms 3 and 4), or the distance of `loss = lpips` (supervised).
   */
  readonly perceptual?: PerceptualSettings;
}

/** The defaults of a train section's fields. */
export const TRAIN_DEFAULTS = { batch: 256, lr: 1e-3, seed: 0, noiseLevel: 0.3, steps: 1000, checkpoints: 10, adamwWeightDecay: 0.01 } as const;

function defaultCheckpointEvery(steps: number): number {
  return Math.max(1, Math.ceil(steps / TRAIN_DEFAULTS.checkpoints));
}

/** The plan with `epochs` turned into steps for a data set of `rows` rows: ⌈epochs·rows/batch⌉. */
export function withDataRows(plan: TrainPlan, rows: number): TrainPlan {
  if (plan.epochs === undefined) return plan;
  const steps = Math.max(1, Math.ceil((plan.epochs * rows) / plan.batch));
  return { ...plan, steps, checkpointEvery: plan.checkpointEveryGiven ?? defaultCheckpointEvery(steps) };
}

/** The first `sampler(v, method = …, steps = …)` over map `mapName` in a let or an entry of the module. */
function samplerOver(program: CheckedProgram, items: readonly Item[], mapName: string): TrainPlan["sampler"] {
  const find = (e: Expr): TrainPlan["sampler"] => {
    if (e.kind !== "Call") return undefined;
    const callee = e.callee;
    const builtin = program.builtinOf(e);
    if (builtin?.kind === "value" && builtin.name === "sampler" && e.args[0]?.value.kind === "Name" && e.args[0].value.name.name === mapName) {
      return samplerSettings(program.argumentsOf(e));
    }
    return find(callee) ?? e.args.reduce<TrainPlan["sampler"]>((found, a) => found ?? find(a.value), undefined);
  };
  for (const item of items) {
    const found = item.kind === "LetDecl" ? find(item.value) : item.kind === "EntryDecl" ? find(item.body) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}
/** The train sections of the entry module, in order. */
export function trainSections(program: CheckedProgram): TrainDecl[] {
  const module = program.modules.get(program.entry);
  return (module?.program.items ?? []).filter((i): i is TrainDecl => i.kind === "TrainDecl");
}

function chartOf(space: SpaceType, name: string): ChartRef {
  if (space.kind === "Euclidean") return { shape: space.shape, name };
  return { network: declKey(space.network.uri, space.network.name), ...(space.tag === undefined ? {} : { tag: space.tag }), shape: space.shape, name };
}

function dataSource(program: CheckedProgram, e: Expr): TrainPlan["dataSource"] {
  const location = { uri: program.entry, range: e.range };
  if (e.kind === "String") {
    if (!e.value.toLowerCase().endsWith(".npy")) throw new TrainError("LIN0902", `data path ${e.value}: only .npy files are read so far`);
    return { name: "npy", args: new Map([["0", e.value]]), location };
  }
  const source = program.builtinOf(e);
  if (source?.kind !== "data") throw new TrainError("LIN0903", "train data must be a data source call or a path string");
  // DataArgs keys positional arguments "0", "1", … where the checker writes "#0", "#1", …
  const args = new Map<string, number | string>();
  for (const [key, value] of program.argumentsOf(e)) args.set(key.startsWith("#") ? key.slice(1) : key, value);
  return { name: source.name, args, location };
}

/** The model's part of a plan: the objective, the model's name, the trained operator and the charts. */
type ModelPart = Pick<TrainPlan, "loss" | "mapName" | "operatorKey" | "operatorName" | "noise" | "data">;

/** The declared operator a map's value names, with the builtin that declares it. */
function operatorOfMap(program: CheckedProgram, mapDecl: MapDecl): { key: DeclKey; name: string; builtin?: string } | undefined {
  const opExpr = mapDecl.value;
  const opSym = opExpr.kind === "Name" || opExpr.kind === "Member" ? program.symbolOf(opExpr) : undefined;
  if (opSym?.node.kind !== "OperatorDecl") return undefined;
  const builtin = program.builtinOf(opSym.node.value)?.name;
  return { key: opSym.key, name: opSym.name, ...(builtin === undefined ? {} : { builtin }) };
}

/**
 * The model of the section for its loss (written, or the default: flow_matching for a time-conditioned
 * map): each objective's own checks, each refusal naming the section (`where`) and what to write.
 */
function modelOf(program: CheckedProgram, where: string, modelSym: SymbolInfo, written: string | undefined): ModelPart {
  const timeConditioned = modelSym.type.kind === "Map" && modelSym.type.timeConditioned;
  const loss = written ?? (timeConditioned ? "flow_matching" : undefined);
  if (loss === "nll") return likelihoodModel(where, modelSym);
  if (modelSym.kind !== "map" || modelSym.type.kind !== "Map") {
    throw new TrainError("LIN0902", `${where}: loss ${loss ?? "(none)"} trains a declared map (\`map v : Noise -> Data = A;\`), not ${modelSym.kind} ${modelSym.name}`);
  }
  const mapType = modelSym.type;
  if (loss !== "flow_matching" && loss !== IDEMPOTENT_LOSS && loss !== "mse" && loss !== "lpips") {
    throw new TrainError(
      "LIN0902",
      `${where}: map ${modelSym.name} needs a loss (flow_matching for a time-conditioned map, ${IDEMPOTENT_LOSS} for a projector map, mse, lpips or nll)`,
    );
  }
  const op = operatorOfMap(program, modelSym.node as MapDecl);
  const charts = { mapName: modelSym.name, noise: chartOf(mapType.domain, "noise"), data: chartOf(mapType.codomain, "data") };
  if (loss === "mse" || loss === "lpips") {
    // An indexed map (depthwise_conv(styles = n)) is typed time-conditioned with its style count: mse
    // trains its kernel table, each row with its style label; a map of flow time t is refused.
    if (mapType.timeConditioned && mapType.styles === undefined)
      throw new TrainError("LIN0941", `${where}: loss ${loss} fits a map X -> Y; ${modelSym.name} is time-conditioned (train it with flow_matching)`);
    const kinds: readonly string[] = SUPERVISED_OPERATORS;
    if (op === undefined || op.builtin === undefined || !kinds.includes(op.builtin)) {
      throw new TrainError(
        "LIN0941",
        `${where}: loss ${loss} trains map ${modelSym.name} through a declared operator of kind ${SUPERVISED_OPERATORS.join(", ")} (\`operator A = dense; map ${modelSym.name} : X -> Y = A;\`)${op?.builtin === undefined ? "" : `; ${op.name} is ${op.builtin}`}`,
      );
    }
    return { loss, ...charts, operatorKey: op.key, operatorName: op.name };
  }
  if (loss === IDEMPOTENT_LOSS) checkIdempotentMap(where, modelSym.name, mapType);
  else if (!mapType.timeConditioned) throw new TrainError("LIN0902", `${where}: flow_matching needs a time-conditioned map (its operator declared with time_conditioned(…))`);
  const wanted = loss === IDEMPOTENT_LOSS ? IDEMPOTENT_OPERATOR : "time_conditioned";
  if (op === undefined || op.builtin !== wanted) {
    throw new TrainError("LIN0902", `${where}: map ${modelSym.name} must be a declared ${wanted} operator (\`operator A = ${wanted}(rank = …); map ${modelSym.name} : … = A;\`)`);
  }
  return { loss, ...charts, operatorKey: op.key, operatorName: op.name };
}

/**
 * `loss = nll`: one chart g, from a network (untagged: one chart) or an induced space (`induced G[1]`);
 * the latent is a Euclidean space of the same dimension (only for the plan's record: nll reads no noise chart).
 */
function likelihoodModel(where: string, modelSym: SymbolInfo): ModelPart {
  const type = modelSym.type;
  const space = type.kind === "Space" ? type.space : undefined;
  if (type.kind === "Network" && type.tagged) {
    throw new TrainError(
      "LIN0941",
      `${where}: network ${modelSym.name} is tagged, so it has one chart per tag; name the chart: \`space Data = induced ${modelSym.name}[1]; train … { model = Data; loss = nll; }\``,
    );
  }
  const chart: ChartRef | undefined =
    type.kind === "Network"
      ? { network: declKey(type.id.uri, type.id.name), shape: type.space.shape, name: "data" }
      : space?.kind === "Induced"
        ? chartOf(space, "data")
        : undefined;
  if (chart === undefined) {
    throw new TrainError(
      "LIN0941",
      `${where}: loss nll fits the density of a network's chart: the model must be a network or an induced space (\`space Data = induced G;\`), not ${modelSym.kind} ${modelSym.name}`,
    );
  }
  return { loss: "nll", mapName: modelSym.name, noise: { shape: chart.shape, name: "latent" }, data: chart };
}

/** The LPIPS fields a perceptual objective reads, besides `lpips` (the weights). */
const LPIPS_OPTIONS = ["lpips_net", "lpips_pooling", "lpips_range"] as const;

/**
 * The section's LPIPS settings (`lpips = "file"`, `lpips_net`, `lpips_pooling`, `lpips_range`), checked
 * against the objective: `loss = lpips` needs the weights, flow matching takes them for its image terms,
 * and nll and idempotent have none (LIN0940).
 */
function perceptualOf(
  program: CheckedProgram,
  where: string,
  fields: ReadonlyMap<string, Expr>,
  word: (key: string) => string | undefined,
  loss: TrainLoss,
): PerceptualSettings | undefined {
  const fileExpr = fields.get("lpips");
  const options = LPIPS_OPTIONS.filter((k) => fields.has(k));
  if (fileExpr === undefined) {
    if (loss === "lpips") {
      throw new TrainError(
        "LIN0940",
        `${where}: loss lpips needs LPIPS weights: write lpips = "lpips_vgg.safetensors" (VGG16 trunk and heads, the lpips package's state dict; docs/metrics.md converts them, they cannot be fetched here)`,
      );
    }
    if (options.length > 0)
      throw new TrainError(
        "LIN0940",
        `${where}: ${options.join(", ")} without lpips = "weights.safetensors": give the LPIPS weights, or drop ${options.length > 1 ? "them" : "it"}`,
      );
    return undefined;
  }
  if (loss !== "flow_matching" && loss !== "lpips") {
    throw new TrainError("LIN0940", `${where}: lpips weights are used by loss = lpips and by flow_matching's image terms; loss ${loss} compares no images (drop lpips = …)`);
  }
  const file = literalValue(fileExpr);
  if (typeof file !== "string") throw new TrainError("LIN0940", `${where}: lpips must be the weights file's path, a string`);
  const range = word("lpips_range");
  return {
    file,
    net: word("lpips_net") === "alexnet" ? "alexnet" : "vgg16",
    pooling: word("lpips_pooling") === "max" ? "max" : "average",
    ...(range === "unit" || range === "symmetric" ? { range } : {}),
    location: { uri: program.entry, range: fileExpr.range },
  };
}

/** Reads train section `name` (default: the only one) into a plan; errors say what is missing. */
export function trainPlan(program: CheckedProgram, name?: string): TrainPlan {
  const sections = trainSections(program);
  if (sections.length === 0) throw new TrainError("LIN0901", "the spec has no train section (add `train NAME { model = …; data = …; }`)");
  let decl: TrainDecl | undefined;
  if (name === undefined) {
    if (sections.length > 1)
      throw new TrainError("LIN0901", `the spec has ${sections.length} train sections (${sections.map((s) => s.name.name).join(", ")}): pick one with --train NAME`);
    decl = sections[0];
  } else {
    decl = sections.find((s) => s.name.name === name);
    if (decl === undefined) throw new TrainError("LIN0901", `no train section named ${name} (have: ${sections.map((s) => s.name.name).join(", ")})`);
  }
  const fields = new Map(decl.fields.map((f) => [f.key.name, f.value]));
  const num = (key: string): number | undefined => {
    const e = fields.get(key);
    const v = e === undefined ? undefined : literalValue(e);
    return typeof v === "number" ? v : undefined;
  };
  const word = (key: string): string | undefined => {
    const e = fields.get(key);
    const v = e === undefined ? undefined : literalValue(e);
    return typeof v === "string" ? v : undefined;
  };

  const modelExpr = fields.get("model");
  const dataExpr = fields.get("data");
  if (modelExpr === undefined || dataExpr === undefined) throw new TrainError("LIN0901", `train ${decl.name.name} needs model and data`);
  // Every refusal below names the section and where it is (file:line:col).
  const where = `train ${decl.name.name} (${trainLocation(program.entry, decl)})`;
  const modelSym = modelExpr.kind === "Name" || modelExpr.kind === "Member" ? program.symbolOf(modelExpr) : undefined;
  if (modelSym === undefined) {
    throw new TrainError("LIN0902", `${where}: the model must be a declared map (\`map v : Noise -> Data = A;\`), or for nll a network or an induced space`);
  }
  const model = modelOf(program, where, modelSym, word("loss"));
  const optimizer = word("optimizer") ?? "adam";
  if (optimizer !== "adam" && optimizer !== "adamw" && optimizer !== "sgd")
    throw new TrainError("LIN0902", `${where}: optimizer ${optimizer} is not implemented yet (adam, adamw, sgd)`);
  const weightDecay = num("weight_decay") ?? (optimizer === "adamw" ? TRAIN_DEFAULTS.adamwWeightDecay : 0);
  const batch = num("batch") ?? TRAIN_DEFAULTS.batch;
  const epochs = num("epochs");
  if (epochs !== undefined && fields.has("steps")) throw new TrainError("LIN0904", `${where}: give steps or epochs, not both`);
  const steps = num("steps") ?? TRAIN_DEFAULTS.steps;
  const checkpointEveryGiven = num("checkpoint_every");
  const perceptual = perceptualOf(program, where, fields, word, model.loss);
  const module = program.modules.get(program.entry);
  const sampler = model.loss === "flow_matching" ? samplerOver(program, module?.program.items ?? [], modelSym.name) : undefined;
  return {
    name: decl.name.name,
    ...model,
    dataSource: dataSource(program, dataExpr),
    optimizer,
    weightDecay,
    steps,
    ...(epochs === undefined ? {} : { epochs }),
    ...(checkpointEveryGiven === undefined ? {} : { checkpointEveryGiven }),
    ...(sampler === undefined ? {} : { sampler }),
    ...(perceptual === undefined ? {} : { perceptual }),
    batch,
    lr: num("lr") ?? TRAIN_DEFAULTS.lr,
    seed: num("seed") ?? TRAIN_DEFAULTS.seed,
    noiseLevel: num("noise_level") ?? TRAIN_DEFAULTS.noiseLevel,
    checkpointEvery: checkpointEveryGiven ?? defaultCheckpointEvery(steps),
  };
}
