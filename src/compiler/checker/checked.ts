// What a successful check hands to later phases: every module's syntax tree, its resolved symbols,
// the type of every expression and space, and the declarations a compiler lowers to 𝕃{g_x, g_y, A}.
import type { Diagnostic } from "../../ast/diagnostic.js";
import type { MapDecl, Member, NameRef, NetworkDecl, Node, OperatorDecl, Program } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import type { MapT, NetworkT, OperatorT, Space, Type } from "./types.js";

export type SymbolKind = "space" | "network" | "operator" | "map" | "let" | "entry" | "import" | "train" | "param";

export interface SymbolInfo {
  readonly name: string;
  readonly kind: SymbolKind;
  /** The module the symbol is declared in. */
  readonly uri: string;
  readonly nameRange: Range;
  readonly node: Node;
  readonly type: Type;
}

export interface CheckedModule {
  readonly uri: string;
  readonly program: Program;
  /** The module's top-level names, which importers reach as `alias.name`. */
  readonly symbols: ReadonlyMap<string, SymbolInfo>;
  readonly spaces: readonly { readonly name: string; readonly space: Space }[];
  readonly networks: readonly { readonly name: string; readonly type: NetworkT; readonly decl: NetworkDecl }[];
  /** Operators with their (possibly inferred) shapes: `type.rows.value`, `type.cols.value`. */
  readonly operators: readonly { readonly name: string; readonly type: OperatorT; readonly decl: OperatorDecl }[];
  readonly maps: readonly { readonly name: string; readonly type: MapT; readonly decl: MapDecl }[];
}

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
}
