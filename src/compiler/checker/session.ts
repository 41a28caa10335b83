// One checking run over an entry file and everything it imports: loads modules through a file host,
// keeps the shared tables (types of nodes, diagnostics) and runs the checks that need every module
// (operator shapes are inferred from uses in any importer).
import { dirname, resolve } from "node:path";
import { diagnostic, type Diagnostic, type DiagnosticInit, type RelatedInformation } from "../../ast/diagnostic.js";
import type { Member, NameRef, Node, Program } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import type { CheckedModule, CheckedProgram, SymbolInfo } from "./checked.js";
import type { Dim } from "./dims.js";
import { findProjectRoot, type FileHost } from "./host.js";
import { ModuleChecker } from "./module.js";
import type { OperatorT, Type } from "./types.js";

export interface ParseResult {
  readonly program: Program;
  readonly diagnostics: readonly Diagnostic[];
}

export type ParseFn = (text: string, uri: string) => ParseResult;

export interface SessionOptions {
  readonly host: FileHost;
  readonly parse: ParseFn;
  /** The project folder imports may not leave; found from the entry file when absent. */
  readonly root?: string;
}

/** A rank bound to check once every use has had the chance to fix the operator's shape. */
interface PendingRank {
  readonly uri: string;
  readonly range: Range;
  readonly builtin: string;
  readonly rank: number;
  readonly rows: Dim;
  readonly cols: Dim;
}

interface PendingShape {
  readonly uri: string;
  readonly range: Range;
  readonly name: string;
  readonly type: OperatorT;
}

export class Session {
  readonly diagnostics: Diagnostic[] = [];
  readonly types = new Map<Node, Type>();
  /** The declaration each name (or qualified name) in an expression or space resolved to. */
  readonly symbols = new Map<NameRef | Member, SymbolInfo>();
  readonly modules = new Map<string, CheckedModule>();
  /** Modules being checked, outermost first: an import of one of these is a cycle. */
  readonly loading: string[] = [];
  readonly texts = new Map<string, string>();
  readonly root: string;
  private readonly pendingRanks: PendingRank[] = [];
  private readonly pendingShapes: PendingShape[] = [];

  constructor(
    readonly options: SessionOptions,
    entryUri: string,
  ) {
    this.root = resolve(options.root ?? findProjectRoot(entryUri, options.host));
  }

  report(init: DiagnosticInit): void {
    this.diagnostics.push(diagnostic(init));
  }

  /** Parses and checks a module (once), its imports first as the items reach them. */
  load(uri: string, text: string): CheckedModule {
    const done = this.modules.get(uri);
    if (done) return done;
    this.texts.set(uri, text);
    const parsed = this.options.parse(text, uri);
    this.diagnostics.push(...parsed.diagnostics);
    this.loading.push(uri);
    const checked = new ModuleChecker(this, uri, text, parsed.program).run();
    this.loading.pop();
    this.modules.set(uri, checked);
    return checked;
  }

  resolveImport(fromUri: string, path: string): string {
    return resolve(dirname(fromUri), path);
  }

  requireRank(p: PendingRank): void {
    this.pendingRanks.push(p);
  }

  requireShape(p: PendingShape): void {
    this.pendingShapes.push(p);
  }

  /** Checks that need every use of every operator: rank bounds and shapes that stayed unknown. */
  finish(): void {
    for (const p of this.pendingRanks) {
      const r = p.rows.value;
      const c = p.cols.value;
      if (r === undefined || c === undefined || p.rank <= Math.min(r, c)) continue;
      this.report({
        uri: p.uri,
        range: p.range,
        code: "LIN0407",
        message: `${p.builtin} has rank ${p.rank} but its shape is [${r}, ${c}]; the rank is at most ${Math.min(r, c)}`,
        because: [
          `a rank-r factorisation of a [${r}, ${c}] operator has r <= min(${r}, ${c})`,
          ...whyDims(p.rows, p.cols),
        ],
        fix: { title: `use rank = ${Math.min(r, c)} or less`, edits: [] },
      });
    }
    for (const p of this.pendingShapes) {
      if (p.type.rows.value !== undefined && p.type.cols.value !== undefined) continue;
      this.report({
        uri: p.uri,
        range: p.range,
        code: "LIN0409",
        severity: 2,
        message: `the shape of operator ${p.name} is not written and no map uses it, so it stays unknown`,
        because: ["an operator without `[rows, cols]` takes its shape from the maps that use it"],
        fix: { title: `write the shape, e.g. \`operator ${p.name}[rows, cols] = …\`, or use it in a map`, edits: [] },
      });
    }
  }

  program(entry: string): CheckedProgram {
    const types = this.types;
    const symbols = this.symbols;
    return {
      entry,
      modules: this.modules,
      warnings: this.diagnostics.filter((d) => d.severity !== 1),
      typeOf: (node) => types.get(node),
      symbolOf: (ref) => symbols.get(ref),
    };
  }
}

/** Where the dimensions' known values come from (e.g. an operator's written shape), as related locations. */
export function dimLocations(...dims: (Dim | undefined)[]): RelatedInformation[] {
  const out: RelatedInformation[] = [];
  for (const d of dims) {
    const why = d?.why;
    if (why?.location !== undefined && !out.some((r) => r.message === why.reason)) out.push({ location: why.location, message: why.reason });
  }
  return out;
}

export function whyDims(...dims: Dim[]): string[] {
  const out: string[] = [];
  for (const d of dims) {
    const why = d.why;
    if (why && !out.includes(why.reason)) out.push(why.reason);
  }
  return out;
}
