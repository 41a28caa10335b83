// A checked spec's `verify` statements (and, with `all`, every applicable law of every declaration)
// as law checks on runtime objects. Values are bound exactly as `linea run` binds them (one
// BoundProgram, same seed: weights decoded once, the program lowered once), the maps are optimised by
// the compiler, and each law runs on the map the compiled program would execute.
import { letDecl } from "../ast/build.js";
import type { Expr, LetDecl, Node, VerifyStmt } from "../ast/nodes.js";
import type { Location } from "../ast/source.js";
import { isRight } from "fp-ts/lib/Either.js";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { extendModule } from "../compiler/checker/extend.js";
import type { BoundNetwork } from "../compiler/binding/networks.js";
import { bindProgram } from "../compiler/binding/program.js";
import { evaluateOperator } from "../compiler/ir/evaluate.js";
import { samplerDefaults, samplerSettings } from "../compiler/checker/builtins.js";
import type { MapExpr } from "../compiler/ir/map.js";
import type { IrSpace } from "../compiler/ir/space.js";
import { irSpace, isSyntheticMapName, leftInverseName, type IrProgram } from "../compiler/lowering/lower.js";
import { intervalOf } from "../compiler/checker/args.js";
import { chain, normalForm } from "../compiler/ir/map.js";
import { identity as identityExpr } from "../compiler/ir/expr.js";
import { optimiseMap } from "../compiler/passes/index.js";
import type { NetworkT } from "../compiler/checker/types.js";
import { selectBackend } from "../runtime/backend/index.js";
import { frobeniusNorm, matmul, subtract as subtractMatrices, transpose as transposeMatrix } from "../runtime/linalg/index.js";
import { materialise, releaseTensors, type LinearOperator } from "../runtime/operator/index.js";
import { adjoint, blockChart, Linearizer, pinv, Space } from "../runtime/space/index.js";
import { euclideanModel, networkOps, profileChart, profileOperator, type SpaceModel } from "./conditioning.js";
import type { Check } from "./law.js";
import {
  adjointLaw,
  axiomsLaw,
  equalLaw,
  idempotentLaw,
  leftInverseLaw,
  normPreservingLaw,
  oneStepLaw,
  pinvLaw,
  projectorLaw,
  roundtripLaw,
  superpositionLaw,
  svdLaw,
} from "./laws/index.js";
import { applyOnce, linearizerSubject, operatorStage, throughPoints, type MapUnderTest } from "./subject.js";

/** One `verify` statement (or one declaration under --all) and its checks. */
export interface VerifyTarget {
  /** `verify linear(B)` as written, or `network G` / `map f` under --all. */
  readonly label: string;
  readonly location?: Location;
  readonly checks: readonly Check[];
  readonly runs?: number;
  readonly seed?: number;
  readonly tolerance?: number;
  /** Why the target could not be checked (an argument Linea cannot evaluate yet); counts as a failure. */
  readonly problem?: string;
}

/** How `verificationOf` binds and which laws it checks. */
export interface VerifyOptions {
  /** Seed of the networks' and operators' initialisation (as `linea run --seed`); default 0. */
  readonly modelSeed?: number;
  readonly weights?: string;
  readonly backend?: string;
  /** Also every applicable law of every declaration. */
  readonly all?: boolean;
}

/** A program's checks by target, and the backend they run on. */
export interface ProgramVerification {
  readonly targets: readonly VerifyTarget[];
  /** The backend the checks run on, in words (the CLI reports it, as run and compile do). */
  readonly backend: string;
  /** Frees the bound program's tensors. */
  dispose(): void;
}

class Binding {
  private readonly spaceModels = new Map<string, SpaceModel>();
  /** Operators made here for subjects (folded maps, adjoints, pseudo-inverses); the bound leaves are the BoundProgram's. */
  private readonly made: LinearOperator[] = [];

  constructor(
    readonly ir: IrProgram,
    readonly networks: ReadonlyMap<string, BoundNetwork>,
  ) {}

  network(key: string): BoundNetwork {
    const n = this.networks.get(key);
    if (n === undefined) throw new Error(`network ${key} was not built`);
    return n;
  }

  /** The model of a space, profiled once (async: profiling reads the network's outputs). */
  async space(s: IrSpace): Promise<SpaceModel> {
    const hit = this.spaceModels.get(s.id);
    if (hit !== undefined) return hit;
    let model: SpaceModel;
    if (s.network === undefined) model = euclideanModel(Space.euclidean(s.dim, s.name));
    else {
      const network = this.network(s.network).network;
      const chart = blockChart(network, s.tag);
      model = await profileChart(Space.induced(chart, s.name), chart, networkOps(network));
    }
    this.spaceModels.set(s.id, model);
    return model;
  }

  /** A Linearizer over an operator made for the checks: its backend copies are freed by release(). */
  owned(name: string, f: Linearizer, X: SpaceModel, Y: SpaceModel): MapUnderTest {
    this.made.push(f.operator);
    return linearizerSubject(name, f, X, Y);
  }

  /** Frees the backend copies of the operators made for subjects. */
  release(): void {
    this.made.splice(0).forEach(releaseTensors);
  }

  /** A map of the IR as a subject: normal forms are Linearizers, chains run through data space. */
  async subject(name: string, m: MapExpr): Promise<MapUnderTest> {
    if (m.kind === "chain") {
      const parts: MapUnderTest[] = [];
      for (const [i, x] of m.maps.entries()) parts.push(await this.subject(`${name}.${i}`, x));
      return parts.reduceRight((inner, outer) => throughPoints(outer, inner));
    }
    const X = await this.space(m.domain);
    const Y = await this.space(m.codomain);
    if (!m.op.timeConditioned) return this.owned(name, new Linearizer(X.space, Y.space, evaluateOperator(m.op)), X, Y);
    if (m.op.kind === "leaf" && m.op.operator !== undefined) return linearizerSubject(name, new Linearizer(X.space, Y.space, m.op.operator), X, Y);
    // A time-conditioned expression: evaluated at the time each sample asks for.
    const op = m.op;
    const model = profileOperator(evaluateOperator(op, 0.5));
    return {
      name,
      domain: X,
      codomain: Y,
      timeConditioned: true,
      stages: [operatorStage(model)],
      apply: (x, t) => applyOnce(X.space, Y.space, evaluateOperator(op, t ?? 0), x),
    };
  }
}

/** The source text of an argument, for labels. */
function show(text: string | undefined, e: Node): string {
  return text === undefined ? "…" : text.slice(e.range.start.offset, e.range.end.offset);
}

class UnsupportedArgument extends Error {}

/** The spaces a network induces: `induced G`, or `induced G[0]` and `induced G[1]` when tagged. */
async function inducedSpaces(b: Binding, t: NetworkT): Promise<SpaceModel[]> {
  const shape = t.space.kind === "Euclidean" ? t.space.shape : [];
  const tags = t.tagged ? [0, 1] : [undefined];
  const out: SpaceModel[] = [];
  for (const tag of tags) out.push(await b.space(irSpace({ kind: "Induced", network: t.id, shape, ...(tag === undefined ? {} : { tag }) })));
  return out;
}

async function statementChecks(program: CheckedProgram, b: Binding, s: VerifyStmt, maps: (e: Expr) => { m: MapExpr; name: string } | undefined): Promise<Check[]> {
  const law = s.law.name;
  const pos = s.args.filter((a) => a.name === undefined).map((a) => a.value);
  const mapArg = (e: Expr | undefined): { m: MapExpr; name: string } => {
    const hit = e === undefined ? undefined : maps(e);
    if (hit !== undefined) return hit;
    throw new UnsupportedArgument("give the map a name in this file (`let h = …;`) and verify that name");
  };
  const optimised = (e: Expr | undefined): Promise<MapUnderTest> => {
    const { m, name } = mapArg(e);
    return b.subject(name, optimiseMap(m).after);
  };
  const typeOf = (e: Expr | undefined) => (e === undefined ? undefined : program.typeOf(e));
  switch (law) {
    case "linear":
      return superpositionLaw(await optimised(pos[0]));
    case "adjoint":
    case "pinv":
    case "svd": {
      const f = await optimised(pos[0]);
      const lin = f.linearizer;
      if (lin === undefined) throw new UnsupportedArgument(`${law} needs a map Linea can put in the form 𝕃{g_x, g_y, A}`);
      if (law === "svd") return svdLaw(f);
      if (law === "adjoint") return adjointLaw(f, b.owned(`adjoint(${f.name})`, adjoint(lin), f.codomain, f.domain));
      return pinvLaw(f, b.owned(`pinv(${f.name})`, pinv(lin).map, f.codomain, f.domain));
    }
    case "idempotent":
      return idempotentLaw(await optimised(pos[0]));
    case "projector":
      return projectorLaw(await optimised(pos[0]));
    case "equal": {
      // The reference evaluation of the first against the optimised second: `equal(g * f, h)`.
      const a = mapArg(pos[0]);
      const c = mapArg(pos[1]);
      return equalLaw(await b.subject(a.name, a.m), await b.subject(c.name, optimiseMap(c.m).after));
    }
    case "roundtrip": {
      const t = typeOf(pos[0]);
      if (t?.kind !== "Network") throw new UnsupportedArgument("roundtrip needs a network");
      return (await inducedSpaces(b, t)).flatMap((X) => roundtripLaw(X, `${t.id.name}: ${X.space.name}`));
    }
    case "axioms": {
      const t = typeOf(pos[0]);
      if (t?.kind !== "Space") throw new UnsupportedArgument("axioms needs a space");
      return axiomsLaw(await b.space(irSpace(t.space)));
    }
    case "left_inverse": {
      // ψ(φ(x)) = x through E's points, unfused (the optimiser would fold ψ∘φ to Aᵀ·A), against id on X.
      const { m: phi, name } = mapArg(pos[0]);
      const psi = b.ir.maps.get(leftInverseName(name));
      if (psi === undefined || phi.kind !== "normal") throw new UnsupportedArgument("left_inverse needs an embedding declared with `embedding φ : X -> E = …;`");
      const through = await b.subject(`${leftInverseName(name)} ∘ ${name}`, chain([psi, phi]));
      const id = await b.subject(`id(${phi.domain.name})`, normalForm(phi.domain, phi.domain, identityExpr(phi.domain.dim)));
      return leftInverseLaw(through, id, name);
    }
    case "norm_preserving": {
      const band = s.options.find((o) => o.name?.name === "band");
      const interval = band === undefined ? ([1, 1] as const) : intervalOf(band.value);
      if (interval === undefined) throw new UnsupportedArgument("band must be [a, b] with 0 ≤ a ≤ b");
      const metric = program.argumentsOf(s).get("metric") === "euclidean" ? "euclidean" : "induced";
      return [normPreservingLaw(await optimised(pos[0]), interval, metric)];
    }
    case "one_step": {
      const { m, name } = mapArg(pos[0]);
      if (m.kind !== "normal") throw new UnsupportedArgument("one_step needs a time-conditioned map declared with `map v : X -> Y = A;`");
      // The checker accepted only literal methods and step counts, so the defaults fill what is not written.
      const { method, steps } = samplerSettings(program.argumentsOf(s)) ?? samplerDefaults;
      const v = await b.subject(name, m);
      return oneStepLaw(v, method, steps, m.op);
    }
    default:
      throw new UnsupportedArgument(`law ${law} is not known to this version of linea verify`);
  }
}

function options(program: CheckedProgram, s: VerifyStmt): { runs?: number; seed?: number; tolerance?: number } {
  const out: { runs?: number; seed?: number; tolerance?: number } = {};
  // The checker records a verify statement's `with` options with its arguments, by name.
  const args = program.argumentsOf(s);
  for (const key of ["runs", "seed", "tolerance"] as const) {
    const v = args.get(key);
    if (typeof v === "number") out[key] = v;
  }
  return out;
}

/** Largest endomorphism --all materialises to decide whether it claims to be a projection. */
const PROJECTION_PROBE_DIM = 512;

/**
 * Whether an endomorphism's operator is a projection in float64 (A² = A, to 10⁻⁹ relative): then --all
 * checks it as one — orthogonal when also Aᵀ = A (projector law), oblique otherwise (idempotent law).
 */
function projectionShape(op: LinearOperator): "orthogonal" | "oblique" | "none" {
  if (op.rows !== op.cols || op.rows > PROJECTION_PROBE_DIM) return "none";
  const a = materialise(op);
  const scale = Math.max(1, frobeniusNorm(a));
  if (frobeniusNorm(subtractMatrices(matmul(a, a), a)) > 1e-9 * scale) return "none";
  return frobeniusNorm(subtractMatrices(a, transposeMatrix(a))) <= 1e-9 * scale ? "orthogonal" : "oblique";
}

/** The laws --all adds for the declarations of the entry module. */
async function declarationTargets(program: CheckedProgram, b: Binding): Promise<VerifyTarget[]> {
  const module = program.modules.get(program.entry);
  if (module === undefined) return [];
  const targets: VerifyTarget[] = [];
  for (const n of module.networks) {
    const spaces = await inducedSpaces(b, n.type);
    targets.push({ label: `network ${n.name}`, location: { uri: module.uri, range: n.decl.name.range }, checks: spaces.flatMap((X) => [...roundtripLaw(X), ...axiomsLaw(X)]) });
  }
  for (const [name, m] of b.ir.maps) {
    if (name.startsWith("__verify_") || isSyntheticMapName(name)) continue; // a verify statement's argument or a gsvd's part, not a declaration
    const o = optimiseMap(m);
    const f = await b.subject(name, o.after);
    const checks: Check[] = [...superpositionLaw(f)];
    const lin = f.linearizer;
    if (lin !== undefined && !f.timeConditioned) {
      checks.push(...adjointLaw(f, b.owned(`adjoint(${name})`, adjoint(lin), f.codomain, f.domain)));
      checks.push(...pinvLaw(f, b.owned(`pinv(${name})`, pinv(lin).map, f.codomain, f.domain)));
      const shape = lin.domain.equals(lin.codomain) ? projectionShape(lin.operator) : "none";
      if (shape === "orthogonal") checks.push(...projectorLaw(f));
      else if (shape === "oblique") checks.push(...idempotentLaw(f));
    }
    // What the optimiser changed (fused compositions, collapsed samplers) against the reference semantics.
    if (o.fired.length > 0 && !f.timeConditioned) checks.push(...equalLaw(await b.subject(`${name} (as written)`, m), f, "composition", `${name} as written = ${name} optimised`));
    const decl = module.program.items.find((x) => (x.kind === "MapDecl" || x.kind === "LetDecl") && x.name.name === name);
    const range = decl?.kind === "MapDecl" || decl?.kind === "LetDecl" ? decl.name.range : undefined;
    targets.push({ label: `${decl?.kind === "LetDecl" ? "let" : "map"} ${name}`, ...(range === undefined ? {} : { location: { uri: module.uri, range } }), checks });
  }
  return targets;
}

/** Binds the program's values and turns its verify statements (and, with `all`, its declarations) into checks. */
/** The name a synthetic `let` gives argument j of verify statement i. */
const syntheticName = (i: number, j: number): string => `__verify_${i}_${j}`;

/**
 * A verify argument that is a map expression (`verify equal(f + h, h + f)`) is lowered by the
 * compiler like any `let`: each is wrapped, as the very node it is, in `let __verify_i_j = <argument>;`
 * and checked in the entry module's scope below every declaration (extendModule; nothing is re-read
 * or re-checked). Returns the original program when nothing needs it or the lets do not check.
 */
function withSyntheticLets(program: CheckedProgram): CheckedProgram {
  const module = program.modules.get(program.entry);
  if (module === undefined) return program;
  const lets: LetDecl[] = [];
  module.program.items
    .filter((x): x is VerifyStmt => x.kind === "Verify")
    .forEach((st, i) => {
      st.args.forEach((a, j) => {
        if (a.name === undefined && a.value.kind !== "Name" && program.typeOf(a.value)?.kind === "Map") lets.push(letDecl(syntheticName(i, j), a.value, a.value.range));
      });
    });
  if (lets.length === 0) return program;
  const augmented = extendModule(program, program.entry, lets);
  return isRight(augmented) ? augmented.right : program;
}

/** The checks of a program's `verify` statements (or of every applicable law with `all`), bound once; dispose when done. */
export async function verificationOf(original: CheckedProgram, opts: VerifyOptions = {}, sourceText?: string): Promise<ProgramVerification> {
  const program = withSyntheticLets(original);
  // The laws read results with tensor.data() (async), so every backend works, webgpu included.
  const backend = await selectBackend(opts.backend);
  const seed = opts.modelSeed ?? 0;
  const bound = await bindProgram(program, { seed, weights: opts.weights });
  const { ir, networks } = bound;
  const b = new Binding(ir, networks);
  const module = program.modules.get(program.entry);
  const targets: VerifyTarget[] = [];
  const statements = (module?.program.items ?? []).filter((x): x is VerifyStmt => x.kind === "Verify");
  for (const [i, item] of statements.entries()) {
    const maps = (e: Expr): { m: MapExpr; name: string } | undefined => {
      if (e.kind === "Name") {
        const m = ir.maps.get(e.name.name);
        return m === undefined ? undefined : { m, name: e.name.name };
      }
      const j = item.args.findIndex((a) => a.value === e);
      const m = j < 0 ? undefined : ir.maps.get(syntheticName(i, j));
      return m === undefined ? undefined : { m, name: `(${show(sourceText, e)})` };
    };
    const label = show(sourceText, item).replace(/;$/, "");
    const location = { uri: program.entry, range: item.range };
    try {
      targets.push({ label, location, checks: await statementChecks(program, b, item, maps), ...options(program, item) });
    } catch (e) {
      // A statement that cannot be set up (an argument Linea cannot evaluate, a runtime error while
      // building its objects) is reported on its own line; the other statements still run.
      targets.push({ label, location, checks: [], ...options(program, item), problem: e instanceof Error ? e.message.split("\n")[0] : String(e) });
    }
  }
  if (opts.all === true) targets.push(...(await declarationTargets(program, b)));
  return {
    targets,
    backend: backend.description,
    dispose: () => {
      b.release();
      bound.dispose();
    },
  };
}
