// What the checker learns about nodes, kept by node identity: types, resolved names, builtins, literal
// arguments, and per file the nodes and names by position (for typeAt / definitionAt). A layer can sit
// over a parent: checking declarations added to a checked module (extend.ts) writes only to its own
// layer, so the program it extends stays as it was.
import type { Member, NameRef, Node } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import type { BuiltinRef, LiteralArgs, SymbolInfo, TypedNode } from "./checked.js";
import type { Type } from "./types.js";

const noArguments: LiteralArgs = new Map();

const itemKinds = new Set<Node["kind"]>(["Import", "SpaceDecl", "NetworkDecl", "OperatorDecl", "MapDecl", "LetDecl", "EntryDecl", "Verify", "TrainDecl", "Program"]);

function holds(range: Range, offset: number): boolean {
  return range.start.offset <= offset && offset <= range.end.offset;
}

function width(range: Range): number {
  return range.end.offset - range.start.offset;
}

export class CheckedFacts {
  private readonly types = new Map<Node, Type>();
  private readonly symbols = new Map<NameRef | Member, SymbolInfo>();
  private readonly builtins = new Map<Node, BuiltinRef>();
  private readonly args = new Map<Node, LiteralArgs>();
  /** Per file: the checked non-declaration nodes and the resolved names, in the order checked. */
  private readonly typedIn = new Map<string, Node[]>();
  private readonly refsIn = new Map<string, (NameRef | Member)[]>();
  private readonly declaredIn = new Map<string, SymbolInfo[]>();

  constructor(private readonly parent?: CheckedFacts) {}

  setType(uri: string, node: Node, type: Type): void {
    if (!this.types.has(node) && !itemKinds.has(node.kind)) push(this.typedIn, uri, node);
    this.types.set(node, type);
  }

  setSymbol(uri: string, ref: NameRef | Member, sym: SymbolInfo): void {
    if (!this.symbols.has(ref)) push(this.refsIn, uri, ref);
    this.symbols.set(ref, sym);
  }

  declare(sym: SymbolInfo): void {
    push(this.declaredIn, sym.uri, sym);
  }

  setBuiltin(node: Node, builtin: BuiltinRef): void {
    this.builtins.set(node, builtin);
  }

  setArguments(node: Node, args: LiteralArgs): void {
    this.args.set(node, args);
  }

  typeOf(node: Node): Type | undefined {
    return this.types.get(node) ?? this.parent?.typeOf(node);
  }

  symbolOf(ref: NameRef | Member): SymbolInfo | undefined {
    return this.symbols.get(ref) ?? this.parent?.symbolOf(ref);
  }

  builtinOf(node: Node): BuiltinRef | undefined {
    return this.builtins.get(node) ?? this.parent?.builtinOf(node);
  }

  argumentsOf(node: Node): LiteralArgs {
    return this.args.get(node) ?? this.parent?.argumentsOf(node) ?? noArguments;
  }

  typeAt(uri: string, offset: number): TypedNode | undefined {
    let best: Node | undefined;
    for (const layer of this.layers()) {
      for (const node of layer.typedIn.get(uri) ?? []) {
        if (holds(node.range, offset) && (best === undefined || width(node.range) <= width(best.range))) best = node;
      }
    }
    const type = best && this.typeOf(best);
    return best && type ? { node: best, range: best.range, type } : undefined;
  }

  definitionAt(uri: string, offset: number): SymbolInfo | undefined {
    let best: { range: Range; sym: SymbolInfo } | undefined;
    const consider = (range: Range, sym: SymbolInfo | undefined): void => {
      if (sym && holds(range, offset) && (best === undefined || width(range) <= width(best.range))) best = { range, sym };
    };
    for (const layer of this.layers()) {
      for (const ref of layer.refsIn.get(uri) ?? []) consider(ref.range, this.symbolOf(ref));
      for (const sym of layer.declaredIn.get(uri) ?? []) consider(sym.nameRange, sym);
    }
    return best?.sym;
  }

  /** This layer and its parents, outermost (the original check) first. */
  private layers(): CheckedFacts[] {
    return this.parent ? [...this.parent.layers(), this] : [this];
  }
}

function push<T>(index: Map<string, T[]>, uri: string, value: T): void {
  const list = index.get(uri);
  if (list) list.push(value);
  else index.set(uri, [value]);
}
