// The cost model: per applied batch row (one input vector), the floating-point operations of applying
// an operator, the floats it keeps resident, and how many operator applications (kernel launches, the
// "kernel count" proxy) it takes. A multiply-add counts 2 FLOPs. The figures are the obvious counts of
// the way the runtime applies each kind factor by factor (src/runtime/operator/apply.ts); they are used
// only to compare alternatives, so constants that are the same on both sides are left out.
import { kernelWindow, type LinearOperator, type OperatorKind } from "../../runtime/operator/index.js";
import type { OpExpr } from "./expr.js";
import { stagesOf } from "./sampler.js";

export interface Cost {
  /** FLOPs per applied batch row. */
  readonly flops: number;
  /** Floats held (parameters, precomputed factors). */
  readonly memory: number;
  /** Operator applications per batch (kernel-count proxy); identities and scalings cost none. */
  readonly applications: number;
}

const zero: Cost = { flops: 0, memory: 0, applications: 0 };

const plus = (a: Cost, b: Cost): Cost => ({ flops: a.flops + b.flops, memory: a.memory + b.memory, applications: a.applications + b.applications });

/** k applications of the same operator: FLOPs and applications repeat, memory does not. */
const repeated = (k: number, c: Cost): Cost => ({ flops: k * c.flops, memory: c.memory, applications: k * c.applications });

/** Cost of a structure from its shape and rank alone (a leaf with no bound value). */
export function structureCost(structure: OperatorKind, rows: number, cols: number, rank?: number): Cost {
  const r = rank ?? Math.min(rows, cols);
  const one = (flops: number, memory: number): Cost => ({ flops, memory, applications: 1 });
  switch (structure) {
    case "identity":
      return zero;
    case "scaled_identity":
      return { flops: rows, memory: 1, applications: 0 };
    case "diagonal":
      return one(rows, rows);
    case "lowrank":
      return one(2 * r * (rows + cols), r * (rows + cols));
    case "svd_factored":
      return one(2 * r * (rows + cols) + r, r * (rows + cols + 1));
    case "projector":
      return one(4 * rows * r, rows * r);
    case "identity_plus_lowrank":
    case "time_conditioned": // at a fixed t it is α·I + U(t)V(t)ᵀ
      return one(4 * rows * r + 2 * rows, 2 * rows * r + 1);
    case "depthwise_conv": // r = k² taps per output coordinate
    case "indexed_depthwise_conv":
      return one(2 * rows * r, r);
    case "kronecker": // unbound: no factor shapes known, costed as the dense matrix
      return one(2 * rows * cols, rows * cols);
    // r = the taps of the kernel's window per output coordinate, applied directly as tfjs does (an FFT
    // path would cost ~2·5·log₂(H·W) flops per coordinate: cheaper only for a full-size kernel of a
    // large image, which the host algebra handles by FFT anyway). Memory: the [C, H, W] kernel.
    case "circulant_conv":
      return one(2 * rows * r, cols);
    case "orthogonal": // Householder with n reflectors, or a dense Cayley Q: both ~2n² per row
    case "iterative_pinv": // unbound: costed as the dense matrix it stands for
    case "dense":
    case "product":
    case "sum":
    case "scaled":
    case "transposed":
      return one(2 * rows * cols, rows * cols);
  }
}

/** A ⊗ B applied as vec(A·X·Bᵀ): B on each of A.cols rows of X, then A on each of B.rows columns. */
function kroneckerCost(a: Cost, b: Cost, aCols: number, bRows: number): Cost {
  return { flops: aCols * b.flops + bRows * a.flops, memory: a.memory + b.memory, applications: a.applications + b.applications };
}

/** LSQR iterations assumed per application of an iterative_pinv (well-conditioned operators take tens). */
const LSQR_ITERATIONS = 50;

/** Cost of applying a bound runtime operator the way the runtime does, factor by factor. */
export function operatorCost(op: LinearOperator): Cost {
  switch (op.kind) {
    case "lowrank":
    case "identity_plus_lowrank":
    case "svd_factored":
      return structureCost(op.kind, op.rows, op.cols, op.u.cols);
    case "projector":
      return structureCost(op.kind, op.rows, op.cols, op.q.cols);
    case "time_conditioned":
      return structureCost(op.kind, op.rows, op.cols, op.rank);
    case "depthwise_conv":
    case "indexed_depthwise_conv":
      return structureCost(op.kind, op.rows, op.cols, op.geometry.size ** 2);
    case "circulant_conv": {
      // tfjs applies the kernel's window directly (circulantRows); a full-size kernel (K⁺, K^p) has H·W taps.
      const w = kernelWindow(op);
      return structureCost(op.kind, op.rows, op.cols, w.kh * w.kw);
    }
    case "orthogonal":
      if (op.form.type === "householder") {
        const k = op.form.vectors.rows;
        return { flops: 4 * k * op.rows, memory: k * op.rows, applications: 1 };
      }
      return structureCost("dense", op.rows, op.cols);
    case "product":
      return op.factors.map(operatorCost).reduce(plus, zero);
    case "sum":
      return op.terms.map(operatorCost).reduce(plus, { flops: (op.terms.length - 1) * op.rows, memory: 0, applications: 0 });
    case "scaled":
      return plus(operatorCost(op.inner), { flops: op.rows, memory: 1, applications: 0 });
    case "transposed":
      return operatorCost(op.inner);
    case "iterative_pinv": {
      // LSQR: two products (A and Aᵀ) per iteration; LSQR_ITERATIONS is an estimate for ranking
      // alternatives only (the real count depends on A's conditioning and is reported by lastSolve).
      const inner = operatorCost(op.inner);
      return { flops: 2 * LSQR_ITERATIONS * inner.flops, memory: inner.memory + 4 * (op.rows + op.cols), applications: 2 * LSQR_ITERATIONS * inner.applications };
    }
    case "kronecker":
      return kroneckerCost(operatorCost(op.a), operatorCost(op.b), op.a.cols, op.b.rows);
    default:
      return structureCost(op.kind, op.rows, op.cols);
  }
}

/** Estimated cost of evaluating the expression as written (no rewriting). */
export function estimateCost(e: OpExpr): Cost {
  switch (e.kind) {
    case "leaf":
      return e.operator !== undefined ? operatorCost(e.operator) : structureCost(e.structure, e.rows, e.cols, e.rank);
    case "identity":
      return zero;
    case "product":
      return e.factors.map(estimateCost).reduce(plus, zero);
    case "sum":
      return e.terms.map((t) => estimateCost(t.expr)).reduce(plus, { flops: (2 * e.terms.length - 1) * e.rows, memory: 0, applications: 0 });
    case "scale":
      return plus(estimateCost(e.inner), { flops: e.rows, memory: 0, applications: 0 });
    case "transpose":
      return estimateCost(e.inner);
    case "pinv": // materialised once, then applied as a dense matrix
      return structureCost("dense", e.rows, e.cols);
    case "power":
      return repeated(e.exponent, estimateCost(e.inner));
    case "kron": // applied as the runtime's kronecker kind
      return kroneckerCost(estimateCost(e.a), estimateCost(e.b), e.a.cols, e.b.rows);
    case "at":
      return estimateCost(e.inner);
    case "sampler": {
      // Per step: `stages` applications of A(t) plus ~3 vector updates per stage.
      const stages = stagesOf(e.method);
      const inner = estimateCost(e.inner);
      const perStep = { flops: stages * (inner.flops + 3 * e.rows), memory: inner.memory, applications: stages * inner.applications };
      return repeated(e.steps - 1, perStep);
    }
  }
}

/** Strictly cheaper in FLOPs per row, memory breaking ties. */
export function cheaper(a: Cost, b: Cost): boolean {
  return a.flops < b.flops || (a.flops === b.flops && a.memory < b.memory);
}

export function formatCost(c: Cost): string {
  const n = (x: number): string => (x >= 1e6 ? x.toExponential(2) : String(Math.round(x)));
  return `flops/row=${n(c.flops)} mem=${n(c.memory)} apps=${c.applications}`;
}
