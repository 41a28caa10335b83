// Module checker layer 5: statements — entry declarations (their parameters are the only local
// scope), verify statements (laws and their options) and train sections (fields, data sources).
import type { EntryDecl, Expr, TrainDecl, VerifyStmt } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import { fitsKind, literalOf, literalText, matchArgs } from "./args.js";
import { dataSources, describeKind, laws, requiredTrainFields, samplerParams, trainFields, verifyOptions } from "./builtins.js";
import { CallChecker } from "./calls.js";
import { declKey, type SymbolInfo } from "./checked.js";
import * as messages from "./messages/index.js";
import { closest } from "./suggest.js";
import { describeType, errorType, sameSpace, type SpaceType, type Type } from "./types.js";

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
    if (!(laws as readonly string[]).includes(law)) {
      for (const a of s.args) this.expr(a.value);
      this.report(s.law.range, messages.unknownOf("LIN0601", "law", s.law, laws, false, this.uri));
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
          this.report(s.range, messages.equalOfDifferentMaps(t0, t1));
        }
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
        this.error("LIN0607", f.key.range, `train ${d.name.name} sets \`${key}\` twice`, {
          related: [{ location: this.loc(prev), message: `first \`${key}\`` }],
          fix: { title: "keep one of them", edits: [] },
        });
        continue;
      }
      seen.set(key, f.key.range);
      const kind = trainFields[key];
      if (!kind) {
        this.report(f.key.range, messages.unknownOf("LIN0604", "train field", f.key, Object.keys(trainFields), false, this.uri));
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

  protected dataSource(e: Expr): void {
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
    this.session.recordBuiltin(e, { kind: "data", name: callee as (typeof dataSources)[number] });
    if (e.kind === "Call") {
      this.recordArguments(e, e.args);
      for (const a of e.args) {
        if (!literalOf(a.value)) this.error("LIN0605", a.value.range, `arguments of data source ${callee} are literals (numbers, names, strings)`);
      }
    }
    this.record(e, { kind: "Dataset", source: callee });
  }
}
