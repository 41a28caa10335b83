// Lowering: a checked program → the Linearizer IR. Operator declarations become leaves (bound to runtime
// operators when the caller supplies weights through `bind`), maps become normal forms 𝕃{g_x, g_y, A},
// compositions become chains (the optimiser fuses them: passes/rules/compose.ts), and entries become
// vector expressions over maps applied to their parameters. The checker has already rejected every
// ill-typed program, so what remains unsupported here is reported with LowerError (code + location).
import type { Binary, BinaryOp, Expr, MapDecl, Node, OperatorDecl } from "../../ast/nodes.js";
import { chainOperands, leftSpine } from "../../ast/walk.js";
import type { Location } from "../../ast/source.js";
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";
import { matrix, transpose as transposeMatrix } from "../../runtime/linalg/index.js";
// columns is the operator module's host helper for slicing factors (not re-exported by its index).
import { columns } from "../../runtime/operator/host.js";
import {
  dense as denseOperator,
  diagonal as diagonalOperator,
  completeSvd,
  rangeProjector,
  storedIn,
  type LinearOperator,
  type OperatorKind,
} from "../../runtime/operator/index.js";
import { isOperatorBuiltin, samplerSettings, type OperatorBuiltin } from "../checker/builtins.js";
import { declKey, type BuiltinRef, type DeclKey, type CheckedModule, type CheckedProgram, type SymbolInfo } from "../checker/checked.js";
import { evaluateOperator } from "../ir/evaluate.js";
import * as ir from "../ir/expr.js";
import type { OpExpr } from "../ir/expr.js";
import { chain, normalForm, type MapExpr, type NormalForm } from "../ir/map.js";
import type { IrSpace } from "../ir/space.js";
import { rewriteToFixpoint } from "../passes/engine.js";
import { mapRules, mapShape } from "../passes/rules/compose.js";
import { spaceDim, spaceName, type SpaceType, type Type } from "../checker/types.js";

export type LowerErrorCode = CodeRaisedBy<"LowerError">;

/** A construct that passed the checker but cannot be lowered (codes LIN07xx), with its location. */
export class LowerError extends LineaError<LowerErrorCode> {
  override readonly name = "LowerError";
  constructor(code: LowerErrorCode, message: string, location?: Location) {
    super(code, message, { location });
  }
}

/** What a weight provider sees of an operator declaration (or an inline builtin such as `lowrank(rank = 4)`). */
export interface OperatorLeafInfo {
  readonly name: string;
  readonly uri: string;
  /** declKey(uri, name): what weights and seeds are keyed by. */
  readonly key: DeclKey;
  readonly builtin: string;
  readonly rows: number;
  readonly cols: number;
  /** Literal keyword and positional arguments (`rank`, `embed`, `init`, `c`, …). */
  readonly args: ReadonlyMap<string, number | string>;
}

export interface LowerOptions {
  /** Runtime operators for the leaves; undefined leaves stay symbolic (only structural rules apply). */
  readonly bind?: (leaf: OperatorLeafInfo) => LinearOperator | undefined;
  /** Told of each leaf computed from f left symbolic (an svd(f) factor, project(f); f not bound): its name and f's operator, whose leaves it needs. */
  readonly symbolicFactor?: (name: string, source: OpExpr) => void;
}

/** Entry bodies: vectors (maps applied to parameters, combined with induced ⊕ and ⊙) and scalars. */
export type IrVector =
  | { readonly kind: "param"; readonly index: number; readonly space: IrSpace }
  | { readonly kind: "apply"; readonly map: MapExpr; readonly arg: IrVector; readonly space: IrSpace }
  | { readonly kind: "combine"; readonly terms: readonly { readonly coeff: number; readonly vector: IrVector }[]; readonly space: IrSpace }
  /** by ⊙ vector for a scalar known only at run time. */
  | { readonly kind: "scaled"; readonly by: IrScalar; readonly vector: IrVector; readonly space: IrSpace }
  | { readonly kind: "zero"; readonly space: IrSpace }
  /** svd(map).left[i] (a vector of the codomain) or .right[i] (of the domain): g⁻¹ of a singular vector of A. */
  | { readonly kind: "singular_vector"; readonly map: NormalForm; readonly side: "left" | "right"; readonly index: number; readonly space: IrSpace };

export type IrScalar =
  | { readonly kind: "constant"; readonly value: number }
  | { readonly kind: "inner"; readonly left: IrVector; readonly right: IrVector }
  | { readonly kind: "norm"; readonly vector: IrVector }
  | { readonly kind: "arith"; readonly op: "+" | "-" | "*" | "/"; readonly left: IrScalar; readonly right: IrScalar }
  | { readonly kind: "negate"; readonly operand: IrScalar }
  | { readonly kind: "singular_value"; readonly map: NormalForm; readonly index: number };

export interface IrEntry {
  readonly name: string;
  readonly params: readonly { readonly name: string; readonly space: IrSpace }[];
  readonly body: { readonly kind: "vector"; readonly value: IrVector } | { readonly kind: "scalar"; readonly value: IrScalar };
}

export interface IrProgram {
  readonly operators: ReadonlyMap<string, OpExpr>;
  /** Map declarations and map-valued lets of the entry module, by name. */
  readonly maps: ReadonlyMap<string, MapExpr>;
  readonly entries: ReadonlyMap<string, IrEntry>;
}

/**
 * f applied to x. A nested application f(g(x)) with cod g = dom f (the same space, so the same
 * network) is the composition (f ∘ g)(x), as docs/language.md says: lowered as one chain, the
 * optimiser fuses it and folds its operators in float64, instead of decoding g's result to float32
 * points and encoding them again (pinv(f)(f(x)) lost float32 × cond(f) that way).
 */
function applied(map: MapExpr, arg: IrVector, space: IrSpace): IrVector {
  if (arg.kind === "apply" && arg.map.codomain.id === map.domain.id) return { kind: "apply", map: chain([map, arg.map]), arg: arg.arg, space };
  return { kind: "apply", map, arg, space };
}

/** A checker space as the IR sees it: the id is (module, network, tag), so equal dimensions never collide. */
export function irSpace(space: SpaceType): IrSpace {
  const dim = spaceDim(space);
  const shape = [...space.shape];
  if (space.kind === "Euclidean") return { id: `euclidean:${space.shape.join("x")}`, name: spaceName(space), dim, shape };
  const network = declKey(space.network.uri, space.network.name);
  const tag = space.tag === undefined ? "" : `[${space.tag}]`;
  return { id: `induced:${network}${tag}`, name: spaceName(space), dim, shape, network, ...(space.tag === undefined ? {} : { tag: space.tag }) };
}

/**
 * The runtime kind of each operator builtin that becomes a leaf (identity and scaled_identity lower to
 * IR identities). Typed over the checker's list, so a builtin without a kind does not compile.
 */
const STRUCTURES: Readonly<Record<Exclude<OperatorBuiltin, "identity" | "scaled_identity">, OperatorKind>> = {
  dense: "dense",
  diagonal: "diagonal",
  lowrank: "lowrank",
  identity_plus_lowrank: "identity_plus_lowrank",
  orthogonal: "orthogonal",
  svd_factored: "svd_factored",
  projector: "projector",
  // [I; 0], a constant: bound here, never by the weight provider (it has no weights to train or load).
  isometric: "dense",
  time_conditioned: "time_conditioned",
  // `depthwise_conv(styles = n)` binds to an indexed_depthwise_conv; the leaf's label stays the builtin's.
  depthwise_conv: "depthwise_conv",
};

/** The two left-associative operator families; a chain of either is lowered in a loop, not by recursion. */
const additive: ReadonlySet<BinaryOp> = new Set(["+", "-"]);
const multiplicative: ReadonlySet<BinaryOp> = new Set(["*", "/"]);
/** Runs of run-time scalar arithmetic longer than this are lowered as balanced trees (balancedScalar). */
const balancedFrom = 256;

class Lowering {
  private readonly leaves = new Map<string, OpExpr>();
  private readonly mapCache = new Map<Node, MapExpr>();
  /** The `isometric` leaves: Pᵀ·P = I exactly, so left_inverse takes Pᵀ rather than an SVD's pinv. */
  private readonly isometries = new WeakSet<OpExpr>();
  private inline = 0;

  constructor(
    private readonly program: CheckedProgram,
    private readonly options: LowerOptions,
  ) {}

  private location(uri: string, node: Node): Location {
    return { uri, range: node.range };
  }

  private type(uri: string, node: Node): Type {
    const t = this.program.typeOf(node);
    if (t === undefined || t.kind === "Error") throw new LowerError("LIN0703", "this expression was not checked successfully", this.location(uri, node));
    return t;
  }

  private module(uri: string): CheckedModule {
    const m = this.program.modules.get(uri);
    if (m === undefined) throw new LowerError("LIN0703", `module ${uri} is not part of the checked program`);
    return m;
  }

  /** The symbol a name or qualified name refers to, following import aliases. */
  private resolve(uri: string, e: Expr): SymbolInfo | undefined {
    if (e.kind === "Name") return this.module(uri).symbols.get(e.name.name);
    if (e.kind === "Member") {
      const head = this.resolve(uri, e.object);
      if (head?.type.kind === "Module") return this.module(head.type.uri).symbols.get(e.name.name);
    }
    return undefined;
  }

  private shape(uri: string, node: Node): [number, number] {
    const t = this.type(uri, node);
    if (t.kind !== "Operator" || t.rows.value === undefined || t.cols.value === undefined) {
      throw new LowerError("LIN0702", "the shape of this operator is not known (declare it, or use it in a map)", this.location(uri, node));
    }
    return [t.rows.value, t.cols.value];
  }

  private scalar(uri: string, e: Expr): number | undefined {
    const t = this.program.typeOf(e);
    return t?.kind === "Scalar" ? t.value : undefined;
  }

  /** The builtin the checker resolved a call or a name to, if it is one of `kind`. */
  private builtin(node: Node, kind: BuiltinRef["kind"]): string | undefined {
    const b = this.program.builtinOf(node);
    return b?.kind === kind ? b.name : undefined;
  }

  /**
   * A builtin operator (`dense`, `lowrank(rank = 4)`: the call or name `value`) as a leaf, or as an
   * identity / scaled identity node; `node` is what its shape is read from.
   */
  private builtinLeaf(uri: string, name: string, builtin: string, value: Node, node: Node, shape?: [number, number]): OpExpr {
    const [rows, cols] = shape ?? this.shape(uri, node);
    const literal = this.program.argumentsOf(value);
    if (builtin === "identity") return ir.identity(rows);
    if (builtin === "scaled_identity") {
      const c = literal.get("c") ?? literal.get("#0");
      if (typeof c !== "number") throw new LowerError("LIN0701", "scaled_identity needs a literal number", this.location(uri, node));
      return ir.scale(c, ir.identity(rows));
    }
    if (builtin === "isometric") return this.isometric(uri, name, rows, cols, node);
    const structure = isOperatorBuiltin(builtin) && builtin !== "identity" && builtin !== "scaled_identity" ? STRUCTURES[builtin] : undefined;
    if (structure === undefined) throw new LowerError("LIN0701", `operator builtin ${builtin} is not lowered`, this.location(uri, node));
    const rank = literal.get("rank");
    const operator = this.options.bind?.({ name, uri, key: declKey(uri, name), builtin, rows, cols, args: literal });
    if (operator !== undefined) return ir.leaf(name, structure, rows, cols, { operator, ...(operator.kind === structure && typeof rank === "number" ? { rank } : {}) });
    return ir.leaf(name, structure, rows, cols, typeof rank === "number" ? { rank } : {});
  }

  /** `isometric` [m×n]: the constant [I_n; 0] (x ↦ x padded with zeros), whose left inverse is its transpose. */
  private isometric(uri: string, name: string, rows: number, cols: number, node: Node): OpExpr {
    if (rows < cols) throw new LowerError("LIN0701", `isometric [${rows}×${cols}] has fewer rows than columns: no injection of R^${cols} into R^${rows}`, this.location(uri, node));
    const pad = matrix(rows, cols);
    for (let i = 0; i < cols; i++) pad.data[i * cols + i] = 1;
    const leaf = ir.boundLeaf(name, denseOperator(pad), true);
    this.isometries.add(leaf);
    return leaf;
  }

  /** An operator declaration, lowered once. */
  private operatorDecl(uri: string, decl: OperatorDecl): OpExpr {
    const key = declKey(uri, decl.name.name);
    const cached = this.leaves.get(key);
    if (cached !== undefined) return cached;
    const v = decl.value;
    const builtin = this.builtin(v, "operator");
    const t = this.module(uri).symbols.get(decl.name.name)?.type;
    const shape: [number, number] | undefined = t?.kind === "Operator" && t.rows.value !== undefined && t.cols.value !== undefined ? [t.rows.value, t.cols.value] : undefined;
    const lowered = builtin !== undefined ? this.builtinLeaf(uri, decl.name.name, builtin, v, decl, shape) : this.op(uri, v);
    this.leaves.set(key, lowered);
    return lowered;
  }

  /** An operator expression on coordinates. */
  op(uri: string, e: Expr): OpExpr {
    switch (e.kind) {
      case "Name":
      case "Member": {
        const sym = this.resolve(uri, e);
        if (sym?.node.kind === "OperatorDecl") return this.operatorDecl(sym.uri, sym.node);
        const builtin = this.builtin(e, "operator");
        if (builtin !== undefined) return this.builtinLeaf(uri, `${builtin}#${this.inline++}`, builtin, e, e);
        break;
      }
      case "Call": {
        const name = this.program.builtinOf(e)?.name;
        if (name === undefined) break;
        const first = e.args[0]?.value;
        if (name === "transpose" && first) return ir.transpose(this.op(uri, first));
        if (name === "pinv" && first) return ir.pinv(this.op(uri, first));
        if (name === "kron" && first && e.args[1]) return ir.kron(this.op(uri, first), this.op(uri, e.args[1].value));
        if (name === "at" && first && e.args[1]) {
          const t = this.scalar(uri, e.args[1].value);
          if (t === undefined) throw new LowerError("LIN0701", "at(A, t) needs a constant time", this.location(uri, e.args[1].value));
          return ir.at(this.op(uri, first), t);
        }
        return this.builtinLeaf(uri, `${name}#${this.inline++}`, name, e, e);
      }
      case "Unary":
        return ir.scale(-1, this.op(uri, e.operand));
      case "Binary": {
        if (additive.has(e.op)) return ir.sum(chainOperands(e, additive).map((t) => ({ coeff: t.op === "-" ? -1 : 1, expr: this.op(uri, t.operand) })));
        if (multiplicative.has(e.op)) return this.opProduct(uri, e);
        const r = this.scalar(uri, e.right);
        if (e.op === "^" && r !== undefined) return ir.power(this.op(uri, e.left), r);
        break;
      }
      default:
        break;
    }
    throw new LowerError("LIN0701", `this operator expression (${e.kind}) is not lowered`, this.location(uri, e));
  }

  /**
   * A chain of `*` and `/` (`2 * A * B / 3`), left to right in a loop, into one flat product: each node
   * scales by a constant operand or multiplies by an operator one, as the node alone would.
   */
  private opProduct(uri: string, e: Binary): OpExpr {
    const [first, ...rest] = chainOperands(e, multiplicative);
    let left: Expr = first.node;
    // The product so far; empty while it is still `left` unlowered (a scalar is never lowered).
    let factors: OpExpr[] = [];
    const soFar = (): OpExpr => (factors.length === 0 ? this.op(uri, left) : factors.length === 1 ? factors[0] : ir.product(factors));
    for (const { op, operand, node } of rest) {
      const l = this.scalar(uri, left);
      const r = this.scalar(uri, operand);
      if (op === "*" && l !== undefined) factors = [ir.scale(l, this.op(uri, operand))];
      else if (op === "*" && r !== undefined) factors = [ir.scale(r, soFar())];
      else if (op === "/" && r !== undefined) factors = [ir.scale(1 / r, soFar())];
      else if (op === "*") {
        if (factors.length === 0) factors = [this.op(uri, left)];
        factors.push(this.op(uri, operand));
      } else throw new LowerError("LIN0701", `this operator expression (Binary) is not lowered`, this.location(uri, node));
      left = node;
    }
    return soFar();
  }

  private mapType(uri: string, e: Node): { domain: IrSpace; codomain: IrSpace } {
    const t = this.type(uri, e);
    if (t.kind !== "Map") throw new LowerError("LIN0701", `expected a map, found a ${t.kind}`, this.location(uri, e));
    return { domain: irSpace(t.domain), codomain: irSpace(t.codomain) };
  }

  /** The single normal form of a map (chains through shared spaces are fused first). */
  private normal(uri: string, e: Expr): NormalForm {
    return this.normalOf(this.map(uri, e), uri, e);
  }

  /** `m`, the map of `e`, fused to its single normal form. */
  private normalOf(map: MapExpr, uri: string, e: Expr): NormalForm {
    const m = rewriteToFixpoint(map, mapRules, mapShape).result;
    if (m.kind !== "normal") throw new LowerError("LIN0701", "this map is a composition through different networks; it has no single normal form", this.location(uri, e));
    return m;
  }

  /**
   * A chain of `*` and `/` over maps (`2 * g * f`), left to right in a loop: compositions into one flat
   * chain, a constant operand scaling the map so far, as each node alone would.
   */
  private mapProduct(uri: string, e: Binary): MapExpr {
    const [first, ...rest] = chainOperands(e, multiplicative);
    let left: Expr = first.node;
    // The composition so far, outermost first; empty while it is still `left` unlowered.
    let maps: MapExpr[] = [];
    const soFar = (): MapExpr => (maps.length === 0 ? this.map(uri, left) : chain(maps));
    const scaled = (c: number, f: NormalForm): MapExpr[] => [normalForm(f.domain, f.codomain, ir.scale(c, f.op))];
    for (const { op, operand, node } of rest) {
      const l = this.scalar(uri, left);
      const r = this.scalar(uri, operand);
      if (op === "*" && l !== undefined) maps = scaled(l, this.normal(uri, operand));
      else if (op === "*" && r !== undefined) maps = scaled(r, this.normalOf(soFar(), uri, left));
      else if (op === "/" && r !== undefined) maps = scaled(1 / r, this.normalOf(soFar(), uri, left));
      else if (op === "*") {
        if (maps.length === 0) maps = [this.map(uri, left)];
        maps.push(this.map(uri, operand));
      } else {
        const { domain, codomain } = this.mapType(uri, node);
        throw new LowerError("LIN0701", `this map expression (${domain.name} -> ${codomain.name}) is not lowered yet`, this.location(uri, node));
      }
      left = node;
    }
    return soFar();
  }

  private mapDecl(uri: string, decl: MapDecl): MapExpr {
    const cached = this.mapCache.get(decl);
    if (cached !== undefined) return cached;
    const sym = this.module(uri).symbols.get(decl.name.name);
    if (sym === undefined || sym.type.kind !== "Map") throw new LowerError("LIN0703", `map ${decl.name.name} was not checked`, this.location(uri, decl));
    const v = decl.value;
    const extended = decl.embedding === true && v.kind === "Call" && this.builtin(v, "value") === "extend" ? this.extension(uri, v) : undefined;
    const m = extended ?? normalForm(irSpace(sym.type.domain), irSpace(sym.type.codomain), this.op(uri, v));
    this.mapCache.set(decl, m);
    return m;
  }

  /**
   * `embedding φ : X -> E = extend(H, A)`: x ↦ H⁻¹(A·g_X(x)), a normal form into the space H induces on
   * E (so its decode step is H⁻¹), read as points of E by the head after it.
   */
  private extension(uri: string, v: Extract<Expr, { kind: "Call" }>): NormalForm {
    const [net, lift] = v.args.map((a) => a.value);
    const t = net === undefined ? undefined : this.type(uri, net);
    if (t?.kind !== "Network" || lift === undefined) throw new LowerError("LIN0703", "extend(H, A) was not checked", this.location(uri, v));
    const space = irSpace({ kind: "Induced", network: t.id, shape: t.space.shape });
    const op = this.op(uri, lift);
    return normalForm(irSpace(this.embeddingDomain(uri, v)), space, op);
  }

  /** The domain X of the embedding whose value is `v`. */
  private embeddingDomain(uri: string, v: Expr): SpaceType {
    const decl = this.module(uri).program.items.find((x): x is MapDecl => x.kind === "MapDecl" && x.value === v);
    const t = decl === undefined ? undefined : this.module(uri).symbols.get(decl.name.name)?.type;
    if (t?.kind !== "Map") throw new LowerError("LIN0703", "this embedding was not checked", this.location(uri, v));
    return t.domain;
  }

  /** left_inverse(φ) for φ = 𝕃{X, E, A}: 𝕃{E, X, A⁺}, with Pᵀ for an isometric P (exact, no SVD). */
  leftInverse(phi: NormalForm): NormalForm {
    const inverse = this.isometries.has(phi.op) ? ir.transpose(phi.op) : ir.pinv(phi.op);
    return normalForm(phi.codomain, phi.domain, inverse);
  }

  /**
   * The head W and embedding φ of h = W * φ (a let of one, or the product itself), as the checker typed
   * them (factoredThrough); undefined when `e` is no such map.
   */
  factors(uri: string, e: Expr): { head: NormalForm; embedding: NormalForm } | undefined {
    const sym = e.kind === "Name" || e.kind === "Member" ? this.resolve(uri, e) : undefined;
    if (sym?.node.kind === "LetDecl") return this.factors(sym.uri, sym.node.value);
    const t = this.program.typeOf(e);
    if (e.kind !== "Binary" || e.op !== "*" || t?.kind !== "Map" || t.factoredThrough === undefined) return undefined;
    return { head: this.normal(uri, e.left), embedding: this.normal(uri, e.right) };
  }

  /** The factors of h in `gsvd(h)` when e names (or is) such a value. */
  private gsvdSource(uri: string, e: Expr): { head: NormalForm; embedding: NormalForm } | undefined {
    if (e.kind === "Call" && this.builtin(e, "value") === "gsvd" && e.args[0]) return this.factors(uri, e.args[0].value);
    const sym = e.kind === "Name" || e.kind === "Member" ? this.resolve(uri, e) : undefined;
    if (sym?.node.kind === "LetDecl") return this.gsvdSource(sym.uri, sym.node.value);
    return undefined;
  }

  /** A map expression. */
  map(uri: string, e: Expr): MapExpr {
    switch (e.kind) {
      case "Name":
      case "Member": {
        const factor = e.kind === "Member" ? this.svdFactor(uri, e) : undefined;
        if (factor !== undefined) return factor;
        const sym = this.resolve(uri, e);
        if (sym?.node.kind === "MapDecl") return this.mapDecl(sym.uri, sym.node);
        if (sym?.node.kind === "LetDecl") {
          const node = sym.node;
          const cached = this.mapCache.get(node);
          if (cached !== undefined) return cached;
          const m = this.map(sym.uri, node.value);
          this.mapCache.set(node, m);
          return m;
        }
        break;
      }
      case "Binary": {
        if (additive.has(e.op)) {
          const terms = chainOperands(e, additive).map((t) => ({ op: t.op, f: this.normal(uri, t.operand) }));
          const [{ f }] = terms;
          return normalForm(f.domain, f.codomain, ir.sum(terms.map((t) => ({ coeff: t.op === "-" ? -1 : 1, expr: t.f.op }))));
        }
        if (multiplicative.has(e.op)) return this.mapProduct(uri, e);
        const r = this.scalar(uri, e.right);
        if (e.op === "^" && r !== undefined) {
          const f = this.normal(uri, e.left);
          return normalForm(f.domain, f.codomain, ir.power(f.op, r));
        }
        break;
      }
      case "Unary": {
        const f = this.normal(uri, e.operand);
        return normalForm(f.domain, f.codomain, ir.scale(-1, f.op));
      }
      case "Call": {
        const name = this.builtin(e, "value");
        if (name === undefined) break;
        const first = e.args.find((a) => !a.name)?.value;
        if (first === undefined) break;
        switch (name) {
          case "adjoint": {
            const f = this.normal(uri, first);
            return normalForm(f.codomain, f.domain, ir.transpose(f.op));
          }
          case "pinv": {
            const f = this.normal(uri, first);
            return normalForm(f.codomain, f.domain, ir.pinv(f.op));
          }
          case "left_inverse":
            return this.leftInverse(this.normal(uri, first));
          case "project": {
            const f = this.normal(uri, first);
            if (f.op.timeConditioned) return normalForm(f.codomain, f.codomain, ir.product([f.op, ir.pinv(f.op)]));
            return normalForm(f.codomain, f.codomain, this.rangeProjector(f.op));
          }
          case "id": {
            const t = this.type(uri, e);
            if (t.kind !== "Map") break;
            const s = irSpace(t.domain);
            return normalForm(s, s, ir.identity(s.dim));
          }
          case "at": {
            const f = this.normal(uri, first);
            const t = e.args[1] ? this.scalar(uri, e.args[1].value) : undefined;
            if (t === undefined) throw new LowerError("LIN0701", "at(v, t) needs a constant time", this.location(uri, e));
            return normalForm(f.domain, f.codomain, ir.at(f.op, t));
          }
          case "sampler": {
            const f = this.normal(uri, first);
            const settings = samplerSettings(this.program.argumentsOf(e));
            if (settings === undefined) throw new LowerError("LIN0701", "sampler needs method = euler | rk4 and a literal step count", this.location(uri, e));
            return normalForm(f.domain, f.codomain, ir.sampler(f.op, settings.method, settings.steps));
          }
          default:
            break;
        }
        break;
      }
      default:
        break;
    }
    const { domain, codomain } = this.mapType(uri, e);
    throw new LowerError("LIN0701", `this map expression (${domain.name} -> ${codomain.name}) is not lowered yet`, this.location(uri, e));
  }

  /** The map f of `svd(f)` when e names (or is) such a value; for `gsvd(W * φ)`, the head W (whose SVD it is). */
  private svdSource(uri: string, e: Expr): { uri: string; map: NormalForm } | undefined {
    if (e.kind === "Call" && this.builtin(e, "value") === "svd" && e.args[0]) {
      return { uri, map: this.normal(uri, e.args[0].value) };
    }
    const generalized = this.gsvdSource(uri, e);
    if (generalized !== undefined) return { uri, map: generalized.head };
    const sym = e.kind === "Name" || e.kind === "Member" ? this.resolve(uri, e) : undefined;
    if (sym?.node.kind === "LetDecl") return this.svdSource(sym.uri, sym.node.value);
    return undefined;
  }

  /**
   * svd(f).U : R^k -> Y, .S : R^k -> R^k, .Vt : X -> R^k as normal forms with Euclidean ends. Their
   * leaves are computed from f's operator when it is bound (a constant SVD), otherwise symbolic.
   */
  private svdFactor(uri: string, e: Extract<Expr, { kind: "Member" }>): MapExpr | undefined {
    const source = this.svdSource(uri, e.object);
    if (source === undefined) return undefined;
    const f = source.map;
    const k = Math.min(f.domain.dim, f.codomain.dim);
    const rk: IrSpace = { id: `euclidean:${k}`, name: `R^${k}`, dim: k };
    const label = `svd(${ir.formatExpr(f.op)})`;
    const factors = ir.isBound(f.op) && !f.op.timeConditioned ? completeSvd(evaluateOperator(f.op)) : undefined;
    const bound = (name: string, op: LinearOperator | undefined, structure: OperatorKind, rows: number, cols: number): OpExpr => {
      // Computed from f's weights: as precise as they were stored.
      if (op !== undefined) return ir.boundLeaf(`${label}.${name}`, storedIn(op, ir.exprPrecision(f.op)), true);
      this.options.symbolicFactor?.(`${label}.${name}`, f.op);
      return ir.leaf(`${label}.${name}`, structure, rows, cols);
    };
    switch (e.name.name) {
      case "U":
        return normalForm(rk, f.codomain, bound("U", factors && denseOperator(columns(factors.u, 0, k)), "dense", f.codomain.dim, k));
      case "S":
        return normalForm(rk, rk, bound("S", factors && diagonalOperator(factors.s.subarray(0, k)), "diagonal", k, k));
      case "Vt":
        return normalForm(f.domain, rk, bound("Vt", factors && denseOperator(transposeMatrix(columns(factors.v, 0, k))), "dense", k, f.domain.dim));
      default:
        return undefined;
    }
  }

  /**
   * project(f)'s operator: Q·Qᵀ from the SVD of f's operator (runtime rangeProjector) when it is bound,
   * else a symbolic projector leaf whose value, like an svd(f) factor's, comes from f's leaves.
   */
  private rangeProjector(op: OpExpr): OpExpr {
    const name = `project(${ir.formatExpr(op)})`;
    if (ir.isBound(op)) return ir.boundLeaf(name, storedIn(rangeProjector(evaluateOperator(op)), ir.exprPrecision(op)), true);
    this.options.symbolicFactor?.(name, op);
    return ir.leaf(name, "projector", op.rows, op.rows);
  }

  /** A value-level name: an entry parameter or a let bound to a vector or a scalar. */
  private letValue(uri: string, e: Expr): { uri: string; value: Expr } | undefined {
    const sym = e.kind === "Name" || e.kind === "Member" ? this.resolve(uri, e) : undefined;
    return sym?.node.kind === "LetDecl" ? { uri: sym.uri, value: sym.node.value } : undefined;
  }

  /** A vector expression of an entry body. */
  vector(uri: string, e: Expr, params: ReadonlyMap<string, { index: number; space: IrSpace }>): IrVector {
    const t = this.type(uri, e);
    if (t.kind !== "Vector") throw new LowerError("LIN0701", `expected a vector; this is a ${t.kind}`, this.location(uri, e));
    const space = irSpace(t.space);
    const constant = (x: Expr): number | undefined => this.scalar(uri, x);
    switch (e.kind) {
      case "Name": {
        const p = params.get(e.name.name);
        if (p !== undefined) return { kind: "param", index: p.index, space };
        const let_ = this.letValue(uri, e);
        if (let_ !== undefined) return this.vector(let_.uri, let_.value, new Map());
        break;
      }
      case "Member": {
        const let_ = this.letValue(uri, e);
        if (let_ !== undefined) return this.vector(let_.uri, let_.value, new Map());
        break;
      }
      case "Index": {
        if (e.object.kind !== "Member") break;
        const side = e.object.name.name;
        const source = this.svdSource(uri, e.object.object);
        const index = constant(e.index);
        if (source !== undefined && index !== undefined && (side === "left" || side === "right")) return { kind: "singular_vector", map: source.map, side, index, space };
        // gsvd(h).decoded[i] = left_inverse(φ)(vᵢ): the i-th right singular direction of the head, read back in X.
        const generalized = side === "decoded" ? this.gsvdSource(uri, e.object.object) : undefined;
        if (generalized !== undefined && index !== undefined) {
          const { head, embedding } = generalized;
          const right: IrVector = { kind: "singular_vector", map: head, side: "right", index, space: head.domain };
          return { kind: "apply", map: this.leftInverse(embedding), arg: right, space };
        }
        break;
      }
      case "Call": {
        if (this.builtin(e, "value") === "zero") return { kind: "zero", space };
        const arg = e.args[0]?.value;
        if (arg !== undefined && e.args.length === 1) return applied(this.map(uri, e.callee), this.vector(uri, arg, params), space);
        break;
      }
      case "Unary":
        return { kind: "combine", terms: [{ coeff: -1, vector: this.vector(uri, e.operand, params) }], space };
      case "Binary":
        if (additive.has(e.op)) {
          const terms = chainOperands(e, additive).map((t) => ({ coeff: t.op === "-" ? -1 : 1, vector: this.vector(uri, t.operand, params) }));
          return { kind: "combine", terms, space };
        }
        if (multiplicative.has(e.op)) return this.vectorProduct(uri, e, params);
        break;
      default:
        break;
    }
    throw new LowerError("LIN0701", `this vector expression (${e.kind}) is not lowered yet`, this.location(uri, e));
  }

  /**
   * A chain of `*` and `/` with one vector operand (`2 * A(x) * s / 3`), left to right in a loop; a
   * constant scaling of a constant scaling is one coefficient, so the IR stays as flat as the chain.
   */
  private vectorProduct(uri: string, e: Binary, params: ReadonlyMap<string, { index: number; space: IrSpace }>): IrVector {
    const [first, ...rest] = chainOperands(e, multiplicative);
    let left: Expr = first.node;
    let so: IrVector | undefined; // the vector so far; undefined while it is still `left` unlowered
    const soFar = (): IrVector => so ?? this.vector(uri, left, params);
    const times = (coeff: number, v: IrVector, space: IrSpace): IrVector =>
      v.kind === "combine" && v.terms.length === 1
        ? { kind: "combine", terms: [{ coeff: coeff * v.terms[0].coeff, vector: v.terms[0].vector }], space }
        : { kind: "combine", terms: [{ coeff, vector: v }], space };
    for (const { op, operand, node } of rest) {
      const t = this.type(uri, node);
      // A scalar prefix (`norm(x) * 2 * x`) is one scalar operand of the first vector node.
      if (t.kind !== "Vector") {
        left = node;
        continue;
      }
      const space = irSpace(t.space);
      const l = this.scalar(uri, left);
      const r = this.scalar(uri, operand);
      if (op === "*" && l !== undefined) so = times(l, this.vector(uri, operand, params), space);
      else if (op === "*" && r !== undefined) so = times(r, soFar(), space);
      else if (op === "/" && r !== undefined) so = times(1 / r, soFar(), space);
      else if (op === "*" && this.type(uri, left).kind === "Scalar")
        so = { kind: "scaled", by: this.scalarExpr(uri, left, params), vector: this.vector(uri, operand, params), space };
      else if (op === "*") so = { kind: "scaled", by: this.scalarExpr(uri, operand, params), vector: soFar(), space };
      else {
        const by: IrScalar = { kind: "arith", op: "/", left: { kind: "constant", value: 1 }, right: this.scalarExpr(uri, operand, params) };
        so = { kind: "scaled", by, vector: soFar(), space };
      }
      left = node;
    }
    return soFar();
  }

  /**
   * A long run of `+`/`−` (or `*`/`/`) over run-time scalars as a balanced tree (a − b as a + (−b),
   * a / b as a · (1/b)): the executor walks scalar trees recursively, so a left fold as deep as the
   * run would overflow its stack. Only past `balancedFrom` terms, so the order of rounding of any
   * spec a person writes is the order written.
   */
  private balancedScalar(run: ReturnType<typeof chainOperands>, op: "+" | "*", uri: string, params: ReadonlyMap<string, { index: number; space: IrSpace }>): IrScalar {
    let level: IrScalar[] = run.map((t) => {
      const x = this.scalarExpr(uri, t.operand, params);
      if (t.op === "-") return { kind: "negate", operand: x };
      if (t.op === "/") return { kind: "arith", op: "/", left: { kind: "constant", value: 1 }, right: x };
      return x;
    });
    while (level.length > 1) {
      const next: IrScalar[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? { kind: "arith", op, left: level[i], right: level[i + 1] } : level[i]);
      level = next;
    }
    return level[0];
  }

  /** A scalar expression of an entry body. */
  scalarExpr(uri: string, e: Expr, params: ReadonlyMap<string, { index: number; space: IrSpace }>): IrScalar {
    const known = this.scalar(uri, e);
    if (known !== undefined) return { kind: "constant", value: known };
    switch (e.kind) {
      case "Name":
      case "Member": {
        const let_ = this.letValue(uri, e);
        if (let_ !== undefined) return this.scalarExpr(let_.uri, let_.value, new Map());
        break;
      }
      case "Index": {
        const index = this.scalar(uri, e.index);
        if (e.object.kind !== "Member" || e.object.name.name !== "values" || index === undefined) break;
        const source = this.svdSource(uri, e.object.object);
        if (source !== undefined) return { kind: "singular_value", map: source.map, index };
        break;
      }
      case "Call": {
        const name = this.builtin(e, "value");
        const [a, b] = e.args.map((x) => x.value);
        if (name === "norm" && a) return { kind: "norm", vector: this.vector(uri, a, params) };
        if (name === "inner" && a && b) return { kind: "inner", left: this.vector(uri, a, params), right: this.vector(uri, b, params) };
        break;
      }
      case "Unary":
        return { kind: "negate", operand: this.scalarExpr(uri, e.operand, params) };
      case "Binary": {
        if (e.op === "^") break;
        const family = additive.has(e.op) ? additive : multiplicative;
        const run = chainOperands(e, family);
        if (run.length > balancedFrom) return this.balancedScalar(run, family === additive ? "+" : "*", uri, params);
        // Down the left operands in a loop (a flat chain is as deep as it is long). A node with a known
        // value has known operands all the way down, so its constant replaces what was built below.
        const { spine, bottom } = leftSpine(e, family);
        let value = this.scalarExpr(uri, bottom, params);
        for (let i = spine.length - 1; i >= 0; i--) {
          const node = spine[i];
          const known = this.scalar(uri, node);
          if (known !== undefined) value = { kind: "constant", value: known };
          else if (node.op !== "^") value = { kind: "arith", op: node.op, left: value, right: this.scalarExpr(uri, node.right, params) };
        }
        return value;
      }
      default:
        break;
    }
    throw new LowerError("LIN0701", `this scalar expression (${e.kind}) is not lowered yet`, this.location(uri, e));
  }
}

/** The parts of h = W ∘ φ lowered beside h: `gsvd(h).head`, `.embedding`, `.left_inverse` (not identifiers, so no declaration can take them). */
export type FactorPart = "head" | "embedding" | "left_inverse";

export function factorName(map: string, part: FactorPart): string {
  return `gsvd(${map}).${part}`;
}

/** The name left_inverse(φ) of a declared embedding φ is lowered under, beside φ. */
export function leftInverseName(embedding: string): string {
  return `left_inverse(${embedding})`;
}

/** Whether a map name of the IR is one lowering made (factorName, leftInverseName), not one the spec declared. */
export function isSyntheticMapName(name: string): boolean {
  return name.includes("(");
}

/** Lowers the entry module of a checked program: its operators, maps (and map-valued lets) and entries. */
export function lower(program: CheckedProgram, options: LowerOptions = {}): IrProgram {
  const lowering = new Lowering(program, options);
  const module = program.modules.get(program.entry);
  if (module === undefined) throw new LowerError("LIN0703", `the entry module ${program.entry} was not checked`);
  const uri = module.uri;
  const operators = new Map<string, OpExpr>();
  const maps = new Map<string, MapExpr>();
  const entries = new Map<string, IrEntry>();
  for (const item of module.program.items) {
    switch (item.kind) {
      case "OperatorDecl": {
        const t = module.symbols.get(item.name.name)?.type;
        if (t?.kind === "Operator" && t.rows.value !== undefined && t.cols.value !== undefined)
          operators.set(item.name.name, lowering.op(uri, { kind: "Name", name: item.name, range: item.name.range }));
        break;
      }
      case "MapDecl": {
        const m = lowering.map(uri, { kind: "Name", name: item.name, range: item.name.range });
        maps.set(item.name.name, m);
        if (item.embedding === true && m.kind === "normal") maps.set(leftInverseName(item.name.name), lowering.leftInverse(m));
        break;
      }
      case "LetDecl": {
        const t = module.symbols.get(item.name.name)?.type;
        if (t?.kind !== "Map") break;
        maps.set(item.name.name, lowering.map(uri, item.value));
        const parts = t.factoredThrough === undefined ? undefined : lowering.factors(uri, item.value);
        if (parts !== undefined) {
          // What `linea gsvd` reads: the head, the embedding and its left inverse, under names no spec can declare.
          maps.set(factorName(item.name.name, "head"), parts.head);
          maps.set(factorName(item.name.name, "embedding"), parts.embedding);
          maps.set(factorName(item.name.name, "left_inverse"), lowering.leftInverse(parts.embedding));
        }
        break;
      }
      case "EntryDecl": {
        const sym = module.symbols.get(item.name.name);
        if (sym?.type.kind !== "Entry") break;
        const spaces = sym.type.params;
        const params = item.params.map((p, index) => ({ name: p.name.name, space: irSpace(spaces[index]) }));
        const byName = new Map(params.map((p, index) => [p.name, { index, space: p.space }]));
        const body: IrEntry["body"] =
          sym.type.result.kind === "Vector"
            ? { kind: "vector", value: lowering.vector(uri, item.body, byName) }
            : { kind: "scalar", value: lowering.scalarExpr(uri, item.body, byName) };
        entries.set(item.name.name, { name: item.name.name, params, body });
        break;
      }
      default:
        break;
    }
  }
  return { operators, maps, entries };
}
