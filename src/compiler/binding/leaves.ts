// The operator leaves of a lowered program: which ones some entries and maps reach (usedLeaves), and
// the program with runtime operators put into its symbolic leaves (bindLeaves). Together they let a
// program be lowered once, symbolically, and given values only where its compiled targets need them.
import type { LinearOperator } from "../../runtime/operator/index.js";
import { chain, childrenOf, leaf, normalForm, withChildren, type LeafExpr, type MapExpr, type NormalForm, type OpExpr } from "../ir/index.js";
import type { IrEntry, IrProgram, IrScalar, IrVector } from "../lowering/lower.js";

/** The names of the leaves of an operator expression, added to `names`. */
function addLeaves(e: OpExpr, names: Set<string>): void {
  if (e.kind === "leaf") names.add(e.name);
  childrenOf(e).forEach((c) => addLeaves(c, names));
}

/**
 * `used` closed under svd(f) factors: a used factor leaf (a key of `sources`) adds the leaves of f's
 * operator, which may hold factors of another svd in turn.
 */
export function withFactorSources(used: ReadonlySet<string>, sources: ReadonlyMap<string, OpExpr>): Set<string> {
  const out = new Set(used);
  const pending = [...used];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const source = sources.get(name);
    if (source === undefined) continue;
    const more = new Set<string>();
    addLeaves(source, more);
    for (const m of more) {
      if (out.has(m)) continue;
      out.add(m);
      pending.push(m);
    }
  }
  return out;
}

/** The names of the operator leaves that the named entries and maps reach. */
export function usedLeaves(ir: IrProgram, targets: readonly string[]): Set<string> {
  const names = new Set<string>();
  forEachOperator(ir, targets, (e) => (e.kind === "leaf" ? names.add(e.name) : undefined));
  return names;
}

/** Calls `visit` on every operator node (leaves and inner nodes) that the named entries and maps reach. */
export function forEachOperator(ir: IrProgram, targets: readonly string[], visit: (e: OpExpr) => void): void {
  const op = (e: OpExpr): void => {
    visit(e);
    childrenOf(e).forEach(op);
  };
  const map = (m: MapExpr): void => (m.kind === "normal" ? op(m.op) : m.maps.forEach(map));
  const vector = (v: IrVector): void => {
    switch (v.kind) {
      case "apply":
        map(v.map);
        return vector(v.arg);
      case "combine":
        return v.terms.forEach((t) => vector(t.vector));
      case "scaled":
        scalar(v.by);
        return vector(v.vector);
      case "singular_vector":
        return map(v.map);
      default:
        return;
    }
  };
  const scalar = (s: IrScalar): void => {
    switch (s.kind) {
      case "inner":
        vector(s.left);
        return vector(s.right);
      case "norm":
        return vector(s.vector);
      case "arith":
        scalar(s.left);
        return scalar(s.right);
      case "negate":
        return scalar(s.operand);
      case "singular_value":
        return map(s.map);
      default:
        return;
    }
  };
  for (const t of targets) {
    const entry = ir.entries.get(t);
    if (entry?.body.kind === "vector") vector(entry.body.value);
    else if (entry?.body.kind === "scalar") scalar(entry.body.value);
    const m = ir.maps.get(t);
    if (m !== undefined) map(m);
  }
}

/**
 * The program with `operatorOf(leaf)` bound into each symbolic leaf it answers for, built as lower()
 * builds a bound leaf. Shared subtrees stay shared (compile caches optimisations per map object), and a
 * subtree with nothing to bind is the very same object.
 */
export function bindLeaves(program: IrProgram, operatorOf: (leaf: LeafExpr) => LinearOperator | undefined): IrProgram {
  const ops = new Map<OpExpr, OpExpr>();
  const chains = new Map<MapExpr, MapExpr>();
  const op = (e: OpExpr): OpExpr => {
    let out = ops.get(e);
    if (out === undefined) {
      out = e.kind === "leaf" ? boundLeaf(e) : withChildren(e, childrenOf(e).map(op));
      ops.set(e, out);
    }
    return out;
  };
  const boundLeaf = (e: LeafExpr): LeafExpr => {
    const operator = e.operator === undefined ? operatorOf(e) : undefined;
    if (operator === undefined) return e;
    return leaf(e.name, e.structure, e.rows, e.cols, { operator, ...(operator.kind === e.structure && e.rank !== undefined ? { rank: e.rank } : {}) });
  };
  const normals = new Map<NormalForm, NormalForm>();
  const normal = (m: NormalForm): NormalForm => {
    let out = normals.get(m);
    if (out === undefined) {
      const o = op(m.op);
      out = o === m.op ? m : normalForm(m.domain, m.codomain, o);
      normals.set(m, out);
    }
    return out;
  };
  const map = (m: MapExpr): MapExpr => {
    if (m.kind === "normal") return normal(m);
    let out = chains.get(m);
    if (out === undefined) {
      const pieces = m.maps.map(map);
      out = pieces.every((p, i) => p === m.maps[i]) ? m : chain(pieces);
      chains.set(m, out);
    }
    return out;
  };
  const vector = (v: IrVector): IrVector => {
    switch (v.kind) {
      case "param":
      case "zero":
        return v;
      case "apply":
        return { ...v, map: map(v.map), arg: vector(v.arg) };
      case "combine":
        return { ...v, terms: v.terms.map((t) => ({ coeff: t.coeff, vector: vector(t.vector) })) };
      case "scaled":
        return { ...v, by: scalar(v.by), vector: vector(v.vector) };
      case "singular_vector":
        return { ...v, map: normal(v.map) };
    }
  };
  const scalar = (s: IrScalar): IrScalar => {
    switch (s.kind) {
      case "constant":
        return s;
      case "inner":
        return { ...s, left: vector(s.left), right: vector(s.right) };
      case "norm":
        return { ...s, vector: vector(s.vector) };
      case "arith":
        return { ...s, left: scalar(s.left), right: scalar(s.right) };
      case "negate":
        return { ...s, operand: scalar(s.operand) };
      case "singular_value":
        return { ...s, map: normal(s.map) };
    }
  };
  const entry = (e: IrEntry): IrEntry => ({
    ...e,
    body: e.body.kind === "vector" ? { kind: "vector", value: vector(e.body.value) } : { kind: "scalar", value: scalar(e.body.value) },
  });
  return {
    operators: new Map([...program.operators].map(([name, e]) => [name, op(e)])),
    maps: new Map([...program.maps].map(([name, m]) => [name, map(m)])),
    entries: new Map([...program.entries].map(([name, e]) => [name, entry(e)])),
  };
}
