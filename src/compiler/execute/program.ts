// compile(checked) → CompiledProgram: binds the program once (src/compiler/binding: every declaration
// given runtime values, seeded or loaded from safetensors, and the IR lowered), optimises every map that an entry or a target uses (fusing
// compositions through shared networks, folding constants, collapsing samplers) and turns each entry
// and map into a Plan: encode with g_x, apply the optimised operator, decode with g_y⁻¹.
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import * as tf from "@tensorflow/tfjs-core";
import type { Diagnostic } from "../../ast/diagnostic.js";
import { BACKEND_ENV_VAR, selectBackend, type SelectedBackend } from "../../runtime/backend/index.js";
import { saveSafetensors } from "../../runtime/io/index.js";
import { completeSvd, lastSolve, releaseTensors, type LinearOperator, type PinvApplyResult } from "../../runtime/operator/index.js";
import { blockChart, type Chart } from "../../runtime/space/index.js";
import type { CheckedProgram } from "../checker/checked.js";
import { checkEither, type CheckOptions } from "../checker/check.js";
import { nodeFileHost } from "../checker/node_host.js";
import { childrenOf, type OpExpr } from "../ir/expr.js";
import { evaluateOperator, formatExpr, IrError, mapsToDot, spaceShape, type IrSpace, type MapExpr } from "../ir/index.js";
import type { IrEntry, IrProgram, IrScalar, IrVector } from "../lowering/lower.js";
import { explainOptimisation, optimiseMap, type MapOptimisation } from "../passes/index.js";
import { ExecuteError } from "./errors.js";
import { OnnxEngine } from "./onnxEngine.js";
import { formatPlan, runPlan, type Plan, type Step } from "./plan.js";
import type { BoundNetwork } from "../binding/networks.js";
import { bindProgram, type BindOptions, type BoundProgram } from "../binding/program.js";

/** The seed, weights file and targets of the binding (BindOptions), and the backend. */
export interface CompileOptions extends BindOptions {
  /**
   * wasm | cpu | webgpu | tensorflow | auto (default: LINEA_BACKEND, then auto), or onnx: the plans run on
   * ONNX Runtime (`runAsync`), everything else on wasm.
   */
  readonly backend?: string;
  /** `onnx` only: ONNX Runtime's intra-op threads (default: every core). */
  readonly threads?: number;
}

/** The backend name that runs plans on ONNX Runtime. */
export const ONNX_BACKEND = "onnx";

/** Per-row data for one input: a tensor [b, …] or a flat Float32Array of b·dim values. */
export type RunInput = tf.Tensor | Float32Array;

/** Turns the optimised IR of one target into plan steps, allocating registers as it goes. */
class Planner {
  readonly steps: Step[] = [];
  private next: number;
  private readonly encoded = new Map<string, number>();

  constructor(
    inputs: number,
    private readonly chartOf: (space: IrSpace) => Chart | undefined,
    private readonly optimised: (m: MapExpr) => MapOptimisation,
  ) {
    this.next = inputs;
  }

  private emit(make: (to: number) => Step): number {
    const to = this.next++;
    this.steps.push(make(to));
    return to;
  }

  /** Coordinates of register `from` (data points of `space`); Euclidean spaces need no pass. Cached per input. */
  encode(space: IrSpace, from: number): number {
    const chart = this.chartOf(space);
    if (chart === undefined) return from;
    const key = `${space.id}@${from}`;
    const hit = this.encoded.get(key);
    if (hit !== undefined) return hit;
    const to = this.emit((t) => ({ kind: "encode", space: space.name, chart, from, to: t }));
    this.encoded.set(key, to);
    return to;
  }

  decode(space: IrSpace, from: number): number {
    const chart = this.chartOf(space);
    if (chart === undefined) return from;
    return this.emit((to) => ({ kind: "decode", space: space.name, chart, from, to }));
  }

  /** A map applied to coordinates of its domain; returns coordinates of its codomain. */
  applyMap(map: MapExpr, from: number): number {
    const m = this.optimised(map).after;
    if (m.kind === "normal") {
      let operator: LinearOperator;
      try {
        operator = evaluateOperator(m.op);
      } catch (e) {
        if (e instanceof IrError) throw new ExecuteError("LIN0803", `${formatExpr(m.op)}: ${e.message}`);
        throw e;
      }
      return this.emit((to) => ({ kind: "operator", label: formatExpr(m.op), operator, from, to }));
    }
    // A chain through different networks: decode out of each inner codomain, encode into the next domain.
    let r = from;
    let previous: IrSpace | undefined;
    for (const piece of [...m.maps].reverse()) {
      const ends = mapEnds(piece);
      if (previous !== undefined && previous.id !== ends.domain.id) r = this.encode(ends.domain, this.decode(previous, r));
      r = this.applyMap(piece, r);
      previous = ends.codomain;
    }
    return r;
  }

  /** Coordinates of an entry's vector expression in its space. */
  vector(v: IrVector): number {
    switch (v.kind) {
      case "param":
        return this.encode(v.space, v.index);
      case "apply":
        return this.applyMap(v.map, this.vector(v.arg));
      case "combine": {
        const terms = v.terms.map((t) => ({ coeff: t.coeff, from: this.vector(t.vector) }));
        return this.emit((to) => ({ kind: "combine", terms, to }));
      }
      case "scaled": {
        const by = this.scalar(v.by);
        const from = this.vector(v.vector);
        return this.emit((to) => ({ kind: "rowscale", by, from, to }));
      }
      case "zero":
        return this.emit((to) => ({ kind: "zero", dim: v.space.dim, to }));
      case "singular_vector": {
        const { u, v: right, s } = completeSvd(evaluateOperator(v.map.op));
        const basis = v.side === "left" ? u : right;
        if (v.index < 0 || v.index >= s.length) throw new ExecuteError("LIN0803", `singular vector ${v.index} of a map with ${s.length}`);
        const values = new Float32Array(basis.rows);
        for (let i = 0; i < basis.rows; i++) values[i] = basis.data[i * basis.cols + v.index] ?? 0;
        return this.emit((to) => ({ kind: "constant", label: `svd.${v.side}[${v.index}]`, values, to }));
      }
    }
  }

  /** Per-row scalars [b, 1]. */
  scalar(s: IrScalar): number {
    switch (s.kind) {
      case "constant":
        return this.emit((to) => ({ kind: "scalar", value: s.value, to }));
      case "inner": {
        const l = this.vector(s.left);
        const r = this.vector(s.right);
        return this.emit((to) => ({ kind: "inner", left: l, right: r, to }));
      }
      case "norm": {
        const from = this.vector(s.vector);
        return this.emit((to) => ({ kind: "norm", from, to }));
      }
      case "arith": {
        const l = this.scalar(s.left);
        const r = this.scalar(s.right);
        return this.emit((to) => ({ kind: "arith", op: s.op, left: l, right: r, to }));
      }
      case "negate": {
        const from = this.scalar(s.operand);
        return this.emit((to) => ({ kind: "negate", from, to }));
      }
      case "singular_value": {
        const { s: values } = completeSvd(evaluateOperator(s.map.op));
        const value = values[s.index];
        if (value === undefined) throw new ExecuteError("LIN0803", `singular value ${s.index} of a map with ${values.length}`);
        return this.emit((to) => ({ kind: "scalar", value, to }));
      }
    }
  }
}

/** A program compiled for one backend: run its entries and maps, explain its plans, draw its graph. */
export class CompiledProgram {
  private readonly optimisations = new Map<MapExpr, MapOptimisation>();
  private readonly plans = new Map<string, Plan | ExecuteError>();

  readonly ir: IrProgram;
  private readonly networks: ReadonlyMap<string, BoundNetwork>;

  constructor(
    readonly backend: SelectedBackend,
    /** The values, IR and targets it was compiled from (shared with verify and train). */
    readonly bound: BoundProgram,
    /** Present with `backend: "onnx"`: `runAsync` runs the plans on ONNX Runtime. */
    readonly engine?: OnnxEngine,
  ) {
    const ir = bound.ir;
    this.ir = ir;
    this.networks = bound.networks;
    const wanted = bound.targets ?? [...ir.entries.keys(), ...ir.maps.keys()];
    for (const name of wanted) {
      if (!ir.entries.has(name) && !ir.maps.has(name)) throw new ExecuteError("LIN0801", `no entry or map named ${name}: ${this.describeTargets()}`);
      try {
        this.plans.set(name, this.plan(name));
      } catch (e) {
        // A target that cannot run (e.g. a time-conditioned map without at/sampler) does not stop the others.
        if (e instanceof ExecuteError) this.plans.set(name, e);
        else throw e;
      }
    }
  }

  private describeTargets(): string {
    return `entries: ${[...this.ir.entries.keys()].join(", ") || "none"}; maps: ${[...this.ir.maps.keys()].join(", ") || "none"}`;
  }

  private chartOf = (space: IrSpace): Chart | undefined => {
    if (space.network === undefined) return undefined;
    const bound = this.networks.get(space.network);
    if (bound === undefined) throw new ExecuteError("LIN0803", `space ${space.name}: network ${space.network} was not built`);
    return blockChart(bound.network, space.tag);
  };

  private optimised = (m: MapExpr): MapOptimisation => {
    let o = this.optimisations.get(m);
    if (o === undefined) {
      o = optimiseMap(m);
      this.optimisations.set(m, o);
    }
    return o;
  };

  private plan(name: string): Plan {
    const entry = this.ir.entries.get(name);
    if (entry !== undefined) return this.entryPlan(entry);
    const map = this.ir.maps.get(name);
    if (map === undefined) throw new ExecuteError("LIN0801", `no entry or map named ${name}`);
    const ends = mapEnds(map);
    const planner = new Planner(1, this.chartOf, this.optimised);
    const output = planner.decode(ends.codomain, planner.applyMap(map, planner.encode(ends.domain, 0)));
    return {
      name,
      inputs: [{ name: "x", space: ends.domain.name, dim: ends.domain.dim, shape: spaceShape(ends.domain) }],
      steps: planner.steps,
      output,
      result: { kind: "vector", space: ends.codomain.name, dim: ends.codomain.dim, shape: spaceShape(ends.codomain) },
    };
  }

  private entryPlan(entry: IrEntry): Plan {
    const planner = new Planner(entry.params.length, this.chartOf, this.optimised);
    const inputs = entry.params.map((p) => ({ name: p.name, space: p.space.name, dim: p.space.dim, shape: spaceShape(p.space) }));
    if (entry.body.kind === "scalar") {
      const output = planner.scalar(entry.body.value);
      return { name: entry.name, inputs, steps: planner.steps, output, result: { kind: "scalar" } };
    }
    const space = entry.body.value.space;
    const output = planner.decode(space, planner.vector(entry.body.value));
    return { name: entry.name, inputs, steps: planner.steps, output, result: { kind: "vector", space: space.name, dim: space.dim, shape: spaceShape(space) } };
  }

  /** The plan of an entry or map; throws the reason when it cannot run. */
  planOf(name: string): Plan {
    const p = this.plans.get(name);
    if (p === undefined) throw new ExecuteError("LIN0801", `no compiled entry or map named ${name}: ${this.describeTargets()}`);
    if (p instanceof ExecuteError) throw p;
    return p;
  }

  /** The names that have a runnable plan. */
  get targets(): readonly string[] {
    return [...this.plans].filter(([, p]) => !(p instanceof ExecuteError)).map(([n]) => n);
  }

  /**
   * Runs an entry or map on row batches of data points, one input per parameter: tensors [b, …] or
   * flat Float32Arrays of b·dim values. Returns points [b, dim] (a scalar entry: [b]); the caller owns it.
   */
  run(name: string, ...inputs: readonly RunInput[]): tf.Tensor {
    const plan = this.planOf(name);
    return this.withRows(plan, inputs, (rows) => runPlan(plan, rows));
  }

  /**
   * Runs an entry or map as `run` does, on the program's engine: ONNX Runtime for `backend: "onnx"`, else
   * the tfjs backend (then it is `run`). Returns points [b, ...result shape flattened to dim] (a scalar
   * entry: [b]); the caller owns the tensor.
   */
  async runAsync(name: string, ...inputs: readonly RunInput[]): Promise<tf.Tensor> {
    const engine = this.engine;
    if (engine === undefined) return this.run(name, ...inputs);
    const plan = this.planOf(name);
    const flat = await this.withRows(plan, inputs, (rows) => Promise.all(rows.map(async (r) => (await r.data()) as Float32Array)));
    const batch = (flat[0]?.length ?? 0) / Math.max(plan.inputs[0]?.dim ?? 1, 1);
    const y = await engine.run(plan, flat, batch);
    return plan.result.kind === "scalar" ? tf.tensor1d(y, "float32") : tf.tensor2d(y, [batch, plan.result.dim], "float32");
  }

  /** The inputs as float32 row batches [b, dim] (checked: count, size, equal batches), handed to `use`. */
  private withRows<T>(plan: Plan, inputs: readonly RunInput[], use: (rows: readonly tf.Tensor2D[]) => T): T {
    const name = plan.name;
    if (inputs.length !== plan.inputs.length) {
      throw new ExecuteError("LIN0802", `${name} takes ${plan.inputs.length} input(s) (${plan.inputs.map((p) => p.name).join(", ")}), got ${inputs.length}`);
    }
    const given = inputs.map((x, i) => (isRowBatch(x, plan.inputs[i]?.dim ?? 0) ? x : undefined));
    const made: tf.Tensor2D[] = [];
    const rows = plan.inputs.map((p, i) => {
      const ready = given[i];
      if (ready !== undefined) return ready;
      const r = asRows(inputs[i] ?? new Float32Array(0), p.dim, `${name}(${p.name} : ${p.space})`);
      made.push(r);
      return r;
    });
    try {
      const batch = rows[0]?.shape[0];
      if (rows.some((r) => r.shape[0] !== batch)) {
        throw new ExecuteError("LIN0802", `${name}: inputs have different batch sizes (${rows.map((r) => r.shape[0]).join(", ")})`);
      }
      const result = use(rows);
      // A promise (runAsync's reads) must settle before the copies go.
      if (result instanceof Promise) return result.finally(() => made.forEach((r) => r.dispose())) as T;
      made.forEach((r) => r.dispose());
      return result;
    } catch (e) {
      made.forEach((r) => r.dispose());
      throw e;
    }
  }

  /**
   * Every pseudo-inverse the optimised maps apply matrix-free (an iterative_pinv constant), with the
   * LSQR report of its last application (undefined before it ran): iterations, residuals, stop reasons.
   */
  iterativeSolves(): { readonly label: string; readonly rows: number; readonly cols: number; readonly solve: PinvApplyResult | undefined }[] {
    const out = new Map<LinearOperator, { label: string; rows: number; cols: number; solve: PinvApplyResult | undefined }>();
    const visit = (op: LinearOperator, label: string): void => {
      if (op.kind === "iterative_pinv") out.set(op, { label, rows: op.rows, cols: op.cols, solve: lastSolve(op) });
      else if (op.kind === "product") op.factors.forEach((f) => visit(f, label));
      else if (op.kind === "sum") op.terms.forEach((t) => visit(t, label));
      else if (op.kind === "scaled" || op.kind === "transposed") visit(op.inner, label);
    };
    const walk = (m: MapExpr): void => {
      if (m.kind === "chain") return m.maps.forEach(walk);
      const leaves = (e: OpExpr): void => (e.kind === "leaf" && e.operator !== undefined ? visit(e.operator, e.name) : childrenOf(e).forEach(leaves));
      leaves(m.op);
    };
    for (const o of this.optimisations.values()) walk(o.after);
    return [...out.values()];
  }

  /** Each optimised map (those the targets use) before and after, with the rules that fired. */
  explainIr(): string {
    const parts: string[] = [];
    for (const [name, map] of this.ir.maps) {
      const o = this.optimisations.get(map);
      if (o !== undefined) parts.push(explainOptimisation(name, o));
    }
    return parts.join("\n\n");
  }

  /** The backend, the optimised maps (explainIr), then every plan. */
  explain(): string {
    const parts: string[] = [`backend: ${this.backend.description}`, this.explainIr()];
    for (const [name, p] of this.plans) parts.push(p instanceof ExecuteError ? `plan ${name}: not runnable: ${p.code}: ${p.message}` : formatPlan(p));
    return parts.join("\n\n");
  }

  /** The optimised maps as a Graphviz digraph. */
  dot(): string {
    const maps = [...this.ir.maps].flatMap(([name, map]) => {
      const o = this.optimisations.get(map);
      return o === undefined ? [] : [{ name, map: o.after }];
    });
    return mapsToDot(maps);
  }

  /** Writes every network's and operator's tensors, in the layout `weights` loads. */
  async saveWeights(file: string): Promise<void> {
    await saveSafetensors(file, await this.bound.tensors(), { format: "linea-program", format_version: "1" });
  }

  /** Frees the networks' variables and the backend copies of every operator the plans apply. */
  dispose(): void {
    // Folded operators (products, sums, collapsed samplers) own uploads the bound leaves do not.
    for (const p of this.plans.values()) if (!(p instanceof ExecuteError)) for (const s of p.steps) if (s.kind === "operator") releaseTensors(s.operator);
    // Native sessions: released in the background (nothing reads them after dispose).
    void this.engine?.release();
    this.bound.dispose();
  }
}

function mapEnds(m: MapExpr): { domain: IrSpace; codomain: IrSpace } {
  if (m.kind === "normal") return { domain: m.domain, codomain: m.codomain };
  const first = m.maps[m.maps.length - 1];
  const last = m.maps[0];
  if (first === undefined || last === undefined) throw new ExecuteError("LIN0803", "an empty composition");
  return { domain: mapEnds(first).domain, codomain: mapEnds(last).codomain };
}

/** A float32 tensor [b, dim] already: used without a copy. */
function isRowBatch(x: RunInput | undefined, dim: number): x is tf.Tensor2D {
  return x instanceof tf.Tensor && x.rank === 2 && x.dtype === "float32" && x.shape[1] === dim && x.shape[0] > 0;
}

function asRows(input: RunInput, dim: number, what: string): tf.Tensor2D {
  const size = input instanceof Float32Array ? input.length : input.size;
  if (dim === 0 || size % dim !== 0 || size === 0) {
    throw new ExecuteError("LIN0802", `${what} needs rows of ${dim} values, got ${size} value(s)${input instanceof Float32Array ? "" : ` of shape [${input.shape.join(", ")}]`}`);
  }
  if (!(input instanceof Float32Array) && input.rank >= 1 && input.size / input.shape[0] !== dim && input.rank > 1) {
    throw new ExecuteError("LIN0802", `${what} needs rows of ${dim} values, got shape [${input.shape.join(", ")}]`);
  }
  return input instanceof Float32Array ? tf.tensor2d(input, [size / dim, dim], "float32") : tf.tidy(() => tf.reshape(tf.cast(input, "float32"), [size / dim, dim]));
}

/** Compiles a checked program: backend, bound values, IR, optimised maps, plans. */
export async function compile(checked: CheckedProgram, options: CompileOptions = {}): Promise<CompiledProgram> {
  const { backend, engine } = await startBackend(options);
  return compileBound(await bindProgram(checked, options), backend, engine);
}

/**
 * The tfjs backend and, for `onnx` (the option, or LINEA_BACKEND when none is given), the ONNX Runtime
 * engine; onnx binds on wasm. A missing onnxruntime-node is LIN1086, raised before anything is bound.
 */
export async function startBackend(options: Pick<CompileOptions, "backend" | "threads">): Promise<{ backend: SelectedBackend; engine?: OnnxEngine }> {
  const env = process.env[BACKEND_ENV_VAR];
  const requested = options.backend ?? (env !== undefined && env !== "" ? env : undefined);
  if (requested !== ONNX_BACKEND) return { backend: await selectBackend(options.backend) };
  const engine = await OnnxEngine.start(options.threads === undefined ? {} : { threads: options.threads });
  const wasm = await selectBackend("wasm");
  return { backend: { name: wasm.name, description: `${engine.description}; binding and decompositions on ${wasm.description}` }, engine };
}

/**
 * Compiles a program already bound (its targets, if any, are the ones planned). The compiled program
 * owns the bound one: disposing it, or a failure here, frees the networks.
 */
export async function compileBound(bound: BoundProgram, backend?: SelectedBackend | string, engine?: OnnxEngine): Promise<CompiledProgram> {
  try {
    const selected = typeof backend === "object" ? backend : await selectBackend(backend);
    bound.checkWeightsUsed();
    return new CompiledProgram(selected, bound, engine);
  } catch (e) {
    bound.dispose();
    throw e;
  }
}

/** Checks a spec file (with its imports) and compiles it; Left: the diagnostics of an ill-typed spec. */
export async function compileFile(path: string, options: CompileOptions & CheckOptions = {}): Promise<Either<readonly Diagnostic[], CompiledProgram>> {
  const checked = checkEither(path, { ...options, host: options.host ?? nodeFileHost });
  if (isLeft(checked)) return left(checked.left);
  return right(await compile(checked.right, options));
}
