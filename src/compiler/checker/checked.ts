// What a successful check hands to later phases: every module's syntax tree, its resolved symbols,
// the type and range of every expression and space, the builtin each builtin call resolved to, the
// literal arguments of each call, and the declarations a compiler lowers to 𝕃{g_x, g_y, A}.
import type { Diagnostic } from "../../ast/diagnostic.js";
import type { MapDecl, Member, NameRef, NetworkDecl, Node, OperatorDecl, Program } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import type { dataSources, OperatorBuiltin, valueBuiltins } from "./builtins.js";
import type { MapT, NetworkT, OperatorT, SpaceType, Type } from "./types.js";

/** `uri#name`: one declaration across the whole program (weights, seeds and bindings are keyed by it). */
export type DeclKey = string & { readonly __brand: "DeclKey" };

/** The key of declaration `name` in module `uri`; the only place that spells `uri#name`. */
export function declKey(uri: string, name: string): DeclKey {
  return `${uri}#${name}` as DeclKey;
}

/** What a name declares. */
export type SymbolKind = "space" | "network" | "operator" | "map" | "let" | "entry" | "import" | "train" | "param";

/** A declared name: its kind, module and declaration. */
export interface SymbolInfo {
  readonly name: string;
  readonly kind: SymbolKind;
  /** The module the symbol is declared in. */
  readonly uri: string;
  /** declKey(uri, name); an entry parameter's is declKey(uri, "entry/param"). */
  readonly key: DeclKey;
  readonly nameRange: Range;
  readonly node: Node;
  readonly type: Type;
}

/** The builtin a call or a name resolved to (a user declaration of the same name shadows it). */
export type BuiltinRef =
  /** An operator constructor: `dense`, `lowrank(rank = 4)`, … (the keys of `operatorBuiltins`). */
  | { readonly kind: "operator"; readonly name: OperatorBuiltin }
  /** A builtin over maps, vectors and operators: `adjoint(f)`, `sampler(v, …)`, … */
  | { readonly kind: "value"; readonly name: (typeof valueBuiltins)[number] }
  /** A train section's data source: `moons(n = 1000)`. */
  | { readonly kind: "data"; readonly name: (typeof dataSources)[number] };

/** Literal argument values: keywords by name, positional ones as `#i` (i: the index in the argument list). */
export type LiteralArgs = ReadonlyMap<string, number | string>;

/** A checked node at a position: what an editor's hover shows. */
export interface TypedNode {
  readonly node: Node;
  readonly range: Range;
  readonly type: Type;
}

/** One checked file: its syntax tree and its top-level names. */
export interface CheckedModule {
  readonly uri: string;
  readonly program: Program;
  /** The module's top-level names, which importers reach as `alias.name`. */
  readonly symbols: ReadonlyMap<string, SymbolInfo>;
  readonly spaces: readonly { readonly name: string; readonly space: SpaceType }[];
  readonly networks: readonly { readonly name: string; readonly type: NetworkT; readonly decl: NetworkDecl }[];
  /** Operators with their (possibly inferred) shapes: `type.rows.value`, `type.cols.value`. */
  readonly operators: readonly { readonly name: string; readonly type: OperatorT; readonly decl: OperatorDecl }[];
  readonly maps: readonly { readonly name: string; readonly type: MapT; readonly decl: MapDecl }[];
}

/** A type-checked program: the entry and its imports, with what the checker learnt of each node. */
export interface CheckedProgram {
  /** The URI of the file that was checked; the others are its imports. */
  readonly entry: string;
  readonly modules: ReadonlyMap<string, CheckedModule>;
  /** Diagnostics that are not errors (e.g. LIN0409). */
  readonly warnings: readonly Diagnostic[];
  /** The type the checker gave an expression, space expression or declaration. */
  typeOf(node: Node): Type | undefined;
  /** The declaration a name (`G`, `nets.G`) resolved to; builtins and unresolved names have none. */
  symbolOf(ref: NameRef | Member): SymbolInfo | undefined;
  /** The builtin a call (`lowrank(rank = 4)`, `sampler(v, …)`, `moons()`) or a bare name (`dense`) resolved to. */
  builtinOf(node: Node): BuiltinRef | undefined;
  /**
   * The literal arguments of a call, a network block or a verify statement (whose `with` options are
   * included by name); empty when it has none.
   */
  argumentsOf(node: Node): LiteralArgs;
  /** The innermost checked node (expression, space, type, parameter) whose range holds `offset` in `uri`. */
  typeAt(uri: string, offset: number): TypedNode | undefined;
  /** The declaration the name at `offset` in `uri` resolves to, or that is declared there. */
  definitionAt(uri: string, offset: number): SymbolInfo | undefined;
}
