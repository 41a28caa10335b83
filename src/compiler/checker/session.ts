// One checking run over an entry file and everything it imports: loads modules through a file host,
// parses them, keeps the shared tables (what the checker learned of each node, diagnostics) and runs
// the checks that need every module (operator shapes are inferred from uses in any importer). It keeps
// each module's checker, whose final scope extend.ts checks added declarations in.
import { resolve } from "pathe";
import type { Diagnostic } from "../../ast/diagnostic.js";
import { parse } from "../../parser/index.js";
import type { CheckedModule, CheckedProgram } from "./checked.js";
import { CheckedFacts } from "./facts.js";
import { findProjectRoot, type FileHost } from "./host.js";
import { ModuleChecker } from "./module.js";
import { RecordingSession } from "./recording.js";

export interface SessionOptions {
  readonly host: FileHost;
  /** The project folder imports may not leave; found from the entry file when absent. */
  readonly root?: string;
  /** Bytes a compile may use; the host's budget when absent. */
  readonly memoryBudget?: number;
}

/** What extend.ts needs of the run a program came from. */
export interface ProgramState {
  readonly host: FileHost;
  readonly root: string;
  readonly facts: CheckedFacts;
  readonly modules: ReadonlyMap<string, CheckedModule>;
  readonly checkers: ReadonlyMap<string, ModuleChecker>;
  readonly texts: ReadonlyMap<string, string>;
}

const states = new WeakMap<CheckedProgram, ProgramState>();

/** The run a checked program came from (undefined for programs not made by the checker). */
export function programState(program: CheckedProgram): ProgramState | undefined {
  return states.get(program);
}

/** A checked program over the given tables, registered so that it can be extended later. */
export function makeProgram(entry: string, state: ProgramState, diagnostics: readonly Diagnostic[]): CheckedProgram {
  const { facts } = state;
  const program: CheckedProgram = {
    entry,
    modules: state.modules,
    warnings: diagnostics.filter((d) => d.severity !== 1),
    typeOf: (node) => facts.typeOf(node),
    symbolOf: (ref) => facts.symbolOf(ref),
    builtinOf: (node) => facts.builtinOf(node),
    argumentsOf: (node) => facts.argumentsOf(node),
    typeAt: (uri, offset) => facts.typeAt(uri, offset),
    definitionAt: (uri, offset) => facts.definitionAt(uri, offset),
  };
  states.set(program, state);
  return program;
}

export class Session extends RecordingSession {
  readonly modules = new Map<string, CheckedModule>();
  readonly checkers = new Map<string, ModuleChecker>();
  readonly loading: string[] = [];
  readonly texts = new Map<string, string>();
  readonly root: string;

  constructor(
    readonly options: SessionOptions,
    entryUri: string,
  ) {
    super(new CheckedFacts(), options.memoryBudget ?? options.host.memoryBudget);
    this.root = resolve(options.root ?? findProjectRoot(entryUri, options.host));
  }

  module(uri: string): CheckedModule | undefined {
    return this.modules.get(uri);
  }

  readFile(uri: string): string | undefined {
    return this.options.host.readFile(uri);
  }

  realPath(uri: string): string {
    return this.options.host.realPath?.(uri) ?? uri;
  }

  /** Parses and checks a module (once), its imports first as the items reach them. */
  load(uri: string, text: string): CheckedModule {
    const done = this.modules.get(uri);
    if (done) return done;
    this.texts.set(uri, text);
    const parsed = parse(text, uri);
    this.diagnostics.push(...parsed.diagnostics);
    this.loading.push(uri);
    const checker = new ModuleChecker(this, uri, text, parsed.program);
    const checked = checker.run();
    this.loading.pop();
    this.modules.set(uri, checked);
    this.checkers.set(uri, checker);
    return checked;
  }

  program(entry: string): CheckedProgram {
    const state: ProgramState = { host: this.options.host, root: this.root, facts: this.facts, modules: this.modules, checkers: this.checkers, texts: this.texts };
    return makeProgram(entry, state, this.diagnostics);
  }
}
