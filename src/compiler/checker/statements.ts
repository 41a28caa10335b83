// Module checker layer 5: statements — entry declarations (their parameters are the only local
// scope), verify statements (laws and their options) and train sections (fields, data sources).
import type { EntryDecl, Expr, TrainDecl, VerifyStmt } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import { fitsKind, literalOf, matchArgs } from "./args.js";
import { dataSources, laws, requiredTrainFields, samplerParams, trainFields, verifyOptions } from "./builtins.js";
import { CallChecker } from "./calls.js";
import { declKey, type SymbolInfo } from "./checked.js";
import * as messages from "./messages/index.js";
import { errorType, sameSpace, type SpaceType, type Type } from "./types.js";

export abstract class StatementChecker extends CallChecker {
  protected entryDecl(d: EntryDecl): void {
    const locals = new Map<string, SymbolInfo>();
    const params: SpaceType[] = [];
    let ok = true;
    for (const p of d.params) {
      const space = this.space(p.space);
      if (!space) ok = false;
      else params.push(space);
      const type: Type = space ? { kind: "Vector", space } : errorType;
      const prev = locals.get(p.name.name);
      if (prev) {
        this.report(p.name.range, messages.duplicateParameter(p.name.name, d.name.name, this.loc(prev.nameRange)));
        continue;
      }
      const sym: SymbolInfo = { name: p.name.name, kind: "param", uri: this.uri, key: declKey(this.uri, `${d.name.name}/${p.name.name}`), nameRange: p.name.range, node: p, type };
      locals.set(p.name.name, sym);
      this.session.recordDeclaration(sym);
      this.record(p, type);
    }
    this.locals = locals;
    const result = this.expr(d.body);
    this.locals = undefined;
    this.define(d.name, "entry", d, ok ? { kind: "Entry", params, result } : errorType);
  }

  protected verify(s: VerifyStmt): void {
    const law = s.law.name;
    // The law's arguments and the `with` options (keywords only, named unlike any law keyword), together.
    this.recordArguments(s, [...s.args, ...s.options]);
    const m = matchArgs(s.options, verifyOptions, false, s.range);
    for (const p of m.problems) this.argProblem(p, "verify", { unknown: "LIN0602", value: "LIN0602" }, verifyOptions);
    // band and metric say how norm_preserving measures; no other law reads them.
    const banded = s.options.find((o) => (o.name?.name === "band" || o.name?.name === "metric") && law !== "norm_preserving");
    if (banded?.name) this.report(banded.range, messages.optionOfOtherLaw(banded.name.name, "norm_preserving", law));
    if (!(laws as readonly string[]).includes(law)) {
      for (const a of s.args) this.expr(a.value);
      this.report(s.law.range, messages.unknownLaw(s.law, laws, this.uri));
      return;
    }
    const pos = s.args.filter((a) => !a.name);
    const kws = s.args.filter((a) => a.name);
    const arity = law === "equal" ? 2 : 1;
    if (law === "one_step") {
      const sm = matchArgs(kws, samplerParams, false, s.range);
      for (const p of sm.problems) this.argProblem(p, "verify one_step", { unknown: "LIN0603", value: "LIN0603" }, samplerParams);
    } else if (kws.length) {
      this.report(kws[0].range, messages.lawTakesNoKeywords(law));
    }
    const types = pos.map((a) => this.expr(a.value));
    if (pos.length !== arity) {
      this.report(s.range, messages.lawArgumentCount(law, arity, pos.length));
      return;
    }
    if (types.some((t) => t.kind === "Error")) return;
    const [t0, t1] = types;
    const a0 = pos[0].value;
    const bad = (wanted: string): void => {
      this.report(a0.range, messages.lawArgumentKind(law, wanted, this.show(a0.range), t0));
    };
    switch (law) {
      case "roundtrip":
        if (t0.kind !== "Network") bad("a network");
        return;
      case "axioms":
        if (t0.kind !== "Space") bad("a space");
        return;
      case "left_inverse":
        if (t0.kind !== "Map" || t0.embedding === undefined) this.report(a0.range, messages.leftInverseOfNonEmbedding(this.show(a0.range), t0));
        return;
      case "norm_preserving":
        if (t0.kind !== "Map") bad("an embedding or a map");
        else if (t0.timeConditioned) this.needsTimeConditionedFixed(a0, law);
        return;
      case "one_step":
        if (t0.kind !== "Map" || !t0.timeConditioned) this.needsTimeConditioned(a0, t0, "verify one_step");
        else if (t0.styles !== undefined) this.report(a0.range, messages.indexedInSampler(this.show(a0.range), "verify one_step", t0.styles));
        return;
      case "idempotent":
      case "projector":
        if (t0.kind !== "Map") return bad("a map");
        if (!sameSpace(t0.domain, t0.codomain)) this.notEndomorphism(a0, t0, `verify ${law}`);
        // Only linear and one_step hold for every time (docs/verification.md); the others need at(f, t).
        else if (t0.timeConditioned) this.needsTimeConditionedFixed(a0, law);
        return;
      case "equal":
        if (t0.kind !== "Map" || t1.kind !== "Map") {
          this.report(s.range, messages.equalNeedsMaps(t0, t1));
          return;
        }
        if (!sameSpace(t0.domain, t1.domain) || !sameSpace(t0.codomain, t1.codomain)) {
          this.report(s.range, messages.equalOfDifferentMaps(t0, t1));
          return;
        }
        pos.forEach((a, i) => (types[i]?.kind === "Map" && types[i].timeConditioned ? this.needsTimeConditionedFixed(a.value, law) : undefined));
        return;
      default:
        if (t0.kind !== "Map") bad("a map");
        else if (t0.timeConditioned && law !== "linear") this.needsTimeConditionedFixed(a0, law);
        return;
    }
  }

  protected needsTimeConditionedFixed(at: Expr, law: string): void {
    this.report(at.range, messages.lawNeedsFixedTime(law, this.show(at.range)));
  }

  protected train(d: TrainDecl): void {
    const seen = new Map<string, Range>();
    for (const f of d.fields) {
      const key = f.key.name;
      const prev = seen.get(key);
      if (prev) {
        this.report(f.key.range, messages.trainFieldTwice(d.name.name, key, this.loc(prev)));
        continue;
      }
      seen.set(key, f.key.range);
      const kind = trainFields[key];
      if (!kind) {
        this.report(f.key.range, messages.unknownTrainField(f.key, Object.keys(trainFields), this.uri));
        continue;
      }
      if (kind === "model") {
        const t = this.expr(f.value);
        if (t.kind !== "Error" && t.kind !== "Map" && t.kind !== "Network" && t.kind !== "Operator" && t.kind !== "Space") {
          this.report(f.value.range, messages.trainModelKind(t));
        }
        continue;
      }
      if (kind === "data") {
        this.dataSource(f.value);
        continue;
      }
      const lit = literalOf(f.value);
      if (!fitsKind(lit, kind)) {
        this.report(f.value.range, messages.trainFieldKind(key, kind, lit));
      }
    }
    for (const r of requiredTrainFields) {
      if (!seen.has(r)) {
        this.report(d.name.range, messages.trainFieldMissing(d.name.name, r));
      }
    }
    this.define(d.name, "train", d, { kind: "Train", name: d.name.name });
  }

  protected dataSource(e: Expr): void {
    if (e.kind === "String") {
      this.record(e, { kind: "Dataset", source: e.value });
      return;
    }
    const callee = e.kind === "Call" && e.callee.kind === "Name" ? e.callee.name.name : e.kind === "Name" ? e.name.name : undefined;
    if (!callee || !(dataSources as readonly string[]).includes(callee)) {
      this.report(e.range, messages.unknownDataSource(callee, dataSources));
      return;
    }
    this.session.recordBuiltin(e, { kind: "data", name: callee as (typeof dataSources)[number] });
    if (e.kind === "Call") {
      this.recordArguments(e, e.args);
      for (const a of e.args) {
        if (!literalOf(a.value)) this.report(a.value.range, messages.dataSourceArgument(callee));
      }
    }
    this.record(e, { kind: "Dataset", source: callee });
  }
}
