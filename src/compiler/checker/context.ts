// What a module checker needs from the run it is part of: where to report, where to record what it
// learns, and how to reach other modules. recording.ts implements what every session shares; session.ts
// adds the rest for a whole check, extend.ts for declarations added to a module already checked. The
// module checker depends on this interface only, so the session can construct module checkers without
// an import cycle.
import type { DiagnosticInit } from "../../ast/diagnostic.js";
import type { Member, NameRef, Node } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import type { BuiltinRef, CheckedModule, LiteralArgs, SymbolInfo } from "./checked.js";
import type { Dim } from "./dims.js";
import type { OperatorT, Type } from "./types.js";

/** A rank bound to check once every use has had the chance to fix the operator's shape. */
export interface PendingRank {
  readonly uri: string;
  readonly range: Range;
  readonly builtin: string;
  readonly rank: number;
  readonly rows: Dim;
  readonly cols: Dim;
}

/**
 * Memory a declaration will need once compiled, known when every use has fixed the shapes: checked
 * against the budget alone and in the total (memory.ts estimates it).
 */
export interface PendingMemory {
  readonly uri: string;
  readonly range: Range;
  /** What needs it, as a message names it: `operator A (dense 1000000×1000000)`. */
  readonly what: () => string;
  /** Bytes; undefined while a shape stays unknown (that operator is then not counted). */
  readonly bytes: () => number | undefined;
  /** LIN0330 for operators, LIN0509 for networks. */
  readonly code: "LIN0330" | "LIN0509";
}

/** An operator without a written shape: a warning unless some use fixes it. */
export interface PendingShape {
  readonly uri: string;
  readonly range: Range;
  readonly name: string;
  readonly type: OperatorT;
}

export interface CheckerSession {
  /** The project folder imports may not leave. */
  readonly root: string;
  /** Modules being checked, outermost first: an import of one of these is a cycle. */
  readonly loading: readonly string[];
  report(init: DiagnosticInit): void;
  recordType(uri: string, node: Node, type: Type): void;
  recordSymbol(uri: string, ref: NameRef | Member, sym: SymbolInfo): void;
  recordDeclaration(sym: SymbolInfo): void;
  recordBuiltin(node: Node, builtin: BuiltinRef): void;
  recordArguments(node: Node, args: LiteralArgs): void;
  /** A module checked (or being checked) in this run. */
  module(uri: string): CheckedModule | undefined;
  /** The text of a file not yet checked; undefined when it cannot be read. */
  readFile(uri: string): string | undefined;
  /** `uri` with its symbolic links resolved (itself where the host has none or the file is missing). */
  realPath(uri: string): string;
  /** Parses and checks a module (once), its imports first. */
  load(uri: string, text: string): CheckedModule;
  resolveImport(fromUri: string, path: string): string;
  requireRank(p: PendingRank): void;
  requireShape(p: PendingShape): void;
  /** Bytes a compile of the checked spec may use (an option, else the host's, else a browser's 2 GiB). */
  readonly memoryBudget: number;
  requireMemory(p: PendingMemory): void;
}
