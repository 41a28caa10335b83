// Module checker layer 3: expressions — names and qualified names, svd fields, indexing, and the
// arithmetic of maps (composition, linear combination), operators (product, sum, power), vectors and
// scalars. Calls are the next layer's.
import type { Call, Expr, Member, NameRef } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import { isOperatorBuiltin, operatorBuiltins, valueBuiltins, type OperatorBuiltin } from "./builtins.js";
import type { CheckCode } from "../../diagnostics/codes.js";
import { Dim } from "./dims.js";
import { composeFix, dimLocations, spaceProvenance, whyDims } from "./messages.js";
import { rootName } from "./scope.js";
import { SpaceChecker } from "./spaces.js";
import { closest } from "./suggest.js";
import {
  describeSpace,
  describeType,
  errorType,
  mapSignature,
  sameSpace,
  spaceDim,
  spaceLocations,
  spaceName,
  type MapT,
  type OperatorT,
  type SpaceType,
  type Type,
} from "./types.js";

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
      this.error("LIN0313", e.range, `\`${n}\` is a builtin function; call it with arguments, e.g. ${n}(f)`);
      return errorType;
    }
    if (this.operatorContext) this.unknownName(e.name, "operator", [...Object.keys(operatorBuiltins), ...this.scopeNames()], "LIN0405");
    else this.unknownName(e.name, "name", this.scopeNames());
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
    if (t.kind === "Svd") {
      const k: SpaceType = { kind: "Euclidean", shape: [t.rank] };
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

  protected index(e: Extract<Expr, { kind: "Index" }>): Type {
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

  protected binary(e: Extract<Expr, { kind: "Binary" }>): Type {
    const l = this.expr(e.left);
    const r = this.expr(e.right);
    if (l.kind === "Error" || r.kind === "Error") return errorType;
    if (l.kind === "Scalar" && r.kind === "Scalar") return scalarArith(e.op, l.value, r.value);
    switch (e.op) {
      case "*":
        if (l.kind === "Map" && r.kind === "Map") return this.compose(e, l, r);
        if (l.kind === "Operator" && r.kind === "Operator") return this.product(e, l, r);
        if (l.kind === "Scalar" && isScalable(r)) return scaled(r);
        if (r.kind === "Scalar" && isScalable(l)) return scaled(l);
        if (l.kind === "Map" && r.kind === "Vector") return this.operandMismatch(e, l, r, `apply the map to the vector with ${this.show(e.left.range)}(${this.show(e.right.range)})`);
        return this.operandMismatch(e, l, r);
      case "/":
        if (r.kind === "Scalar" && isScalable(l)) return scaled(l);
        return this.operandMismatch(e, l, r);
      case "+":
      case "-":
        if (l.kind === "Map" && r.kind === "Map") return this.combine(e, l, r);
        if (l.kind === "Vector" && r.kind === "Vector") return this.vectorPair(e.range, l.space, r.space, e.op === "+" ? "add" : "subtract", e.left, e.right, { kind: "Vector", space: l.space });
        if (l.kind === "Operator" && r.kind === "Operator") return this.operatorSum(e, l, r);
        return this.operandMismatch(e, l, r);
      case "^":
        return this.power(e, l, r);
    }
  }

  protected operandMismatch(e: Extract<Expr, { kind: "Binary" }>, l: Type, r: Type, hint?: string): Type {
    this.error("LIN0310", e.range, `\`${e.op}\` cannot combine a ${describeType(l)} and a ${describeType(r)}`, {
      because: hint ? [hint] : [],
      ...(hint ? { fix: { title: hint, edits: [] } } : {}),
    });
    return errorType;
  }

  protected compose(e: Extract<Expr, { kind: "Binary" }>, g: MapT, f: MapT): Type {
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
        fix: composeFix(this.uri, e.left, f.codomain, g.domain, gText, { peek: (n) => this.peek(n), topLevel: (n) => this.symbols.get(n) }),
      },
    );
    return composed;
  }

  protected combine(e: Extract<Expr, { kind: "Binary" }>, l: MapT, r: MapT): Type {
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

  protected vectorPair(range: Range, a: SpaceType, b: SpaceType, verb: string, left: Expr, right: Expr, result: Type): Type {
    if (sameSpace(a, b)) return result;
    this.error("LIN0309", range, `cannot ${verb} ${this.show(left.range)} in ${describeSpace(a)} and ${this.show(right.range)} in ${describeSpace(b)}`, {
      related: [...spaceLocations(a), ...spaceLocations(b)],
      because: ["induced vector operations act inside one space", ...(spaceDim(a) === spaceDim(b) ? [`equal dimension ${spaceDim(a)} is not enough`] : [])],
      fix: { title: `map one of them into the other's space first, e.g. f(${this.show(right.range)}) with a map ${spaceName(b)} -> ${spaceName(a)}`, edits: [] },
    });
    return errorType;
  }

  protected product(e: Extract<Expr, { kind: "Binary" }>, a: OperatorT, b: OperatorT): Type {
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

  protected operatorSum(e: Extract<Expr, { kind: "Binary" }>, a: OperatorT, b: OperatorT): Type {
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

  protected power(e: Extract<Expr, { kind: "Binary" }>, base: Type, k: Type): Type {
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

  protected notEndomorphism(at: Expr, f: MapT, what: string, code: CheckCode = "LIN0307"): void {
    this.error(code, at.range, `${what} needs a map from a space to itself, but ${this.show(at.range)} : ${mapSignature(f.domain, f.codomain)}`, {
      related: [...spaceLocations(f.domain), ...spaceLocations(f.codomain)],
      because: [
        `${spaceName(f.domain)} ${spaceProvenance(f.domain)} is not ${spaceName(f.codomain)} ${spaceProvenance(f.codomain)}`,
        ...(spaceDim(f.domain) === spaceDim(f.codomain) ? [`equal dimension ${spaceDim(f.domain)} is not enough`] : []),
      ],
      fix: { title: `use a map ${spaceName(f.domain)} -> ${spaceName(f.domain)}`, edits: [] },
    });
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
  return t.kind === "Operator" ? { ...t, structure: "scaled" } : t;
}
