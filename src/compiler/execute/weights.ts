// The values behind a checked program's declarations: each network built with buildNetwork and each
// operator leaf bound to a runtime operator, either initialised from the compile seed or loaded from a
// safetensors file. Names in the file are the declaration's name (prefixed by the import alias for an
// imported module) then the runtime's own tensor names: `G.blocks.3.f.layers.0.weight`, `A.u.0.bias`.
import * as tf from "@tensorflow/tfjs-core";
import type { Arg, Block as BlockNode, NetworkDecl } from "../../ast/nodes.js";
import { FormatError, loadNetwork, loadSafetensors, networkTensors, type HostTensor } from "../../runtime/io/index.js";
import { buildNetwork, NetworkError, type BlockSpec, type NetworkSpec, type Stack } from "../../runtime/network/index.js";
import { deriveSeed } from "../../runtime/network/random.js";
import {
  diagonal,
  operatorFromParameters,
  operatorParameters,
  OperatorError,
  randomCayley,
  randomDense,
  randomDiagonal,
  randomHouseholder,
  randomIdentityPlusLowRank,
  randomLowRank,
  randomProjector,
  randomSvdFactored,
  randomTimeConditioned,
  seededRandom,
  type DenseInit,
  type LeafDescription,
  type LinearOperator,
  type NamedParameter,
} from "../../runtime/operator/index.js";
import type { CheckedProgram } from "../checker/checked.js";
import type { OperatorLeafInfo } from "../lower.js";
import { ExecuteError } from "./errors.js";

/** Rows of the seeded Gaussian batch that initialises ActNorm when no weights are loaded. */
export const ACTNORM_INIT_ROWS = 64;
/** The defaults of docs/language.md for `time_conditioned(rank, embed, hidden)`. */
const TIME_CONDITIONED_DEFAULTS = { embed: 64, hidden: 256 } as const;

/** FNV-1a: a stable 32-bit hash of a declaration key, so seeds do not depend on declaration order. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The seed of one declaration (`uri#name`) under the program seed. */
export function declarationSeed(seed: number, key: string): number {
  return deriveSeed(seed, hashKey(key));
}

function literal(arg: Arg): number | string | undefined {
  const v = arg.value;
  if (v.kind === "Number") return v.value;
  if (v.kind === "Name") return v.name.name;
  if (v.kind === "Unary" && v.operand.kind === "Number") return -v.operand.value;
  return undefined;
}

function blockSpec(node: BlockNode): BlockSpec {
  if (node.kind === "Repeat") return { kind: "repeat", count: node.count.value, body: node.body.map(blockSpec) };
  const args = node.args ?? [];
  const named = new Map<string, number | string>();
  for (const a of args) {
    const v = literal(a);
    if (a.name !== undefined && v !== undefined) named.set(a.name.name, v);
  }
  const num = (k: string): number | undefined => {
    const v = named.get(k);
    return typeof v === "number" ? v : undefined;
  };
  const name = node.name.name;
  switch (name) {
    case "affine_coupling":
    case "additive_coupling": {
      const activation = named.get("activation");
      const common = {
        ...(num("hidden") === undefined ? {} : { hidden: num("hidden") }),
        ...(num("depth") === undefined ? {} : { depth: num("depth") }),
        // The checker accepts only the activations the runtime has; buildNetwork re-checks the name.
        ...(typeof activation === "string" ? { activation: activation as Extract<BlockSpec, { kind: "affine_coupling" }>["activation"] } : {}),
      };
      if (name === "additive_coupling") return { kind: name, ...common };
      return { kind: name, ...common, ...(num("scale_bound") === undefined ? {} : { scale_bound: num("scale_bound") }) };
    }
    case "permute": {
      const mode = args.find((a) => a.name === undefined);
      const m = mode === undefined ? "reverse" : literal(mode);
      const seed = num("seed");
      return { kind: "permute", mode: m === "random" ? "random" : "reverse", ...(seed === undefined ? {} : { seed }) };
    }
    case "actnorm":
    case "inv_dense":
    case "squeeze":
      return { kind: name };
    default:
      throw new ExecuteError("LIN-RUN-UNSUPPORTED", `network block ${name} has no runtime implementation`);
  }
}

/** A checked network declaration as the runtime's plain description. */
export function networkSpecOf(decl: NetworkDecl): NetworkSpec {
  return { tagged: decl.tagged, blocks: decl.blocks.map(blockSpec) };
}

/** The prefix of a module's names in a weights file: "" for the entry module, `alias.` for an import. */
function modulePrefixes(program: CheckedProgram): Map<string, string> {
  const out = new Map<string, string>([[program.entry, ""]]);
  const entry = program.modules.get(program.entry);
  for (const sym of entry?.symbols.values() ?? []) {
    if (sym.type.kind === "Module" && !out.has(sym.type.uri)) out.set(sym.type.uri, `${sym.name}.`);
  }
  for (const uri of program.modules.keys()) if (!out.has(uri)) out.set(uri, `${uri.replace(/^.*[\\/]/, "").replace(/\.lin$/, "")}.`);
  return out;
}

/** The weights-file prefix (`alias.Name.`) of every operator declaration of the program. */
export function operatorPrefixes(program: CheckedProgram): string[] {
  const prefixes = modulePrefixes(program);
  return [...program.modules].flatMap(([uri, m]) => m.operators.map((o) => `${prefixes.get(uri) ?? ""}${o.name}.`));
}

export interface BoundNetwork {
  /** `uri#name`, as in the IR's space ids. */
  readonly key: string;
  /** The name prefix of its tensors in a weights file, with the trailing dot. */
  readonly prefix: string;
  readonly network: Stack;
}

export interface BoundOperator {
  readonly key: string;
  readonly prefix: string;
  readonly operator: LinearOperator;
}

function formatError(e: unknown, prefix: string): ExecuteError | undefined {
  // An unreadable file stays a FormatError io_error (the CLI's "unreadable file", exit 2).
  if (e instanceof FormatError && e.code !== "io_error") {
    const tensor = e.tensor === undefined ? undefined : `${prefix}${e.tensor}`;
    // FormatError's message starts with "file: tensor \"local name\": "; restate it with the file's full name.
    const where = [e.file, e.tensor === undefined ? undefined : `tensor "${e.tensor}"`].filter((w) => w !== undefined).join(": ");
    const detail = where !== "" && e.message.startsWith(`${where}: `) ? e.message.slice(where.length + 2) : e.message;
    const head = [e.file, tensor === undefined ? undefined : `tensor "${tensor}"`].filter((w) => w !== undefined).join(": ");
    return new ExecuteError("LIN-RUN-WEIGHTS", `${head === "" ? "" : `${head}: `}${e.code}: ${detail}`, tensor);
  }
  return undefined;
}

/** Every network of the program (all modules), seeded, ActNorm initialised or weights loaded. */
export async function bindNetworks(program: CheckedProgram, seed: number, weights?: string): Promise<Map<string, BoundNetwork>> {
  const prefixes = modulePrefixes(program);
  const out = new Map<string, BoundNetwork>();
  for (const [uri, module] of program.modules) {
    for (const { name, type, decl } of module.networks) {
      const key = `${uri}#${name}`;
      const prefix = `${prefixes.get(uri) ?? ""}${name}.`;
      let network: Stack;
      try {
        network = buildNetwork(networkSpecOf(decl), type.space.shape, declarationSeed(seed, key));
      } catch (e) {
        if (e instanceof NetworkError) throw new ExecuteError("LIN-RUN-UNSUPPORTED", `network ${name}: ${e.message}`);
        throw e;
      }
      if (weights !== undefined) {
        try {
          await loadNetwork(network, weights, { rename: (n) => (n.startsWith(prefix) ? n.slice(prefix.length) : undefined) });
        } catch (e) {
          network.dispose();
          throw formatError(e, prefix) ?? e;
        }
      } else {
        initialiseActNorm(network, declarationSeed(seed, `${key}:actnorm`));
      }
      out.set(key, { key, prefix, network });
    }
  }
  return out;
}

/**
 * ActNorm's data-dependent initialisation, run at compile time on a seeded standard-normal batch
 * (tag 0 for a tagged network) so an untrained program is deterministic and runnable.
 */
function initialiseActNorm(network: Stack, seed: number): void {
  const shape = network.inputShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const random = seededRandom(seed);
  const data = new Float32Array(ACTNORM_INIT_ROWS * size);
  for (let i = 0; i < data.length; i++) data[i] = random.normal();
  tf.tidy(() => network.initialize(tf.tensor(data, [ACTNORM_INIT_ROWS, ...shape], "float32"), network.tagged ? 0 : undefined));
}

/** The parameter layout of an operator builtin (what a weights file must hold for it). */
export function leafDescription(leaf: OperatorLeafInfo): LeafDescription {
  const { builtin, rows, cols, args } = leaf;
  const rank = args.get("rank");
  const needRank = (): number => {
    if (typeof rank !== "number") throw new ExecuteError("LIN-RUN-UNSUPPORTED", `operator ${leaf.name}: ${builtin} needs a literal rank`);
    return rank;
  };
  const square = (): number => {
    if (rows !== cols) throw new ExecuteError("LIN-RUN-UNSUPPORTED", `operator ${leaf.name}: ${builtin} must be square, got [${rows}, ${cols}]`);
    return rows;
  };
  switch (builtin) {
    case "dense":
      return { kind: "dense", rows, cols };
    case "diagonal":
      return { kind: "diagonal", rows, cols };
    case "lowrank":
      return { kind: "lowrank", rows, cols, rank: needRank() };
    case "identity_plus_lowrank":
      return { kind: "identity_plus_lowrank", n: square(), rank: needRank() };
    case "orthogonal":
      return { kind: "orthogonal", n: square(), param: args.get("param") === "cayley" ? "cayley" : "householder" };
    case "svd_factored":
      return { kind: "svd_factored", rows, cols, rank: needRank() };
    case "projector":
      return { kind: "projector", n: square(), rank: needRank() };
    case "time_conditioned": {
      const embed = args.get("embed");
      const hidden = args.get("hidden");
      return {
        kind: "time_conditioned",
        n: square(),
        rank: needRank(),
        embedDim: typeof embed === "number" ? embed : TIME_CONDITIONED_DEFAULTS.embed,
        hidden: typeof hidden === "number" ? hidden : TIME_CONDITIONED_DEFAULTS.hidden,
      };
    }
    default:
      throw new ExecuteError("LIN-RUN-UNSUPPORTED", `operator ${leaf.name}: no runtime operator for ${builtin}`);
  }
}

const DENSE_INITS: readonly DenseInit[] = ["gaussian", "orthogonal", "identity", "zeros"];

/** A seeded runtime operator for a leaf (docs/operators.md, "Initialisation"). */
export function initialOperator(leaf: OperatorLeafInfo, seed: number): LinearOperator {
  const d = leafDescription(leaf);
  switch (d.kind) {
    case "dense": {
      const init = leaf.args.get("init");
      return randomDense(d.rows, d.cols, seed, DENSE_INITS.find((i) => i === init) ?? "gaussian");
    }
    case "diagonal":
      // A rectangular [m, n] diagonal has min(m, n) entries, drawn as a square one's.
      return diagonal(randomDiagonal(Math.min(d.rows, d.cols), seed).diag, d.rows, d.cols);
    case "identity":
    case "scaled_identity":
      throw new ExecuteError("LIN-RUN-UNSUPPORTED", `operator ${leaf.name}: ${d.kind} is lowered without weights`);
    case "lowrank":
      return randomLowRank(d.rows, d.cols, d.rank, seed);
    case "identity_plus_lowrank":
      return randomIdentityPlusLowRank(d.n, d.rank, seed);
    case "orthogonal":
      return d.param === "cayley" ? randomCayley(d.n, seed) : randomHouseholder(d.n, seed);
    case "svd_factored":
      return randomSvdFactored(d.rows, d.cols, d.rank, seed);
    case "projector":
      return randomProjector(d.n, d.rank, seed);
    case "time_conditioned":
      return randomTimeConditioned({ n: d.n, rank: d.rank, embedDim: d.embedDim, hidden: d.hidden }, seed);
  }
}

function namedParameters(tensors: ReadonlyMap<string, HostTensor>): Map<string, NamedParameter> {
  const out = new Map<string, NamedParameter>();
  for (const [name, t] of tensors) {
    if (t.dtype === "F32" || t.dtype === "F64") out.set(name, { shape: t.shape, data: Float64Array.from(t.data) });
  }
  return out;
}

/**
 * The `bind` callback for lower(): one runtime operator per declaration, seeded or read from the
 * weights file's tensors. `bound` records what was bound, for the unexpected-tensor check and saving.
 */
export async function operatorBinder(
  program: CheckedProgram,
  seed: number,
  weights?: string,
): Promise<{ bind: (leaf: OperatorLeafInfo) => LinearOperator; bound: Map<string, BoundOperator>; fileTensors: ReadonlySet<string> }> {
  const prefixes = modulePrefixes(program);
  let params: Map<string, NamedParameter> | undefined;
  let fileTensors: ReadonlySet<string> = new Set();
  if (weights !== undefined) {
    try {
      const file = await loadSafetensors(weights);
      params = namedParameters(file.tensors);
      fileTensors = new Set(file.tensors.keys());
    } catch (e) {
      throw formatError(e, "") ?? e;
    }
  }
  const bound = new Map<string, BoundOperator>();
  const bind = (leaf: OperatorLeafInfo): LinearOperator => {
    const key = `${leaf.uri}#${leaf.name}`;
    const hit = bound.get(key);
    if (hit !== undefined) return hit.operator;
    const prefix = `${prefixes.get(leaf.uri) ?? ""}${leaf.name}.`;
    let operator: LinearOperator;
    if (params === undefined) operator = initialOperator(leaf, declarationSeed(seed, key));
    else {
      try {
        operator = operatorFromParameters(leafDescription(leaf), params, prefix);
      } catch (e) {
        if (e instanceof OperatorError) {
          const tensor = /'([^']+)'/.exec(e.message)?.[1];
          throw new ExecuteError("LIN-RUN-WEIGHTS", `operator ${leaf.name}: ${e.message.replace(/^LIN-[A-Z-]+: /, "")}`, tensor);
        }
        throw e;
      }
    }
    bound.set(key, { key, prefix, operator });
    return operator;
  };
  return { bind, bound, fileTensors };
}

/** Fails on a tensor of the weights file that no declaration used (a renaming or architecture mistake). */
/** Prefix of the tensors a training checkpoint adds beside the model's (see src/train/checkpoint.ts). */
export const TRAINING_STATE_PREFIX = "train/";

export function checkNoUnexpectedTensors(
  fileTensors: ReadonlySet<string>,
  networks: Iterable<BoundNetwork>,
  operators: Iterable<BoundOperator>,
  /** Name prefixes of declarations deliberately left unbound (not used by the compiled targets). */
  unboundPrefixes: readonly string[] = [],
): void {
  if (fileTensors.size === 0) return;
  const used = new Set<string>();
  for (const n of networks) {
    for (const name of n.network.parameters().keys()) used.add(n.prefix + name);
    for (const name of n.network.state().keys()) used.add(n.prefix + name);
  }
  for (const o of operators) for (const name of operatorParameters(o.operator, o.prefix).keys()) used.add(name);
  // A training checkpoint also holds optimiser moments and the loss history under "train/": state of the
  // run, not of the model, so a checkpoint loads as weights.
  const ignored = [...unboundPrefixes, TRAINING_STATE_PREFIX];
  const unexpected = [...fileTensors].filter((n) => !used.has(n) && !ignored.some((p) => n.startsWith(p))).sort();
  if (unexpected.length > 0) {
    throw new ExecuteError("LIN-RUN-WEIGHTS", `the weights file has tensor(s) no declaration uses: ${unexpected.slice(0, 8).join(", ")}`, unexpected[0]);
  }
}

/** Every tensor of the bound program under its file name (networks F32/I32, operators F32). */
export async function programTensors(networks: Iterable<BoundNetwork>, operators: Iterable<BoundOperator>): Promise<Map<string, HostTensor>> {
  const out = new Map<string, HostTensor>();
  for (const n of networks) for (const [name, t] of await networkTensors(n.network)) out.set(n.prefix + name, t);
  for (const o of operators) {
    for (const [name, p] of operatorParameters(o.operator, o.prefix)) out.set(name, { dtype: "F32", shape: [...p.shape], data: Float32Array.from(p.data) });
  }
  return out;
}
