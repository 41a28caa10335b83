// Checks one module: resolves names in order (a name is visible below its declaration), gives every
// space, expression and declaration a type, and reports every error it finds without stopping.
// Errors yield the poison type, which silences the checks that would only repeat them. This top
// layer checks the items (imports, spaces, networks, operators, maps, lets); the layers below it
// (scope → spaces → expressions → calls → statements) do the rest.
import type { Expr, ImportDecl, Item, LetDecl, MapDecl, NetworkDecl, OperatorDecl, SpaceDecl, TypeExpr } from "../../ast/nodes.js";
import { spanRanges } from "../../ast/source.js";
import { operatorBuiltins } from "./builtins.js";
import type { CheckedModule } from "./checked.js";
import type { CheckerSession } from "./context.js";
import { Dim, type DimOrigin } from "./dims.js";
import { isInside } from "./host.js";
import { bytesPerParameter, maxNetworkLayers, networkSize } from "./memory.js";
import * as messages from "./messages/index.js";
import { itemName } from "./scope.js";
import { StatementChecker } from "./statements.js";
import { errorType, indexedBy, sameSpace, spaceDim, type MapT, type NetworkT, type OperatorT, type SpaceType, type Type } from "./types.js";

export class ModuleChecker extends StatementChecker {
  /** Checks the module's items in order; call once. */
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
    return this.checked();
  }

  /**
   * A copy of this checker's final scope (every declaration visible) reporting to `session`, over the
   * module's items plus `lets`; checks the lets there. This checker and what it returned stay as they
   * were.
   */
  extendedWith(session: CheckerSession, lets: readonly LetDecl[]): { checker: ModuleChecker; module: CheckedModule } {
    const items = this.program.items;
    const copy = new ModuleChecker(session, this.uri, this.text, { ...this.program, items: [...items, ...lets] });
    for (const [k, v] of this.symbols) copy.symbols.set(k, v);
    for (const [k, v] of this.declaredAt) copy.declaredAt.set(k, v);
    copy.spaces.push(...this.spaces);
    copy.networks.push(...this.networks);
    copy.operators.push(...this.operators);
    copy.maps.push(...this.maps);
    lets.forEach((d, k) => {
      if (!copy.declaredAt.has(d.name.name)) copy.declaredAt.set(d.name.name, { index: items.length + k, range: d.name.range });
    });
    lets.forEach((d, k) => {
      copy.currentIndex = items.length + k;
      copy.letDecl(d);
    });
    return { checker: copy, module: copy.checked() };
  }

  private checked(): CheckedModule {
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

  protected item(item: Item): void {
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

  protected importDecl(d: ImportDecl): void {
    const target = this.session.resolveImport(this.uri, d.path.value);
    const fail = (): void => this.define(d.alias, "import", d, errorType);
    // On real paths: a symbolic link inside the project that points outside it leaves the project too.
    const realTarget = this.session.realPath(target);
    if (!isInside(this.session.realPath(this.session.root), realTarget)) {
      this.report(d.path.range, messages.importOutsideProject(d.path.value, this.session.root, realTarget));
      return fail();
    }
    const cycleAt = this.session.loading.indexOf(target);
    if (cycleAt >= 0) {
      const chain = [...this.session.loading.slice(cycleAt), target];
      this.report(d.path.range, messages.importCycle(chain));
      return fail();
    }
    const text = this.session.module(target) ? "" : this.session.readFile(target);
    if (text === undefined) {
      this.report(d.path.range, messages.importNotFound(d.path.value, target));
      return fail();
    }
    this.session.load(target, text);
    this.define(d.alias, "import", d, { kind: "Module", uri: target, alias: d.alias.name });
  }

  protected spaceDecl(d: SpaceDecl): void {
    const space = this.space(d.value);
    if (!space) return this.define(d.name, "space", d, errorType);
    const labelled: SpaceType = { ...space, label: { name: d.name.name, location: this.loc(d.name.range) } };
    this.spaces.push({ name: d.name.name, space: labelled });
    this.define(d.name, "space", d, { kind: "Space", space: labelled });
  }

  protected networkDecl(d: NetworkDecl): void {
    const over = this.space(d.over);
    if (over && over.kind !== "Euclidean") {
      this.report(d.over.range, messages.networkOverNonEuclidean(d.name.name, over, d.over.range, this.uri));
    }
    const shape = over?.kind === "Euclidean" ? over.shape : undefined;
    const outputShape = this.blocks(d.blocks, shape);
    if (!over || !shape) return this.define(d.name, "network", d, errorType);
    this.networkMemory(d, shape);
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

  /** A network's layer count against the cap, and its weights into the memory estimate. */
  protected networkMemory(d: NetworkDecl, shape: readonly number[]): void {
    const size = networkSize(d.blocks, shape);
    if (size.layers > maxNetworkLayers) this.report(d.name.range, messages.tooManyLayers(d.name.name, size.layers, maxNetworkLayers));
    const what = `network ${d.name.name} (${size.parameters.toLocaleString("en-US")} weights in ${size.layers.toLocaleString("en-US")} layers)`;
    this.session.requireMemory({ uri: this.uri, range: d.name.range, code: "LIN0509", what: () => what, bytes: () => bytesPerParameter * size.parameters });
  }

  protected operatorDecl(d: OperatorDecl): void {
    const declared = this.operatorShape(d);
    const value = this.operatorValue(d.value, `operator ${d.name.name}`);
    if (!value) return this.define(d.name, "operator", d, errorType);
    if (declared) {
      const origin: DimOrigin = { reason: messages.declaredShapeReason(d.name.name, declared), location: this.loc(d.name.range) };
      const rows = Dim.unify(value.rows, Dim.of(declared[0], origin));
      const cols = rows.ok ? Dim.unify(value.cols, Dim.of(declared[1], origin)) : rows;
      if (!cols.ok) {
        const isSquare = operatorBuiltins[value.structure]?.square === true && declared[0] !== declared[1];
        this.report(
          d.value.range,
          isSquare ? messages.squareDeclaredRectangular(d.name.name, declared, value.structure, cols) : messages.declaredShapeMismatch(d.name.name, declared, cols),
        );
      }
    } else if (!d.shape) {
      this.session.requireShape({ uri: this.uri, range: d.name.range, name: d.name.name, type: value });
    }
    this.operators.push({ name: d.name.name, type: value, decl: d });
    this.define(d.name, "operator", d, value);
  }

  /** `[n]` or `[rows, cols]` with positive integers; undefined when absent or invalid (reported). */
  protected operatorShape(d: OperatorDecl): [number, number] | undefined {
    if (!d.shape) return undefined;
    const dims = d.shape.map((n) => n.value);
    // The parser reports dimensions that are not positive integers (LIN0105).
    if (d.shape.some((n) => !Number.isInteger(n.value) || n.value <= 0)) return undefined;
    if (dims.length === 0 || dims.length > 2) {
      const range = spanRanges(d.shape[0]?.range ?? d.name.range, d.shape[d.shape.length - 1]?.range ?? d.name.range);
      this.report(range, messages.invalidOperatorShape(d.name.name, dims));
      return undefined;
    }
    return dims.length === 1 ? [dims[0], dims[0]] : [dims[0], dims[1]];
  }

  /** Checks an operator expression; reports and returns undefined when it is not an operator. */
  protected operatorValue(e: Expr, owner: string): OperatorT | undefined {
    this.operatorContext = true;
    const t = this.expr(e);
    this.operatorContext = false;
    if (t.kind === "Operator") return t;
    if (t.kind !== "Error") {
      this.report(e.range, owner.startsWith("map") ? messages.mapValueNotOperator(owner, t) : messages.operatorValueNotOperator(owner, t));
    }
    return undefined;
  }

  protected mapDecl(d: MapDecl): void {
    if (d.embedding) return this.embeddingDecl(d);
    const domain = this.space(d.domain);
    const codomain = this.space(d.codomain);
    const op = this.operatorValue(d.value, `map ${d.name.name}`);
    if (op && domain && codomain) this.mapShape(d, d.value, op, domain, codomain);
    if (!domain || !codomain || !op) return this.define(d.name, "map", d, errorType);
    const type: MapT = { kind: "Map", domain, codomain, timeConditioned: op.timeConditioned, ...indexedBy(op) };
    this.maps.push({ name: d.name.name, type, decl: d });
    this.define(d.name, "map", d, type);
  }

  /** The operator `value` of a map X -> Y takes the shape [dim Y, dim X]; reports when it cannot. */
  protected mapShape(d: MapDecl, value: Expr, op: OperatorT, domain: SpaceType, codomain: SpaceType): void {
    const sig = messages.mapDeclarationText(d.name.name, domain, codomain);
    const origin = (n: number, side: "rows" | "cols"): DimOrigin => ({
      reason: messages.mapShapeReason(sig, side, n, side === "rows" ? codomain : domain),
      location: this.loc(d.name.range),
    });
    const rows = Dim.unify(op.rows, Dim.of(spaceDim(codomain), origin(spaceDim(codomain), "rows")));
    const cols = rows.ok ? Dim.unify(op.cols, Dim.of(spaceDim(domain), origin(spaceDim(domain), "cols"))) : rows;
    if (!cols.ok) {
      this.report(value.range, messages.mapShapeMismatch(sig, this.show(value.range), domain, codomain, op, cols, rows.ok ? "columns" : "rows"));
    }
  }

  /**
   * `embedding φ : X -> E = A;` (φ = A ∘ g_X) or `= extend(H, A);` (φ = H⁻¹ ∘ A ∘ g_X): E Euclidean with
   * dim E ≥ dim X, A a fixed operator [dim E, dim X], H an untagged network on E (docs/gsvd.md).
   */
  protected embeddingDecl(d: MapDecl): void {
    const domain = this.space(d.domain);
    const codomain = this.space(d.codomain);
    const extend = this.extension(d, codomain);
    const value = extend?.lift ?? d.value;
    const op = extend === undefined || extend.lift !== undefined ? this.operatorValue(value, `map ${d.name.name}`) : undefined;
    let ok = domain !== undefined && codomain !== undefined && op !== undefined && extend?.ok !== false;
    if (domain && codomain && codomain.kind !== "Euclidean") {
      this.report(d.codomain.range, messages.embeddingIntoInduced(d.name.name, codomain));
      ok = false;
    } else if (domain && codomain && spaceDim(codomain) < spaceDim(domain)) {
      this.report(d.codomain.range, messages.embeddingNotInjective(d.name.name, domain, codomain, "smaller"));
      ok = false;
    } else if (op && (op.timeConditioned || op.styles !== undefined)) {
      this.report(
        value.range,
        messages.embeddingNotInjective(d.name.name, domain ?? codomain ?? { kind: "Euclidean", shape: [1] }, codomain ?? { kind: "Euclidean", shape: [1] }, "varying"),
      );
      ok = false;
    }
    if (op && domain && codomain) this.mapShape(d, value, op, domain, codomain);
    if (!ok || !domain || !codomain) return this.define(d.name, "map", d, errorType);
    const type: MapT = { kind: "Map", domain, codomain, timeConditioned: false, embedding: { uri: this.uri, name: d.name.name, location: this.loc(d.name.range) } };
    this.maps.push({ name: d.name.name, type, decl: d });
    this.define(d.name, "map", d, type);
  }

  /** An embedding's `extend(H, A)`: H checked against E (LIN0375); undefined when the value is no extend call. */
  protected extension(d: MapDecl, codomain: SpaceType | undefined): { lift: Expr | undefined; ok: boolean } | undefined {
    const v = d.value;
    if (v.kind !== "Call" || v.callee.kind !== "Name" || v.callee.name.name !== "extend" || this.peek("extend") !== undefined) return undefined;
    this.session.recordBuiltin(v, { kind: "value", name: "extend" });
    const pos = v.args.filter((a) => !a.name);
    const [net, lift] = [pos[0]?.value, pos[1]?.value];
    if (pos.length !== 2 || v.args.length !== 2 || net === undefined || lift === undefined) {
      this.report(v.range, messages.wrongArgumentCount("extend", 2, pos.length, v.args.find((a) => a.name)?.name?.name));
      return { lift, ok: false };
    }
    const t = this.expr(net);
    const text = this.show(net.range);
    if (t.kind === "Error") return { lift, ok: false };
    if (t.kind !== "Network") {
      this.report(net.range, messages.extendMisused("network", text, codomain, t));
      return { lift, ok: false };
    }
    if (t.tagged) {
      this.report(net.range, messages.extendMisused("tagged", text, codomain));
      return { lift, ok: false };
    }
    if (codomain && !sameSpace(t.space, codomain.kind === "Euclidean" ? codomain : { kind: "Euclidean", shape: codomain.shape })) {
      this.report(net.range, messages.extendMisused("shape", text, codomain));
      return { lift, ok: false };
    }
    return { lift, ok: true };
  }

  protected letDecl(d: LetDecl): void {
    const value = this.expr(d.value);
    const annotated = d.annotation ? this.typeExpr(d.annotation) : undefined;
    if (annotated && annotated.kind !== "Error" && value.kind !== "Error" && !sameType(annotated, value)) {
      this.report(d.value.range, messages.annotationMismatch(d.name.name, annotated, value));
    }
    // An annotation that agrees keeps the value's own type, so `let h : X -> R^k = W * φ` still has its gsvd.
    const keep = annotated !== undefined && annotated.kind !== "Error" && !(annotated.kind === "Map" && value.kind === "Map" && sameType(annotated, value));
    this.define(d.name, "let", d, keep ? annotated : value);
  }

  protected typeExpr(t: TypeExpr): Type {
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
}

function sameType(a: Type, b: Type): boolean {
  if (a.kind === "Map" && b.kind === "Map") return sameSpace(a.domain, b.domain) && sameSpace(a.codomain, b.codomain) && !b.timeConditioned;
  if (a.kind === "Vector" && b.kind === "Vector") return sameSpace(a.space, b.space);
  return a.kind === "Scalar" && b.kind === "Scalar";
}
