// The checker's diagnostic codes. Stable: tools and docs/errors.md refer to them, so a code is never
// reused for another meaning. Ranges: LIN02xx names, imports and scopes; LIN03xx spaces and map typing;
// LIN04xx operator shapes; LIN05xx networks; LIN06xx statements (verify, entry, train).

export interface CodeInfo {
  readonly code: string;
  readonly title: string;
  readonly summary: string;
}

export const checkCodes = [
  { code: "LIN0201", title: "unknown name", summary: "A name is used that no declaration, import or parameter in scope introduces." },
  { code: "LIN0202", title: "duplicate name", summary: "Two declarations (or parameters, or import aliases) in one scope share a name." },
  { code: "LIN0203", title: "used before definition", summary: "A name is used above the declaration that introduces it; declarations are visible only below themselves." },
  { code: "LIN0204", title: "recursive definition", summary: "A declaration refers to itself; Linea has no recursion." },
  { code: "LIN0205", title: "import not found", summary: "The file an import names does not exist or cannot be read." },
  { code: "LIN0206", title: "import cycle", summary: "Files import each other in a cycle." },
  { code: "LIN0207", title: "import outside the project", summary: "An import path leaves the project folder (the nearest folder with linea.json, package.json or .git)." },
  { code: "LIN0208", title: "unknown module member", summary: "A qualified name `alias.name` names nothing the imported file declares." },
  { code: "LIN0209", title: "wrong kind of name", summary: "A name denotes the wrong kind of thing here, e.g. a map where a space or a network is needed." },
  { code: "LIN0301", title: "composition through different spaces", summary: "`g * f` needs the codomain of f to be the very space g starts from; induced spaces are equal only when induced by the same network with the same tag." },
  { code: "LIN0303", title: "tag on an untagged network", summary: "`induced G[t]` needs a network declared `tagged`." },
  { code: "LIN0304", title: "missing tag", summary: "A `tagged` network induces one space per tag: write `induced G[0]` or `induced G[1]`." },
  { code: "LIN0306", title: "argument outside the domain", summary: "`f(x)` needs x to be a vector of the domain of f." },
  { code: "LIN0307", title: "endomorphism required", summary: "Powers, `idempotent` and `projector` need a map from a space to itself." },
  { code: "LIN0308", title: "linear combination of different map types", summary: "`a * f + b * h` needs f and h with the same domain and the same codomain." },
  { code: "LIN0309", title: "vector operation across spaces", summary: "Induced addition, subtraction and inner products need both vectors in one space." },
  { code: "LIN0310", title: "operands do not fit the operation", summary: "An arithmetic operator is applied to kinds of values it has no meaning for (e.g. a map plus a vector)." },
  { code: "LIN0311", title: "annotation mismatch", summary: "A `let` annotation does not agree with the type of its value." },
  { code: "LIN0312", title: "builtin argument of the wrong type", summary: "A builtin (pinv, adjoint, svd, project, id, zero, inner, norm, at, sampler) received a value of the wrong kind." },
  { code: "LIN0313", title: "wrong arguments", summary: "Too many or too few arguments, or an unknown or repeated keyword argument." },
  { code: "LIN0314", title: "unknown field", summary: "A `.field` that the value does not have (svd factors have U, S, Vt, left, right, values)." },
  { code: "LIN0315", title: "invalid index", summary: "Indexing needs singular vectors or values and an integer index within their count." },
  { code: "LIN0316", title: "time conditioning", summary: "`sampler`, `at` and `one_step` need a time-conditioned map; a time-conditioned map must be fixed at a time before it is applied." },
  { code: "LIN0317", title: "invalid exponent", summary: "`f ^ k` needs k to be a non-negative integer literal." },
  { code: "LIN0318", title: "map value is not an operator", summary: "A `map` declaration's value must be an operator expression on coordinates; bind other values with `let`." },
  { code: "LIN0319", title: "invalid argument value", summary: "An argument has a value outside what the builtin accepts (e.g. `method = midpoint`, `steps = 1`)." },
  { code: "LIN0320", title: "not callable", summary: "Only maps (applied to vectors) and builtins can be called." },
  { code: "LIN0401", title: "operator shape mismatch", summary: "An operator's shape disagrees with its use: a map X -> Y needs [dim Y, dim X], and a written shape must fit the value." },
  { code: "LIN0402", title: "operator product shape mismatch", summary: "`A * B` needs the columns of A to equal the rows of B." },
  { code: "LIN0403", title: "operator sum shape mismatch", summary: "`A + B` and `A - B` need operators of one shape." },
  { code: "LIN0404", title: "square operator required", summary: "identity, scaled_identity, identity_plus_lowrank, orthogonal, projector, time_conditioned and powers are square." },
  { code: "LIN0405", title: "unknown operator", summary: "An operator expression names no builtin operator and no declared operator." },
  { code: "LIN0406", title: "invalid operator argument", summary: "An operator builtin received an unknown, missing, repeated or ill-typed argument." },
  { code: "LIN0407", title: "rank too large", summary: "The rank of a low-rank, SVD-factored or projector operator cannot exceed its smaller dimension." },
  { code: "LIN0408", title: "invalid operator shape", summary: "An operator shape is `[n]` or `[rows, cols]`: one or two dimensions." },
  { code: "LIN0409", title: "operator shape not inferred", summary: "Warning: an operator without a written shape is used by no map, so its shape is unknown." },
  { code: "LIN0501", title: "unknown network block", summary: "A network block that is not one of affine_coupling, additive_coupling, actnorm, permute, inv_dense, squeeze." },
  { code: "LIN0502", title: "unknown block argument", summary: "A block received an argument it does not take, or one twice." },
  { code: "LIN0503", title: "invalid block argument value", summary: "hidden and depth are positive integers, scale_bound a positive number, seed a non-negative integer." },
  { code: "LIN0504", title: "unknown activation", summary: "activation is one of relu, tanh, gelu, silu, leaky_relu." },
  { code: "LIN0505", title: "squeeze needs an image shape", summary: "A 2x2 squeeze needs a [C, H, W] shape with H and W even at that point of the network." },
  { code: "LIN0506", title: "network over a non-Euclidean space", summary: "An invertible network acts on a Euclidean space (the coordinates it maps)." },
  { code: "LIN0507", title: "invalid permutation", summary: "permute takes `reverse` or `random` (with an optional `seed`)." },
  { code: "LIN0508", title: "coupling on one feature", summary: "A coupling layer splits its input in two halves, so it needs at least 2 features." },
  { code: "LIN0601", title: "unknown law", summary: "verify names a law Linea does not know." },
  { code: "LIN0602", title: "invalid verify option", summary: "verify options are runs (positive integer), seed (non-negative integer) and tolerance (positive number)." },
  { code: "LIN0603", title: "law argument of the wrong type", summary: "A law got the wrong number or kind of arguments (e.g. roundtrip needs a network)." },
  { code: "LIN0604", title: "unknown train field", summary: "A train block has a field Linea does not know." },
  { code: "LIN0605", title: "invalid train field", summary: "A train field has a value of the wrong kind (e.g. steps must be a positive integer)." },
  { code: "LIN0606", title: "missing train field", summary: "A train block needs at least `model` and `data`." },
  { code: "LIN0607", title: "duplicate train field", summary: "A train field is given twice." },
] as const satisfies readonly CodeInfo[];

export type CheckCode = (typeof checkCodes)[number]["code"];
