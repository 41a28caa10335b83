// The bottom layer of the module checker: its scope (top-level names, entry parameters, the order of
// declarations), name resolution with use-before-definition and recursion diagnostics, and the
// reporting helpers every later layer uses. Layers, each extending the one before: scope → spaces
// (spaces and network blocks) → expressions → calls (builtins) → statements → module (items).
import type { Arg, Expr, Ident, Item, Member, NameRef, Node, Program, SpaceExpr } from "../../ast/nodes.js";
import type { Location, Range } from "../../ast/source.js";
import { allSubexpressions } from "../../ast/walk.js";
import { literalValue, type ArgProblem } from "./args.js";
import type { ParamSpec } from "./builtins.js";
import { declKey, type CheckedModule, type LiteralArgs, type SymbolInfo, type SymbolKind } from "./checked.js";
import type { CheckCode } from "../../diagnostics/codes.js";
import type { CheckerSession } from "./context.js";
import * as messages from "./messages/index.js";
import type { SpaceType, Type } from "./types.js";

type Lookup = { readonly found: SymbolInfo } | { readonly reported: true } | { readonly absent: true };

export abstract class ScopeChecker {
  protected readonly symbols = new Map<string, SymbolInfo>();
  /** Every top-level name and the index of the item declaring it, for use-before-definition. */
  protected readonly declaredAt = new Map<string, { index: number; range: Range }>();
  /** The names each declaration refers to, computed only when a cycle must be named. */
  protected readonly references = new Map<string, Set<string>>();
  protected locals: Map<string, SymbolInfo> | undefined;
  protected currentIndex = -1;
  /** Inside an operator or map value, an unknown name is reported as an unknown operator. */
  protected operatorContext = false;
  protected readonly spaces: { name: string; space: SpaceType }[] = [];
  protected readonly networks: CheckedModule["networks"][number][] = [];
  protected readonly operators: CheckedModule["operators"][number][] = [];
  protected readonly maps: CheckedModule["maps"][number][] = [];

  constructor(
    protected readonly session: CheckerSession,
    protected readonly uri: string,
    protected readonly text: string,
    protected program: Program,
  ) {}

  // ------------------------------------------------------------------ reporting helpers

  /** Reports a message of messages/ at `range` in this module. */
  protected report(range: Range, m: messages.Message): void {
    const { code, message, ...r } = m;
    // A message is one line whatever the user's text held (a newline in a path, say).
    const oneLine = message.replace(/\s*[\r\n]+\s*/g, " ");
    const related = (r.related ?? []).filter(
      (x, i, all) => all.findIndex((y) => y.message === x.message && y.location.uri === x.location.uri && y.location.range.start.offset === x.location.range.start.offset) === i,
    );
    this.session.report({ uri: this.uri, range, code, message: oneLine, ...r, related });
  }

  protected loc(range: Range): Location {
    return { uri: this.uri, range };
  }

  /** The source text of a node, shortened for messages. */
  protected show(range: Range): string {
    const t = this.text.slice(range.start.offset, range.end.offset).replace(/\s+/g, " ");
    return t.length <= 40 ? t : `${t.slice(0, 37)}...`;
  }

  protected record<T extends Type>(node: Node, t: T): T {
    this.session.recordType(this.uri, node, t);
    return t;
  }

  // ------------------------------------------------------------------ names and scopes

  protected define(name: Ident, kind: SymbolKind, node: SymbolInfo["node"], type: Type): void {
    const existing = this.symbols.get(name.name);
    if (existing) {
      this.report(name.range, messages.duplicateDeclaration(name.name, existing));
      return;
    }
    const sym: SymbolInfo = { name: name.name, kind, uri: this.uri, key: declKey(this.uri, name.name), nameRange: name.range, node, type };
    this.symbols.set(name.name, sym);
    this.session.recordDeclaration(sym);
    this.record(node, type);
  }

  protected lookup(id: Ident): Lookup {
    const local = this.locals?.get(id.name);
    if (local) return { found: local };
    const sym = this.symbols.get(id.name);
    if (sym) return { found: sym };
    const later = this.declaredAt.get(id.name);
    if (later) {
      const here = itemNameAt(this.program.items[this.currentIndex]);
      if (later.index === this.currentIndex) {
        this.report(id.range, messages.selfReference(id.name));
        return { reported: true };
      }
      const cycle = here ? this.cycleThrough(id.name, here) : undefined;
      if (cycle && here) {
        this.report(id.range, messages.recursiveDefinition(here, cycle, id.name, this.loc(later.range)));
        return { reported: true };
      }
      if (later.index > this.currentIndex) {
        this.report(id.range, messages.usedBeforeDefinition(id.name, this.loc(later.range)));
        return { reported: true };
      }
      // Declared above but failed to define (a duplicate or error): already reported.
      return { reported: true };
    }
    return { absent: true };
  }

  /** A path from `from` back to `target` through the names later declarations refer to. */
  protected cycleThrough(from: string, target: string): string[] | undefined {
    const seen = new Set<string>();
    const walk = (name: string): string[] | undefined => {
      if (name === target) return [name];
      if (seen.has(name)) return undefined;
      seen.add(name);
      for (const next of this.referencesOf(name)) {
        const info = this.declaredAt.get(next);
        if (!info || info.index < this.currentIndex) continue;
        const rest = walk(next);
        if (rest) return [name, ...rest];
      }
      return undefined;
    };
    return walk(from);
  }

  protected referencesOf(name: string): Set<string> {
    let refs = this.references.get(name);
    if (!refs) {
      const at = this.declaredAt.get(name);
      const item = at ? this.program.items[at.index] : undefined;
      refs = item ? referencedNames(item) : new Set();
      this.references.set(name, refs);
    }
    return refs;
  }

  protected unknownName(id: Ident, candidates: readonly string[]): void {
    this.report(id.range, messages.unknownName(id, candidates, this.uri));
  }

  /** The names in scope, or only those of the given kinds (so a did-you-mean names the right kind of thing). */
  protected scopeNames(kinds?: readonly SymbolKind[]): string[] {
    const all = [...this.symbols.values(), ...(this.locals?.values() ?? [])];
    return all.filter((s) => kinds === undefined || kinds.includes(s.kind)).map((s) => s.name);
  }

  /** Resolves `name` or `alias.name` to a symbol, reporting unknown names; undefined when reported. */
  protected resolveRef(ref: NameRef | Member): SymbolInfo | undefined {
    const sym = this.resolveRefInner(ref);
    if (sym) this.session.recordSymbol(this.uri, ref, sym);
    return sym;
  }

  protected resolveRefInner(ref: NameRef | Member): SymbolInfo | undefined {
    if (ref.kind === "Name") {
      const r = this.lookup(ref.name);
      if ("found" in r) return r.found;
      if ("absent" in r) this.unknownName(ref.name, this.scopeNames());
      return undefined;
    }
    const owner = ref.object;
    if (owner.kind !== "Name" && owner.kind !== "Member") {
      this.report(owner.range, messages.notImportAlias(this.show(owner.range)));
      return undefined;
    }
    const mod = this.resolveRef(owner);
    if (!mod) return undefined;
    return this.memberOf(mod, ref.name);
  }

  protected memberOf(mod: SymbolInfo, name: Ident): SymbolInfo | undefined {
    if (mod.type.kind === "Error") return undefined;
    if (mod.type.kind !== "Module") {
      this.report(name.range, messages.memberOfNonModule(mod.name, mod.type, name.name));
      return undefined;
    }
    const target = this.session.module(mod.type.uri);
    const sym = target?.symbols.get(name.name);
    if (!sym) {
      this.report(name.range, messages.unknownMember(mod, mod.type.uri, name, target?.symbols.keys(), this.uri));
      return undefined;
    }
    return sym;
  }

  /** A name's symbol without reporting anything. */
  protected peek(name: string): SymbolInfo | undefined {
    return this.locals?.get(name) ?? this.symbols.get(name);
  }

  protected wrongKind(range: Range, sym: SymbolInfo, wanted: string): void {
    this.report(range, messages.wrongKind(sym, wanted));
  }

  /** Records the literal values of arguments (keywords by name, positional as `#i`) for later stages. */
  protected recordArguments(node: Node, args: readonly Arg[]): LiteralArgs {
    const values = new Map<string, number | string>();
    args.forEach((a, i) => {
      const v = literalValue(a.value);
      if (v !== undefined) values.set(a.name?.name ?? `#${i}`, v);
    });
    this.session.recordArguments(node, values);
    return values;
  }

  /** Reports an argument-matching problem under the caller's codes. */
  protected argProblem(p: ArgProblem, owner: string, codes: { unknown: CheckCode; value: CheckCode }, params: readonly ParamSpec[]): void {
    const range = p.kind === "missing" ? p.range : p.kind === "value" ? p.arg.value.range : p.arg.range;
    this.report(range, messages.argumentProblem(p, owner, codes, params, this.uri));
  }
}

// ------------------------------------------------------------------ helpers

export function itemName(item: Item): Ident | undefined {
  return item.kind === "Verify" ? undefined : item.kind === "Import" ? item.alias : item.name;
}

function itemNameAt(item: Item | undefined): string | undefined {
  return item ? itemName(item)?.name : undefined;
}

export function rootName(e: NameRef | Member): string | undefined {
  if (e.kind === "Name") return e.name.name;
  return e.object.kind === "Name" || e.object.kind === "Member" ? rootName(e.object) : undefined;
}

/** The top-level names an item's value refers to, for naming recursion cycles. */
function referencedNames(item: Item): Set<string> {
  const out = new Set<string>();
  const expr = (e: Expr): void => {
    for (const sub of allSubexpressions(e)) if (sub.kind === "Name") out.add(sub.name.name);
  };
  const space = (s: SpaceExpr): void => {
    if (s.kind === "SpaceRef") expr(s.ref);
    if (s.kind === "InducedSpace") expr(s.network);
  };
  switch (item.kind) {
    case "SpaceDecl":
      space(item.value);
      break;
    case "NetworkDecl":
      space(item.over);
      break;
    case "OperatorDecl":
      expr(item.value);
      break;
    case "MapDecl":
      space(item.domain);
      space(item.codomain);
      expr(item.value);
      break;
    case "LetDecl":
      expr(item.value);
      break;
    case "EntryDecl":
      expr(item.body);
      break;
    case "TrainDecl":
      item.fields.forEach((f) => expr(f.value));
      break;
    default:
      break;
  }
  return out;
}
