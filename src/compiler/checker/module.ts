// Checks one module: resolves names in order (a name is visible below its declaration), gives every
// space, expression and declaration a type, and reports every error it finds without stopping.
// Errors yield the poison type, which silences the checks that would only repeat them.
import type { RelatedInformation, SuggestedFix } from "../../ast/diagnostic.js";
import type {
  Arg,
  Block,
  Call,
  EntryDecl,
  Expr,
  Ident,
  ImportDecl,
  Item,
  LetDecl,
  MapDecl,
  Member,
  NameRef,
  NetworkDecl,
  OperatorDecl,
  Program,
  SpaceDecl,
  SpaceExpr,
  TrainDecl,
  TypeExpr,
  VerifyStmt,
} from "../../ast/nodes.js";
import { spanRanges, type Location, type Range } from "../../ast/source.js";
import { fitsKind, literalOf, literalText, matchArgs, type ArgProblem } from "./args.js";
import {
  blocks as blockSpecs,
  dataSources,
  describeKind,
  laws,
  operatorBuiltins,
  permuteModes,
  requiredTrainFields,
  samplerParams,
  trainFields,
  valueBuiltins,
  verifyOptions,
  type ParamSpec,
} from "./builtins.js";
import type { CheckedModule, SymbolInfo, SymbolKind } from "./checked.js";
import type { CheckCode } from "../codes.js";
import { Dim, type DimOrigin } from "./dims.js";
import { isInside } from "./host.js";
import { dimLocations, whyDims, type Session } from "./session.js";
import { closest } from "./suggest.js";
import {
  describeSpace,
  describeType,
  dimension,
  errorType,
  formatShape,
  mapSignature,
  sameSpace,
  spaceDim,
  spaceLocations,
  spaceName,
  type MapT,
  type NetworkT,
  type OperatorStructure,
  type OperatorT,
  type Space,
  type Type,
} from "./types.js";

interface Report {
  readonly related?: readonly RelatedInformation[];
  readonly because?: readonly string[];
  readonly fix?: SuggestedFix;
}

type Lookup = { readonly found: SymbolInfo } | { readonly reported: true } | { readonly absent: true };

const isValueBuiltin = (name: string): boolean => (valueBuiltins as readonly string[]).includes(name);

export class ModuleChecker {
  private readonly symbols = new Map<string, SymbolInfo>();
  /** Every top-level name and the index of the item declaring it, for use-before-definition. */
  private readonly declaredAt = new Map<string, { index: number; range: Range }>();
  /** The names each declaration refers to, computed only when a cycle must be named. */
  private readonly references = new Map<string, Set<string>>();
  private locals: Map<string, SymbolInfo> | undefined;
  private currentIndex = -1;
  /** Inside an operator or map value, an unknown name is reported as an unknown operator. */
  private operatorContext = false;
  private readonly spaces: { name: string; space: Space }[] = [];
  private readonly networks: CheckedModule["networks"][number][] = [];
  private readonly operators: CheckedModule["operators"][number][] = [];
  private readonly maps: CheckedModule["maps"][number][] = [];

  constructor(
    private readonly session: Session,
    private readonly uri: string,
    private readonly text: string,
    private readonly program: Program,
  ) {}

  run(): CheckedModule {
    const items = this.program.items;
    items.forEach((item, index) => {
      const name = itemName(item);
      if (name && !this.declaredAt.has(name.name)) this.declaredAt.set(name.name, { index, range: name.range });
    });
    items.forEach((item, index) => {
      this.currentIndex = index;
      this.item(item);
    });
    return {
      uri: this.uri,
      program: this.program,
      symbols: this.symbols,
      spaces: this.spaces,
      networks: this.networks,
      operators: this.operators,
      maps: this.maps,
    };
  }

  // ------------------------------------------------------------------ reporting helpers

  private error(code: CheckCode, range: Range, message: string, r: Report = {}): void {
    // A message is one line whatever the user's text held (a newline in a path, say).
    const oneLine = message.replace(/\s*[\r\n]+\s*/g, " ");
    const related = (r.related ?? []).filter(
      (x, i, all) =>
        all.findIndex((y) => y.message === x.message && y.location.uri === x.location.uri && y.location.range.start.offset === x.location.range.start.offset) === i,
    );
    this.session.report({ uri: this.uri, range, code, message: oneLine, ...r, related });
  }

  private loc(range: Range): Location {
    return { uri: this.uri, range };
  }

  /** The source text of a node, shortened for messages. */
  private show(range: Range): string {
    const t = this.text.slice(range.start.offset, range.end.offset).replace(/\s+/g, " ");
    return t.length <= 40 ? t : `${t.slice(0, 37)}...`;
  }

  private record<T extends Type>(node: Parameters<Session["types"]["set"]>[0], t: T): T {
    this.session.types.set(node, t);
    return t;
  }

  // ------------------------------------------------------------------ names and scopes

  private define(name: Ident, kind: SymbolKind, node: SymbolInfo["node"], type: Type): void {
    const existing = this.symbols.get(name.name);
    if (existing) {
      this.error("LIN0202", name.range, `\`${name.name}\` is already declared in this file`, {
        related: [{ location: { uri: existing.uri, range: existing.nameRange }, message: `first declaration of ${name.name}` }],
        fix: { title: `rename one of the two declarations of ${name.name}`, edits: [] },
      });
      return;
    }
    this.symbols.set(name.name, { name: name.name, kind, uri: this.uri, nameRange: name.range, node, type });
    this.record(node, type);
  }

  private lookup(id: Ident): Lookup {
    const local = this.locals?.get(id.name);
    if (local) return { found: local };
    const sym = this.symbols.get(id.name);
    if (sym) return { found: sym };
    const later = this.declaredAt.get(id.name);
    if (later) {
      const here = itemNameAt(this.program.items[this.currentIndex]);
      if (later.index === this.currentIndex) {
        this.error("LIN0204", id.range, `\`${id.name}\` refers to itself in its own definition`, {
          because: ["a declaration is visible only below itself; Linea has no recursion"],
          fix: { title: `define ${id.name} without referring to it`, edits: [] },
        });
        return { reported: true };
      }
      const cycle = here ? this.cycleThrough(id.name, here) : undefined;
      if (cycle) {
        this.error("LIN0204", id.range, `recursive definition: ${[here, ...cycle].join(" -> ")}`, {
          related: [{ location: this.loc(later.range), message: `${id.name} declared here` }],
          because: [`${cycle.join(" -> ")} refers back to ${here}; Linea has no recursion`],
          fix: { title: "break the cycle: define one of them from the others' parts", edits: [] },
        });
        return { reported: true };
      }
      if (later.index > this.currentIndex) {
        this.error("LIN0203", id.range, `\`${id.name}\` is used before its definition`, {
          related: [{ location: this.loc(later.range), message: `${id.name} is declared here, below its use` }],
          because: ["a declaration is visible only below itself"],
          fix: { title: `move the declaration of ${id.name} above this use`, edits: [] },
        });
        return { reported: true };
      }
      // Declared above but failed to define (a duplicate or error): already reported.
      return { reported: true };
    }
    return { absent: true };
  }

  /** A path from `from` back to `target` through the names later declarations refer to. */
  private cycleThrough(from: string, target: string): string[] | undefined {
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

  private referencesOf(name: string): Set<string> {
    let refs = this.references.get(name);
    if (!refs) {
      const at = this.declaredAt.get(name);
      const item = at ? this.program.items[at.index] : undefined;
      refs = item ? referencedNames(item) : new Set();
      this.references.set(name, refs);
    }
    return refs;
  }

  private unknownName(id: Ident, what: string, candidates: Iterable<string>, code: CheckCode = "LIN0201"): void {
    const list = [...candidates];
    const guess = closest(id.name, list);
    const inScope = code === "LIN0201" || code === "LIN0405";
    this.error(code, id.range, `unknown ${what} \`${id.name}\``, {
      because: [inScope ? `no declaration, import or parameter in scope is named ${id.name}` : `the known ${what}s are ${list.join(", ")}`],
      ...(guess ? { fix: { title: `did you mean \`${guess}\`?`, edits: [{ uri: this.uri, range: id.range, newText: guess }] } } : {}),
    });
  }

  private scopeNames(): string[] {
    return [...this.symbols.keys(), ...(this.locals?.keys() ?? [])];
  }

  /** Resolves `name` or `alias.name` to a symbol, reporting unknown names; undefined when reported. */
  private resolveRef(ref: NameRef | Member): SymbolInfo | undefined {
    const sym = this.resolveRefInner(ref);
    if (sym) this.session.symbols.set(ref, sym);
    return sym;
  }

  private resolveRefInner(ref: NameRef | Member): SymbolInfo | undefined {
    if (ref.kind === "Name") {
      const r = this.lookup(ref.name);
      if ("found" in r) return r.found;
      if ("absent" in r) this.unknownName(ref.name, "name", this.scopeNames());
      return undefined;
    }
    const owner = ref.object;
    if (owner.kind !== "Name" && owner.kind !== "Member") {
      this.error("LIN0209", owner.range, `\`${this.show(owner.range)}\` is not an import alias`);
      return undefined;
    }
    const mod = this.resolveRef(owner);
    if (!mod) return undefined;
    return this.memberOf(mod, ref.name);
  }

  private memberOf(mod: SymbolInfo, name: Ident): SymbolInfo | undefined {
    if (mod.type.kind === "Error") return undefined;
    if (mod.type.kind !== "Module") {
      this.error("LIN0209", name.range, `\`${mod.name}\` is a ${describeType(mod.type)}, not an import alias, so \`${mod.name}.${name.name}\` names nothing`);
      return undefined;
    }
    const target = this.session.modules.get(mod.type.uri);
    const sym = target?.symbols.get(name.name);
    if (!sym) {
      const guess = target ? closest(name.name, target.symbols.keys()) : undefined;
      this.error("LIN0208", name.range, `module \`${mod.name}\` declares no \`${name.name}\``, {
        related: [{ location: { uri: mod.uri, range: mod.nameRange }, message: `${mod.name} imports ${mod.type.uri}` }],
        ...(guess ? { fix: { title: `did you mean \`${mod.name}.${guess}\`?`, edits: [{ uri: this.uri, range: name.range, newText: guess }] } } : {}),
      });
      return undefined;
    }
    return sym;
  }

  // ------------------------------------------------------------------ items

  private item(item: Item): void {
    switch (item.kind) {
      case "Import":
        return this.importDecl(item);
      case "SpaceDecl":
        return this.spaceDecl(item);
      case "NetworkDecl":
        return this.networkDecl(item);
      case "OperatorDecl":
        return this.operatorDecl(item);
      case "MapDecl":
        return this.mapDecl(item);
      case "LetDecl":
        return this.letDecl(item);
      case "EntryDecl":
        return this.entryDecl(item);
      case "Verify":
        return this.verify(item);
      case "TrainDecl":
        return this.train(item);
    }
  }

  private importDecl(d: ImportDecl): void {
    const target = this.session.resolveImport(this.uri, d.path.value);
    const fail = (): void => this.define(d.alias, "import", d, errorType);
    if (!isInside(this.session.root, target)) {
      this.error("LIN0207", d.path.range, `import ${JSON.stringify(d.path.value)} leaves the project folder ${this.session.root}`, {
        because: [`it resolves to ${target}`, "a spec may import only files inside its project (the nearest folder with linea.json, package.json or .git)"],
        fix: { title: "copy the file into the project, or check from a folder that contains both", edits: [] },
      });
      return fail();
    }
    const cycleAt = this.session.loading.indexOf(target);
    if (cycleAt >= 0) {
      const chain = [...this.session.loading.slice(cycleAt), target];
      this.error("LIN0206", d.path.range, `import cycle: ${chain.map(baseName).join(" -> ")}`, {
        because: chain.slice(0, -1).map((u, i) => `${u} imports ${chain[i + 1]}`),
        fix: { title: "move what both files need into a third file that both import", edits: [] },
      });
      return fail();
    }
    const text = this.session.modules.has(target) ? "" : this.session.options.host.readFile(target);
    if (text === undefined) {
      this.error("LIN0205", d.path.range, `cannot read imported file ${JSON.stringify(d.path.value)}`, {
        because: [`it resolves to ${target}, which does not exist or is not a readable file`],
        fix: { title: "correct the path; it is relative to the importing file", edits: [] },
      });
      return fail();
    }
    this.session.load(target, text);
    this.define(d.alias, "import", d, { kind: "Module", uri: target, alias: d.alias.name });
  }

  private spaceDecl(d: SpaceDecl): void {
    const space = this.space(d.value);
    if (!space) return this.define(d.name, "space", d, errorType);
    const labelled: Space = { ...space, label: { name: d.name.name, location: this.loc(d.name.range) } };
    this.spaces.push({ name: d.name.name, space: labelled });
    this.define(d.name, "space", d, { kind: "Space", space: labelled });
  }

  private networkDecl(d: NetworkDecl): void {
    const over = this.space(d.over);
    if (over && over.kind !== "Euclidean") {
      this.error("LIN0506", d.over.range, `network ${d.name.name} acts on ${describeSpace(over)}, which is not a Euclidean space`, {
        related: spaceLocations(over),
        because: ["an invertible network maps Euclidean coordinates; induced spaces are what networks produce"],
        fix: { title: `declare ${d.name.name} over a Euclidean space such as ${formatShape(over.shape)}`, edits: [{ uri: this.uri, range: d.over.range, newText: formatShape(over.shape) }] },
      });
    }
    const shape = over?.kind === "Euclidean" ? over.shape : undefined;
    const outputShape = this.blocks(d.blocks, shape);
    if (!over || !shape) return this.define(d.name, "network", d, errorType);
    const type: NetworkT = {
      kind: "Network",
      id: { uri: this.uri, name: d.name.name, location: this.loc(d.name.range) },
      space: over,
      tagged: d.tagged,
      outputShape: outputShape ?? shape,
    };
    this.networks.push({ name: d.name.name, type, decl: d });
    this.define(d.name, "network", d, type);
  }

  private operatorDecl(d: OperatorDecl): void {
    const declared = this.operatorShape(d);
    const value = this.operatorValue(d.value, `operator ${d.name.name}`);
    if (!value) return this.define(d.name, "operator", d, errorType);
    if (declared) {
      const origin: DimOrigin = { reason: `operator ${d.name.name} is declared [${declared.join(", ")}]`, location: this.loc(d.name.range) };
      const rows = Dim.unify(value.rows, Dim.of(declared[0], origin));
      const cols = rows.ok ? Dim.unify(value.cols, Dim.of(declared[1], origin)) : rows;
      if (!cols.ok) {
        const isSquare = operatorBuiltins[value.structure]?.square === true && declared[0] !== declared[1];
        const message = isSquare
          ? `operator ${d.name.name} is declared [${declared.join(", ")}] but ${value.structure} is square`
          : `operator ${d.name.name} is declared [${declared.join(", ")}] but its value needs ${cols.left} where the declaration says ${cols.right}`;
        this.error(isSquare ? "LIN0404" : "LIN0401", d.value.range, message, {
          because: [
            ...(isSquare ? [`${value.structure} maps a space to one of the same dimension`] : []),
            ...(cols.leftWhy ? [cols.leftWhy.reason] : []),
          ],
          fix: {
            title: isSquare
              ? "declare a square shape [n, n], or use a rectangular operator such as dense or lowrank"
              : "make the declared shape agree with the value",
            edits: [],
          },
        });
      }
    } else if (!d.shape) {
      this.session.requireShape({ uri: this.uri, range: d.name.range, name: d.name.name, type: value });
    }
    this.operators.push({ name: d.name.name, type: value, decl: d });
    this.define(d.name, "operator", d, value);
  }

  /** `[n]` or `[rows, cols]` with positive integers; undefined when absent or invalid (reported). */
  private operatorShape(d: OperatorDecl): [number, number] | undefined {
    if (!d.shape) return undefined;
    const dims = d.shape.map((n) => n.value);
    // The parser reports dimensions that are not positive integers (LIN0105).
    if (d.shape.some((n) => !Number.isInteger(n.value) || n.value <= 0)) return undefined;
    if (dims.length === 0 || dims.length > 2) {
      const range = spanRanges(d.shape[0]?.range ?? d.name.range, d.shape[d.shape.length - 1]?.range ?? d.name.range);
      this.error("LIN0408", range, `operator ${d.name.name} has shape [${dims.join(", ")}]; a shape is [n] or [rows, cols] with positive integers`, {
        fix: { title: "write the shape as [rows, cols] = [dim of codomain, dim of domain]", edits: [] },
      });
      return undefined;
    }
    return dims.length === 1 ? [dims[0], dims[0]] : [dims[0], dims[1]];
  }

  /** Checks an operator expression; reports and returns undefined when it is not an operator. */
  private operatorValue(e: Expr, owner: string): OperatorT | undefined {
    this.operatorContext = true;
    const t = this.expr(e);
    this.operatorContext = false;
    if (t.kind === "Operator") return t;
    if (t.kind !== "Error") {
      const code: CheckCode = owner.startsWith("map") ? "LIN0318" : "LIN0405";
      this.error(code, e.range, `the value of ${owner} is a ${describeType(t)}, not an operator on coordinates`, {
        because: [`${owner.split(" ")[0]} declarations take an operator expression such as dense, lowrank(rank = 4) or A * B`],
        fix: { title: t.kind === "Map" ? "bind maps built from other maps with `let`" : "give an operator expression", edits: [] },
      });
    }
    return undefined;
  }

  private mapDecl(d: MapDecl): void {
    const domain = this.space(d.domain);
    const codomain = this.space(d.codomain);
    const op = this.operatorValue(d.value, `map ${d.name.name}`);
    if (op && domain && codomain) {
      const sig = `map ${d.name.name} : ${mapSignature(domain, codomain)}`;
      const origin = (n: number, side: string): DimOrigin => ({
        reason: `${sig} needs ${side} = ${n} (dim ${side === "rows" ? spaceName(codomain) : spaceName(domain)})`,
        location: this.loc(d.name.range),
      });
      const rows = Dim.unify(op.rows, Dim.of(spaceDim(codomain), origin(spaceDim(codomain), "rows")));
      const cols = rows.ok ? Dim.unify(op.cols, Dim.of(spaceDim(domain), origin(spaceDim(domain), "cols"))) : rows;
      if (!cols.ok) {
        const wanted = `[${spaceDim(codomain)}, ${spaceDim(domain)}]`;
        this.error("LIN0401", d.value.range, `${sig} needs an operator of shape ${wanted}, but \`${this.show(d.value.range)}\` has ${cols.left} ${rows.ok ? "columns" : "rows"}`, {
          related: [...spaceLocations(domain), ...spaceLocations(codomain), ...dimLocations(rows.ok ? op.cols : op.rows)],
          because: [
            `a map X -> Y acts on coordinates by an operator of shape [dim Y, dim X] = ${wanted}`,
            ...(cols.leftWhy ? [cols.leftWhy.reason] : []),
            ...(op.rows === op.cols && spaceDim(domain) !== spaceDim(codomain) ? [`${op.structure} operators are square, and dim ${spaceName(domain)} != dim ${spaceName(codomain)}`] : []),
          ],
          fix: { title: `use an operator of shape ${wanted}`, edits: [] },
        });
      }
    }
    if (!domain || !codomain || !op) return this.define(d.name, "map", d, errorType);
    const type: MapT = { kind: "Map", domain, codomain, timeConditioned: op.timeConditioned };
    this.maps.push({ name: d.name.name, type, decl: d });
    this.define(d.name, "map", d, type);
  }

  private letDecl(d: LetDecl): void {
    const value = this.expr(d.value);
    const annotated = d.annotation ? this.typeExpr(d.annotation) : undefined;
    if (annotated && annotated.kind !== "Error" && value.kind !== "Error" && !sameType(annotated, value)) {
      this.error("LIN0311", d.value.range, `\`${d.name.name}\` is annotated as ${describeType(annotated)} but its value is a ${describeType(value)}`, {
        related: [
          ...(annotated.kind === "Map" ? [...spaceLocations(annotated.domain), ...spaceLocations(annotated.codomain)] : []),
          ...(value.kind === "Map" ? [...spaceLocations(value.domain), ...spaceLocations(value.codomain)] : []),
        ],
        because: annotationBecause(annotated, value),
        fix: { title: "correct the annotation or the value", edits: [] },
      });
    }
    this.define(d.name, "let", d, annotated && annotated.kind !== "Error" ? annotated : value);
  }

  private typeExpr(t: TypeExpr): Type {
    if (t.kind === "ScalarType") return this.record(t, { kind: "Scalar" });
    if (t.kind === "MapType") {
      const domain = this.space(t.domain);
      const codomain = this.space(t.codomain);
      if (!domain || !codomain) return errorType;
      return this.record(t, { kind: "Map", domain, codomain, timeConditioned: false });
    }
    const space = this.space(t);
    return space ? { kind: "Vector", space } : errorType;
  }

  private entryDecl(d: EntryDecl): void {
    const locals = new Map<string, SymbolInfo>();
    const params: Space[] = [];
    let ok = true;
    for (const p of d.params) {
      const space = this.space(p.space);
      if (!space) ok = false;
      else params.push(space);
      const type: Type = space ? { kind: "Vector", space } : errorType;
      const prev = locals.get(p.name.name);
      if (prev) {
        this.error("LIN0202", p.name.range, `parameter \`${p.name.name}\` is declared twice in entry ${d.name.name}`, {
          related: [{ location: this.loc(prev.nameRange), message: "first parameter with this name" }],
          fix: { title: "rename one of the parameters", edits: [] },
        });
        continue;
      }
      locals.set(p.name.name, { name: p.name.name, kind: "param", uri: this.uri, nameRange: p.name.range, node: p, type });
      this.record(p, type);
    }
    this.locals = locals;
    const result = this.expr(d.body);
    this.locals = undefined;
    this.define(d.name, "entry", d, ok ? { kind: "Entry", params, result } : errorType);
  }

  // ------------------------------------------------------------------ spaces and networks

  /** The space a space expression denotes; undefined when it does not denote one (reported). */
  private space(s: SpaceExpr): Space | undefined {
    const space = this.spaceInner(s);
    if (space) this.record(s, { kind: "Space", space });
    return space;
  }

  private spaceInner(s: SpaceExpr): Space | undefined {
    switch (s.kind) {
      case "MissingSpace":
        return undefined;
      case "EuclideanSpace": {
        // The parser reports extents that are not positive integers (LIN0105); poison them quietly.
        if (s.shape.length === 0 || s.shape.some((n) => !Number.isInteger(n) || n <= 0)) return undefined;
        return { kind: "Euclidean", shape: s.shape };
      }
      case "SpaceRef": {
        const sym = this.resolveRef(s.ref);
        if (!sym || sym.type.kind === "Error") return undefined;
        if (sym.type.kind === "Space") return sym.type.space;
        this.wrongKind(s.ref.range, sym, "a space");
        return undefined;
      }
      case "InducedSpace": {
        const sym = this.resolveRef(s.network);
        if (!sym || sym.type.kind === "Error") return undefined;
        if (sym.type.kind !== "Network") {
          this.wrongKind(s.network.range, sym, "a network");
          return undefined;
        }
        const net = sym.type;
        const netLoc = { location: net.id.location, message: `network ${net.id.name} declared here${net.tagged ? " (tagged)" : ""}` };
        if (s.tag) {
          if (!net.tagged) {
            this.error("LIN0303", s.tag.range, `network ${net.id.name} is not tagged, so \`induced ${net.id.name}[${s.tag.text}]\` has no meaning`, {
              related: [netLoc],
              because: ["only a network declared `tagged` induces one space per tag"],
              fix: { title: `declare \`network ${net.id.name} : … tagged { … }\`, or write \`induced ${net.id.name}\``, edits: [] },
            });
            return undefined;
          }
          // The parser reports tags that are not whole numbers (LIN0105).
          if (!Number.isInteger(s.tag.value) || s.tag.value < 0) return undefined;
          return { kind: "Induced", network: net.id, tag: s.tag.value, shape: net.space.shape };
        }
        if (net.tagged) {
          this.error("LIN0304", s.range, `network ${net.id.name} is tagged: say which space, \`induced ${net.id.name}[0]\` or \`induced ${net.id.name}[1]\``, {
            related: [netLoc],
            because: [`a tagged network induces a different space for each tag`],
            fix: { title: `write induced ${net.id.name}[1]`, edits: [{ uri: this.uri, range: s.network.range, newText: `${this.show(s.network.range)}[1]` }] },
          });
          return undefined;
        }
        return { kind: "Induced", network: net.id, shape: net.space.shape };
      }
    }
  }

  private wrongKind(range: Range, sym: SymbolInfo, wanted: string): void {
    this.error("LIN0209", range, `\`${sym.name}\` is a ${describeType(sym.type)}, not ${wanted}`, {
      related: [{ location: { uri: sym.uri, range: sym.nameRange }, message: `${sym.name} declared here` }],
      fix: { title: `name ${wanted} here`, edits: [] },
    });
  }

  /** Checks blocks in order, tracking the shape (a squeeze changes it); returns the shape after. */
  private blocks(list: readonly Block[], shape: readonly number[] | undefined): readonly number[] | undefined {
    let s = shape;
    for (const b of list) {
      if (b.kind === "Repeat") {
        const n = b.count.value;
        if (!Number.isInteger(n) || n <= 0) {
          // The parser reports the count (LIN0105); still check the body once.
          s = this.blocks(b.body, s);
          continue;
        }
        s = this.blocks(b.body, s);
        // Later copies only change the shape through squeezes; replay those without re-reporting.
        const squeezes = countSqueezes(b.body);
        for (let i = 1; i < n && squeezes > 0 && s; i++) {
          for (let k = 0; k < squeezes && s; k++) {
            const next = squeezed(s);
            if (!next) {
              this.squeezeError(b.range, s, `copy ${i + 1} of repeat ${n}`);
              return undefined;
            }
            s = next;
          }
        }
        continue;
      }
      s = this.layer(b, s);
    }
    return s;
  }

  private squeezeError(range: Range, shape: readonly number[], where: string): void {
    this.error("LIN0505", range, `squeeze needs a [C, H, W] shape with H and W even, but ${where} sees ${shapeText(shape)}`, {
      because: ["a 2x2 squeeze turns [C, H, W] into [4C, H/2, W/2]", `the shape at this point is ${shapeText(shape)}`],
      fix: { title: "declare the network over R[C, H, W] with H and W divisible by 2 for every squeeze", edits: [] },
    });
  }

  private layer(b: Extract<Block, { kind: "Layer" }>, shape: readonly number[] | undefined): readonly number[] | undefined {
    const name = b.name.name;
    const spec = blockSpecs[name];
    if (!spec) {
      this.unknownName(b.name, "network block", Object.keys(blockSpecs), "LIN0501");
      return shape;
    }
    let args = b.args ?? [];
    if (name === "permute") {
      const [first, ...rest] = args;
      const mode = first && !first.name ? literalOf(first.value) : undefined;
      if (!mode || mode.kind !== "ident" || !(permuteModes as readonly string[]).includes(mode.name)) {
        this.error("LIN0507", first?.range ?? b.range, `permute needs \`reverse\` or \`random\` as its first argument${mode ? `, not ${literalText(mode)}` : ""}`, {
          fix: { title: "write permute(reverse) or permute(random, seed = 0)", edits: [] },
        });
        args = first && !first.name ? rest : args;
      } else {
        args = rest;
        const seed = rest.find((a) => a.name?.name === "seed");
        if (mode.name === "reverse" && seed) {
          this.error("LIN0502", seed.range, "permute(reverse) takes no seed; only permute(random, …) does", {
            fix: { title: "drop the seed, or use permute(random, seed = …)", edits: [] },
          });
          args = rest.filter((a) => a !== seed);
        }
      }
    }
    const m = matchArgs(args, spec.params, false, b.range);
    for (const p of m.problems) this.argProblem(p, `block ${name}`, { unknown: "LIN0502", value: "LIN0503" }, spec.params);
    if (spec.splits && shape && dimension(shape) < 2) {
      this.error("LIN0508", b.name.range, `${name} splits its input in two halves, but the network acts on ${shapeText(shape)} (1 feature)`, {
        fix: { title: "use actnorm or inv_dense for one-dimensional spaces", edits: [] },
      });
    }
    if (name === "squeeze" && shape) {
      const next = squeezed(shape);
      if (!next) {
        this.squeezeError(b.name.range, shape, "this squeeze");
        return undefined;
      }
      return next;
    }
    return shape;
  }

  /** Reports an argument-matching problem under the caller's codes. */
  private argProblem(
    p: ArgProblem,
    owner: string,
    codes: { unknown: CheckCode; value: CheckCode },
    params: readonly ParamSpec[],
  ): void {
    const known = params.map((q) => q.name);
    const takes = known.length ? `it takes ${known.join(", ")}` : "it takes no arguments";
    switch (p.kind) {
      case "unknown": {
        const guess = closest(p.name, known);
        this.error(codes.unknown, p.arg.range, `${owner} has no argument \`${p.name}\``, {
          because: [takes],
          fix: guess
            ? { title: `did you mean \`${guess}\`?`, edits: p.arg.name ? [{ uri: this.uri, range: p.arg.name.range, newText: guess }] : [] }
            : { title: "remove the argument", edits: [] },
        });
        return;
      }
      case "duplicate":
        this.error(codes.unknown, p.arg.range, `${owner} gets \`${p.name}\` twice`, { fix: { title: "keep one of them", edits: [] } });
        return;
      case "positional":
        this.error(codes.unknown, p.arg.range, `${owner} takes no positional argument here`, {
          because: [takes],
          fix: { title: "name the argument, e.g. `name = value`", edits: [] },
        });
        return;
      case "missing":
        this.error(codes.unknown, p.range, `${owner} needs \`${p.param.name}\` (${describeKind(p.param.type)})`, {
          fix: { title: `add \`${p.param.name} = …\``, edits: [] },
        });
        return;
      case "value": {
        const activation = p.param.name === "activation" && codes.unknown === "LIN0502";
        const lit = literalOf(p.arg.value);
        const guess = p.param.type.kind === "enum" && lit?.kind === "ident" ? closest(lit.name, p.param.type.values) : undefined;
        this.error(activation ? "LIN0504" : codes.value, p.arg.value.range, `${owner}: \`${p.param.name}\` must be ${describeKind(p.param.type)}, not ${literalText(lit)}`, {
          ...(guess ? { fix: { title: `did you mean \`${guess}\`?`, edits: [{ uri: this.uri, range: p.arg.value.range, newText: guess }] } } : {}),
        });
        return;
      }
    }
  }

  // ------------------------------------------------------------------ expressions

  private expr(e: Expr): Type {
    return this.record(e, this.exprInner(e));
  }

  private exprInner(e: Expr): Type {
    switch (e.kind) {
      case "Number":
        return { kind: "Scalar", value: e.value };
      case "String":
        this.error("LIN0310", e.range, "a string is not a value here; strings name imported files and data sources");
        return errorType;
      case "MissingExpr":
        return errorType;
      case "Name":
        return this.name(e);
      case "Member":
        return this.member(e);
      case "Call":
        return this.call(e);
      case "Index":
        return this.index(e);
      case "Unary": {
        const t = this.expr(e.operand);
        if (t.kind === "Scalar") return t.value === undefined ? t : { kind: "Scalar", value: -t.value };
        if (t.kind === "Operator") return { ...t, structure: "scaled" };
        if (t.kind === "Map" || t.kind === "Vector" || t.kind === "Error") return t;
        this.error("LIN0310", e.range, `cannot negate a ${describeType(t)}`);
        return errorType;
      }
      case "Binary":
        return this.binary(e);
    }
  }

  private name(e: NameRef): Type {
    const r = this.lookup(e.name);
    if ("found" in r) {
      this.session.symbols.set(e, r.found);
      return r.found.type;
    }
    if ("reported" in r) return errorType;
    const n = e.name.name;
    if (operatorBuiltins[n]) return this.operatorBuiltin(n, undefined, e.range);
    if (isValueBuiltin(n)) {
      this.error("LIN0313", e.range, `\`${n}\` is a builtin function; call it with arguments, e.g. ${n}(f)`);
      return errorType;
    }
    if (this.operatorContext) this.unknownName(e.name, "operator", [...Object.keys(operatorBuiltins), ...this.scopeNames()], "LIN0405");
    else this.unknownName(e.name, "name", this.scopeNames());
    return errorType;
  }

  private member(e: Member): Type {
    if (e.object.kind === "Name" || e.object.kind === "Member") {
      // A qualified name through an import alias resolves as a name, not as a field.
      const head = rootName(e.object);
      const sym = head ? this.peek(head) : undefined;
      if (sym && (sym.type.kind === "Module" || (sym.kind === "import" && sym.type.kind === "Error"))) {
        const found = this.resolveRef(e);
        return found ? found.type : errorType;
      }
    }
    const t = this.expr(e.object);
    if (t.kind === "Error") return t;
    if (t.kind === "Svd") {
      const k: Space = { kind: "Euclidean", shape: [t.rank] };
      switch (e.name.name) {
        case "U":
          return { kind: "Map", domain: k, codomain: t.codomain, timeConditioned: false };
        case "S":
          return { kind: "Map", domain: k, codomain: k, timeConditioned: false };
        case "Vt":
          return { kind: "Map", domain: t.domain, codomain: k, timeConditioned: false };
        case "left":
          return { kind: "Basis", space: t.codomain, count: t.rank };
        case "right":
          return { kind: "Basis", space: t.domain, count: t.rank };
        case "values":
          return { kind: "Values", count: t.rank };
      }
    }
    const fields = t.kind === "Svd" ? ["U", "S", "Vt", "left", "right", "values"] : [];
    const guess = closest(e.name.name, fields);
    this.error("LIN0314", e.name.range, `a ${describeType(t)} has no field \`${e.name.name}\``, {
      because: [fields.length ? `svd factors have the fields ${fields.join(", ")}` : "only svd(f) factors and import aliases have fields"],
      ...(guess ? { fix: { title: `did you mean \`${guess}\`?`, edits: [{ uri: this.uri, range: e.name.range, newText: guess }] } } : {}),
    });
    return errorType;
  }

  /** A name's symbol without reporting anything. */
  private peek(name: string): SymbolInfo | undefined {
    return this.locals?.get(name) ?? this.symbols.get(name);
  }

  private index(e: Extract<Expr, { kind: "Index" }>): Type {
    const t = this.expr(e.object);
    const i = this.expr(e.index);
    if (t.kind === "Error" || i.kind === "Error") return errorType;
    if (t.kind !== "Basis" && t.kind !== "Values") {
      this.error("LIN0315", e.range, `a ${describeType(t)} cannot be indexed`, {
        because: ["only svd(f).left, svd(f).right and svd(f).values are indexed"],
      });
      return errorType;
    }
    if (i.kind !== "Scalar" || i.value === undefined || !Number.isInteger(i.value) || i.value < 0 || i.value >= t.count) {
      this.error("LIN0315", e.index.range, `index ${this.show(e.index.range)} is not an integer in 0..${t.count - 1}`, {
        because: [`there are ${t.count} singular ${t.kind === "Basis" ? "vectors" : "values"} (the smaller of the two dimensions)`],
      });
      return errorType;
    }
    return t.kind === "Basis" ? { kind: "Vector", space: t.space } : { kind: "Scalar" };
  }

  // ------------------------------------------------------------------ arithmetic

  private binary(e: Extract<Expr, { kind: "Binary" }>): Type {
    const l = this.expr(e.left);
    const r = this.expr(e.right);
    if (l.kind === "Error" || r.kind === "Error") return errorType;
    const mismatch = this.operandMismatch;
    if (l.kind === "Scalar" && r.kind === "Scalar") return scalarArith(e.op, l.value, r.value);
    switch (e.op) {
      case "*":
        if (l.kind === "Map" && r.kind === "Map") return this.compose(e, l, r);
        if (l.kind === "Operator" && r.kind === "Operator") return this.product(e, l, r);
        if (l.kind === "Scalar" && isScalable(r)) return scaled(r);
        if (r.kind === "Scalar" && isScalable(l)) return scaled(l);
        if (l.kind === "Map" && r.kind === "Vector") return mismatch(e, l, r, `apply the map to the vector with ${this.show(e.left.range)}(${this.show(e.right.range)})`);
        return mismatch(e, l, r);
      case "/":
        if (r.kind === "Scalar" && isScalable(l)) return scaled(l);
        return mismatch(e, l, r);
      case "+":
      case "-":
        if (l.kind === "Map" && r.kind === "Map") return this.combine(e, l, r);
        if (l.kind === "Vector" && r.kind === "Vector") return this.vectorPair(e.range, l.space, r.space, e.op === "+" ? "add" : "subtract", e.left, e.right, { kind: "Vector", space: l.space });
        if (l.kind === "Operator" && r.kind === "Operator") return this.operatorSum(e, l, r);
        return mismatch(e, l, r);
      case "^":
        return this.power(e, l, r);
    }
  }

  private readonly operandMismatch = (e: Extract<Expr, { kind: "Binary" }>, l: Type, r: Type, hint?: string): Type => {
    this.error("LIN0310", e.range, `\`${e.op}\` cannot combine a ${describeType(l)} and a ${describeType(r)}`, {
      because: hint ? [hint] : [],
      ...(hint ? { fix: { title: hint, edits: [] } } : {}),
    });
    return errorType;
  };

  private compose(e: Extract<Expr, { kind: "Binary" }>, g: MapT, f: MapT): Type {
    const composed: MapT = { kind: "Map", domain: f.domain, codomain: g.codomain, timeConditioned: f.timeConditioned || g.timeConditioned };
    if (sameSpace(f.codomain, g.domain)) return composed;
    const gText = this.show(e.left.range);
    const fText = this.show(e.right.range);
    const df = spaceDim(f.codomain);
    const dg = spaceDim(g.domain);
    const tail = df === dg ? `; equal dimension ${df} is not enough` : ` (dimensions ${df} and ${dg})`;
    this.error(
      "LIN0301",
      e.range,
      `cannot compose ${gText} * ${fText}: ${fText} : ${spaceName(f.domain)} -> ${describeSpace(f.codomain)} but ${gText} expects ${describeSpace(g.domain)}${tail}`,
      {
        related: [
          ...spaceLocations(f.codomain).map((r) => ({ ...r, message: `codomain of ${fText}: ${r.message}` })),
          ...spaceLocations(g.domain).map((r) => ({ ...r, message: `domain of ${gText}: ${r.message}` })),
        ],
        because: [
          `${fText} ends in ${spaceName(f.codomain)} ${spaceProvenance(f.codomain)}`,
          `${gText} starts from ${spaceName(g.domain)} ${spaceProvenance(g.domain)}`,
          "composition needs the very same space in the middle: induced spaces are equal only when induced by the same network declaration with the same tag, never because their dimensions agree",
        ],
        fix: this.composeFix(e.left, f.codomain, g.domain, gText),
      },
    );
    return composed;
  }

  /** Where the left map of a bad composition is a declared map, retarget its domain; else explain. */
  private composeFix(left: Expr, wanted: Space, had: Space, gText: string): SuggestedFix {
    const title = `compose through the same space: declare ${gText} on ${spaceName(wanted)}, or build the right-hand map so that it ends in ${spaceName(had)}`;
    if (left.kind !== "Name") return { title, edits: [] };
    const sym = this.peek(left.name.name);
    if (!sym || sym.node.kind !== "MapDecl" || sym.uri !== this.uri) return { title, edits: [] };
    const label = wanted.label;
    const writable = label ? label.location.uri === this.uri && this.symbols.get(label.name)?.type.kind === "Space" : true;
    if (!writable) return { title, edits: [] };
    return { title, edits: [{ uri: this.uri, range: sym.node.domain.range, newText: spaceName(wanted) }] };
  }

  private combine(e: Extract<Expr, { kind: "Binary" }>, l: MapT, r: MapT): Type {
    if (sameSpace(l.domain, r.domain) && sameSpace(l.codomain, r.codomain)) {
      return { kind: "Map", domain: l.domain, codomain: l.codomain, timeConditioned: l.timeConditioned || r.timeConditioned };
    }
    const which = !sameSpace(l.domain, r.domain) ? "domains" : "codomains";
    const [a, b] = which === "domains" ? [l.domain, r.domain] : [l.codomain, r.codomain];
    this.error("LIN0308", e.range, `cannot ${e.op === "+" ? "add" : "subtract"} maps ${mapSignature(l.domain, l.codomain)} and ${mapSignature(r.domain, r.codomain)}: their ${which} differ (${describeSpace(a)} vs ${describeSpace(b)})`, {
      related: [...spaceLocations(a), ...spaceLocations(b)],
      because: ["a linear combination of maps needs one domain and one codomain", ...(spaceDim(a) === spaceDim(b) ? [`equal dimension ${spaceDim(a)} is not enough`] : [])],
      fix: { title: "combine maps declared between the same two spaces", edits: [] },
    });
    return errorType;
  }

  private vectorPair(range: Range, a: Space, b: Space, verb: string, left: Expr, right: Expr, result: Type): Type {
    if (sameSpace(a, b)) return result;
    this.error("LIN0309", range, `cannot ${verb} ${this.show(left.range)} in ${describeSpace(a)} and ${this.show(right.range)} in ${describeSpace(b)}`, {
      related: [...spaceLocations(a), ...spaceLocations(b)],
      because: ["induced vector operations act inside one space", ...(spaceDim(a) === spaceDim(b) ? [`equal dimension ${spaceDim(a)} is not enough`] : [])],
      fix: { title: `map one of them into the other's space first, e.g. f(${this.show(right.range)}) with a map ${spaceName(b)} -> ${spaceName(a)}`, edits: [] },
    });
    return errorType;
  }

  private product(e: Extract<Expr, { kind: "Binary" }>, a: OperatorT, b: OperatorT): Type {
    const u = Dim.unify(a.cols, b.rows);
    if (!u.ok) {
      this.error("LIN0402", e.range, `cannot multiply ${this.show(e.left.range)} (${u.left} columns) by ${this.show(e.right.range)} (${u.right} rows)`, {
        related: dimLocations(a.cols, b.rows),
        because: ["A * B needs the columns of A to equal the rows of B", ...whyDims(a.cols, b.rows)],
        fix: { title: "reorder the factors or fix one operator's shape", edits: [] },
      });
    }
    return { kind: "Operator", rows: a.rows, cols: b.cols, timeConditioned: a.timeConditioned || b.timeConditioned, structure: "product" };
  }

  private operatorSum(e: Extract<Expr, { kind: "Binary" }>, a: OperatorT, b: OperatorT): Type {
    const rows = Dim.unify(a.rows, b.rows);
    const cols = rows.ok ? Dim.unify(a.cols, b.cols) : rows;
    if (!cols.ok) {
      const shape = (t: OperatorT): string => `[${t.rows.value ?? "?"}, ${t.cols.value ?? "?"}]`;
      this.error("LIN0403", e.range, `cannot ${e.op === "+" ? "add" : "subtract"} operators of shapes ${shape(a)} and ${shape(b)}`, {
        related: dimLocations(a.rows, a.cols, b.rows, b.cols),
        because: ["a sum of operators needs one shape", ...whyDims(a.rows, a.cols, b.rows, b.cols)],
        fix: { title: "give both operators the same [rows, cols]", edits: [] },
      });
    }
    return { kind: "Operator", rows: a.rows, cols: a.cols, timeConditioned: a.timeConditioned || b.timeConditioned, structure: "sum" };
  }

  private power(e: Extract<Expr, { kind: "Binary" }>, base: Type, k: Type): Type {
    if (base.kind !== "Map" && base.kind !== "Operator") {
      this.error("LIN0310", e.range, `\`^\` cannot raise a ${describeType(base)} to a power`);
      return errorType;
    }
    if (k.kind !== "Scalar" || k.value === undefined || !Number.isInteger(k.value) || k.value < 0) {
      this.error("LIN0317", e.right.range, `the exponent \`${this.show(e.right.range)}\` is not a non-negative integer literal`, {
        fix: { title: "write a whole number such as 2; for an inverse use pinv", edits: [] },
      });
      return errorType;
    }
    if (base.kind === "Map") {
      if (!sameSpace(base.domain, base.codomain)) {
        this.notEndomorphism(e.left, base, `${this.show(e.left.range)} ^ ${k.value}`);
        return errorType;
      }
      return base;
    }
    const u = Dim.unify(base.rows, base.cols);
    if (!u.ok) {
      this.error("LIN0404", e.range, `a power needs a square operator, but ${this.show(e.left.range)} is [${u.left}, ${u.right}]`, {
        because: whyDims(base.rows, base.cols),
      });
      return errorType;
    }
    return { ...base, structure: "power" };
  }

  private notEndomorphism(at: Expr, f: MapT, what: string, code: CheckCode = "LIN0307"): void {
    this.error(code, at.range, `${what} needs a map from a space to itself, but ${this.show(at.range)} : ${mapSignature(f.domain, f.codomain)}`, {
      related: [...spaceLocations(f.domain), ...spaceLocations(f.codomain)],
      because: [
        `${spaceName(f.domain)} ${spaceProvenance(f.domain)} is not ${spaceName(f.codomain)} ${spaceProvenance(f.codomain)}`,
        ...(spaceDim(f.domain) === spaceDim(f.codomain) ? [`equal dimension ${spaceDim(f.domain)} is not enough`] : []),
      ],
      fix: { title: `use a map ${spaceName(f.domain)} -> ${spaceName(f.domain)}`, edits: [] },
    });
  }

  // ------------------------------------------------------------------ calls

  private call(e: Call): Type {
    if (e.callee.kind === "Name") {
      const n = e.callee.name.name;
      const shadowed = this.peek(n) !== undefined || this.declaredAt.has(n);
      if (!shadowed && operatorBuiltins[n]) return this.operatorBuiltin(n, e.args, e.range);
      if (!shadowed && isValueBuiltin(n)) return this.record(e.callee, this.valueBuiltin(n, e));
    }
    const f = this.expr(e.callee);
    if (f.kind === "Error") {
      for (const a of e.args) this.expr(a.value);
      return errorType;
    }
    if (f.kind !== "Map") {
      for (const a of e.args) this.expr(a.value);
      this.error("LIN0320", e.callee.range, `\`${this.show(e.callee.range)}\` is a ${describeType(f)} and cannot be called`, {
        because: ["only maps (applied to a vector) and builtins can be called"],
      });
      return errorType;
    }
    const [x] = this.positional(e, 1, this.show(e.callee.range));
    if (!x) return errorType;
    const xt = this.expr(x);
    if (xt.kind === "Error") return errorType;
    if (f.timeConditioned) {
      this.error("LIN0316", e.range, `${this.show(e.callee.range)} is time-conditioned; fix a time before applying it`, {
        fix: { title: `apply at(${this.show(e.callee.range)}, t)(x) or sampler(${this.show(e.callee.range)}, …)(x)`, edits: [] },
      });
      return errorType;
    }
    if (xt.kind !== "Vector") {
      this.error("LIN0306", x.range, `${this.show(e.callee.range)} : ${mapSignature(f.domain, f.codomain)} is applied to a ${describeType(xt)}, not a vector of ${spaceName(f.domain)}`);
      return errorType;
    }
    if (!sameSpace(xt.space, f.domain)) {
      const fText = this.show(e.callee.range);
      this.error("LIN0306", x.range, `${fText} : ${describeSpace(f.domain)} -> ${spaceName(f.codomain)} is applied to ${this.show(x.range)} in ${describeSpace(xt.space)}${spaceDim(xt.space) === spaceDim(f.domain) ? `; equal dimension ${spaceDim(xt.space)} is not enough` : ""}`, {
        related: [...spaceLocations(f.domain), ...spaceLocations(xt.space)],
        because: [`${fText} is defined on ${spaceName(f.domain)} only`],
        fix: { title: `apply ${fText} to a vector of ${spaceName(f.domain)}`, edits: [] },
      });
      return { kind: "Vector", space: f.codomain };
    }
    return { kind: "Vector", space: f.codomain };
  }

  /** Exactly `n` positional arguments and no keywords; reports and returns [] otherwise. */
  private positional(e: Call, n: number, what: string, code: CheckCode = "LIN0313"): Expr[] {
    const pos = e.args.filter((a) => !a.name).map((a) => a.value);
    const kw = e.args.find((a) => a.name);
    if (pos.length !== n || kw) {
      for (const a of e.args) this.expr(a.value);
      this.error(code, kw?.range ?? e.range, kw
        ? `${what} takes no keyword argument \`${kw.name?.name ?? ""}\``
        : `${what} takes ${n} argument${n === 1 ? "" : "s"}, but ${pos.length} ${pos.length === 1 ? "was" : "were"} given`);
      return [];
    }
    return pos;
  }

  private operatorBuiltin(name: string, args: readonly Arg[] | undefined, range: Range): OperatorT {
    const spec = operatorBuiltins[name];
    const m = matchArgs(args ?? [], spec.params, true, range);
    for (const p of m.problems) this.argProblem(p, `operator ${name}`, { unknown: "LIN0406", value: "LIN0406" }, spec.params);
    const rows = Dim.unknown();
    const cols = spec.square ? rows : Dim.unknown();
    const rank = spec.rankParam ? m.values.get(spec.rankParam)?.literal : undefined;
    if (rank?.kind === "number" && Number.isInteger(rank.value) && rank.value > 0) {
      this.session.requireRank({ uri: this.uri, range, builtin: name, rank: rank.value, rows, cols });
    }
    return { kind: "Operator", rows, cols, timeConditioned: spec.timeConditioned, structure: name as OperatorStructure };
  }

  private oneArg(e: Call, name: string): Type | undefined {
    const [a] = this.positional(e, 1, name);
    return a ? this.expr(a) : undefined;
  }

  private wrongArg(e: Call, name: string, t: Type, wanted: string, hint?: string): Type {
    if (t.kind === "Error") return t;
    this.error("LIN0312", e.args[0]?.value.range ?? e.range, `${name} needs ${wanted}, but got a ${describeType(t)}`, hint ? { fix: { title: hint, edits: [] } } : {});
    return errorType;
  }

  private valueBuiltin(name: string, e: Call): Type {
    switch (name) {
      case "adjoint": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        if (t.kind === "Map") return { kind: "Map", domain: t.codomain, codomain: t.domain, timeConditioned: t.timeConditioned };
        return this.wrongArg(e, name, t, "a map", t.kind === "Operator" ? "use transpose(A) for operators" : undefined);
      }
      case "pinv": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        if (t.kind === "Map") return { kind: "Map", domain: t.codomain, codomain: t.domain, timeConditioned: t.timeConditioned };
        if (t.kind === "Operator") return { ...t, rows: t.cols, cols: t.rows, structure: "pinv" };
        return this.wrongArg(e, name, t, "a map or an operator");
      }
      case "transpose": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        if (t.kind === "Operator") return { ...t, rows: t.cols, cols: t.rows, structure: "transpose" };
        return this.wrongArg(e, name, t, "an operator", t.kind === "Map" ? "use adjoint(f) for maps" : undefined);
      }
      case "project": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        if (t.kind === "Map") return { kind: "Map", domain: t.codomain, codomain: t.codomain, timeConditioned: t.timeConditioned };
        return this.wrongArg(e, name, t, "a map");
      }
      case "svd": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        if (t.kind !== "Map") return this.wrongArg(e, name, t, "a map");
        if (t.timeConditioned) return this.needsFixedTime(e, "svd");
        return { kind: "Svd", domain: t.domain, codomain: t.codomain, rank: Math.min(spaceDim(t.domain), spaceDim(t.codomain)) };
      }
      case "id":
      case "zero": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        if (t.kind !== "Space") return this.wrongArg(e, name, t, "a space", t.kind === "Vector" ? `name the space, e.g. ${name}(X)` : undefined);
        return name === "id" ? { kind: "Map", domain: t.space, codomain: t.space, timeConditioned: false } : { kind: "Vector", space: t.space };
      }
      case "norm": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        return t.kind === "Vector" ? { kind: "Scalar" } : this.wrongArg(e, name, t, "a vector");
      }
      case "inner": {
        const [x, y] = this.positional(e, 2, name);
        if (!x || !y) return errorType;
        const tx = this.expr(x);
        const ty = this.expr(y);
        if (tx.kind !== "Vector") return this.wrongArg(e, name, tx, "two vectors");
        if (ty.kind !== "Vector") {
          if (ty.kind === "Error") return ty;
          this.error("LIN0312", y.range, `inner needs two vectors, but got a ${describeType(ty)}`);
          return errorType;
        }
        return this.vectorPair(e.range, tx.space, ty.space, "take the inner product of", x, y, { kind: "Scalar" });
      }
      case "at": {
        const [v, t] = this.positional(e, 2, name);
        if (!v || !t) return errorType;
        const tv = this.expr(v);
        const tt = this.expr(t);
        if (tv.kind === "Error" || tt.kind === "Error") return errorType;
        if ((tv.kind !== "Map" && tv.kind !== "Operator") || !tv.timeConditioned) {
          return this.needsTimeConditioned(v, tv, "at");
        }
        if (tt.kind !== "Scalar") {
          this.error("LIN0312", t.range, `at needs a time (a scalar in [0, 1]), but got a ${describeType(tt)}`);
          return errorType;
        }
        if (tt.value !== undefined && (tt.value < 0 || tt.value > 1)) {
          this.error("LIN0319", t.range, `time ${tt.value} is outside [0, 1]`, { fix: { title: "use a time between 0 and 1", edits: [] } });
          return errorType;
        }
        return tv.kind === "Map" ? { ...tv, timeConditioned: false } : { ...tv, timeConditioned: false, structure: "at" };
      }
      case "sampler": {
        const pos = e.args.filter((a) => !a.name);
        const kws = e.args.filter((a) => a.name);
        if (pos.length !== 1) {
          for (const a of e.args) this.expr(a.value);
          this.error("LIN0313", e.range, `sampler takes 1 positional argument (the velocity map), but ${pos.length} were given`);
          return errorType;
        }
        const m = matchArgs(kws, samplerParams, false, e.range);
        for (const p of m.problems) this.argProblem(p, "sampler", { unknown: "LIN0313", value: "LIN0319" }, samplerParams);
        const tv = this.expr(pos[0].value);
        if (tv.kind === "Error") return tv;
        if (tv.kind !== "Map" || !tv.timeConditioned) return this.needsTimeConditioned(pos[0].value, tv, "sampler");
        return m.problems.length ? errorType : { ...tv, timeConditioned: false };
      }
    }
    return errorType;
  }

  private needsTimeConditioned(at: Expr, t: Type, what: string): Type {
    this.error("LIN0316", at.range, `${what} needs a time-conditioned map, but ${this.show(at.range)} is a ${describeType(t)}`, {
      because: ["a map is time-conditioned when its operator is time_conditioned(…)"],
      fix: { title: `declare the operator with time_conditioned(rank = …)`, edits: [] },
    });
    return errorType;
  }

  private needsFixedTime(e: Call, what: string): Type {
    this.error("LIN0316", e.range, `${what} needs a map at a fixed time, but its argument is time-conditioned`, {
      fix: { title: "fix the time with at(v, t) or collapse it with sampler(v, …)", edits: [] },
    });
    return errorType;
  }

  // ------------------------------------------------------------------ statements

  private verify(s: VerifyStmt): void {
    const law = s.law.name;
    const m = matchArgs(s.options, verifyOptions, false, s.range);
    for (const p of m.problems) this.argProblem(p, "verify", { unknown: "LIN0602", value: "LIN0602" }, verifyOptions);
    if (!(laws as readonly string[]).includes(law)) {
      for (const a of s.args) this.expr(a.value);
      this.unknownName(s.law, "law", laws, "LIN0601");
      return;
    }
    const pos = s.args.filter((a) => !a.name);
    const kws = s.args.filter((a) => a.name);
    const arity = law === "equal" ? 2 : 1;
    if (law === "one_step") {
      const sm = matchArgs(kws, samplerParams, false, s.range);
      for (const p of sm.problems) this.argProblem(p, "verify one_step", { unknown: "LIN0603", value: "LIN0603" }, samplerParams);
    } else if (kws.length) {
      this.error("LIN0603", kws[0].range, `law ${law} takes no keyword arguments; options go after \`with\``);
    }
    const types = pos.map((a) => this.expr(a.value));
    if (pos.length !== arity) {
      this.error("LIN0603", s.range, `law ${law} takes ${arity} argument${arity === 1 ? "" : "s"}, but ${pos.length} ${pos.length === 1 ? "was" : "were"} given`);
      return;
    }
    if (types.some((t) => t.kind === "Error")) return;
    const [t0, t1] = types;
    const a0 = pos[0].value;
    const bad = (wanted: string): void => {
      this.error("LIN0603", a0.range, `law ${law} needs ${wanted}, but \`${this.show(a0.range)}\` is a ${describeType(t0)}`);
    };
    switch (law) {
      case "roundtrip":
        if (t0.kind !== "Network") bad("a network");
        return;
      case "axioms":
        if (t0.kind !== "Space") bad("a space");
        return;
      case "one_step":
        if (t0.kind !== "Map" || !t0.timeConditioned) this.needsTimeConditioned(a0, t0, "verify one_step");
        return;
      case "idempotent":
      case "projector":
        if (t0.kind !== "Map") return bad("a map");
        if (!sameSpace(t0.domain, t0.codomain)) this.notEndomorphism(a0, t0, `verify ${law}`);
        return;
      case "equal":
        if (t0.kind !== "Map" || t1.kind !== "Map") {
          this.error("LIN0603", s.range, `law equal needs two maps, but got a ${describeType(t0)} and a ${describeType(t1)}`);
          return;
        }
        if (!sameSpace(t0.domain, t1.domain) || !sameSpace(t0.codomain, t1.codomain)) {
          this.error("LIN0308", s.range, `verify equal compares maps of one type, but got ${mapSignature(t0.domain, t0.codomain)} and ${mapSignature(t1.domain, t1.codomain)}`, {
            related: [...spaceLocations(t0.domain), ...spaceLocations(t0.codomain), ...spaceLocations(t1.domain), ...spaceLocations(t1.codomain)],
            because: ["maps between different spaces are never equal"],
          });
        }
        return;
      default:
        if (t0.kind !== "Map") bad("a map");
        else if (t0.timeConditioned && law !== "linear") this.needsTimeConditionedFixed(a0, law);
        return;
    }
  }

  private needsTimeConditionedFixed(at: Expr, law: string): void {
    this.error("LIN0316", at.range, `law ${law} needs a map at a fixed time, but \`${this.show(at.range)}\` is time-conditioned`, {
      fix: { title: "fix the time with at(v, t) or collapse it with sampler(v, …)", edits: [] },
    });
  }

  private train(d: TrainDecl): void {
    const seen = new Map<string, Range>();
    for (const f of d.fields) {
      const key = f.key.name;
      const prev = seen.get(key);
      if (prev) {
        this.error("LIN0607", f.key.range, `train ${d.name.name} sets \`${key}\` twice`, {
          related: [{ location: this.loc(prev), message: `first \`${key}\`` }],
          fix: { title: "keep one of them", edits: [] },
        });
        continue;
      }
      seen.set(key, f.key.range);
      const kind = trainFields[key];
      if (!kind) {
        this.unknownName(f.key, "train field", Object.keys(trainFields), "LIN0604");
        continue;
      }
      if (kind === "model") {
        const t = this.expr(f.value);
        if (t.kind !== "Error" && t.kind !== "Map" && t.kind !== "Network" && t.kind !== "Operator") {
          this.error("LIN0605", f.value.range, `train model must be a map, a network or an operator, not a ${describeType(t)}`);
        }
        continue;
      }
      if (kind === "data") {
        this.dataSource(f.value);
        continue;
      }
      const lit = literalOf(f.value);
      if (!fitsKind(lit, kind)) {
        this.error("LIN0605", f.value.range, `train field \`${key}\` must be ${describeKind(kind)}, not ${literalText(lit)}`);
      }
    }
    for (const r of requiredTrainFields) {
      if (!seen.has(r)) {
        this.error("LIN0606", d.name.range, `train ${d.name.name} has no \`${r}\``, {
          because: ["training needs a model and the data to fit it to"],
          fix: { title: `add \`${r} = …;\``, edits: [] },
        });
      }
    }
    this.define(d.name, "train", d, { kind: "Train", name: d.name.name });
  }

  private dataSource(e: Expr): void {
    if (e.kind === "String") {
      this.record(e, { kind: "Dataset", source: e.value });
      return;
    }
    const callee = e.kind === "Call" && e.callee.kind === "Name" ? e.callee.name.name : e.kind === "Name" ? e.name.name : undefined;
    if (!callee || !(dataSources as readonly string[]).includes(callee)) {
      this.error("LIN0605", e.range, `train data must be a data source (${dataSources.join(", ")}) or a path string`, {
        ...(callee && closest(callee, dataSources) ? { fix: { title: `did you mean \`${closest(callee, dataSources) ?? ""}\`?`, edits: [] } } : {}),
      });
      return;
    }
    if (e.kind === "Call") {
      for (const a of e.args) {
        if (!literalOf(a.value)) this.error("LIN0605", a.value.range, `arguments of data source ${callee} are literals (numbers, names, strings)`);
      }
    }
    this.record(e, { kind: "Dataset", source: callee });
  }
}

// ------------------------------------------------------------------ helpers

function itemName(item: Item): Ident | undefined {
  return item.kind === "Verify" ? undefined : item.kind === "Import" ? item.alias : item.name;
}

function itemNameAt(item: Item | undefined): string | undefined {
  return item ? itemName(item)?.name : undefined;
}

function baseName(uri: string): string {
  return uri.split(/[\\/]/).pop() ?? uri;
}

function rootName(e: NameRef | Member): string | undefined {
  if (e.kind === "Name") return e.name.name;
  return e.object.kind === "Name" || e.object.kind === "Member" ? rootName(e.object) : undefined;
}

/** The top-level names an item's value refers to, for naming recursion cycles. */
function referencedNames(item: Item): Set<string> {
  const out = new Set<string>();
  const expr = (e: Expr): void => {
    switch (e.kind) {
      case "Name":
        out.add(e.name.name);
        return;
      case "Member":
        return expr(e.object);
      case "Call":
        expr(e.callee);
        return e.args.forEach((a) => expr(a.value));
      case "Index":
        expr(e.object);
        return expr(e.index);
      case "Binary":
        expr(e.left);
        return expr(e.right);
      case "Unary":
        return expr(e.operand);
      default:
        return;
    }
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

function countSqueezes(list: readonly Block[]): number {
  let n = 0;
  for (const b of list) {
    if (b.kind === "Layer" && b.name.name === "squeeze") n++;
    if (b.kind === "Repeat" && Number.isInteger(b.count.value) && b.count.value > 0) n += b.count.value * countSqueezes(b.body);
  }
  return n;
}

function squeezed(shape: readonly number[]): readonly number[] | undefined {
  if (shape.length !== 3) return undefined;
  const [c, h, w] = shape;
  if (h % 2 !== 0 || w % 2 !== 0) return undefined;
  return [4 * c, h / 2, w / 2];
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function spaceProvenance(space: Space): string {
  if (space.kind === "Euclidean") return `(Euclidean ${formatShape(space.shape)})`;
  return `(induced by network ${space.network.name}${space.tag === undefined ? "" : ` with tag ${space.tag}`}, dimension ${spaceDim(space)})`;
}

function scalarArith(op: string, a: number | undefined, b: number | undefined): Type {
  if (a === undefined || b === undefined) return { kind: "Scalar" };
  const v = op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : op === "/" ? a / b : a ** b;
  return { kind: "Scalar", value: v };
}

function isScalable(t: Type): boolean {
  return t.kind === "Map" || t.kind === "Operator" || t.kind === "Vector";
}

function scaled(t: Type): Type {
  return t.kind === "Operator" ? { ...t, structure: "scaled" } : t;
}

function sameType(a: Type, b: Type): boolean {
  if (a.kind === "Map" && b.kind === "Map") return sameSpace(a.domain, b.domain) && sameSpace(a.codomain, b.codomain) && !b.timeConditioned;
  if (a.kind === "Vector" && b.kind === "Vector") return sameSpace(a.space, b.space);
  return a.kind === "Scalar" && b.kind === "Scalar";
}

function annotationBecause(a: Type, v: Type): string[] {
  if (a.kind === "Map" && v.kind === "Map") {
    const out: string[] = [];
    if (!sameSpace(a.domain, v.domain)) out.push(`domain: ${describeSpace(a.domain)} vs ${describeSpace(v.domain)}`);
    if (!sameSpace(a.codomain, v.codomain)) out.push(`codomain: ${describeSpace(a.codomain)} vs ${describeSpace(v.codomain)}`);
    if (v.timeConditioned) out.push("the value is time-conditioned");
    return out;
  }
  if (a.kind === "Vector" && v.kind === "Vector") return [`${describeSpace(a.space)} vs ${describeSpace(v.space)}`];
  return [];
}
