// Constant folding. In 𝕃{g_x, g_y, A} nothing in A depends on the input x, so every bound, time-free
// subtree can be evaluated at compile time with the runtime's structured algebra (src/runtime/operator).
// A fold happens only when the cost model says the folded operator is no more expensive to apply than the
// matrix-free chain it replaces: e.g. a dense m×r times a dense r×n stays a chain when r(m+n) < mn, while
// two identity-plus-low-rank factors fold into one of rank r₁ + r₂.
import {
  kronecker as operatorKronecker,
  pinv as operatorPinv,
  power as operatorPower,
  product as operatorProduct,
  scale as operatorScale,
  sum as operatorSum,
  storedIn,
  transpose as operatorTranspose,
  type LinearOperator,
} from "../../../runtime/operator/index.js";
import { cheaper, estimateCost, operatorCost } from "../../ir/cost.js";
import { evaluateOperator } from "../../ir/evaluate.js";
import * as ir from "../../ir/expr.js";
import { constantOperator, exprPrecision, formatExpr, isBound, type OpExpr } from "../../ir/expr.js";
import { collapseSampler } from "../collapse.js";
import { cheapestForm, isLazyKind } from "../representation.js";
import type { Rule } from "../rule.js";

type OpRule = Rule<OpExpr>;

/** A readable name for a folded constant, kept short for long chains. */
function foldedName(e: OpExpr): string {
  const text = formatExpr(e);
  return text.length <= 40 ? `[${text}]` : `[folded ${e.rows}×${e.cols}]`;
}

/** The constant `op` that `e` folds to, marked with the precision e's leaves were stored in. */
function folded(e: OpExpr, op: LinearOperator): OpExpr {
  return ir.boundLeaf(foldedName(e), storedIn(op, exprPrecision(e)), true);
}

/** Folds `e` to `op` when that is no costlier than `e` as written. */
function foldIfCheaper(e: OpExpr, op: LinearOperator): OpExpr | undefined {
  const form = cheapestForm(op);
  return cheaper(estimateCost(e), operatorCost(form)) ? undefined : folded(e, form);
}

export const foldProduct: OpRule = {
  name: "fold-product",
  statement: "A·B ↦ the constant C = AB (structured: I+low-rank·I+low-rank stays I+low-rank of rank r₁+r₂; low-rank absorbs its neighbour; else dense)",
  sideCondition: "A and B adjacent bound time-free constants, and cost(C) ≤ cost(A) + cost(B) per row (otherwise the matrix-free chain is kept)",
  // One firing folds the whole product left to right (each factor into the constant before it when
  // that pays), so a chain of k constants costs one rewrite, not k − 1.
  rewrite: (e) => {
    if (e.kind !== "product") return undefined;
    const out: OpExpr[] = [];
    let foldedAny = false;
    for (const next of e.factors) {
      const last = out[out.length - 1];
      const a = last === undefined ? undefined : constantOperator(last);
      const b = constantOperator(next);
      const folded = last !== undefined && a !== undefined && b !== undefined ? foldIfCheaper(ir.product([last, next]), operatorProduct(a, b)) : undefined;
      if (folded === undefined) out.push(next);
      else {
        out[out.length - 1] = folded;
        foldedAny = true;
      }
    }
    if (!foldedAny) return undefined;
    return out.length === 1 ? out[0] : ir.product(out);
  },
};

export const foldSum: OpRule = {
  name: "fold-sum",
  statement: "Σ cᵢAᵢ ↦ the constant S (identity/low-rank terms concatenate their factors; dense absorbs the rest)",
  sideCondition: "every term a bound time-free constant, and cost(S) ≤ cost of the sum as written",
  rewrite: (e) => {
    if (e.kind !== "sum") return undefined;
    const scaled: LinearOperator[] = [];
    for (const t of e.terms) {
      const op = constantOperator(t.expr);
      if (op === undefined) return undefined;
      scaled.push(operatorScale(t.coeff, op));
    }
    const total = scaled.reduce((a, b) => operatorSum(a, b));
    return foldIfCheaper(e, total);
  },
};

export const foldScale: OpRule = {
  name: "fold-scale",
  statement: "c·A ↦ the constant cA (the scalar moves into a factor, the diagonal or α)",
  sideCondition: "A a bound time-free constant whose kind absorbs a scalar (no lazy wrapper)",
  rewrite: (e) => {
    if (e.kind !== "scale") return undefined;
    const op = constantOperator(e.inner);
    if (op === undefined) return undefined;
    const scaled = operatorScale(e.scale, op);
    return isLazyKind(scaled) ? undefined : folded(e, scaled);
  },
};

export const foldTranspose: OpRule = {
  name: "fold-transpose",
  statement: "Aᵀ ↦ the constant Aᵀ, built from the factors (U·Vᵀ ↦ V·Uᵀ, reflectors reversed, …)",
  sideCondition: "A a bound time-free constant",
  rewrite: (e) => {
    if (e.kind !== "transpose") return undefined;
    const op = constantOperator(e.inner);
    return op === undefined ? undefined : folded(e, operatorTranspose(op));
  },
};

/** kron(A, B) of two bound constants ↦ one factored kronecker constant. */
export const foldKron: OpRule = {
  name: "fold-kron",
  statement: "A ⊗ B ↦ the constant kronecker(A, B), kept factored (applied as vec(A·X·Bᵀ), never multiplied out)",
  sideCondition: "A and B bound time-free constants",
  // The folded value costs what the node does (cost.ts counts both alike), so folding never loses; it lets
  // the runtime's kronecker algebra (pinv, SVD, products from the factors) see one operator.
  rewrite: (e) => {
    if (e.kind !== "kron") return undefined;
    const a = constantOperator(e.a);
    const b = constantOperator(e.b);
    return a === undefined || b === undefined ? undefined : folded(e, operatorKronecker(a, b));
  },
};

export const pinvFromFactors: OpRule = {
  name: "pinv-from-factors",
  statement: "A† from A's factors: diag(d)† = diag(1/dᵢ, 0 where dᵢ ≈ 0); (UΣVᵀ)† = VΣ†Uᵀ; (UVᵀ)† via thin QR; (αI+UVᵀ)⁻¹ by Woodbury",
  sideCondition: "A a bound time-free constant whose structure gives its pseudo-inverse exactly (the runtime reports method = structured)",
  rewrite: (e) => {
    if (e.kind !== "pinv") return undefined;
    const op = constantOperator(e.inner);
    if (op === undefined) return undefined;
    const result = operatorPinv(op, exprPrecision(e.inner));
    return result.method === "structured" ? folded(e, result.operator) : undefined;
  },
};

export const foldPinv: OpRule = {
  name: "fold-pinv",
  statement: "A† ↦ the dense constant pinv(A) (float64 SVD, cut-off σ_max·max(m, n)·ε, ε of the precision A's weights were stored in)",
  sideCondition: "A a bound time-free constant (a pseudo-inverse is materialised anyway)",
  rewrite: (e) => {
    if (e.kind !== "pinv") return undefined;
    const op = constantOperator(e.inner);
    return op === undefined ? undefined : folded(e, cheapestForm(operatorPinv(op, exprPrecision(e.inner)).operator));
  },
};

export const foldPower: OpRule = {
  name: "fold-power",
  statement: "A^k ↦ the constant A^k: by structure (diag(dᵢ^k); (αI+UVᵀ)^k = α^k I + U S_k Vᵀ, rank r; P^k = P) or by repeated squaring (⌈log₂k⌉ + popcount(k) products)",
  sideCondition: "A a bound time-free constant, and cost(A^k) ≤ k·cost(A)",
  rewrite: (e) => {
    if (e.kind !== "power") return undefined;
    const op = constantOperator(e.inner);
    return op === undefined ? undefined : foldIfCheaper(e, operatorPower(op, e.exponent));
  },
};

export const foldAt: OpRule = {
  name: "fold-at",
  statement: "at(A, t) ↦ the constant A(t) = αI + U(t)V(t)ᵀ (hypernetworks evaluated once)",
  sideCondition: "every leaf of A bound",
  rewrite: (e) => (e.kind === "at" && isBound(e.inner) ? folded(e, cheapestForm(evaluateOperator(e.inner, e.time))) : undefined),
};

export const collapseSamplerRule: OpRule = {
  name: "collapse-sampler",
  statement: "sampler(A, method, T) ↦ B = M_{T−2}⋯M₀, each M_k the step traced on I (Euler: (1−c_k)I + c_kA(t_k); RK4: nested K₁…K₄)",
  sideCondition: "A time-conditioned with every leaf bound (its weights known when compiling)",
  rewrite: (e) => (e.kind === "sampler" && isBound(e.inner) ? ir.boundLeaf(`[sampler ${e.method} T=${e.steps}]`, collapseSampler(e.inner, e.method, e.steps), true) : undefined),
};

export const foldingRules: readonly OpRule[] = [collapseSamplerRule, foldAt, pinvFromFactors, foldPinv, foldTranspose, foldKron, foldScale, foldPower, foldSum, foldProduct];
