// The operator expression tree A of a normal form 𝕃{g_x, g_y, A}. Nodes are immutable records with a
// `kind` tag (rules switch on it, as the runtime algebra does) and carry their shape [rows, cols] and
// whether they still need a time t. Constructors check shapes, so every tree that exists is well formed.
//
// Convention: column vectors. Product{factors: [F₀, F₁, …, F_{m−1}]} is F₀·F₁·…·F_{m−1}, applied right
// to left (F_{m−1} first), exactly like the runtime's `product` kind and its `apply`, which takes row
// batches X [b, cols] and returns X·Aᵀ. Nothing in the IR is stored transposed.
import { coarsest, needsTime, precisionOf, type LinearOperator, type OperatorKind, type Precision } from "../../runtime/operator/index.js";
import type { SamplerMethod } from "../checker/builtins.js";
import { IrError } from "./errors.js";

interface Shaped {
  readonly rows: number;
  readonly cols: number;
  /** True while the subtree contains a time-conditioned operator not fixed by at(·, t) or a sampler. */
  readonly timeConditioned: boolean;
}

/**
 * A named operator: a declaration (`operator A = dense`) or a compile-time constant made by a folding
 * rule. `operator` is the runtime value when weights are bound; without it the leaf is symbolic and only
 * the structural rules (which need no numbers) can touch it.
 */
export interface LeafExpr extends Shaped {
  readonly kind: "leaf";
  readonly name: string;
  readonly structure: OperatorKind;
  /** Known rank bound (declared `rank = r`, or the factor count of a bound low-rank operator). */
  readonly rank?: number;
  readonly operator?: LinearOperator;
  /** Made by constant folding (explain marks it). */
  readonly folded: boolean;
}

export interface IdentityExpr extends Shaped {
  readonly kind: "identity";
}

export interface ProductExpr extends Shaped {
  readonly kind: "product";
  readonly factors: readonly OpExpr[];
}

export interface SumTerm {
  readonly coeff: number;
  readonly expr: OpExpr;
}

/** Σ coeffᵢ·exprᵢ. */
export interface SumExpr extends Shaped {
  readonly kind: "sum";
  readonly terms: readonly SumTerm[];
}

export interface ScaleExpr extends Shaped {
  readonly kind: "scale";
  readonly scale: number;
  readonly inner: OpExpr;
}

export interface TransposeExpr extends Shaped {
  readonly kind: "transpose";
  readonly inner: OpExpr;
}

/** The Moore–Penrose pseudo-inverse. */
export interface PinvExpr extends Shaped {
  readonly kind: "pinv";
  readonly inner: OpExpr;
}

export interface PowerExpr extends Shaped {
  readonly kind: "power";
  readonly exponent: number;
  readonly inner: OpExpr;
}

/** The Kronecker product a ⊗ b (row-major: (a⊗b)·vec(X) = vec(a·X·bᵀ), as the runtime's `kronecker` kind). */
export interface KronExpr extends Shaped {
  readonly kind: "kron";
  readonly a: OpExpr;
  readonly b: OpExpr;
}

/** A time-conditioned operator fixed at time t. */
export interface AtExpr extends Shaped {
  readonly kind: "at";
  readonly time: number;
  readonly inner: OpExpr;
}

/**
 * The T-step sampler of the x₁-prediction velocity L(t) = (A(t) − I)/(1 − t) of a time-conditioned
 * operator A (paper-notes §1.4): steps k = 0 … T−2 at t_k = k/T with Δt = 1/T, as the reference code.
 */
export interface SamplerExpr extends Shaped {
  readonly kind: "sampler";
  readonly method: SamplerMethod;
  readonly steps: number;
  readonly inner: OpExpr;
}

export type OpExpr = LeafExpr | IdentityExpr | ProductExpr | SumExpr | ScaleExpr | TransposeExpr | PinvExpr | PowerExpr | KronExpr | AtExpr | SamplerExpr;

export type OpExprKind = OpExpr["kind"];

const describeShape = (e: OpExpr): string => `${e.kind}[${e.rows}×${e.cols}]`;

function checkFinite(what: string, x: number): void {
  if (!Number.isFinite(x)) throw new IrError("LIN0823", `${what}: non-finite value ${x}`);
}

function requireSquare(what: string, e: OpExpr): void {
  if (e.rows !== e.cols) throw new IrError("LIN0822", `${what}: ${describeShape(e)} is not square`);
}

export interface LeafOptions {
  readonly rank?: number;
  readonly operator?: LinearOperator;
  readonly folded?: boolean;
}

/** A leaf declared with a structure and shape; `operator`, when given, must have that shape. */
export function leaf(name: string, structure: OperatorKind, rows: number, cols: number, options: LeafOptions = {}): LeafExpr {
  const { operator, rank, folded = false } = options;
  if (operator !== undefined && (operator.rows !== rows || operator.cols !== cols)) {
    throw new IrError("LIN0821", `leaf ${name}: declared [${rows}×${cols}] but bound to ${operator.kind}[${operator.rows}×${operator.cols}]`);
  }
  const timeConditioned = operator !== undefined ? needsTime(operator) : structure === "time_conditioned";
  // A bound value is the truth: structural rules read `structure`, so it must be the value's kind.
  return {
    kind: "leaf",
    name,
    structure: operator?.kind ?? structure,
    rows,
    cols,
    timeConditioned,
    folded,
    ...(rank === undefined ? {} : { rank }),
    ...(operator === undefined ? {} : { operator }),
  };
}

/** A leaf holding a runtime operator; structure and shape come from it. */
export function boundLeaf(name: string, operator: LinearOperator, folded = false): LeafExpr {
  return leaf(name, operator.kind, operator.rows, operator.cols, { operator, folded, ...rankOptionOf(operator) });
}

function rankOptionOf(op: LinearOperator): { rank?: number } {
  switch (op.kind) {
    case "lowrank":
    case "identity_plus_lowrank":
    case "svd_factored":
      return { rank: op.u.cols };
    case "projector":
      return { rank: op.q.cols };
    case "time_conditioned":
      return { rank: op.rank };
    default:
      return {};
  }
}

export function identity(n: number): IdentityExpr {
  return { kind: "identity", rows: n, cols: n, timeConditioned: false };
}

/** F₀·F₁·…; at least one factor. */
export function product(factors: readonly OpExpr[]): ProductExpr {
  if (factors.length === 0) throw new IrError("LIN0823", "product: no factors");
  for (let i = 0; i + 1 < factors.length; i++) {
    if (factors[i].cols !== factors[i + 1].rows) {
      throw new IrError("LIN0821", `product: ${describeShape(factors[i])}·${describeShape(factors[i + 1])} needs ${factors[i].cols} = ${factors[i + 1].rows}`);
    }
  }
  return {
    kind: "product",
    rows: factors[0].rows,
    cols: factors[factors.length - 1].cols,
    timeConditioned: factors.some((f) => f.timeConditioned),
    factors,
  };
}

export function sum(terms: readonly SumTerm[]): SumExpr {
  if (terms.length === 0) throw new IrError("LIN0823", "sum: no terms");
  const { rows, cols } = terms[0].expr;
  for (const t of terms) {
    checkFinite("sum coefficient", t.coeff);
    if (t.expr.rows !== rows || t.expr.cols !== cols) {
      throw new IrError("LIN0821", `sum: ${describeShape(terms[0].expr)} and ${describeShape(t.expr)} differ in shape`);
    }
  }
  return { kind: "sum", rows, cols, timeConditioned: terms.some((t) => t.expr.timeConditioned), terms };
}

export function scale(c: number, inner: OpExpr): ScaleExpr {
  checkFinite("scale", c);
  return { kind: "scale", rows: inner.rows, cols: inner.cols, timeConditioned: inner.timeConditioned, scale: c, inner };
}

export function transpose(inner: OpExpr): TransposeExpr {
  return { kind: "transpose", rows: inner.cols, cols: inner.rows, timeConditioned: inner.timeConditioned, inner };
}

export function pinv(inner: OpExpr): PinvExpr {
  return { kind: "pinv", rows: inner.cols, cols: inner.rows, timeConditioned: inner.timeConditioned, inner };
}

export function power(inner: OpExpr, exponent: number): PowerExpr {
  requireSquare("power", inner);
  if (!Number.isInteger(exponent) || exponent < 0) throw new IrError("LIN0823", `power: exponent must be an integer ≥ 0, got ${exponent}`);
  return { kind: "power", rows: inner.rows, cols: inner.cols, timeConditioned: inner.timeConditioned, exponent, inner };
}

/** a ⊗ b, [a.rows·b.rows × a.cols·b.cols]; both factors must be time-free (the checker refuses others). */
export function kron(a: OpExpr, b: OpExpr): KronExpr {
  if (a.timeConditioned || b.timeConditioned) throw new IrError("LIN0823", `kron: ${describeShape(a)} ⊗ ${describeShape(b)} has a time-conditioned factor`);
  return { kind: "kron", rows: a.rows * b.rows, cols: a.cols * b.cols, timeConditioned: false, a, b };
}

export function at(inner: OpExpr, time: number): AtExpr {
  checkFinite("at: time", time);
  return { kind: "at", rows: inner.rows, cols: inner.cols, timeConditioned: false, time, inner };
}

export function sampler(inner: OpExpr, method: SamplerMethod, steps: number): SamplerExpr {
  requireSquare("sampler", inner);
  if (!Number.isInteger(steps) || steps < 2) throw new IrError("LIN0823", `sampler: steps must be an integer ≥ 2, got ${steps}`);
  return { kind: "sampler", rows: inner.rows, cols: inner.cols, timeConditioned: false, method, steps, inner };
}

/** The direct subexpressions, in order. */
export function childrenOf(e: OpExpr): readonly OpExpr[] {
  switch (e.kind) {
    case "leaf":
    case "identity":
      return [];
    case "product":
      return e.factors;
    case "sum":
      return e.terms.map((t) => t.expr);
    case "kron":
      return [e.a, e.b];
    case "scale":
    case "transpose":
    case "pinv":
    case "power":
    case "at":
    case "sampler":
      return [e.inner];
  }
}

/** e with its children replaced (same count, same order); e itself when nothing changed. */
export function withChildren(e: OpExpr, children: readonly OpExpr[]): OpExpr {
  const old = childrenOf(e);
  if (old.length === children.length && old.every((c, i) => c === children[i])) return e;
  switch (e.kind) {
    case "leaf":
    case "identity":
      return e;
    case "product":
      return product(children);
    case "sum":
      return sum(e.terms.map((t, i) => ({ coeff: t.coeff, expr: children[i] })));
    case "scale":
      return scale(e.scale, children[0]);
    case "transpose":
      return transpose(children[0]);
    case "pinv":
      return pinv(children[0]);
    case "power":
      return power(children[0], e.exponent);
    case "kron":
      return kron(children[0], children[1]);
    case "at":
      return at(children[0], e.time);
    case "sampler":
      return sampler(children[0], e.method, e.steps);
  }
}

/** True when every leaf is bound to a runtime operator, so the subtree can be evaluated now. */
export function isBound(e: OpExpr): boolean {
  if (e.kind === "leaf") return e.operator !== undefined;
  return childrenOf(e).every(isBound);
}

/** A of a pinv(A) node whose A is bound and time-free (decomposed when compiling), else undefined. */
export function boundPinvOperand(e: OpExpr): OpExpr | undefined {
  return e.kind === "pinv" && isBound(e.inner) && !e.inner.timeConditioned ? e.inner : undefined;
}

/** A bound, time-free leaf: a compile-time constant. */
/** The coarsest precision its bound leaves' values were stored in: the ε a rank cut-off on e's value must use. */
export function exprPrecision(e: OpExpr): Precision {
  if (e.kind === "leaf") return e.operator === undefined ? "float64" : precisionOf(e.operator);
  return childrenOf(e).map(exprPrecision).reduce(coarsest, "float64");
}

export function constantOperator(e: OpExpr): LinearOperator | undefined {
  return e.kind === "leaf" && !e.timeConditioned ? e.operator : undefined;
}

const formatNumber = (x: number): string => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(4)).toString());

/** A one-line algebraic rendering: `(A·B)ᵀ`, `pinv(A)`, `0.5·A + B`. */
export function formatExpr(e: OpExpr): string {
  switch (e.kind) {
    case "leaf":
      return e.name;
    case "identity":
      return `I${e.rows}`;
    case "product":
      return e.factors.map((f) => (f.kind === "sum" ? `(${formatExpr(f)})` : formatExpr(f))).join("·");
    case "sum":
      return e.terms.map((t) => (t.coeff === 1 ? "" : `${formatNumber(t.coeff)}·`) + (t.expr.kind === "sum" ? `(${formatExpr(t.expr)})` : formatExpr(t.expr))).join(" + ");
    case "scale":
      return `${formatNumber(e.scale)}·(${formatExpr(e.inner)})`;
    case "transpose":
      return e.inner.kind === "leaf" ? `${formatExpr(e.inner)}ᵀ` : `(${formatExpr(e.inner)})ᵀ`;
    case "pinv":
      return `pinv(${formatExpr(e.inner)})`;
    case "kron":
      return `kron(${formatExpr(e.a)}, ${formatExpr(e.b)})`;
    case "power":
      return e.inner.kind === "leaf" ? `${formatExpr(e.inner)}^${e.exponent}` : `(${formatExpr(e.inner)})^${e.exponent}`;
    case "at":
      return `at(${formatExpr(e.inner)}, ${formatNumber(e.time)})`;
    case "sampler":
      return `sampler(${formatExpr(e.inner)}, ${e.method}, T=${e.steps})`;
  }
}
