// A checked program bound to runtime values, made once and shared by compile, verify and train: the
// weights file read and decoded once, every network built, the operator leaves bound, and the program
// lowered once. With targets, only the operators they reach get values (initialising an unused
// 3072×3072 Cayley operator would cost seconds, and a weights file need not hold it).
import { ensureBackend } from "../../runtime/backend/index.js";
import { FormatError, type HostTensor } from "../../runtime/io/index.js";
import { releaseTensors, type LinearOperator } from "../../runtime/operator/index.js";
import type { OpExpr } from "../ir/index.js";
import type { CheckedProgram } from "../checker/checked.js";
import { lower, type IrProgram, type OperatorLeafInfo } from "../lowering/lower.js";
import { operatorPrefixes } from "./declarations.js";
import { bindLeaves, usedLeaves, withFactorSources } from "./leaves.js";
import { bindNetworks, type BoundNetwork } from "./networks.js";
import { OperatorBinder, type BoundOperator } from "./operators.js";
import { checkNoUnexpectedTensors, programTensors } from "./tensors.js";
import type { OperatorMatrix } from "./operator_matrix.js";
import { readWeightsFile, type WeightsReader } from "./weightsFile.js";

/** How `bindProgram` binds: the seed, a weights file and the targets to bind. */
export interface BindOptions {
  /** Seed of every network and operator initialisation (default 0). */
  readonly seed?: number;
  /** A .safetensors file holding every network's and operator's tensors (names: docs/compiler.md, "Running"). */
  readonly weights?: string;
  /** Give values only to the operators these entries and maps reach (default: every operator). */
  readonly targets?: readonly string[];
  /** How the weights file is read and decoded (default: loadSafetensors); tests count the reads. */
  readonly readWeights?: WeightsReader;
  /** Operators set from a matrix, by weights-file name (`A`, `alias.A`), over the weights file (`--operator A=a.npy`). */
  readonly operatorMatrices?: ReadonlyMap<string, OperatorMatrix>;
}

/** A checked program bound to runtime values (networks, operators, weights), shared by compile, verify and train. */
export class BoundProgram {
  private constructor(
    readonly checked: CheckedProgram,
    readonly seed: number,
    /** The lowered program, its leaves bound (those the targets reach, when there are targets). */
    readonly ir: IrProgram,
    /** By declaration key `uri#name`. */
    readonly networks: ReadonlyMap<string, BoundNetwork>,
    /** By declaration key `uri#name`, in binding order. */
    readonly operators: ReadonlyMap<string, BoundOperator>,
    /** The names of the weights file's tensors (empty without a file). */
    readonly fileTensors: ReadonlySet<string>,
    readonly targets: readonly string[] | undefined,
    /** How many times lower() ran: 1; 2 with targets in a program with svd(f) factors or a used leaf name two modules declare (lowerFor). */
    readonly lowerings: number,
  ) {}

  /** Binds a checked program; starts the default backend when none is set. */
  static async create(checked: CheckedProgram, options: BindOptions = {}): Promise<BoundProgram> {
    await ensureBackend();
    const seed = options.seed ?? 0;
    const matrices = options.operatorMatrices ?? new Map<string, OperatorMatrix>();
    checkMatrixNames(checked, matrices);
    const weights = options.weights === undefined ? undefined : await readWeightsFile(options.weights, options.readWeights);
    const networks = bindNetworks(checked, seed, weights);
    try {
      const binder = new OperatorBinder(checked, seed, weights, matrices);
      const { ir, lowerings } = lowerFor(checked, binder, options.targets);
      return new BoundProgram(checked, seed, ir, networks, binder.bound, new Set(weights?.tensors.keys() ?? []), options.targets, lowerings);
    } catch (e) {
      for (const n of networks.values()) n.network.dispose();
      throw e;
    }
  }

  /** Fails on a tensor of the weights file that no declaration used; declarations the targets leave unbound are excused. */
  checkWeightsUsed(): void {
    checkNoUnexpectedTensors(this.fileTensors, this.networks.values(), this.operators.values(), this.targets === undefined ? [] : operatorPrefixes(this.checked));
  }

  /** Every tensor in the layout `weights` loads; `replaced` stands in for some operators (a trained one). */
  async tensors(replaced: ReadonlyMap<string, LinearOperator> = new Map()): Promise<Map<string, HostTensor>> {
    const operators = [...this.operators.values()].map((o) => {
      const operator = replaced.get(o.key);
      return operator === undefined ? o : { ...o, operator };
    });
    return programTensors(this.networks.values(), operators);
  }

  /** Frees the networks' variables and the backend copies of the operators' parameters. */
  dispose(): void {
    for (const n of this.networks.values()) n.network.dispose();
    for (const o of this.operators.values()) releaseTensors(o.operator);
  }
}

/** LIN1117 for a matrix that names no operator declaration of the program. */
function checkMatrixNames(checked: CheckedProgram, matrices: ReadonlyMap<string, OperatorMatrix>): void {
  const declared = operatorPrefixes(checked).map((p) => p.slice(0, -1));
  for (const [name, m] of matrices) {
    if (!declared.includes(name)) {
      throw new FormatError("LIN1117", `--operator ${name}: the program declares no operator ${name} (operators: ${declared.join(", ") || "none"})`, { file: m.file });
    }
  }
}

/** Binds a checked program (BoundProgram.create). */
export function bindProgram(checked: CheckedProgram, options: BindOptions = {}): Promise<BoundProgram> {
  return BoundProgram.create(checked, options);
}

/**
 * The program lowered once. Without targets every leaf is bound as it is lowered. With targets it is
 * lowered symbolically, the leaves the targets reach are bound (in lowering order, so the first failure
 * is the one a bound lowering meets) and put into the IR. Lowering reads bound values in one place only
 * (svd(f).U/S/Vt become constants when f is bound), and a used leaf name may stand for declarations of
 * two modules: for a program with either, it is lowered a second time, with the used leaves bound.
 */
function lowerFor(checked: CheckedProgram, binder: OperatorBinder, targets: readonly string[] | undefined): { ir: IrProgram; lowerings: number } {
  if (targets === undefined) return { ir: lower(checked, { bind: binder.bind }), lowerings: 1 };
  const leaves: OperatorLeafInfo[] = [];
  const factorSources = new Map<string, OpExpr>();
  const symbolic = lower(checked, {
    bind: (leaf) => {
      leaves.push(leaf);
      return undefined;
    },
    symbolicFactor: (name, source) => factorSources.set(name, source),
  });
  // An svd(f) factor is computed from f's operator: a target that uses one uses every leaf of f.
  const used = withFactorSources(usedLeaves(symbolic, targets), factorSources);
  const byName = new Map<string, OperatorLeafInfo>();
  let ambiguous = false;
  for (const leaf of leaves) {
    if (byName.has(leaf.name) && used.has(leaf.name)) ambiguous = true;
    byName.set(leaf.name, leaf);
  }
  // A leaf lower() made without asking bind is an svd(f) factor, a constant once f's leaves are bound.
  const everyLeaf = usedLeaves(symbolic, [...symbolic.maps.keys(), ...symbolic.entries.keys()]);
  if (ambiguous || [...everyLeaf].some((name) => !byName.has(name))) {
    return { ir: lower(checked, { bind: (leaf) => (used.has(leaf.name) ? binder.bind(leaf) : undefined) }), lowerings: 2 };
  }
  const operators = new Map<string, LinearOperator>();
  for (const leaf of leaves) if (used.has(leaf.name)) operators.set(leaf.name, binder.bind(leaf));
  return { ir: bindLeaves(symbolic, (leaf) => operators.get(leaf.name)), lowerings: 1 };
}
