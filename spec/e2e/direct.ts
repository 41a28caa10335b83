// The direct runtime evaluation that compiled programs are compared with: the same networks and
// operators (built by the same binding code, same seed), the IR as lowered (NOT optimised), evaluated
// step by step through src/runtime/space: a Linearizer per normal form (operator by the reference
// semantics evaluateOperator: samplers step by step, powers as products), chains applied map by map
// with a decode/encode between networks, induced ⊕/⊙ through combine, inner and norm on coordinates.
import * as tf from "@tensorflow/tfjs-core";
import type { CheckedProgram } from "../../src/compiler/checker/checked.js";
import type { BoundNetwork } from "../../src/compiler/binding/networks.js";
import { bindProgram } from "../../src/compiler/binding/program.js";
import { completeSvd } from "../../src/runtime/operator/index.js";
import { evaluateOperator, type IrSpace, type MapExpr } from "../../src/compiler/ir/index.js";
import type { IrEntry, IrProgram, IrScalar, IrVector } from "../../src/compiler/lowering/lower.js";
import { blockChart, combine, inner, Linearizer, norm, Space, Vector, zero } from "../../src/runtime/space/index.js";

export interface Direct {
  readonly ir: IrProgram;
  /** Data points [b, dim] of the entry's result (or [b] for a scalar entry), as float64. */
  run(name: string, inputs: readonly tf.Tensor2D[]): Promise<Float64Array>;
  /** Network blocks on the longest encode/decode path, for tolerances. */
  readonly networks: ReadonlyMap<string, BoundNetwork>;
  dispose(): void;
}

/** `targets` limits the operators given values to those the named entries and maps use (as compile does). */
export async function directProgram(checked: CheckedProgram, seed: number, targets?: readonly string[]): Promise<Direct> {
  const bound = await bindProgram(checked, { seed, targets });
  const { ir, networks } = bound;
  const spaces = new Map<string, Space>();
  const spaceOf = (s: IrSpace): Space => {
    let out = spaces.get(s.id);
    if (out === undefined) {
      const net = s.network === undefined ? undefined : networks.get(s.network);
      if (s.network !== undefined && net === undefined) throw new Error(`no network ${s.network}`);
      out = net === undefined ? Space.euclidean(s.dim, s.name) : Space.induced(blockChart(net.network, s.tag), s.name);
      spaces.set(s.id, out);
    }
    return out;
  };
  const linearizer = (m: MapExpr & { kind: "normal" }): Linearizer => new Linearizer(spaceOf(m.domain), spaceOf(m.codomain), evaluateOperator(m.op));
  const applyMap = (m: MapExpr, x: Vector): Vector => {
    if (m.kind === "normal") {
      const f = linearizer(m);
      // Between two networks of a chain: the point decoded from one space is encoded in the next.
      const arg = f.domain.equals(x.space) ? x : Vector.fromPoints(f.domain, x.points());
      return f.apply(arg);
    }
    return m.maps.reduceRight((v, piece) => applyMap(piece, v), x);
  };
  // async: inner and norm read coordinates asynchronously (src/runtime/space/operations.ts)
  const vector = async (v: IrVector, params: readonly Vector[]): Promise<Vector> => {
    switch (v.kind) {
      case "param": {
        const p = params[v.index];
        if (p === undefined) throw new Error(`no parameter ${v.index}`);
        return p;
      }
      case "apply":
        return applyMap(v.map, await vector(v.arg, params));
      case "combine": {
        const terms: (readonly [number, Vector])[] = [];
        for (const t of v.terms) terms.push([t.coeff, await vector(t.vector, params)]);
        return combine(terms);
      }
      case "scaled": {
        const by = await scalar(v.by, params);
        const x = await vector(v.vector, params);
        const coords = tf.tidy(() => tf.mul<tf.Tensor2D>(x.coordinates(), tf.tensor2d(Float32Array.from(by), [by.length, 1])));
        return Vector.fromCoordinates(x.space, coords);
      }
      case "zero":
        return zero(spaceOf(v.space), params[0]?.batch ?? 1);
      case "singular_vector": {
        // k = min(dim X, dim Y) singular vectors as the language types them: the completed SVD (a
        // low-rank map's thin SVD has only r).
        const d = completeSvd(linearizer(v.map).operator);
        const basis = v.side === "left" ? d.u : d.v;
        const column = Float32Array.from({ length: basis.rows }, (_, i) => basis.data[i * basis.cols + v.index] ?? Number.NaN);
        const row = tf.tidy(() => tf.tile(tf.tensor2d(column, [1, basis.rows]), [params[0]?.batch ?? 1, 1]) as tf.Tensor2D);
        return Vector.fromCoordinates(spaceOf(v.space), row);
      }
    }
  };
  const scalar = async (s: IrScalar, params: readonly Vector[]): Promise<Float64Array> => {
    const batch = params[0]?.batch ?? 1;
    switch (s.kind) {
      case "constant":
        return new Float64Array(batch).fill(s.value);
      case "inner":
        return inner(await vector(s.left, params), await vector(s.right, params));
      case "norm":
        return norm(await vector(s.vector, params));
      case "arith": {
        const a = await scalar(s.left, params);
        const b = await scalar(s.right, params);
        return a.map((x, i) => {
          const y = b[i] ?? 0;
          return s.op === "+" ? x + y : s.op === "-" ? x - y : s.op === "*" ? x * y : x / y;
        });
      }
      case "negate":
        return (await scalar(s.operand, params)).map((x) => -x);
      case "singular_value":
        return new Float64Array(batch).fill(completeSvd(linearizer(s.map).operator).s[s.index] ?? Number.NaN);
    }
  };
  const run = async (name: string, inputs: readonly tf.Tensor2D[]): Promise<Float64Array> => {
    const entry: IrEntry | undefined = ir.entries.get(name);
    if (entry !== undefined) {
      const params = entry.params.map((p, i) => {
        const x = inputs[i];
        if (x === undefined) throw new Error(`missing input ${i}`);
        return Vector.fromPoints(spaceOf(p.space), x);
      });
      if (entry.body.kind === "scalar") return scalar(entry.body.value, params);
      return Float64Array.from((await vector(entry.body.value, params)).points().dataSync());
    }
    const m = ir.maps.get(name);
    const x = inputs[0];
    if (m === undefined || x === undefined) throw new Error(`no target ${name}`);
    const ends = (e: MapExpr): { d: IrSpace; c: IrSpace } => {
      if (e.kind === "normal") return { d: e.domain, c: e.codomain };
      const first = e.maps[e.maps.length - 1];
      const last = e.maps[0];
      if (first === undefined || last === undefined) throw new Error("empty chain");
      return { d: ends(first).d, c: ends(last).c };
    };
    const y = applyMap(m, Vector.fromPoints(spaceOf(ends(m).d), x));
    const out = y.space.equals(spaceOf(ends(m).c)) ? y : Vector.fromPoints(spaceOf(ends(m).c), y.points());
    return Float64Array.from(out.points().dataSync());
  };
  return { ir, run, networks, dispose: () => bound.dispose() };
}
