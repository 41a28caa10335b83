// What every checking session does with what a module checker reports and learns: diagnostics into a
// list, facts into a table, resolved imports relative to the importing file, and the rank and shape
// checks that wait until every use is seen. A whole check (session.ts) and declarations added to a
// checked module (extend.ts) differ only in how they reach modules and files, which they supply.
import { dirname, resolve } from "pathe";
import { diagnostic, type Diagnostic, type DiagnosticInit } from "../../ast/diagnostic.js";
import type { Member, NameRef, Node } from "../../ast/nodes.js";
import type { BuiltinRef, CheckedModule, LiteralArgs, SymbolInfo } from "./checked.js";
import type { CheckerSession, PendingMemory, PendingRank, PendingShape } from "./context.js";
import { defaultMemoryBudget } from "./memory.js";
import type { CheckedFacts } from "./facts.js";
import * as messages from "./messages/index.js";
import type { Type } from "./types.js";

export abstract class RecordingSession implements CheckerSession {
  readonly diagnostics: Diagnostic[] = [];
  protected readonly pendingRanks: PendingRank[] = [];
  protected readonly pendingShapes: PendingShape[] = [];
  protected readonly pendingMemory: PendingMemory[] = [];
  abstract readonly root: string;
  abstract readonly loading: readonly string[];

  constructor(
    readonly facts: CheckedFacts,
    readonly memoryBudget: number = defaultMemoryBudget,
  ) {}

  abstract module(uri: string): CheckedModule | undefined;
  abstract readFile(uri: string): string | undefined;
  abstract realPath(uri: string): string;
  abstract load(uri: string, text: string): CheckedModule;

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

  resolveImport(fromUri: string, path: string): string {
    return resolve(dirname(fromUri), path);
  }

  requireRank(p: PendingRank): void {
    this.pendingRanks.push(p);
  }

  requireShape(p: PendingShape): void {
    this.pendingShapes.push(p);
  }

  requireMemory(p: PendingMemory): void {
    this.pendingMemory.push(p);
  }

  /** Each declaration that alone exceeds the budget; else, when all together do, the largest. */
  private checkMemory(): void {
    const sized = this.pendingMemory.map((p) => ({ p, bytes: p.bytes() ?? 0 }));
    const over = sized.filter((s) => s.bytes > this.memoryBudget);
    for (const { p, bytes } of over) this.report({ uri: p.uri, range: p.range, ...messages.overMemoryBudget(p.code, p.what(), bytes, this.memoryBudget) });
    const total = sized.reduce((n, s) => n + s.bytes, 0);
    if (over.length > 0 || total <= this.memoryBudget) return;
    const largest = sized.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    this.report({ uri: largest.p.uri, range: largest.p.range, ...messages.overMemoryBudget(largest.p.code, largest.p.what(), largest.bytes, this.memoryBudget, total) });
  }

  /** Checks that need every use of every operator: rank bounds and shapes that stayed unknown. */
  finish(): void {
    this.checkMemory();
    for (const p of this.pendingRanks) {
      const r = p.rows.value;
      const c = p.cols.value;
      if (r === undefined || c === undefined || p.rank <= Math.min(r, c)) continue;
      this.report({ uri: p.uri, range: p.range, ...messages.rankTooLarge(p.builtin, p.rank, p.rows, p.cols, r, c) });
    }
    for (const p of this.pendingShapes) {
      if (p.type.rows.value !== undefined && p.type.cols.value !== undefined) continue;
      this.report({ uri: p.uri, range: p.range, severity: 2, ...messages.shapeNeverInferred(p.name) });
    }
  }
}
