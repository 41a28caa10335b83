// Operator leaves as runtime operators: one per declaration (or inline builtin), seeded per declaration
// or read from the program's (already decoded) weights file under its prefix (`A.u.0.bias`). The binder
// remembers what it bound, for the unexpected-tensor check and for saving.
import { FormatError, requireFinite } from "../../runtime/io/index.js";
import {
  diagonal,
  operatorFromParameters,
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
  randomDepthwiseConv,
  randomIndexedDepthwiseConv,
  randomCirculantConv,
  storedIn,
  type ConvGeometry,
  type DenseInit,
  type LeafDescription,
  type LinearOperator,
  type NamedParameter,
  type Precision,
} from "../../runtime/operator/index.js";
import type { CheckedProgram } from "../checker/checked.js";
import { ExecuteError } from "../execute/errors.js";
import type { DeclKey } from "../checker/checked.js";
import type { OperatorLeafInfo } from "../lowering/lower.js";
import { declarationSeed, modulePrefixes } from "./declarations.js";
import { operatorFromMatrix, type OperatorMatrix } from "./operator_matrix.js";
import { weightsError, type WeightsFile } from "./weightsFile.js";

/** The defaults of docs/language.md for `time_conditioned(rank, embed, hidden)`. */
const TIME_CONDITIONED_DEFAULTS = { embed: 64, hidden: 256 } as const;

/** The defaults of docs/operators.md for `depthwise_conv(kernel, styles, channels, height)`: RGB images. */
const DEPTHWISE_CONV_DEFAULTS = { channels: 3 } as const;

export interface BoundOperator {
  /** The leaf's declaration key (declKey; inline builtins: `lowrank#0`, numbered per module). */
  readonly key: DeclKey;
  readonly prefix: string;
  readonly operator: LinearOperator;
}

/** The image layout of `depthwise_conv(kernel, channels = 3, height = √(n / channels))` on a space of dimension n. */
function convGeometry(leaf: OperatorLeafInfo, n: number): ConvGeometry {
  const literal = (name: string, fallback?: number): number | undefined => {
    const v = leaf.args.get(name);
    return typeof v === "number" ? v : fallback;
  };
  const size = literal("kernel");
  const channels = literal("channels", DEPTHWISE_CONV_DEFAULTS.channels) ?? DEPTHWISE_CONV_DEFAULTS.channels;
  const where = `operator ${leaf.name}: depthwise_conv on a space of dimension ${n}`;
  if (size === undefined) throw new ExecuteError("LIN0803", `${where} needs a literal kernel size`);
  if (n % channels !== 0) throw new OperatorError("LIN1171", `${where}: ${channels} channels do not divide it; write channels = C with the space R[C, H, W]`);
  const pixels = n / channels;
  const height = literal("height") ?? Math.round(Math.sqrt(pixels));
  if (pixels % height !== 0 || (literal("height") === undefined && height * height !== pixels)) {
    throw new OperatorError(
      "LIN1171",
      `${where}: ${pixels} pixels per channel are not a ${literal("height") === undefined ? "square image" : `height of ${height}`}; write height = H with the space R[${channels}, H, W]`,
    );
  }
  return { channels, height, width: pixels / height, size };
}

/** The parameter layout of an operator builtin (what a weights file must hold for it). */
function leafDescription(leaf: OperatorLeafInfo): LeafDescription {
  const { builtin, rows, cols, args } = leaf;
  const rank = args.get("rank");
  const needRank = (): number => {
    if (typeof rank !== "number") throw new ExecuteError("LIN0803", `operator ${leaf.name}: ${builtin} needs a literal rank`);
    return rank;
  };
  const square = (): number => {
    if (rows !== cols) throw new ExecuteError("LIN0803", `operator ${leaf.name}: ${builtin} must be square, got [${rows}, ${cols}]`);
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
    case "depthwise_conv": {
      const geometry = convGeometry(leaf, square());
      const styles = args.get("styles");
      if (args.get("padding") === "circular") {
        // padding = circular: the periodic convolution, diagonalised by the DFT (circulantConv.ts).
        if (typeof styles === "number") {
          throw new OperatorError("LIN1171", `operator ${leaf.name}: depthwise_conv(padding = circular) has one kernel; styles = n needs padding = same`);
        }
        return { kind: "circulant_conv", geometry };
      }
      return typeof styles === "number" ? { kind: "indexed_depthwise_conv", geometry, styles } : { kind: "depthwise_conv", geometry };
    }
    default:
      throw new ExecuteError("LIN0803", `operator ${leaf.name}: no runtime operator for ${builtin}`);
  }
}

const DENSE_INITS: readonly DenseInit[] = ["gaussian", "orthogonal", "identity", "zeros"];

/** A seeded runtime operator for a leaf (docs/operators.md, "Initialisation"). */
function initialOperator(leaf: OperatorLeafInfo, seed: number): LinearOperator {
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
      throw new ExecuteError("LIN0803", `operator ${leaf.name}: ${d.kind} is lowered without weights`);
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
      // form = lowrank has no identity term (α = 0, the reference's A₁A₂ᵀ); the default keeps I + UVᵀ.
      return randomTimeConditioned({ n: d.n, rank: d.rank, embedDim: d.embedDim, hidden: d.hidden, alpha: leaf.args.get("form") === "lowrank" ? 0 : 1 }, seed);
    case "depthwise_conv":
      return randomDepthwiseConv(d.geometry, seed);
    case "indexed_depthwise_conv":
      return randomIndexedDepthwiseConv(d.geometry, d.styles, seed);
    case "circulant_conv":
      return randomCirculantConv(d.geometry, seed);
  }
}

/**
 * The file's tensors under an operator's prefix as float64 parameters: F32 and F64 (F16 and BF16 were
 * widened to F32 on decoding) are kept at their precision; an integer tensor is the wrong dtype and a
 * non-finite value is refused (runtime/io/finite.ts), both naming the tensor.
 */
function namedParameters(weights: WeightsFile, prefix: string): Map<string, NamedParameter> {
  const out = new Map<string, NamedParameter>();
  try {
    for (const [name, t] of weights.tensors) {
      if (!name.startsWith(prefix)) continue;
      if (t.dtype !== "F32" && t.dtype !== "F64") {
        throw new FormatError("LIN1109", `wrong dtype: operator parameters are F32 or F64 (F16 and BF16 are cast on load), the file's tensor is ${t.dtype}`, {
          file: weights.path,
          tensor: name,
        });
      }
      requireFinite(t.data, t.shape, { file: weights.path, tensor: name });
      out.set(name, { shape: t.shape, data: Float64Array.from(t.data) });
    }
  } catch (e) {
    throw weightsError(e, "") ?? e;
  }
  return out;
}

/**
 * Binds operator leaves to runtime operators, each once (by `uri#name`): seeded, or read from the
 * weights file's tensors. `bound` records what was bound, in binding order.
 */
export class OperatorBinder {
  private readonly prefixes: Map<string, string>;
  /** The weights file's tensors' dtypes, by name. */
  private readonly dtypes = new Map<string, string>();
  readonly bound = new Map<string, BoundOperator>();

  constructor(
    program: CheckedProgram,
    private readonly seed: number,
    private readonly weights?: WeightsFile,
    /** Matrices that set operators by weights-file name (`--operator A=a.npy`), over the weights file's values. */
    private readonly matrices: ReadonlyMap<string, OperatorMatrix> = new Map(),
  ) {
    this.prefixes = modulePrefixes(program);
    for (const [name, t] of weights?.tensors ?? []) this.dtypes.set(name, t.dtype);
  }

  /** float32 when any of the file's tensors under `prefix` is F32 (its rank cut-offs then use ε₃₂), else float64. */
  private precisionUnder(prefix: string): Precision {
    for (const [name, dtype] of this.dtypes) if (name.startsWith(prefix) && dtype !== "F64") return "float32";
    return "float64";
  }

  /** The runtime operator of a leaf (the `bind` callback of lower()). */
  readonly bind = (leaf: OperatorLeafInfo): LinearOperator => {
    const key = leaf.key;
    const hit = this.bound.get(key);
    if (hit !== undefined) return hit.operator;
    const weightsName = `${this.prefixes.get(leaf.uri) ?? ""}${leaf.name}`;
    const prefix = `${weightsName}.`;
    let operator: LinearOperator;
    const given = this.matrices.get(weightsName);
    if (given !== undefined) operator = operatorFromMatrix(weightsName, leafDescription(leaf), given);
    else if (this.weights === undefined) operator = initialOperator(leaf, declarationSeed(this.seed, weightsName));
    else {
      const params = namedParameters(this.weights, prefix);
      try {
        operator = storedIn(operatorFromParameters(leafDescription(leaf), params, prefix), this.precisionUnder(prefix));
      } catch (e) {
        if (e instanceof OperatorError) {
          const tensor = /'([^']+)'/.exec(e.message)?.[1];
          throw new ExecuteError("LIN0804", `operator ${leaf.name}: ${e.message.replace(/^LIN\d{4}: /, "")}`, tensor);
        }
        throw e;
      }
    }
    this.bound.set(key, { key, prefix, operator });
    return operator;
  };
}
