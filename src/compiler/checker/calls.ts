// Module checker layer 4: calls — a map applied to a vector, the operator constructors (`dense`,
// `lowrank(rank = 4)`) and the value builtins (adjoint, pinv, transpose, project, svd, id, zero, inner,
// norm, at, sampler). Each builtin call is recorded with the builtin it resolved to and its literal
// arguments, so later stages need not recognise builtins by name again.
import type { Call, Expr, NameRef } from "../../ast/nodes.js";
import { literalValue, matchArgs } from "./args.js";
import { isOperatorBuiltin, operatorSpec, samplerParams, type OperatorBuiltin, type valueBuiltins } from "./builtins.js";
import { Dim } from "./dims.js";
import { ExprChecker, isValueBuiltin } from "./expressions.js";
import { bytesPerParameter, operatorParameters } from "./memory.js";
import * as messages from "./messages/index.js";
import { errorType, sameSpace, spaceDim, type EmbeddingId, type OperatorT, type Type } from "./types.js";

export abstract class CallChecker extends ExprChecker {
  protected call(e: Call): Type {
    this.recordArguments(e, e.args);
    if (e.callee.kind === "Name") {
      const n = e.callee.name.name;
      const shadowed = this.peek(n) !== undefined || this.declaredAt.has(n);
      if (!shadowed && isOperatorBuiltin(n)) return this.operatorBuiltin(e, n);
      if (!shadowed && isValueBuiltin(n)) {
        this.session.recordBuiltin(e, { kind: "value", name: n });
        return this.record(e.callee, this.valueBuiltin(n, e));
      }
    }
    const f = this.expr(e.callee);
    if (f.kind === "Error") {
      for (const a of e.args) this.expr(a.value);
      return errorType;
    }
    if (f.kind !== "Map") {
      for (const a of e.args) this.expr(a.value);
      this.report(e.callee.range, messages.notCallable(this.show(e.callee.range), f));
      return errorType;
    }
    const [x] = this.positional(e, 1, this.show(e.callee.range));
    if (!x) return errorType;
    const xt = this.expr(x);
    if (xt.kind === "Error") return errorType;
    if (f.timeConditioned) {
      this.report(e.range, messages.appliedWithoutTime(this.show(e.callee.range)));
      return errorType;
    }
    if (xt.kind !== "Vector") {
      this.report(x.range, messages.appliedToNonVector(this.show(e.callee.range), f, xt));
      return errorType;
    }
    if (!sameSpace(xt.space, f.domain)) {
      this.report(x.range, messages.appliedOutsideDomain(this.show(e.callee.range), f, this.show(x.range), xt.space));
      return { kind: "Vector", space: f.codomain };
    }
    return { kind: "Vector", space: f.codomain };
  }

  /** Exactly `n` positional arguments and no keywords; reports and returns [] otherwise. */
  protected positional(e: Call, n: number, what: string): Expr[] {
    const pos = e.args.filter((a) => !a.name).map((a) => a.value);
    const kw = e.args.find((a) => a.name);
    if (pos.length !== n || kw) {
      for (const a of e.args) this.expr(a.value);
      this.report(kw?.range ?? e.range, messages.wrongArgumentCount(what, n, pos.length, kw ? (kw.name?.name ?? "") : undefined));
      return [];
    }
    return pos;
  }

  protected operatorBuiltin(node: NameRef | Call, name: OperatorBuiltin): OperatorT {
    this.session.recordBuiltin(node, { kind: "operator", name });
    const args = node.kind === "Call" ? node.args : undefined;
    const range = node.range;
    const spec = operatorSpec(name);
    const m = matchArgs(args ?? [], spec.params, true, range);
    for (const p of m.problems) this.argProblem(p, `operator ${name}`, { unknown: "LIN0406", value: "LIN0406" }, spec.params);
    const rows = Dim.unknown();
    const cols = spec.square ? rows : Dim.unknown();
    const rank = spec.rankParam ? m.values.get(spec.rankParam)?.literal : undefined;
    if (rank?.kind === "number" && Number.isInteger(rank.value) && rank.value > 0) {
      this.session.requireRank({ uri: this.uri, range, builtin: name, rank: rank.value, rows, cols });
    }
    const literal = (key: string): number | string | undefined => {
      const arg = m.values.get(key)?.arg;
      return arg === undefined ? undefined : literalValue(arg.value);
    };
    this.session.requireMemory({
      uri: this.uri,
      range,
      code: "LIN0330",
      what: () => `the ${name} operator [${rows.value ?? "?"}×${cols.value ?? "?"}]`,
      bytes: () => (rows.value === undefined || cols.value === undefined ? undefined : bytesPerParameter * operatorParameters(name, rows.value, cols.value, literal)),
    });
    const styles = spec.indexParam === undefined ? undefined : literal(spec.indexParam);
    const indexed = typeof styles === "number" ? { styles } : {};
    return { kind: "Operator", rows, cols, timeConditioned: spec.timeConditioned || typeof styles === "number", structure: name, ...indexed };
  }

  protected oneArg(e: Call, name: string): Type | undefined {
    const [a] = this.positional(e, 1, name);
    return a ? this.expr(a) : undefined;
  }

  protected wrongArg(e: Call, name: string, t: Type, wanted: string): Type {
    if (t.kind === "Error") return t;
    this.report(e.args[0]?.value.range ?? e.range, messages.wrongBuiltinArgument(name, t, wanted));
    return errorType;
  }

  protected valueBuiltin(name: (typeof valueBuiltins)[number], e: Call): Type {
    switch (name) {
      case "adjoint": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        if (t.kind === "Map" && t.embedding) return this.oneSided(e, t.embedding, name);
        if (t.kind === "Map") return { kind: "Map", domain: t.codomain, codomain: t.domain, timeConditioned: t.timeConditioned };
        return this.wrongArg(e, name, t, "a map");
      }
      case "pinv": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        if (t.kind === "Map" && t.embedding) return this.oneSided(e, t.embedding, name);
        if (t.kind === "Map") return { kind: "Map", domain: t.codomain, codomain: t.domain, timeConditioned: t.timeConditioned };
        if (t.kind === "Operator") return { ...t, rows: t.cols, cols: t.rows, structure: "pinv" };
        return this.wrongArg(e, name, t, "a map or an operator");
      }
      case "transpose": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        if (t.kind === "Operator") return { ...t, rows: t.cols, cols: t.rows, structure: "transpose" };
        return this.wrongArg(e, name, t, "an operator");
      }
      case "kron":
        return this.kron(e);
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
        const k = this.singularVectorsMemory(e, spaceDim(t.codomain), spaceDim(t.domain), "map");
        return { kind: "Svd", domain: t.domain, codomain: t.codomain, rank: k };
      }
      case "left_inverse": {
        const t = this.oneArg(e, name);
        if (!t || t.kind === "Error") return errorType;
        if (t.kind !== "Map" || t.embedding === undefined) {
          this.report(e.args[0]?.value.range ?? e.range, messages.leftInverseOfNonEmbedding(this.show(e.args[0]?.value.range ?? e.range), t));
          return errorType;
        }
        return { kind: "Map", domain: t.codomain, codomain: t.domain, timeConditioned: false, leftInverseOf: t.embedding };
      }
      case "gsvd": {
        const t = this.oneArg(e, name);
        if (!t || t.kind === "Error") return errorType;
        if (t.kind !== "Map" || t.factoredThrough === undefined) {
          this.report(e.args[0]?.value.range ?? e.range, messages.gsvdNeedsHead(this.show(e.args[0]?.value.range ?? e.range), t));
          return errorType;
        }
        const E = t.factoredThrough.space;
        const r = this.singularVectorsMemory(e, spaceDim(t.codomain), spaceDim(E), "head");
        return { kind: "Gsvd", domain: t.domain, embedded: E, codomain: t.codomain, rank: r };
      }
      case "extend":
        for (const a of e.args) this.expr(a.value);
        this.report(e.range, messages.extendMisused("outside", this.show(e.range)));
        return errorType;
      case "id":
      case "zero": {
        const t = this.oneArg(e, name);
        if (!t) return errorType;
        if (t.kind !== "Space") return this.wrongArg(e, name, t, "a space");
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
          this.report(y.range, messages.wrongBuiltinArgument("inner", ty, "two vectors"));
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
          this.report(t.range, messages.timeNotScalar(tt));
          return errorType;
        }
        const { styles, ...fixed } = tv;
        if (styles !== undefined && tt.value !== undefined && !(Number.isInteger(tt.value) && tt.value >= 0 && tt.value < styles)) {
          this.report(t.range, messages.styleIndexInvalid(this.show(v.range), tt.value, styles));
          return errorType;
        }
        if (styles === undefined && tt.value !== undefined && (tt.value < 0 || tt.value > 1)) {
          this.report(t.range, messages.timeOutOfRange(tt.value));
          return errorType;
        }
        return fixed.kind === "Map" ? { ...fixed, timeConditioned: false } : { ...fixed, timeConditioned: false, structure: "at" };
      }
      case "sampler": {
        const pos = e.args.filter((a) => !a.name);
        const kws = e.args.filter((a) => a.name);
        if (pos.length !== 1) {
          for (const a of e.args) this.expr(a.value);
          this.report(e.range, messages.samplerArgumentCount(pos.length));
          return errorType;
        }
        const m = matchArgs(kws, samplerParams, false, e.range);
        for (const p of m.problems) this.argProblem(p, "sampler", { unknown: "LIN0313", value: "LIN0319" }, samplerParams);
        const tv = this.expr(pos[0].value);
        if (tv.kind === "Error") return tv;
        if (tv.kind !== "Map" || !tv.timeConditioned) return this.needsTimeConditioned(pos[0].value, tv, "sampler");
        if (tv.styles !== undefined) {
          this.report(pos[0].value.range, messages.indexedInSampler(this.show(pos[0].value.range), "sampler", tv.styles));
          return errorType;
        }
        return m.problems.length ? errorType : { ...tv, timeConditioned: false };
      }
    }
    return errorType;
  }

  /**
   * svd (of a map) or gsvd (of its head): the host algebra forms both sets of singular vectors of an m×n
   * operator, completed to k = min(m, n), in float64. Registers that memory; returns k.
   */
  protected singularVectorsMemory(e: Call, m: number, n: number, what: "map" | "head"): number {
    const k = Math.min(m, n);
    const call = what === "map" ? "svd" : "gsvd";
    this.session.requireMemory({
      uri: this.uri,
      range: e.range,
      code: "LIN0330",
      what: () => `${call} of a ${m}×${n} ${what} (${k} singular vectors a side)`,
      bytes: () => 8 * k * (m + n),
    });
    return k;
  }

  /** pinv(φ) or adjoint(φ) of an embedding: a one-sided map has neither (LIN0373). */
  protected oneSided(e: Call, embedding: EmbeddingId, what: "pinv" | "adjoint"): Type {
    this.report(e.range, messages.oneSidedInverse(this.show(e.args[0]?.value.range ?? e.range), what, embedding));
    return errorType;
  }

  /** `kron(A, B)`: [A.rows·B.rows, A.cols·B.cols] from the factors' known shapes; both time-free. */
  protected kron(e: Call): Type {
    const args = this.positional(e, 2, "kron");
    if (args.length !== 2) return errorType;
    const types = args.map((a) => this.expr(a));
    if (types.some((t) => t.kind === "Error")) return errorType;
    const ops: OperatorT[] = [];
    for (const [i, t] of types.entries()) {
      if (t.kind !== "Operator") {
        this.report(args[i].range, messages.wrongBuiltinArgument("kron", t, "two operators"));
        return errorType;
      }
      if (t.timeConditioned) {
        this.report(args[i].range, messages.kronTimeConditioned(this.show(args[i].range)));
        return errorType;
      }
      if (t.rows.value === undefined || t.cols.value === undefined) {
        this.report(args[i].range, messages.kronShapeUnknown(this.show(args[i].range)));
        return errorType;
      }
      ops.push(t);
    }
    const [a, b] = ops;
    const text = this.show(e.range);
    const dim = (x: Dim, y: Dim, side: string): Dim =>
      Dim.of((x.value ?? 0) * (y.value ?? 0), { reason: `${text} has ${side} = ${x.value}·${y.value}`, location: { uri: this.uri, range: e.range } });
    return { kind: "Operator", rows: dim(a.rows, b.rows, "rows"), cols: dim(a.cols, b.cols, "cols"), timeConditioned: false, structure: "kron" };
  }

  protected needsTimeConditioned(at: Expr, t: Type, what: string): Type {
    this.report(at.range, messages.needsTimeConditioned(what, this.show(at.range), t));
    return errorType;
  }

  protected needsFixedTime(e: Call, what: string): Type {
    this.report(e.range, messages.needsFixedTime(what));
    return errorType;
  }
}
