// Checking new `let` declarations in the scope of a module already checked — what verify, sample,
// invert and interpolate need to compile an expression against a spec — without re-parsing or
// re-checking anything: the module's checker is kept from the original run, copied, and asked to check
// the lets below every declaration. What the check learns goes to a layer over the original tables,
// so the program extended stays as it was.
import * as E from "fp-ts/lib/Either.js";
import { diagnostic, hasErrors, type Diagnostic } from "../../ast/diagnostic.js";
import type { LetDecl } from "../../ast/nodes.js";
import type { CheckedModule, CheckedProgram } from "./checked.js";
import { errorsFirst } from "./check.js";
import { CheckedFacts } from "./facts.js";
import * as messages from "./messages/index.js";
import type { ModuleChecker } from "./module.js";
import { RecordingSession } from "./recording.js";
import { makeProgram, programState } from "./session.js";

/** The session of an extension: it records into its own layer over the program's facts and loads no modules. */
class ExtensionSession extends RecordingSession {
  readonly loading: readonly string[] = [];

  constructor(
    readonly root: string,
    facts: CheckedFacts,
    private readonly modules: ReadonlyMap<string, CheckedModule>,
    memoryBudget: number | undefined,
  ) {
    super(facts, memoryBudget);
  }

  module(uri: string): CheckedModule | undefined {
    return this.modules.get(uri);
  }
  // A `let` imports nothing: only an import declaration reads or loads files.
  readFile(): string | undefined {
    return undefined;
  }
  realPath(uri: string): string {
    return uri;
  }
  load(uri: string): CheckedModule {
    throw new Error(`an extension cannot load module ${uri}`);
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
  const session = new ExtensionSession(state.root, facts, modules, state.host.memoryBudget);
  const extended = checker.extendedWith(session, lets);
  modules.set(uri, extended.module);
  session.finish();
  if (hasErrors(session.diagnostics)) return E.left(errorsFirst(session.diagnostics));
  const checkers = new Map(state.checkers);
  checkers.set(uri, extended.checker);
  return E.right(makeProgram(program.entry, { ...state, facts, modules, checkers }, [...program.warnings, ...session.diagnostics]));
}
