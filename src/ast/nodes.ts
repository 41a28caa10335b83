// The Linea syntax tree. One file is a `Program`: a list of items. Expressions are deliberately
// untyped in the syntax (a `*` may compose maps, multiply operators or scale a vector): the checker
// gives each its meaning, so the grammar stays small and the error messages can name the types.
//
// Every node carries its source range. `Missing` nodes stand where the parser recovered from an error,
// so later phases still see a whole tree and report what else is wrong.
import type { Range } from "./source.js";

interface NodeBase {
  readonly range: Range;
}

/** An identifier with its range. */
export interface Ident extends NodeBase {
  readonly kind: "Ident";
  readonly name: string;
}

// ---------------------------------------------------------------- expressions

/** A number literal, with its text as written. */
export interface NumberLit extends NodeBase {
  readonly kind: "Number";
  readonly value: number;
  /** As written, so the printer reproduces it ("1e-3" stays "1e-3"). */
  readonly text: string;
}

/** A string literal. */
export interface StringLit extends NodeBase {
  readonly kind: "String";
  readonly value: string;
}

/** A name used as an expression. */
export interface NameRef extends NodeBase {
  readonly kind: "Name";
  readonly name: Ident;
}

/** `object.name`: a qualified name through an import alias, or a field such as `svd(f).left`. */
export interface Member extends NodeBase {
  readonly kind: "Member";
  readonly object: Expr;
  readonly name: Ident;
}

/** A positional (`name` absent) or keyword (`name = value`) argument. */
export interface Arg extends NodeBase {
  readonly kind: "Arg";
  readonly name?: Ident;
  readonly value: Expr;
}

/** `callee(args)`: a builtin (`pinv(f)`, `dense`, `lowrank(rank = 8)`) or applying a map to a vector. */
export interface Call extends NodeBase {
  readonly kind: "Call";
  readonly callee: Expr;
  readonly args: readonly Arg[];
}

/** `object[index]`: the i-th singular vector or value. */
export interface Index extends NodeBase {
  readonly kind: "Index";
  readonly object: Expr;
  readonly index: Expr;
}

/** The binary operators: sum, difference, product or composition, quotient, power. */
export type BinaryOp = "+" | "-" | "*" | "/" | "^";

/** `left op right`. */
export interface Binary extends NodeBase {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `-operand`. */
export interface Unary extends NodeBase {
  readonly kind: "Unary";
  readonly op: "-";
  readonly operand: Expr;
}

/** `[a, b]`: a list of numbers, the value of an option such as `verify … with band = [0.9, 1.1]`. */
export interface ListLit extends NodeBase {
  readonly kind: "List";
  readonly items: readonly Expr[];
}

/** Stands where the parser expected an expression and found none. */
export interface MissingExpr extends NodeBase {
  readonly kind: "MissingExpr";
}

/** An expression. */
export type Expr = NumberLit | StringLit | NameRef | Member | Call | Index | Binary | Unary | ListLit | MissingExpr;

// ---------------------------------------------------------------- spaces and types

/** `R^784` (form "power") or `R[1, 28, 28]` (form "shape"). */
export interface EuclideanSpace extends NodeBase {
  readonly kind: "EuclideanSpace";
  readonly shape: readonly number[];
  readonly form: "power" | "shape";
}

/** `induced G` or `induced G[1]`: the space whose coordinates are g(x), g = network G (with tag). */
export interface InducedSpace extends NodeBase {
  readonly kind: "InducedSpace";
  readonly network: NameRef | Member;
  readonly tag?: NumberLit;
}

/** A space by name: `Data`, or `nets.Data` through an import. */
export interface SpaceRef extends NodeBase {
  readonly kind: "SpaceRef";
  readonly ref: NameRef | Member;
}

/** A space the parser expected and did not find (recovery). */
export interface MissingSpace extends NodeBase {
  readonly kind: "MissingSpace";
}

/** A space as written: `R[…]`, `induced G[tag]` or a name. */
export type SpaceExpr = EuclideanSpace | InducedSpace | SpaceRef | MissingSpace;

/** `X -> Y` in an annotation: the type of a map. */
export interface MapType extends NodeBase {
  readonly kind: "MapType";
  readonly domain: SpaceExpr;
  readonly codomain: SpaceExpr;
}

/** `scalar` in an annotation. */
export interface ScalarType extends NodeBase {
  readonly kind: "ScalarType";
}

/** What `let x : T = …` may annotate: a vector of a space, a map, or a scalar. */
export type TypeExpr = SpaceExpr | MapType | ScalarType;

// ---------------------------------------------------------------- network blocks

/** One layer of an invertible network: `affine_coupling(hidden = 512, depth = 2)`, `actnorm`. */
export interface LayerBlock extends NodeBase {
  readonly kind: "Layer";
  readonly name: Ident;
  /** Absent when written without parentheses (`actnorm;`), which the printer keeps. */
  readonly args?: readonly Arg[];
}

/** `repeat 4 { … }`: the body stacked `count` times, each copy with its own weights. */
export interface RepeatBlock extends NodeBase {
  readonly kind: "Repeat";
  readonly count: NumberLit;
  readonly body: readonly BlockNode[];
}

/** A network block: a layer or a `repeat`. */
export type BlockNode = LayerBlock | RepeatBlock;

// ---------------------------------------------------------------- items

/** `import "./nets.lin" as nets;` */
export interface ImportDecl extends NodeBase {
  readonly kind: "Import";
  readonly path: StringLit;
  readonly alias: Ident;
}

/** `space Img = R[1, 28, 28];` / `space Data = induced G[1];` */
export interface SpaceDecl extends NodeBase {
  readonly kind: "SpaceDecl";
  readonly name: Ident;
  readonly value: SpaceExpr;
}

/** `network G : Img tagged { actnorm; affine_coupling(hidden = 512); }` */
export interface NetworkDecl extends NodeBase {
  readonly kind: "NetworkDecl";
  readonly name: Ident;
  /** The Euclidean space the network acts on. */
  readonly over: SpaceExpr;
  /** Takes a conditioning tag, so `induced G[0]` and `induced G[1]` are two spaces from one set of weights. */
  readonly tagged: boolean;
  readonly blocks: readonly BlockNode[];
}

/** `operator A[784, 784] = dense;` — a linear operator on coordinates, shape [rows, cols] = [out, in]. */
export interface OperatorDecl extends NodeBase {
  readonly kind: "OperatorDecl";
  readonly name: Ident;
  /** `[m, n]`, or `[n]` for square; absent when the uses infer it. */
  readonly shape?: readonly NumberLit[];
  readonly value: Expr;
}

/**
 * `map f : Noise -> Data = A;` — a Linearizer g_Data⁻¹ ∘ A ∘ g_Noise; or, written `embedding phi : X -> E = …;`,
 * a left-invertible embedding of X into a larger Euclidean E (docs/gsvd.md).
 */
export interface MapDecl extends NodeBase {
  readonly kind: "MapDecl";
  /** Set for `embedding`: the map is one-sided (left_inverse, not pinv); absent for a Linearizer. */
  readonly embedding?: true;
  readonly name: Ident;
  readonly domain: SpaceExpr;
  readonly codomain: SpaceExpr;
  readonly value: Expr;
}

/** `let h = g * f;` / `let h : X -> Z = g * f;` — a named value of any type. */
export interface LetDecl extends NodeBase {
  readonly kind: "LetDecl";
  readonly name: Ident;
  readonly annotation?: TypeExpr;
  readonly value: Expr;
}

/** A parameter of an entry, with its space. */
export interface Param extends NodeBase {
  readonly kind: "Param";
  readonly name: Ident;
  readonly space: SpaceExpr;
}

/** `entry sample(x : Noise) = B(x);` — a function `linea run --entry sample` evaluates. */
export interface EntryDecl extends NodeBase {
  readonly kind: "EntryDecl";
  readonly name: Ident;
  readonly params: readonly Param[];
  readonly body: Expr;
}

/** `verify idempotent(p) with runs = 500;` — a law `linea verify` checks. */
export interface VerifyStmt extends NodeBase {
  readonly kind: "Verify";
  readonly law: Ident;
  readonly args: readonly Arg[];
  /** Keyword options after `with`: runs, seed, tolerance. */
  readonly options: readonly Arg[];
}

/** One `key = value;` of a train section. */
export interface TrainField extends NodeBase {
  readonly kind: "TrainField";
  readonly key: Ident;
  readonly value: Expr;
}

/** `train flow { model = v; data = mnist(); steps = 1000; }` — what `linea train` runs. */
export interface TrainDecl extends NodeBase {
  readonly kind: "TrainDecl";
  readonly name: Ident;
  readonly fields: readonly TrainField[];
}

/** A top-level item of a file. */
export type Item = ImportDecl | SpaceDecl | NetworkDecl | OperatorDecl | MapDecl | LetDecl | EntryDecl | VerifyStmt | TrainDecl;

/** Items that introduce a name into the file's scope. */
export type NamedItem = Exclude<Item, VerifyStmt>;

/** A parsed file: its items in order. */
export interface Program extends NodeBase {
  readonly kind: "Program";
  readonly uri: string;
  readonly items: readonly Item[];
}

/** Any syntax node. */
export type Node = Program | Item | Expr | Arg | Ident | SpaceExpr | MapType | ScalarType | BlockNode | Param | TrainField;
