// Builds well-typed Linea programs from a stream of choices. Each item only uses what earlier items
// declared and only in ways the typing rules allow, so the result must check clean. Driven by
// fast-check (spec/compiler/arbitraries.ts, which shrinks the choices) and by a seeded generator
// (bench/check.ts, for large specs).
import type { Arg, BlockNode, Expr, Ident, Item, NumberLit, Program, SpaceExpr } from "../../src/ast/nodes.js";
import { emptyRange as range } from "../../src/ast/source.js";

/** Returns an integer in [0, n). */
export type Choose = (n: number) => number;

interface SpaceEntry {
  readonly name: string;
  /** Equal keys ⇔ equal spaces: the shape for Euclidean spaces, network and tag for induced ones. */
  readonly key: string;
  readonly dim: number;
  readonly shape: readonly number[];
  readonly euclidean: boolean;
}
interface MapEntry {
  readonly name: string;
  readonly dom: SpaceEntry;
  readonly cod: SpaceEntry;
}
interface OpEntry {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
}
interface VecEntry {
  readonly name: string;
  readonly space: SpaceEntry;
}

const id = (name: string): Ident => ({ kind: "Ident", name, range });
const name = (n: string): Expr => ({ kind: "Name", name: id(n), range });
const num = (value: number): NumberLit => ({ kind: "Number", value, text: String(value), range });
const arg = (value: Expr, key?: string): Arg => (key ? { kind: "Arg", name: id(key), value, range } : { kind: "Arg", value, range });
const call = (callee: string, ...args: Arg[]): Expr => ({ kind: "Call", callee: name(callee), args, range });
const bin = (op: "+" | "-" | "*" | "/" | "^", left: Expr, right: Expr): Expr => ({ kind: "Binary", op, left, right, range });
const spaceRef = (s: SpaceEntry): SpaceExpr => ({ kind: "SpaceRef", ref: { kind: "Name", name: id(s.name), range }, range });

export class WellTypedBuilder {
  private readonly items: Item[] = [];
  private readonly spaces: SpaceEntry[] = [];
  private readonly euclid: SpaceEntry[] = [];
  private readonly maps: MapEntry[] = [];
  private readonly tcMaps: MapEntry[] = [];
  private readonly ops: OpEntry[] = [];
  private readonly vecs: VecEntry[] = [];
  private readonly networks: { name: string; over: SpaceEntry }[] = [];
  private counter = 0;

  /** `maxDim` caps every space's dimension (small specs that compile and run quickly). */
  constructor(
    private readonly choose: Choose,
    private readonly options: { readonly maxDim?: number } = {},
  ) {}

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  private pick<T>(list: readonly T[]): T | undefined {
    return list.length ? list[this.choose(list.length)] : undefined;
  }

  /** Adds one item (or a few that belong together); the kind is the next choice. */
  step(): void {
    const kinds = [
      () => this.euclideanSpace(),
      () => this.network(),
      () => this.operator(),
      () => this.map(),
      () => this.map(),
      () => this.composition(),
      () => this.swap(),
      () => this.combination(),
      () => this.application(),
      () => this.vectorArithmetic(),
      () => this.scalar(),
      () => this.svdValue(),
      () => this.timeConditioned(),
      () => this.entry(),
      () => this.verify(),
      () => this.train(),
    ];
    // The first items declare spaces, so that the rest have something to use.
    if (this.spaces.length < 2) this.euclideanSpace();
    else kinds[this.choose(kinds.length)]();
  }

  program(uri = "<input>"): Program {
    return { kind: "Program", uri, items: [...this.items], range };
  }

  private addSpace(value: SpaceExpr, entry: Omit<SpaceEntry, "name">): SpaceEntry {
    const s = { ...entry, name: this.fresh("S") };
    this.items.push({ kind: "SpaceDecl", name: id(s.name), value, range });
    this.spaces.push(s);
    if (s.euclidean) this.euclid.push(s);
    return s;
  }

  private euclideanSpace(): void {
    const max = this.options.maxDim;
    if (this.choose(3) === 0 && (max === undefined || max >= 4)) {
      // Under a cap, [1, 2, 2] or [2, 2, 2] (still squeezable) when they fit.
      const shape = max === undefined ? [1 + this.choose(3), 2 * (1 + this.choose(3)), 2 * (1 + this.choose(3))] : [max >= 8 ? 1 + this.choose(2) : 1, 2, 2];
      this.addSpace({ kind: "EuclideanSpace", shape, form: "shape", range }, { key: `E${shape.join("x")}`, dim: shape[0] * shape[1] * shape[2], shape, euclidean: true });
    } else {
      const n = 1 + this.choose(Math.min(8, this.options.maxDim ?? 8));
      this.addSpace({ kind: "EuclideanSpace", shape: [n], form: "power", range }, { key: `E${n}`, dim: n, shape: [n], euclidean: true });
    }
  }

  private network(): void {
    const over = this.pick(this.euclid);
    if (!over) return;
    const blocks: BlockNode[] = [];
    const layer = (n: string, args?: Arg[]): BlockNode => (args ? { kind: "Layer", name: id(n), args, range } : { kind: "Layer", name: id(n), range });
    let squeezable = over.shape.length === 3 && over.shape[1] % 2 === 0 && over.shape[2] % 2 === 0;
    const count = 1 + this.choose(4);
    for (let i = 0; i < count; i++) {
      const k = this.choose(7);
      if (k === 0) blocks.push(layer("actnorm"));
      else if (k === 1) blocks.push(layer("inv_dense"));
      else if (k === 2) blocks.push(layer("permute", this.choose(2) ? [arg(name("reverse"))] : [arg(name("random")), arg(num(this.choose(10)), "seed")]));
      else if (k === 3 && over.dim >= 2) {
        const act = ["relu", "tanh", "gelu", "silu", "leaky_relu"][this.choose(5)];
        blocks.push(layer("affine_coupling", [arg(num(8 * (1 + this.choose(8))), "hidden"), arg(num(1 + this.choose(3)), "depth"), arg(name(act), "activation")]));
      } else if (k === 4 && over.dim >= 2) blocks.push(layer("additive_coupling", [arg(num(16), "hidden")]));
      else if (k === 5 && squeezable) {
        blocks.push(layer("squeeze"));
        squeezable = false;
      } else blocks.push({ kind: "Repeat", count: num(1 + this.choose(3)), body: [layer("actnorm"), layer("permute", [arg(name("reverse"))])], range });
    }
    const tagged = this.choose(2) === 0;
    const net = this.fresh("N");
    this.items.push({ kind: "NetworkDecl", name: id(net), over: spaceRef(over), tagged, blocks, range });
    this.networks.push({ name: net, over });
    const induced = (tag?: number): void => {
      const value: SpaceExpr =
        tag === undefined
          ? { kind: "InducedSpace", network: { kind: "Name", name: id(net), range }, range }
          : { kind: "InducedSpace", network: { kind: "Name", name: id(net), range }, tag: num(tag), range };
      this.addSpace(value, { key: `I${net}:${tag ?? ""}`, dim: over.dim, shape: over.shape, euclidean: false });
    };
    if (tagged) {
      induced(0);
      induced(1);
    } else induced();
  }

  /** An operator builtin of shape [rows, cols]; square ones only when rows = cols. */
  private builtin(rows: number, cols: number): Expr {
    const r = 1 + this.choose(Math.min(rows, cols));
    const options: Expr[] = [
      name("dense"),
      call("dense", arg(name("orthogonal"), "init")),
      name("diagonal"),
      call("lowrank", arg(num(r), "rank")),
      call("svd_factored", arg(num(r), "rank")),
    ];
    if (rows === cols) {
      options.push(
        name("identity"),
        call("orthogonal", arg(name("householder"), "param")),
        call("projector", arg(num(r), "rank")),
        call("scaled_identity", arg(num(0.5))),
        call("identity_plus_lowrank", arg(num(r), "rank")),
      );
    }
    return options[this.choose(options.length)];
  }

  private operator(): void {
    const dom = this.pick(this.spaces);
    const cod = this.pick(this.spaces);
    if (!dom || !cod) return;
    const o = { name: this.fresh("O"), rows: cod.dim, cols: dom.dim };
    const shape = o.rows === o.cols && this.choose(2) ? [num(o.rows)] : [num(o.rows), num(o.cols)];
    const same = this.ops.filter((p) => p.rows === o.rows && p.cols === o.cols);
    const other = this.pick(same);
    const value = other && this.choose(2) ? bin("+", this.builtin(o.rows, o.cols), bin("*", num(2), name(other.name))) : this.builtin(o.rows, o.cols);
    this.items.push({ kind: "OperatorDecl", name: id(o.name), shape, value, range });
    this.ops.push(o);
  }

  private map(): void {
    const dom = this.pick(this.spaces);
    const cod = this.pick(this.spaces);
    if (!dom || !cod) return;
    const fitting = this.ops.filter((o) => o.rows === cod.dim && o.cols === dom.dim);
    const op = this.pick(fitting);
    const value = op ? (this.choose(2) ? name(op.name) : bin("-", bin("*", num(0.5), name(op.name)), this.builtin(cod.dim, dom.dim))) : this.builtin(cod.dim, dom.dim);
    const m = { name: this.fresh("M"), dom, cod };
    this.items.push({ kind: "MapDecl", name: id(m.name), domain: spaceRef(dom), codomain: spaceRef(cod), value, range });
    this.maps.push(m);
  }

  private letMap(value: Expr, dom: SpaceEntry, cod: SpaceEntry): void {
    const m = { name: this.fresh("L"), dom, cod };
    const annotate = this.choose(2) === 0;
    this.items.push(
      annotate
        ? { kind: "LetDecl", name: id(m.name), annotation: { kind: "MapType", domain: spaceRef(dom), codomain: spaceRef(cod), range }, value, range }
        : { kind: "LetDecl", name: id(m.name), value, range },
    );
    this.maps.push(m);
  }

  private composition(): void {
    const pairs: [MapEntry, MapEntry][] = [];
    for (const f of this.maps.slice(-12)) for (const g of this.maps.slice(-12)) if (g.dom.key === f.cod.key) pairs.push([f, g]);
    const pair = this.pick(pairs);
    if (!pair) return this.map();
    const [f, g] = pair;
    const endo = g.dom.key === g.cod.key && this.choose(3) === 0;
    this.letMap(bin("*", endo ? bin("^", name(g.name), num(2)) : name(g.name), name(f.name)), f.dom, g.cod);
  }

  private swap(): void {
    const f = this.pick(this.maps);
    if (!f) return this.map();
    const k = this.choose(3);
    if (k === 2) this.letMap(call("project", arg(name(f.name))), f.cod, f.cod);
    else this.letMap(call(k ? "pinv" : "adjoint", arg(name(f.name))), f.cod, f.dom);
  }

  private combination(): void {
    const f = this.pick(this.maps);
    if (!f) return this.map();
    const partners = this.maps.filter((g) => g.dom.key === f.dom.key && g.cod.key === f.cod.key);
    const g = this.pick(partners) ?? f;
    this.letMap(bin(this.choose(2) ? "+" : "-", bin("*", num(2), name(f.name)), name(g.name)), f.dom, f.cod);
  }

  private vector(space: SpaceEntry): Expr {
    const mine = this.vecs.filter((v) => v.space.key === space.key);
    const v = this.pick(mine);
    return v && this.choose(2) ? name(v.name) : call("zero", arg(name(space.name)));
  }

  private letVector(value: Expr, space: SpaceEntry): void {
    const v = { name: this.fresh("V"), space };
    this.items.push(this.choose(2) ? { kind: "LetDecl", name: id(v.name), annotation: spaceRef(space), value, range } : { kind: "LetDecl", name: id(v.name), value, range });
    this.vecs.push(v);
  }

  private application(): void {
    const f = this.pick(this.maps);
    if (!f) return this.map();
    this.letVector({ kind: "Call", callee: name(f.name), args: [arg(this.vector(f.dom))], range }, f.cod);
  }

  private vectorArithmetic(): void {
    const v = this.pick(this.vecs);
    if (!v) return this.application();
    const w = this.vector(v.space);
    const forms: Expr[] = [
      bin("+", name(v.name), w),
      bin("-", w, name(v.name)),
      bin("*", num(3), name(v.name)),
      bin("/", name(v.name), num(2)),
      { kind: "Unary", op: "-", operand: name(v.name), range },
    ];
    this.letVector(forms[this.choose(forms.length)], v.space);
  }

  private scalar(): void {
    const v = this.pick(this.vecs);
    if (!v) return this.application();
    const value = this.choose(2) ? call("norm", arg(name(v.name))) : call("inner", arg(name(v.name)), arg(this.vector(v.space)));
    this.items.push({ kind: "LetDecl", name: id(this.fresh("C")), annotation: { kind: "ScalarType", range }, value, range });
  }

  private svdValue(): void {
    const f = this.pick(this.maps);
    if (!f) return this.map();
    const k = Math.min(f.dom.dim, f.cod.dim);
    const d: Expr = call("svd", arg(name(f.name)));
    const member = (field: string): Expr => ({ kind: "Member", object: d, name: id(field), range });
    const choice = this.choose(3);
    if (choice === 0) this.letVector({ kind: "Index", object: member("left"), index: num(this.choose(k)), range }, f.cod);
    else if (choice === 1) this.letVector({ kind: "Index", object: member("right"), index: num(this.choose(k)), range }, f.dom);
    else this.letMap(bin("*", bin("*", member("U"), member("S")), member("Vt")), f.dom, f.cod);
  }

  private timeConditioned(): void {
    const tc = this.pick(this.tcMaps);
    if (!tc || this.choose(3) === 0) {
      const dom = this.pick(this.spaces);
      const cod = this.pick(this.spaces.filter((s) => dom && s.dim === dom.dim));
      if (!dom || !cod) return;
      const m = { name: this.fresh("M"), dom, cod };
      const value = call("time_conditioned", arg(num(1 + this.choose(dom.dim)), "rank"), arg(num(16), "embed"));
      this.items.push({ kind: "MapDecl", name: id(m.name), domain: spaceRef(dom), codomain: spaceRef(cod), value, range });
      this.tcMaps.push(m);
      return;
    }
    if (this.choose(2)) {
      this.letMap(call("sampler", arg(name(tc.name)), arg(name(this.choose(2) ? "euler" : "rk4"), "method"), arg(num(2 + this.choose(19)), "steps")), tc.dom, tc.cod);
    } else {
      this.letMap(call("at", arg(name(tc.name)), arg(num(0.5))), tc.dom, tc.cod);
    }
  }

  private entry(): void {
    const f = this.pick(this.maps);
    if (!f) return this.map();
    const x = this.fresh("x");
    const body: Expr = { kind: "Call", callee: name(f.name), args: [arg(name(x))], range };
    this.items.push({ kind: "EntryDecl", name: id(this.fresh("E")), params: [{ kind: "Param", name: id(x), space: spaceRef(f.dom), range }], body, range });
  }

  private verify(): void {
    const f = this.pick(this.maps);
    if (!f) return this.map();
    const opts = this.choose(2) ? [arg(num(1 + this.choose(100)), "runs"), arg(num(this.choose(9)), "seed")] : [];
    const endo = this.pick(this.maps.filter((m) => m.dom.key === m.cod.key));
    const net = this.pick(this.networks);
    const tc = this.pick(this.tcMaps);
    const laws: [string, Arg[]][] = [
      ["linear", [arg(name(f.name))]],
      ["pinv", [arg(name(f.name))]],
      ["adjoint", [arg(name(f.name))]],
      ["svd", [arg(name(f.name))]],
      ["equal", [arg(name(f.name)), arg(bin("+", name(f.name), name(f.name)))]],
      ["axioms", [arg(name(f.dom.name))]],
    ];
    if (endo) laws.push(["idempotent", [arg(call("project", arg(name(endo.name))))]]);
    if (net) laws.push(["roundtrip", [arg(name(net.name))]]);
    if (tc) laws.push(["one_step", [arg(name(tc.name)), arg(name("euler"), "method"), arg(num(4), "steps")]]);
    const [law, args] = laws[this.choose(laws.length)];
    this.items.push({ kind: "Verify", law: id(law), args, options: opts, range });
  }

  private train(): void {
    const f = this.pick(this.maps);
    if (!f) return this.map();
    const field = (key: string, value: Expr) => ({ kind: "TrainField" as const, key: id(key), value, range });
    this.items.push({
      kind: "TrainDecl",
      name: id(this.fresh("T")),
      fields: [field("model", name(f.name)), field("data", call("mnist")), field("loss", name("mse")), field("steps", num(10 + this.choose(1000))), field("lr", num(0.001))],
      range,
    });
  }
}

/** A seeded choice stream (mulberry32), for reproducible large specs. */
export function seededChoose(seed: number): Choose {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n) | 0;
  };
}
