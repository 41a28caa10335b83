// The builtin vocabulary the checker knows: network blocks, operator constructors, map builtins,
// verification laws and train fields, each with the arguments it takes.

/** What an argument's value may be. `enum` values are bare identifiers (`activation = relu`). */
export type ArgKind =
  | { readonly kind: "posint" }
  | { readonly kind: "nonnegint" }
  /** An integer ≥ min (a sampler's steps: T − 1 steps are taken, so T ≥ 2). */
  | { readonly kind: "intfrom"; readonly min: number }
  | { readonly kind: "posnum" }
  | { readonly kind: "nonnegnum" }
  | { readonly kind: "number" }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  /** A string literal naming a file that ends in `extension` (a train section's `lpips = "w.safetensors"`). */
  | { readonly kind: "file"; readonly extension: string }
  /** `[a, b]` with 0 ≤ a ≤ b, both finite: a band of ratios (`verify norm_preserving(φ) with band = [0.9, 1.1]`). */
  | { readonly kind: "interval" };

export interface ParamSpec {
  readonly name: string;
  readonly type: ArgKind;
  readonly required?: boolean;
}

const posint: ArgKind = { kind: "posint" };
const nonnegint: ArgKind = { kind: "nonnegint" };
const posnum: ArgKind = { kind: "posnum" };
const nonnegnum: ArgKind = { kind: "nonnegnum" };
const number: ArgKind = { kind: "number" };
const oneOf = (...values: string[]): ArgKind => ({ kind: "enum", values });

export const activations = ["relu", "tanh", "gelu", "silu", "leaky_relu"] as const;

export interface BlockSpec {
  readonly params: readonly ParamSpec[];
  /** Couplings split the features in two halves. */
  readonly splits: boolean;
}

/** The conditioners a coupling takes (`conditioner = …`); `mlp` is the default. */
export const conditioners = ["mlp", "resnet", "unet"] as const;

/** Which conditioner takes which of the conditioner keywords (the rest of a coupling's keywords are shared). */
export const conditionerKeywords: Readonly<Record<(typeof conditioners)[number], readonly string[]>> = {
  mlp: ["hidden", "depth"],
  resnet: ["channels", "blocks", "dropout"],
  unet: ["channels", "levels", "blocks", "attention", "dropout", "embed"],
};

/** The keywords every coupling takes: the conditioner and its sizes, the activation and the mask. */
const couplingParams: readonly ParamSpec[] = [
  { name: "conditioner", type: oneOf(...conditioners) },
  { name: "hidden", type: posint },
  { name: "depth", type: posint },
  { name: "activation", type: oneOf(...activations) },
  { name: "channels", type: posint },
  { name: "levels", type: posint },
  { name: "blocks", type: posint },
  { name: "attention", type: nonnegint },
  { name: "dropout", type: nonnegnum },
  { name: "embed", type: posint },
  { name: "mask", type: oneOf("channel", "checkerboard") },
];

export const blocks: Readonly<Record<string, BlockSpec>> = {
  affine_coupling: {
    params: [...couplingParams, { name: "scale", type: oneOf("tanh", "clamp") }, { name: "scale_bound", type: posnum }],
    splits: true,
  },
  additive_coupling: { params: couplingParams, splits: true },
  actnorm: { params: [], splits: false },
  // permute's mode is positional (`permute(reverse)`); the checker handles it before the keywords.
  permute: { params: [{ name: "seed", type: nonnegint }], splits: false },
  inv_dense: { params: [{ name: "param", type: oneOf("lu", "matrix") }], splits: false },
  squeeze: { params: [], splits: false },
  unsqueeze: { params: [], splits: false },
};

export const permuteModes = ["reverse", "random"] as const;

/** The forms of `time_conditioned(…, form = …)`, the default first (docs/operators.md). */
export const timeConditionedForms = ["identity_plus_lowrank", "lowrank"] as const;

export interface OperatorSpec {
  /** Parameters in positional order. */
  readonly params: readonly ParamSpec[];
  readonly square: boolean;
  readonly timeConditioned: boolean;
  /** The parameter bounded by min(rows, cols). */
  readonly rankParam?: string;
  /** The parameter that, written, makes the operator indexed: one value per style, selected by at(K, s). */
  readonly indexParam?: string;
}

/** The operator constructors of the language: the one list (the checker's structures and lowering's runtime kinds are typed over it). */
const OPERATOR_BUILTINS = {
  dense: { params: [{ name: "init", type: oneOf("gaussian", "orthogonal", "identity", "zeros") }], square: false, timeConditioned: false },
  diagonal: { params: [], square: false, timeConditioned: false },
  identity: { params: [], square: true, timeConditioned: false },
  scaled_identity: { params: [{ name: "c", type: number, required: true }], square: true, timeConditioned: false },
  lowrank: { params: [{ name: "rank", type: posint, required: true }], square: false, timeConditioned: false, rankParam: "rank" },
  identity_plus_lowrank: {
    params: [{ name: "rank", type: posint, required: true }],
    square: true,
    timeConditioned: false,
    rankParam: "rank",
  },
  orthogonal: { params: [{ name: "param", type: oneOf("householder", "cayley") }], square: true, timeConditioned: false },
  svd_factored: { params: [{ name: "rank", type: posint, required: true }], square: false, timeConditioned: false, rankParam: "rank" },
  projector: { params: [{ name: "rank", type: posint, required: true }], square: true, timeConditioned: false, rankParam: "rank" },
  time_conditioned: {
    params: [
      { name: "rank", type: posint, required: true },
      { name: "embed", type: posint },
      { name: "hidden", type: posint },
      // identity_plus_lowrank: A(t) = I + U(t)V(t)ᵀ (default); lowrank: U(t)V(t)ᵀ, the reference's pure form.
      { name: "form", type: oneOf(...timeConditionedForms) },
    ],
    square: true,
    timeConditioned: true,
    rankParam: "rank",
  },
  // The canonical isometric injection R^n → R^m, m ≥ n: x ↦ [x; 0]. Fixed (no weights): φ = lift ∘ g_X
  // preserves norms exactly in X's induced metric; the network before it and the head after it are what learn.
  isometric: { params: [], square: false, timeConditioned: false },
  // A per-channel k×k convolution on R[channels, height, width] (height defaults to a square image);
  // padding = same (zeros, the default) or circular (periodic: diagonalised by the DFT).
  depthwise_conv: {
    params: [
      { name: "kernel", type: posint, required: true },
      { name: "styles", type: posint },
      { name: "channels", type: posint },
      { name: "height", type: posint },
      { name: "padding", type: oneOf("same", "circular") },
    ],
    square: true,
    timeConditioned: false,
    indexParam: "styles",
  },
} as const satisfies Readonly<Record<string, OperatorSpec>>;

export type OperatorBuiltin = keyof typeof OPERATOR_BUILTINS;

/** Looked up by any name (`operatorBuiltins[n]` is undefined for a name that is no operator builtin). */
export const operatorBuiltins: Readonly<Record<string, OperatorSpec | undefined>> = OPERATOR_BUILTINS;

export function isOperatorBuiltin(name: string): name is OperatorBuiltin {
  return Object.hasOwn(OPERATOR_BUILTINS, name);
}

export function operatorSpec(name: OperatorBuiltin): OperatorSpec {
  return OPERATOR_BUILTINS[name];
}

/** Builtins over maps, vectors and operators, checked one by one in the checker. */
export const valueBuiltins = ["adjoint", "pinv", "transpose", "kron", "project", "svd", "id", "zero", "inner", "norm", "at", "sampler", "left_inverse", "gsvd", "extend"] as const;

export const samplerMethods = ["euler", "rk4"] as const;
export type SamplerMethod = (typeof samplerMethods)[number];

export interface SamplerSettings {
  readonly method: SamplerMethod;
  readonly steps: number;
}

/** What `sampler(v)` (and `verify one_step(v)`, and a train section's samples) use for an argument not written. */
export const samplerDefaults: SamplerSettings = { method: "euler", steps: 100 };

/**
 * The settings of `sampler(v, method = …, steps = …)` from its checked literal arguments, the defaults
 * for those not written; undefined when one is not a literal of the right kind.
 */
export function samplerSettings(args: ReadonlyMap<string, number | string>): SamplerSettings | undefined {
  const method = args.get("method") ?? samplerDefaults.method;
  const steps = args.get("steps") ?? samplerDefaults.steps;
  if (!(samplerMethods as readonly (string | number)[]).includes(method) || typeof steps !== "number") return undefined;
  return { method: method as SamplerMethod, steps };
}

export const samplerParams: readonly ParamSpec[] = [
  { name: "method", type: oneOf(...samplerMethods) },
  // A T-step sampler takes T − 1 steps (t_k = k/T, k < T − 1; see src/compiler/ir/sampler.ts), so T = 1 takes none.
  { name: "steps", type: { kind: "intfrom", min: 2 } },
];

export const laws = ["linear", "roundtrip", "adjoint", "pinv", "svd", "idempotent", "projector", "equal", "axioms", "one_step", "left_inverse", "norm_preserving"] as const;

/** How `verify norm_preserving(φ)` measures ‖x − x′‖ on X: in X's own metric (induced by its network), or in its Euclidean coordinates. */
export const normMetrics = ["induced", "euclidean"] as const;

export const verifyOptions: readonly ParamSpec[] = [
  { name: "runs", type: posint },
  { name: "seed", type: nonnegint },
  { name: "tolerance", type: posnum },
  // norm_preserving only: the band the ratios must stay in (default [1, 1]) and where ‖x − x′‖ is measured.
  { name: "band", type: { kind: "interval" } },
  { name: "metric", type: oneOf(...normMetrics) },
];

/** Train fields: `model` and `data` are typed by the checker; the rest are literals. */
export const trainFields: Readonly<Record<string, ArgKind | "model" | "data">> = {
  model: "model",
  data: "data",
  loss: oneOf("flow_matching", "mse", "nll", "lpips", "idempotent"),
  optimizer: oneOf("adam", "adamw", "sgd"),
  steps: posint,
  epochs: posint,
  batch: posint,
  seed: nonnegint,
  lr: posnum,
  weight_decay: nonnegnum,
  noise_level: nonnegnum,
  checkpoint_every: posint,
  lpips: { kind: "file", extension: ".safetensors" },
  lpips_net: oneOf("vgg16", "alexnet"),
  lpips_pooling: oneOf("average", "max"),
  lpips_range: oneOf("unit", "symmetric"),
};

export const requiredTrainFields = ["model", "data"] as const;

/**
 * Data sources a train block may read; their arguments are literals the runtime interprets. The one list:
 * src/train/data.ts implements exactly these (a Record over DataSourceName, so a name without a loader
 * does not compile), and the checker accepts no other.
 */
export const dataSources = ["mnist", "npy", "images", "pairs", "moons", "circles", "checkerboard", "gaussians", "eight_gaussians"] as const;
export type DataSourceName = (typeof dataSources)[number];

export function describeKind(k: ArgKind): string {
  switch (k.kind) {
    case "posint":
      return "a positive integer";
    case "nonnegint":
      return "a non-negative integer";
    case "intfrom":
      return `an integer ≥ ${k.min}`;
    case "posnum":
      return "a positive number";
    case "nonnegnum":
      return "a non-negative number";
    case "number":
      return "a number";
    case "enum":
      return `one of ${k.values.join(", ")}`;
    case "file":
      return `a string naming a ${k.extension} file`;
    case "interval":
      return "a band [a, b] of two numbers with 0 ≤ a ≤ b";
  }
}
