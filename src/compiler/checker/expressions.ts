// Module checker layer 3: expressions — names and qualified names, svd fields, indexing, and the
// arithmetic of maps (composition, linear combination), operators (product, sum, power), vectors and
// scalars. Calls are the next layer's.
import type { Binary, Call, Expr, Member, NameRef } from "../../ast/nodes.js";
import { leftSpine } from "../../ast/walk.js";
import type { Range } from "../../ast/source.js";
import { isOperatorBuiltin, operatorBuiltins, valueBuiltins, type OperatorBuiltin } from "./builtins.js";
import { Dim } from "./dims.js";
import * as messages from "./messages/index.js";
import { rootName } from "./scope.js";
import { SpaceChecker } from "./spaces.js";
import { errorType, indexedBy, plainMap, sameEmbedding, sameSpace, type MapT, type OperatorT, type SpaceType, type Type } from "./types.js";

export const isValueBuiltin = (name: string): name is (typeof valueBuiltins)[number] => (valueBuiltins as readonly string[]).includes(name);

export abstract class ExprChecker extends SpaceChecker {
  /** A call: of a builtin or of a map on a vector (calls.ts). */
  protected abstract call(e: Call): Type;
  /** An operator constructor, bare (`dense`) or called (`lowrank(rank = 4)`) (calls.ts). */
  protected abstract operatorBuiltin(node: NameRef | Call, name: OperatorBuiltin): OperatorT;

  protected expr(e: Expr): Type {
    return this.record(e, this.exprInner(e));
  }

  protected exprInner(e: Expr): Type {
    switch (e.kind) {
      case "Number":
        return { kind: "Scalar", value: e.value };
      case "String":
        this.report(e.range, messages.stringNotValue());
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
      case "List":
        for (const item of e.items) this.expr(item);
        this.report(e.range, messages.listNotValue());
        return errorType;
      case "Unary": {
        const t = this.expr(e.operand);
        if (t.kind === "Scalar") return t.value === undefined ? t : { kind: "Scalar", value: -t.value };
        if (t.kind === "Operator") return { ...t, structure: "scaled" };
        if (t.kind === "Map") return plainMap(t);
        if (t.kind === "Vector" || t.kind === "Error") return t;
        this.report(e.range, messages.cannotNegate(t));
        return errorType;
      }
      case "Binary":
        return this.binary(e);
    }
  }

  protected name(e: NameRef): Type {
    const r = this.lookup(e.name);
    if ("found" in r) {
      this.session.recordSymbol(this.uri, e, r.found);
      return r.found.type;
    }
    if ("reported" in r) return errorType;
    const n = e.name.name;
    if (isOperatorBuiltin(n)) return this.operatorBuiltin(e, n);
    if (isValueBuiltin(n)) {
      this.report(e.range, messages.builtinNotCalled(n));
      return errorType;
    }
    if (this.operatorContext) this.report(e.name.range, messages.unknownOperator(e.name, [...Object.keys(operatorBuiltins), ...this.scopeNames(["operator"])], this.uri));
    else this.unknownName(e.name, this.scopeNames());
    return errorType;
  }

  protected member(e: Member): Type {
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
    const field = t.kind === "Svd" || t.kind === "Gsvd" ? factorField(t, e.name.name) : undefined;
    if (field !== undefined) return field;
    this.report(e.name.range, messages.unknownField(t, e.name, this.uri));
    return errorType;
  }

  protected index(e: Extract<Expr, { kind: "Index" }>): Type {
    const t = this.expr(e.object);
    const i = this.expr(e.index);
    if (t.kind === "Error" || i.kind === "Error") return errorType;
    if (t.kind !== "Basis" && t.kind !== "Values") {
      this.report(e.range, messages.notIndexable(t));
      return errorType;
    }
    if (i.kind !== "Scalar" || i.value === undefined || !Number.isInteger(i.value) || i.value < 0 || i.value >= t.count) {
      this.report(e.index.range, messages.indexOutOfRange(this.show(e.index.range), t.count, t.kind === "Basis" ? "vectors" : "values"));
      return errorType;
    }
    return t.kind === "Basis" ? { kind: "Vector", space: t.space } : { kind: "Scalar" };
  }

  // ------------------------------------------------------------------ arithmetic

  /**
   * A binary node and the binary nodes down its left operands, bottom-up in a loop: a flat chain
   * (`f * f * … * f`) is a left-deep tree as deep as it is long, too deep to recurse into.
   */
  protected binary(e: Binary): Type {
    const { spine, bottom } = leftSpine(e);
    let left = this.expr(bottom);
    for (let i = spine.length - 1; i >= 0; i--) {
      const node = spine[i];
      const t = this.binaryOf(node, left, this.expr(node.right));
      // expr() records the top node itself.
      left = i === 0 ? t : this.record(node, t);
    }
    return left;
  }

  /** The type of `e` given its operands' types. */
  protected binaryOf(e: Binary, l: Type, r: Type): Type {
    if (l.kind === "Error" || r.kind === "Error") return errorType;
    if (l.kind === "Scalar" && r.kind === "Scalar") return scalarArith(e.op, l.value, r.value);
    switch (e.op) {
      case "*":
        if (l.kind === "Map" && r.kind === "Map") return this.compose(e, l, r);
        if (l.kind === "Operator" && r.kind === "Operator") return this.product(e, l, r);
        if (l.kind === "Scalar" && isScalable(r)) return scaled(r);
        if (r.kind === "Scalar" && isScalable(l)) return scaled(l);
        if (l.kind === "Map" && r.kind === "Vector") return this.operandMismatch(e, l, r, { map: this.show(e.left.range), vector: this.show(e.right.range) });
        return this.operandMismatch(e, l, r);
      case "/":
        if (r.kind === "Scalar" && isScalable(l)) return scaled(l);
        return this.operandMismatch(e, l, r);
      case "+":
      case "-":
        if (l.kind === "Map" && r.kind === "Map") return this.combine(e, l, r);
        if (l.kind === "Vector" && r.kind === "Vector")
          return this.vectorPair(e.range, l.space, r.space, e.op === "+" ? "add" : "subtract", e.left, e.right, { kind: "Vector", space: l.space });
        if (l.kind === "Operator" && r.kind === "Operator") return this.operatorSum(e, l, r);
        return this.operandMismatch(e, l, r);
      case "^":
        return this.power(e, l, r);
    }
  }

  protected operandMismatch(e: Extract<Expr, { kind: "Binary" }>, l: Type, r: Type, applied?: { map: string; vector: string }): Type {
    this.report(e.range, messages.operandMismatch(e.op, l, r, applied));
    return errorType;
  }

  protected compose(e: Extract<Expr, { kind: "Binary" }>, g: MapT, f: MapT): Type {
    const timeConditioned = f.timeConditioned || g.timeConditioned;
    // W ∘ φ: a time-free head into a Euclidean space after an embedding has a generalized SVD (gsvd).
    const head = f.embedding !== undefined && !g.timeConditioned && g.styles === undefined && g.codomain.kind === "Euclidean" && g.embedding === undefined;
    const through = head && f.embedding !== undefined ? { factoredThrough: { embedding: f.embedding, space: f.codomain } } : {};
    const composed: MapT = { kind: "Map", domain: f.domain, codomain: g.codomain, timeConditioned, ...indexedBy(g, f), ...through };
    if (g.embedding !== undefined && f.leftInverseOf !== undefined && sameEmbedding(g.embedding, f.leftInverseOf)) {
      this.report(e.range, messages.oneSidedInverse(g.embedding.name, "compose", g.embedding));
      return errorType;
    }
    if (sameSpace(f.codomain, g.domain)) return composed;
    const gText = this.show(e.left.range);
    const fText = this.show(e.right.range);
    const scope = { peek: (n: string) => this.peek(n), topLevel: (n: string) => this.symbols.get(n) };
    this.report(e.range, messages.compositionMismatch(gText, fText, g, f, { uri: this.uri, left: e.left, scope }));
    return composed;
  }

  protected combine(e: Extract<Expr, { kind: "Binary" }>, l: MapT, r: MapT): Type {
    if (sameSpace(l.domain, r.domain) && sameSpace(l.codomain, r.codomain)) {
      return { kind: "Map", domain: l.domain, codomain: l.codomain, timeConditioned: l.timeConditioned || r.timeConditioned, ...indexedBy(l, r) };
    }
    const which = !sameSpace(l.domain, r.domain) ? "domains" : "codomains";
    this.report(e.range, messages.mapCombinationMismatch(e.op, l, r, which));
    return errorType;
  }

  protected vectorPair(range: Range, a: SpaceType, b: SpaceType, verb: string, left: Expr, right: Expr, result: Type): Type {
    if (sameSpace(a, b)) return result;
    this.report(range, messages.vectorSpaceMismatch(verb, this.show(left.range), a, this.show(right.range), b));
    return errorType;
  }

  protected product(e: Extract<Expr, { kind: "Binary" }>, a: OperatorT, b: OperatorT): Type {
    const u = Dim.unify(a.cols, b.rows);
    if (!u.ok) {
      this.report(e.range, messages.productMismatch(this.show(e.left.range), this.show(e.right.range), u, a, b));
    }
    return { kind: "Operator", rows: a.rows, cols: b.cols, timeConditioned: a.timeConditioned || b.timeConditioned, structure: "product", ...indexedBy(a, b) };
  }

  protected operatorSum(e: Extract<Expr, { kind: "Binary" }>, a: OperatorT, b: OperatorT): Type {
    const rows = Dim.unify(a.rows, b.rows);
    const cols = rows.ok ? Dim.unify(a.cols, b.cols) : rows;
    if (!cols.ok) {
      this.report(e.range, messages.sumMismatch(e.op, a, b));
    }
    return { kind: "Operator", rows: a.rows, cols: a.cols, timeConditioned: a.timeConditioned || b.timeConditioned, structure: "sum", ...indexedBy(a, b) };
  }

  protected power(e: Extract<Expr, { kind: "Binary" }>, base: Type, k: Type): Type {
    if (base.kind !== "Map" && base.kind !== "Operator") {
      this.report(e.range, messages.cannotRaise(base));
      return errorType;
    }
    // A constant expression folded by the checker (docs/language.md); a safe integer, so it is exact.
    if (k.kind !== "Scalar" || k.value === undefined || !Number.isSafeInteger(k.value) || k.value < 0) {
      this.report(e.right.range, messages.badExponent(this.show(e.right.range), k.kind === "Scalar" ? k.value : undefined));
      return errorType;
    }
    if (base.kind === "Map") {
      if (!sameSpace(base.domain, base.codomain)) {
        this.notEndomorphism(e.left, base, `${this.show(e.left.range)} ^ ${k.value}`);
        return errorType;
      }
      return plainMap(base);
    }
    const u = Dim.unify(base.rows, base.cols);
    if (!u.ok) {
      this.report(e.range, messages.powerOfNonSquare(this.show(e.left.range), u, base));
      return errorType;
    }
    return { ...base, structure: "power" };
  }

  protected notEndomorphism(at: Expr, f: MapT, what: string): void {
    this.report(at.range, messages.notEndomorphism(what, this.show(at.range), f));
  }
}

/**
 * A field of svd(f) or gsvd(W * φ): .U, .S, .Vt, .left, .right, .values, and for a gsvd .decoded. The
 * right side of an svd is f's domain; of a gsvd, the head's domain E (decoded: the embedding's X).
 */
function factorField(t: Extract<Type, { kind: "Svd" | "Gsvd" }>, name: string): Type | undefined {
  const r: SpaceType = { kind: "Euclidean", shape: [t.rank] };
  const right = t.kind === "Gsvd" ? t.embedded : t.domain;
  switch (name) {
    case "U":
      return { kind: "Map", domain: r, codomain: t.codomain, timeConditioned: false };
    case "S":
      return { kind: "Map", domain: r, codomain: r, timeConditioned: false };
    case "Vt":
      return { kind: "Map", domain: right, codomain: r, timeConditioned: false };
    case "left":
      return { kind: "Basis", space: t.codomain, count: t.rank };
    case "right":
      return { kind: "Basis", space: right, count: t.rank };
    case "decoded":
      return t.kind === "Gsvd" ? { kind: "Basis", space: t.domain, count: t.rank } : undefined;
    case "values":
      return { kind: "Values", count: t.rank };
    default:
      return undefined;
  }
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
  if (t.kind === "Operator") return { ...t, structure: "scaled" };
  // c·φ is a map like any other: only a declared embedding (and its own left inverse) is one-sided.
  if (t.kind === "Map") return plainMap(t);
  return t;
}
