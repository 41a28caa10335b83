// The sampler collapse: the T-step sampler is traced into one operator B = M_{T−2}⋯M₁M₀ (column
// convention, z_{k+1} = M_k z_k). Each M_k is obtained by running THE step function of ir/sampler.ts on
// the state z = I with operators as states, so Euler gives M_k = (1−c_k)I + c_k·A(t_k), c_k = 1/(T−k),
// and RK4 gives the correctly nested product of paper-notes §1.4 — no second formula to get wrong.
//
// Fast path, when every A(τ) = aI + U(τ)V(τ)ᵀ (rank r): the steps are traced in groups (a few
// consecutive steps, ≤ GROUP_WIDTH basis columns) with THE same step function, over the step basis
// algebra below, whose states are αI + P·c·Qᵀ with P, Q the U's and V's of the group's times and c a
// small coefficient matrix. Tracing from z = I through the group's steps yields M_{k+g−1}⋯M_k exactly,
// with no QR/SVD and nothing D×D. The product is kept factored end to end, B = βI + U·diag(s)·Vᵀ: each
// group of w factor columns multiplies in through an (R+w)² core, O(D·R·w) for kept rank R, and the
// low-rank part is cut back to its numerical rank after every group (truncated(), float64 rounding
// level), so one-step sampling costs O(D·R) per sample and nothing D×D is formed unless the dense matrix
// is cheaper to apply (small D, high rank: denseIfCheaper at the end). A(τ) is evaluated once per
// distinct time (RK4: t, t+Δt/2, t+Δt = the next t), batched over CHUNK_STEPS steps. Any other A(τ) (a
// dense or lazy value) takes the generic path: the runtime algebra, cheapest form after every step.
// The two paths agree to float64 rounding (spec/compiler/passes/collapse-fast.spec.ts).
import { matmul, transpose as transposeMatrix, type Matrix } from "../../runtime/linalg/index.js";
import {
  FLOAT64_EPS,
  addMatrices,
  axpy,
  columns,
  concatColumns,
  concatRows as stackRows,
  denseSvd,
  matrix,
  scaleColumns,
  thinQr,
  transposeTimes,
} from "../../runtime/operator/host.js";
import { identity, identityPlusLowRank, lowRank, product, scale, scaledIdentity, sum, type LinearOperator } from "../../runtime/operator/index.js";
import { timeConditionedAtTimes } from "../../runtime/operator/timeConditioned.js";
import { evaluateOperator } from "../ir/evaluate.js";
import type { SamplerMethod } from "../checker/builtins.js";
import type { OpExpr } from "../ir/expr.js";
import { samplerStep, stepTimes, type StepAlgebra } from "../ir/sampler.js";
import { cheapestForm, denseIfCheaper } from "./representation.js";

/** Operators as sampler states; A(t) comes from the (bound) time-conditioned expression. */
export function operatorStepAlgebra(predictor: (t: number) => LinearOperator): StepAlgebra<LinearOperator> {
  return { add: sum, scale, predict: (t, z) => product(predictor(t), z) };
}

/** M_k: one step traced from z = I. */
export function stepOperator(alg: StepAlgebra<LinearOperator>, method: SamplerMethod, n: number, t: number, dt: number): LinearOperator {
  return cheapestForm(samplerStep(alg, method, identity(n), t, dt));
}

/** a·I + u·vᵀ, the form every A(t) of a time-conditioned sampler takes (u, v may have no columns). */
interface Factored {
  readonly a: number;
  readonly u: Matrix;
  readonly v: Matrix;
}

function asFactored(op: LinearOperator): Factored | undefined {
  const none = { rows: op.rows, cols: 0, data: new Float64Array(0) };
  switch (op.kind) {
    case "identity":
      return { a: 1, u: none, v: none };
    case "scaled_identity":
      return { a: op.scale, u: none, v: none };
    case "identity_plus_lowrank":
      return { a: op.alpha, u: op.u, v: op.v };
    case "lowrank":
      return { a: 0, u: op.u, v: op.v };
    default:
      return undefined;
  }
}

/** α·I + P[:, :k]·c·Q[:, :k]ᵀ with k = c.rows, in the basis of one group of steps (see StepBasis). */
interface BasisState {
  readonly alpha: number;
  readonly c: Matrix;
}

/** [f₁ | f₂ | …] for n-row factors, in one allocation. */
function concatAllColumns(n: number, factors: readonly Matrix[]): Matrix {
  const cols = factors.reduce((w, f) => w + f.cols, 0);
  const out = { rows: n, cols, data: new Float64Array(n * cols) };
  let offset = 0;
  for (const f of factors) {
    for (let i = 0; i < n; i++) out.data.set(f.data.subarray(i * f.cols, (i + 1) * f.cols), i * cols + offset);
    offset += f.cols;
  }
  return out;
}

/** c zero-padded to w×w (a state made before the basis columns k…w−1 came into use). */
function padded(c: Matrix, w: number): Matrix {
  if (c.rows === w) return c;
  const out = { rows: w, cols: w, data: new Float64Array(w * w) };
  for (let i = 0; i < c.rows; i++) out.data.set(c.data.subarray(i * c.cols, (i + 1) * c.cols), i * w);
  return out;
}

interface Block {
  readonly a: number;
  readonly offset: number;
  readonly width: number;
}

/**
 * The step algebra with states α·I + P·c·Qᵀ, where P = [U(τ₁) | U(τ₂) | …] and Q = [V(τ₁) | …] collect
 * the factors of A(τ) = aτ·I + U(τ)V(τ)ᵀ at the times of a group of steps, in order of first use. Exact:
 * sums add coefficients, and
 *   A(τⱼ)·(αI + P c Qᵀ) = aⱼα·I + P·(aⱼc + α·Eⱼⱼ + Sⱼ·G·c)·Qᵀ,  G = QᵀP,
 * where Eⱼⱼ is the identity on block j and Sⱼ keeps block j's rows. A state only uses the columns of
 * the times seen so far (k ≤ w), so all work is on small k×k matrices plus one Gram product per group.
 */
class StepBasis implements StepAlgebra<BasisState> {
  private readonly blocks = new Map<number, Block>();
  readonly p: Matrix;
  readonly q: Matrix;
  private readonly gram: Matrix;

  constructor(n: number, times: readonly number[], factors: ReadonlyMap<number, Factored>) {
    const used = times.map((t) => {
      const f = factors.get(t);
      if (f === undefined) throw new Error(`collapse: no A(${t}) for the step basis`); // the dry run lists every time
      return f;
    });
    let offset = 0;
    used.forEach((f, i) => {
      this.blocks.set(times[i], { a: f.a, offset, width: f.u.cols });
      offset += f.u.cols;
    });
    this.p = concatAllColumns(
      n,
      used.map((f) => f.u),
    );
    this.q = concatAllColumns(
      n,
      used.map((f) => f.v),
    );
    this.gram = matmul(transposeMatrix(this.q), this.p);
  }

  static readonly identity: BasisState = { alpha: 1, c: { rows: 0, cols: 0, data: new Float64Array(0) } };

  add(x: BasisState, y: BasisState): BasisState {
    const w = Math.max(x.c.rows, y.c.rows);
    const sum = padded(x.c, w).data.slice();
    const b = padded(y.c, w).data;
    for (let i = 0; i < sum.length; i++) sum[i] += b[i];
    return { alpha: x.alpha + y.alpha, c: { rows: w, cols: w, data: sum } };
  }

  scale(s: number, x: BasisState): BasisState {
    const data = x.c.data.slice();
    for (let i = 0; i < data.length; i++) data[i] *= s;
    return { alpha: s * x.alpha, c: { ...x.c, data } };
  }

  predict(t: number, z: BasisState): BasisState {
    const block = this.blocks.get(t);
    if (block === undefined) throw new Error(`collapse: time ${t} is not in the step basis`);
    const { a, offset, width } = block;
    const k = z.c.rows;
    const w = Math.max(k, offset + width);
    const big = this.gram.cols;
    const data = padded(z.c, w).data.slice();
    for (let i = 0; i < data.length; i++) data[i] *= a;
    for (let i = 0; i < width; i++) {
      const row = offset + i;
      data[row * w + row] += z.alpha;
      // (G·c)[row, :k] = G[row, :k]·c[:k, :k]
      for (let m = 0; m < k; m++) {
        const g = this.gram.data[row * big + m];
        if (g === 0) continue;
        for (let j = 0; j < k; j++) data[row * w + j] += g * z.c.data[m * k + j];
      }
    }
    return { alpha: a * z.alpha, c: { rows: w, cols: w, data } };
  }
}

/** The distinct times at which one step from t predicts, found by running the step on dummy states. */
function stepPredictionTimes(method: SamplerMethod, t: number, dt: number): number[] {
  const times: number[] = [];
  const recorder: StepAlgebra<null> = { add: () => null, scale: () => null, predict: (tau) => (times.push(tau), null) };
  samplerStep(recorder, method, null, t, dt);
  return times;
}

/** A(τ) at the given times: batched for a time-conditioned leaf, else one by one; undefined if one is not a·I + U·Vᵀ. */
function factorsAt(inner: OpExpr, times: readonly number[]): Map<number, Factored> | undefined {
  const out = new Map<number, Factored>();
  const leaf = inner.kind === "leaf" && inner.operator?.kind === "time_conditioned" ? inner.operator : undefined;
  const values = leaf !== undefined ? timeConditionedAtTimes(leaf, times) : times.map((t) => evaluateOperator(inner, t));
  for (const [i, t] of times.entries()) {
    const f = asFactored(values[i]);
    if (f === undefined) return undefined;
    out.set(t, f);
  }
  return out;
}

/**
 * Basis columns per group of steps: wide enough that the dense update is one efficient BLAS product
 * (rank ~64 instead of r per step) and few D×D temporaries are made, narrow enough that the k×k
 * coefficient work (O(r·k²) per prediction) stays small next to it.
 */
const GROUP_WIDTH = 64;

/** Steps all[start…end) taken while their distinct times, times r, fit GROUP_WIDTH (at least one step). */
function nextGroup(all: readonly number[], start: number, end: number, method: SamplerMethod, dt: number, r: number): { steps: number[]; times: number[] } {
  const steps: number[] = [];
  const times: number[] = [];
  for (let k = start; k < end; k++) {
    const fresh = [...new Set(stepPredictionTimes(method, all[k], dt))].filter((t) => !times.includes(t));
    if (steps.length > 0 && (times.length + fresh.length) * r > GROUP_WIDTH) break;
    steps.push(all[k]);
    times.push(...fresh);
  }
  return { steps, times };
}

/**
 * The collapsed product so far, B = β·I + U·diag(s)·Vᵀ with U, V orthonormal n×R (R the kept rank):
 * an SVD of B − βI, kept factored end to end so nothing n×n is ever formed.
 */
interface FactoredProduct {
  readonly beta: number;
  readonly u: Matrix;
  readonly s: Float64Array;
  readonly v: Matrix;
}

/**
 * x split against the orthonormal columns of q: x = q·c + e·r with e orthonormal and ⟂ q (up to
 * rounding). Classical Gram–Schmidt done twice (one pass leaves ~ε·κ of q in the remainder; the second
 * brings it to ~ε), then a thin QR of the n×w remainder only — the n×(R+w) QR this avoids is the
 * collapse's dominant cost at image scale.
 */
function extendBasis(q: Matrix, x: Matrix): { c: Matrix; e: Matrix; r: Matrix } {
  let c = transposeTimes(q, x);
  let rest = axpy(-1, matmul(q, c), x);
  const again = transposeTimes(q, rest);
  rest = axpy(-1, matmul(q, again), rest);
  c = addMatrices(c, again);
  const { q: e, r } = thinQr(rest);
  return { c, e, r };
}

/**
 * B ← G·B for a group's product G = α·I + L·Mᵀ (L = P_g·c, M = Q_g). With L = [U | E]·a and
 * M = [V | F]·b (extendBasis), B − βI = [U|E]·(diag(s) ⊕ 0)·[V|F]ᵀ, so
 *   G·B − αβ·I = α·U·diag(s)·Vᵀ + β·L·Mᵀ + L·(MᵀU)·diag(s)·Vᵀ = [U|E]·K·[V|F]ᵀ,
 *   K = α·(diag(s) ⊕ 0) + a·(β·bᵀ + [(UᵀM)ᵀ·diag(s) | 0]),
 * and an SVD of the small (R+w)×(R+w) core K gives the new factors (truncated()).
 */
function applyGroup(g: BasisState, basis: StepBasis, b: FactoredProduct): FactoredProduct {
  const beta = g.alpha * b.beta;
  if (g.c.rows === 0) return { beta, u: b.u, s: b.s.map((x) => g.alpha * x), v: b.v };
  const l = matmul(basis.p, padded(g.c, basis.p.cols));
  const m = basis.q;
  const left = extendBasis(b.u, l);
  const right = extendBasis(b.v, m);
  const r = b.s.length;
  const w = l.cols;
  const wr = right.r.rows;
  const a = stackRows(left.c, left.r); // (R + w) × w
  const bt = transposeMatrix(stackRows(right.c, right.r)); // w × (R + wr)
  const cross = transposeTimes(m, b.u); // MᵀU, w × R
  const inner = matrix(w, r + wr);
  for (let i = 0; i < w; i++) {
    for (let j = 0; j < r + wr; j++) inner.data[i * (r + wr) + j] = b.beta * bt.data[i * (r + wr) + j] + (j < r ? cross.data[i * r + j] * b.s[j] : 0);
  }
  const core = matmul(a, inner);
  for (let i = 0; i < r; i++) core.data[i * (r + wr) + i] += g.alpha * b.s[i];
  return truncated(beta, core, concatColumns(b.u, left.e), concatColumns(b.v, right.e));
}

/**
 * β·I + X·K·Yᵀ as a FactoredProduct: the SVD K = W·Σ·Zᵀ of the small core, singular values at or
 * below n·ε·max(σ₁, |β|) dropped. Each cut changes B by at most that much in the 2-norm — the rounding
 * level of any float64 product of n-vectors with B — so the collapse stays within float64 rounding of
 * the exact product while its rank stays at the numerical rank (48 at D = 1024, T = 100, r = 8), not
 * the (T−1)·r·stages the factors would otherwise grow to.
 */
function truncated(beta: number, core: Matrix, x: Matrix, y: Matrix): FactoredProduct {
  const { u, s, v } = denseSvd(core);
  const floor = x.rows * FLOAT64_EPS * Math.max(s[0] ?? 0, Math.abs(beta));
  let keep = 0;
  while (keep < s.length && s[keep] > floor) keep++;
  return { beta, u: matmul(x, columns(u, 0, keep)), s: s.slice(0, keep), v: matmul(y, columns(v, 0, keep)) };
}

/** The FactoredProduct as an operator: β·I + (U·diag(s))·Vᵀ, or β·I when no rank is left. */
function asOperator(b: FactoredProduct): LinearOperator {
  const n = b.u.rows;
  if (b.s.length === 0) return b.beta === 1 ? identity(n) : scaledIdentity(n, b.beta);
  const u = scaleColumns(b.u, b.s);
  return b.beta === 0 ? lowRank(u, b.v) : identityPlusLowRank(u, b.v, b.beta);
}

/** Steps whose A(τ) are evaluated in one batch (and held: ~CHUNK_STEPS·3·2·D·r floats). */
const CHUNK_STEPS = 128;

/** The rank r of A(t), or undefined when A(t) is not a·I + U·Vᵀ (then the generic path runs). */
function factorRank(inner: OpExpr): number | undefined {
  if (inner.kind === "leaf" && inner.operator?.kind === "time_conditioned") return inner.operator.rank;
  return asFactored(evaluateOperator(inner, 0))?.u.cols;
}

/** The fast path (see the header); undefined when some A(τ) is not a·I + U·Vᵀ. */
function collapseFactored(inner: OpExpr, method: SamplerMethod, steps: number): LinearOperator | undefined {
  const n = inner.rows;
  const dt = 1 / steps;
  const all = stepTimes(steps);
  if (all.length === 0) return identity(n);
  const r = factorRank(inner);
  if (r === undefined) return undefined;
  let b: FactoredProduct = { beta: 1, u: matrix(n, 0), s: new Float64Array(0), v: matrix(n, 0) };
  for (let chunk = 0; chunk < all.length; chunk += CHUNK_STEPS) {
    const end = Math.min(chunk + CHUNK_STEPS, all.length);
    const groups: { steps: number[]; times: number[] }[] = [];
    for (let start = chunk; start < end; start += groups[groups.length - 1].steps.length) {
      groups.push(nextGroup(all, start, end, method, dt, Math.max(r, 1)));
    }
    const factors = factorsAt(inner, [...new Set(groups.flatMap((g) => g.times))]);
    if (factors === undefined) return undefined;
    for (const group of groups) {
      const basis = new StepBasis(n, group.times, factors);
      // The group's product M_{k+g−1}⋯M_k, by tracing the step function from z = I step after step.
      const g = group.steps.reduce((z, t) => samplerStep(basis, method, z, t, dt), StepBasis.identity);
      b = applyGroup(g, basis, b);
    }
  }
  // The factored B (already at its numerical rank) unless dense is cheaper to apply (small D, high rank).
  return denseIfCheaper(asOperator(b));
}

/** The generic path: runtime algebra, cheapest form after every step. */
function collapseGeneric(inner: OpExpr, method: SamplerMethod, steps: number): LinearOperator {
  const n = inner.rows;
  const cache = new Map<number, LinearOperator>();
  const alg = operatorStepAlgebra((t) => {
    const known = cache.get(t);
    if (known !== undefined) return known;
    const value = evaluateOperator(inner, t);
    if (cache.size > 8) cache.clear(); // a step reuses only its own few times and the next step's t
    cache.set(t, value);
    return value;
  });
  const dt = 1 / steps;
  let b: LinearOperator = identity(n);
  for (const t of stepTimes(steps)) b = cheapestForm(product(stepOperator(alg, method, n, t, dt), b));
  return b;
}

/** B = M_{T−2}⋯M₀ for the sampler of a bound time-conditioned expression. */
export function collapseSampler(inner: OpExpr, method: SamplerMethod, steps: number): LinearOperator {
  return collapseFactored(inner, method, steps) ?? collapseGeneric(inner, method, steps);
}
