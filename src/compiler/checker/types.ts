// The checker's types. Spaces are types: two induced spaces are the same only when induced by the same
// network declaration with the same tag, never because their dimensions agree.
import type { Location } from "../../ast/source.js";
import type { OperatorBuiltin } from "./builtins.js";
import type { Dim } from "./dims.js";

/** Identifies a network declaration: the module it is in and its name. `location` is for messages only. */
export interface NetworkId {
  readonly uri: string;
  readonly name: string;
  readonly location: Location;
}

/** Identifies an `embedding` declaration: its module and name. `location` is for messages only. */
export interface EmbeddingId {
  readonly uri: string;
  readonly name: string;
  readonly location: Location;
}

export function sameEmbedding(a: EmbeddingId, b: EmbeddingId): boolean {
  return a.uri === b.uri && a.name === b.name;
}

/** A name a space was declared under, for messages; it takes no part in equality. */
export interface SpaceLabel {
  readonly name: string;
  readonly location: Location;
}

export interface EuclideanSpaceT {
  readonly kind: "Euclidean";
  readonly shape: readonly number[];
  readonly label?: SpaceLabel;
}

export interface InducedSpaceT {
  readonly kind: "Induced";
  readonly network: NetworkId;
  readonly tag?: number;
  /** The shape of the Euclidean space the network acts on. */
  readonly shape: readonly number[];
  readonly label?: SpaceLabel;
}

/** A space: Euclidean `R[…]` or induced by a network. */
export type SpaceType = EuclideanSpaceT | InducedSpaceT;

/** The structure an operator was built with, so a compiler can pick a parameterisation: a builtin's name, or how it was combined. */
export type OperatorStructure = OperatorBuiltin | "product" | "sum" | "scaled" | "transpose" | "pinv" | "power" | "kron" | "at" | "unknown";

/** The type of an expression: a space, a map between spaces, an operator, a scalar, …. */
export type Type =
  /** A space named as a value: the argument of `id(X)`, `zero(X)`, `verify axioms(X)`. */
  | { readonly kind: "Space"; readonly space: SpaceType }
  | {
      readonly kind: "Network";
      readonly id: NetworkId;
      readonly space: SpaceType;
      readonly tagged: boolean;
      /** The shape after the blocks (a squeeze reshapes; the dimension is kept). */
      readonly outputShape: readonly number[];
    }
  | {
      readonly kind: "Operator";
      readonly rows: Dim;
      readonly cols: Dim;
      readonly timeConditioned: boolean;
      readonly structure: OperatorStructure;
      /** Set for an indexed operator (`depthwise_conv(styles = n)`): at(K, s) takes s in 0…n−1, not a time. */
      readonly styles?: number;
    }
  | {
      readonly kind: "Map";
      readonly domain: SpaceType;
      readonly codomain: SpaceType;
      readonly timeConditioned: boolean;
      readonly styles?: number;
      /** Set on a declared `embedding`: one-sided, its inverse is left_inverse(φ) (docs/gsvd.md). */
      readonly embedding?: EmbeddingId;
      /** Set on left_inverse(φ): the embedding it inverts from the left. */
      readonly leftInverseOf?: EmbeddingId;
      /** Set on h = W ∘ φ (W time-free into a Euclidean space): gsvd(h) factors W through φ's space E. */
      readonly factoredThrough?: { readonly embedding: EmbeddingId; readonly space: SpaceType };
    }
  | { readonly kind: "Vector"; readonly space: SpaceType }
  /** `value` is known for literals and constant arithmetic, so tags, powers and indices can be checked. */
  | { readonly kind: "Scalar"; readonly value?: number }
  | { readonly kind: "Svd"; readonly domain: SpaceType; readonly codomain: SpaceType; readonly rank: number }
  /** gsvd(h) for h = W ∘ φ, φ : X ↪ E: W = U Σ Vᵀ with U in the codomain, V in E, and V decoded into X. */
  | { readonly kind: "Gsvd"; readonly domain: SpaceType; readonly embedded: SpaceType; readonly codomain: SpaceType; readonly rank: number }
  /** `svd(f).left` / `.right`: `count` singular vectors of `space`. */
  | { readonly kind: "Basis"; readonly space: SpaceType; readonly count: number }
  | { readonly kind: "Values"; readonly count: number }
  | { readonly kind: "Module"; readonly uri: string; readonly alias: string }
  | { readonly kind: "Dataset"; readonly source: string }
  /** A `train` block: run by `linea train`, not a value. */
  | { readonly kind: "Train"; readonly name: string }
  /** An entry point: callable by `linea run`, not a value. */
  | { readonly kind: "Entry"; readonly params: readonly SpaceType[]; readonly result: Type }
  /** Poison: stands where an error was already reported, so nothing downstream reports again. */
  | { readonly kind: "Error" };

export type MapT = Extract<Type, { kind: "Map" }>;
export type OperatorT = Extract<Type, { kind: "Operator" }>;
export type NetworkT = Extract<Type, { kind: "Network" }>;

export const errorType: Type = { kind: "Error" };

/** A map type without what only a declared embedding, its left inverse or a head after one carries: for c·f, −f, f^k. */
export function plainMap(t: MapT): MapT {
  return { kind: "Map", domain: t.domain, codomain: t.codomain, timeConditioned: t.timeConditioned, ...(t.styles === undefined ? {} : { styles: t.styles }) };
}

export function dimension(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The number of values in a space (the product of its shape). */
export function spaceDim(space: SpaceType): number {
  return dimension(space.shape);
}

export function sameNetwork(a: NetworkId, b: NetworkId): boolean {
  return a.uri === b.uri && a.name === b.name;
}

/** Space equality: by shape for Euclidean spaces, by (network declaration, tag) for induced ones. */
export function sameSpace(a: SpaceType, b: SpaceType): boolean {
  if (a.kind === "Euclidean" && b.kind === "Euclidean") {
    return a.shape.length === b.shape.length && a.shape.every((n, i) => n === b.shape[i]);
  }
  if (a.kind === "Induced" && b.kind === "Induced") return sameNetwork(a.network, b.network) && a.tag === b.tag;
  return false;
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `R^${shape[0]}` : `R[${shape.join(", ")}]`;
}

/** How the space is written, without its provenance: `Data`, `R^784`, `induced G[1]`. */
export function spaceName(space: SpaceType): string {
  if (space.label) return space.label.name;
  if (space.kind === "Euclidean") return formatShape(space.shape);
  return `induced ${space.network.name}${space.tag === undefined ? "" : `[${space.tag}]`}`;
}

/** Where the space comes from, for the central error: "(induced by G tag 1)", "(Euclidean R^784)". */
export function spaceOrigin(space: SpaceType): string {
  if (space.kind === "Euclidean") return `(Euclidean ${formatShape(space.shape)})`;
  return `(induced by ${space.network.name}${space.tag === undefined ? "" : ` tag ${space.tag}`})`;
}

export function describeSpace(space: SpaceType): string {
  const name = spaceName(space);
  const origin = spaceOrigin(space);
  return space.kind === "Euclidean" && !space.label ? name : `${name} ${origin}`;
}

export function mapSignature(domain: SpaceType, codomain: SpaceType): string {
  return `${spaceName(domain)} -> ${spaceName(codomain)}`;
}

/** A short description of a type for messages: "map Noise -> Data", "vector of Data", "operator [4, 4]". */
export function describeType(t: Type): string {
  switch (t.kind) {
    case "Space":
      return `space ${spaceName(t.space)}`;
    case "Network":
      return `network ${t.id.name}`;
    case "Operator": {
      const r = t.rows.value;
      const c = t.cols.value;
      const shape = `[${r ?? "?"}, ${c ?? "?"}]`;
      return `${t.timeConditioned ? "time-conditioned " : ""}operator ${shape}`;
    }
    case "Map":
      if (t.embedding !== undefined) return `embedding ${mapSignature(t.domain, t.codomain)}`;
      return `${t.timeConditioned ? "time-conditioned " : ""}map ${mapSignature(t.domain, t.codomain)}`;
    case "Vector":
      return `vector of ${spaceName(t.space)}`;
    case "Scalar":
      return "scalar";
    case "Svd":
      return `svd factors of a map ${mapSignature(t.domain, t.codomain)}`;
    case "Gsvd":
      return `generalized svd factors of a map ${mapSignature(t.domain, t.codomain)} through ${spaceName(t.embedded)}`;
    case "Basis":
      return `${t.count} singular vectors of ${spaceName(t.space)}`;
    case "Values":
      return `${t.count} singular values`;
    case "Module":
      return `module ${t.alias}`;
    case "Dataset":
      return `dataset ${t.source}`;
    case "Entry":
      return "entry point";
    case "Train":
      return `training run ${t.name}`;
    case "Error":
      return "<error>";
  }
}

/** Locations that explain a space: where it was named and, for induced spaces, the network. */
export function spaceLocations(space: SpaceType): { location: Location; message: string }[] {
  const out: { location: Location; message: string }[] = [];
  if (space.label) out.push({ location: space.label.location, message: `${space.label.name} declared here` });
  if (space.kind === "Induced") {
    out.push({ location: space.network.location, message: `network ${space.network.name} declared here` });
  }
  return out;
}

/** The style count an expression of indexed operands keeps (the first operand's that has one), as a spreadable field. */
export function indexedBy(...operands: readonly { readonly styles?: number }[]): { readonly styles?: number } {
  const styles = operands.find((o) => o.styles !== undefined)?.styles;
  return styles === undefined ? {} : { styles };
}
