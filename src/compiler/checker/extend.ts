// Checking new `let` declarations in the scope of a module already checked — what verify, sample,
// invert and interpolate need to compile an expression against a spec — without re-parsing or
// re-checking anything: the module's checker is kept from the original run, copied, and asked to check
// the lets below every declaration. What the check learns goes to a layer over the original tables,
// so the program extended stays as it was.
import * as E from "fp-ts/lib/Either.js";
import { diagnostic, hasErrors, type Diagnostic, type DiagnosticInit } from "../../ast/diagnostic.js";
import type { LetDecl, Member, NameRef, Node } from "../../ast/nodes.js";
import { dirname, resolve } from "pathe";
import type { BuiltinRef, CheckedModule, CheckedProgram, LiteralArgs, SymbolInfo } from "./checked.js";
import { errorsFirst } from "./check.js";
import type { CheckerSession, PendingRank, PendingShape } from "./context.js";
import { CheckedFacts } from "./facts.js";
import * as messages from "./messages/index.js";
import type { ModuleChecker } from "./module.js";
import { makeProgram, pendingDiagnostics, programState } from "./session.js";
import type { Type } from "./types.js";

/** The session of an extension: it records into its own layer and loads no modules. */
class ExtensionSession implements CheckerSession {
  readonly diagnostics: Diagnostic[] = [];
  readonly loading: readonly string[] = [];
  readonly ranks: PendingRank[] = [];
  readonly shapes: PendingShape[] = [];

  constructor(
    readonly root: string,
    readonly facts: CheckedFacts,
    private readonly modules: ReadonlyMap<string, CheckedModule>,
  ) {}

  report(init: DiagnosticInit): void {
    this.diagnostics.push(diagnostic(init));
  }
  recordType(uri: string, node: Node, type: Type): void {
    this.facts.setType(uri, node, type);
  }
  recordSymbol(uri: string, ref: NameRef | Member, sym: SymbolInfo): void {
    this.facts.setSymbol(uri, ref, sym);
  }
  recordDeclaration(sym: SymbolInfo): void {
    this.facts.declare(sym);
  }
  recordBuiltin(node: Node, builtin: BuiltinRef): void {
    this.facts.setBuiltin(node, builtin);
  }
  recordArguments(node: Node, args: LiteralArgs): void {
    this.facts.setArguments(node, args);
  }
  module(uri: string): CheckedModule | undefined {
    return this.modules.get(uri);
  }
  // A `let` imports nothing: only an import declaration reads or loads files.
  readFile(): string | undefined {
    return undefined;
  }
  load(uri: string): CheckedModule {
    throw new Error(`an extension cannot load module ${uri}`);
  }
  resolveImport(fromUri: string, path: string): string {
    return resolve(dirname(fromUri), path);
  }
  requireRank(p: PendingRank): void {
    this.ranks.push(p);
  }
  requireShape(p: PendingShape): void {
    this.shapes.push(p);
  }
}

/**
 * Checks `lets` in module `uri` of `program` after every declaration (every name of the module is in
 * scope). Right: a new program whose module lists the lets as its last items, with their symbols,
 * types, builtins and literal arguments. Left: the diagnostics of the lets, errors first. The lets'
 * nodes carry ranges in the module's text (say, of the declaration they derive from), which is what
 * their diagnostics point at.
 */
export function extendModule(program: CheckedProgram, uri: string, lets: readonly LetDecl[]): E.Either<readonly Diagnostic[], CheckedProgram> {
  const state = programState(program);
  const checker: ModuleChecker | undefined = state?.checkers.get(uri);
  if (state === undefined || checker === undefined) {
    const at = { line: 0, character: 0, offset: 0 };
    return E.left([diagnostic({ uri, range: { start: at, end: at }, ...messages.moduleNotInProgram(uri) })]);
  }
  const modules = new Map(state.modules);
  const facts = new CheckedFacts(state.facts);
  const session = new ExtensionSession(state.root, facts, modules);
  const extended = checker.extendedWith(session, lets);
  modules.set(uri, extended.module);
  pendingDiagnostics(session.ranks, session.shapes, (d) => session.report(d));
  if (hasErrors(session.diagnostics)) return E.left(errorsFirst(session.diagnostics));
  const checkers = new Map(state.checkers);
  checkers.set(uri, extended.checker);
  return E.right(makeProgram(program.entry, { ...state, facts, modules, checkers }, [...program.warnings, ...session.diagnostics]));
}
