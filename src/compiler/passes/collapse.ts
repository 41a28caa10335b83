// The sampler collapse: the T-step sampler is traced into one operator B = M_{T−2}⋯M₁M₀ (column
// convention, z_{k+1} = M_k z_k). Each M_k is obtained by running THE step function of ir/sampler.ts on
// the state z = I with operators as states, so Euler gives M_k = (1−c_k)I + c_k·A(t_k), c_k = 1/(T−k),
// and RK4 gives the correctly nested product of paper-notes §1.4 — no second formula to get wrong.
//
// Fast path, when every A(τ) = aI + U(τ)V(τ)ᵀ (rank r): the steps are traced in groups (a few
// consecutive steps, ≤ GROUP_WIDTH basis columns) with THE same step function, over the step basis
// algebra below, whose states are αI + P·c·Qᵀ with P, Q the U's and V's of the group's times and c a
// small coefficient matrix. Tracing from z = I through the group's steps yields M_{k+g−1}⋯M_k exactly,
// with no QR/SVD and nothing D×D. The product is accumulated densely by one low-rank update per group,
// B ← αB + (P·c)·(QᵀB), O(D²·rank) through BLAS, and B is put in its cheapest form once at the end
// (identity plus its numerical-rank low-rank part, or the dense matrix). A(τ) is evaluated once per
// distinct time (RK4: t, t+Δt/2, t+Δt = the next t), batched over CHUNK_STEPS steps. Any other A(τ) (a
// dense or lazy value) takes the generic path: the runtime algebra, cheapest form after every step.
// The two paths agree to float64 rounding (spec/compiler/passes/collapse-fast.spec.ts).
import { matmul, transpose as transposeMatrix, type Matrix } from "../../runtime/linalg/index.js";
import { columns } from "../../runtime/operator/host.js";
import { dense, identity, product, scale, sum, svd, type LinearOperator } from "../../runtime/operator/index.js";
import { timeConditionedAtTimes } from "../../runtime/operator/timeConditioned.js";
import { evaluateOperator } from "../ir/evaluate.js";
import type { SamplerMethod } from "../checker/builtins.js";
import type { OpExpr } from "../ir/expr.js";
import { samplerStep, stepTimes, type StepAlgebra } from "../ir/sampler.js";
import { cheapestForm } from "./representation.js";

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

/** B ← α·B + (P·c)·(QᵀB): the dense accumulation of one group's product α·I + P·c·Qᵀ. */
function applyGroup(g: BasisState, basis: StepBasis, b: Matrix): Matrix {
  const left = matmul(basis.p, padded(g.c, basis.p.cols));
  const update = matmul(left, matmul(transposeMatrix(basis.q), b));
  const out = update.data;
  const prev = b.data;
  const alpha = g.alpha;
  for (let i = 0; i < out.length; i++) out[i] += alpha * prev[i];
  return update;
}

/** The cheapest form of a dense B = β·I + (B − β·I): the low-rank part at its numerical rank (runtime svd's cut-off). */
function finalForm(b: Matrix, beta: number): LinearOperator {
  const n = b.rows;
  const rest = { rows: n, cols: n, data: b.data.slice() };
  for (let i = 0; i < n; i++) rest.data[i * n + i] -= beta;
  const f = svd(dense(rest));
  const u = columns(f.u, 0, f.rank);
  for (let i = 0; i < n; i++) for (let j = 0; j < f.rank; j++) u.data[i * f.rank + j] *= f.s[j];
  const structured = sum(scale(beta, identity(n)), { kind: "lowrank", rows: n, cols: n, u, v: columns(f.v, 0, f.rank) });
  const cheapest = cheapestForm(structured);
  return cheapest.kind === "dense" ? dense(b) : cheapest; // the accumulated matrix, not its truncation
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
  let b: Matrix = { rows: n, cols: n, data: new Float64Array(n * n) };
  for (let i = 0; i < n; i++) b.data[i * n + i] = 1;
  let beta = 1;
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
      beta *= g.alpha;
    }
  }
  return finalForm(b, beta);
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
