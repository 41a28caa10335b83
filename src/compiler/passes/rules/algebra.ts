// The structural rules of the operator algebra: identities that hold for every value of the leaves, so
// they need no numbers and fire on symbolic (unbound) trees too. Each rule states its identity and side
// condition; docs/compiler.md repeats them.
import * as ir from "../../ir/expr.js";
import type { OpExpr } from "../../ir/expr.js";
import { rankFacts } from "../rank.js";
import type { Rule } from "../rule.js";

type OpRule = Rule<OpExpr>;

const isIdentity = (e: OpExpr): boolean => e.kind === "identity" || (e.kind === "leaf" && e.structure === "identity");

/** The same expression: one node, two leaves of one declaration (same name and value), or two identities. */
function sameExpr(a: OpExpr, b: OpExpr): boolean {
  if (a === b) return true;
  if (a.kind === "leaf" && b.kind === "leaf") return a.name === b.name && a.structure === b.structure && a.operator === b.operator && a.rows === b.rows && a.cols === b.cols;
  return a.kind === "identity" && b.kind === "identity" && a.rows === b.rows;
}

/** Ids of runtime operators, so a leaf's key can name its value's identity. */
const operatorIds = new WeakMap<object, number>();
let nextOperatorId = 1;

/** Equal keys exactly when sameExpr holds: a leaf by declaration and value, an identity by size, any other node by itself. */
function likeTermKey(e: OpExpr): unknown {
  if (e.kind === "identity") return `identity ${e.rows}`;
  if (e.kind !== "leaf") return e;
  let id = 0;
  if (e.operator !== undefined) {
    id = operatorIds.get(e.operator) ?? nextOperatorId++;
    operatorIds.set(e.operator, id);
  }
  return `leaf ${e.name.length}:${e.name} ${e.structure} ${e.rows}x${e.cols} ${e.operator === undefined ? "-" : id}`;
}

/** Leaves whose structure is symmetric whatever their parameters. */
const SYMMETRIC_STRUCTURES = new Set(["identity", "scaled_identity", "diagonal", "projector"]);

export const transposeInvolution: OpRule = {
  name: "transpose-involution",
  statement: "(Aᵀ)ᵀ = A",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "transpose" && e.inner.kind === "transpose" ? e.inner.inner : undefined),
};

export const transposeOfProduct: OpRule = {
  name: "transpose-of-product",
  statement: "(A₁A₂⋯A_m)ᵀ = A_mᵀ⋯A₂ᵀA₁ᵀ",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "transpose" && e.inner.kind === "product" ? ir.product([...e.inner.factors].reverse().map(ir.transpose)) : undefined),
};

export const transposeOfSum: OpRule = {
  name: "transpose-of-sum",
  statement: "(Σ cᵢAᵢ)ᵀ = Σ cᵢAᵢᵀ",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "transpose" && e.inner.kind === "sum" ? ir.sum(e.inner.terms.map((t) => ({ coeff: t.coeff, expr: ir.transpose(t.expr) }))) : undefined),
};

export const transposeOfScale: OpRule = {
  name: "transpose-of-scale",
  statement: "(cA)ᵀ = c·Aᵀ",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "transpose" && e.inner.kind === "scale" ? ir.scale(e.inner.scale, ir.transpose(e.inner.inner)) : undefined),
};

export const transposeOfPower: OpRule = {
  name: "transpose-of-power",
  statement: "(A^k)ᵀ = (Aᵀ)^k",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "transpose" && e.inner.kind === "power" ? ir.power(ir.transpose(e.inner.inner), e.inner.exponent) : undefined),
};

export const transposeSymmetric: OpRule = {
  name: "transpose-symmetric",
  statement: "Aᵀ = A",
  sideCondition: "A is an identity, scaled identity, square diagonal or projector (symmetric by structure)",
  // A rectangular diagonal is not symmetric (its transpose has the other shape): only square leaves.
  rewrite: (e) =>
    e.kind === "transpose" && (e.inner.kind === "identity" || (e.inner.kind === "leaf" && e.inner.rows === e.inner.cols && SYMMETRIC_STRUCTURES.has(e.inner.structure)))
      ? e.inner
      : undefined,
};

export const productFlatten: OpRule = {
  name: "product-flatten",
  statement: "A(BC) = (AB)C = ABC (one product per chain)",
  sideCondition: "always",
  rewrite: (e) =>
    e.kind === "product" && e.factors.some((f) => f.kind === "product") ? ir.product(e.factors.flatMap((f) => (f.kind === "product" ? f.factors : [f]))) : undefined,
};

export const productDropIdentity: OpRule = {
  name: "product-drop-identity",
  statement: "A·I = I·A = A",
  sideCondition: "the factor is an identity (node or identity leaf)",
  rewrite: (e) => {
    if (e.kind !== "product" || !e.factors.some(isIdentity)) return undefined;
    const kept = e.factors.filter((f) => !isIdentity(f));
    return kept.length === 0 ? ir.identity(e.rows) : ir.product(kept);
  },
};

export const productSingle: OpRule = {
  name: "product-single",
  statement: "a product of one factor is that factor",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "product" && e.factors.length === 1 ? e.factors[0] : undefined),
};

export const productCollectPowers: OpRule = {
  name: "product-collect-powers",
  statement: "A·A⋯A (k adjacent equal factors) = A^k",
  sideCondition: "the k ≥ 2 adjacent factors are the same expression (so a k-fold composition folds by repeated squaring, not k − 1 products)",
  // One firing collects every run, so a product of many runs costs one rewrite.
  rewrite: (e) => {
    if (e.kind !== "product") return undefined;
    const factors: OpExpr[] = [];
    let collectedAny = false;
    for (let i = 0; i < e.factors.length;) {
      let j = i + 1;
      while (j < e.factors.length && sameExpr(e.factors[j], e.factors[i])) j++;
      factors.push(j - i < 2 ? e.factors[i] : ir.power(e.factors[i], j - i));
      collectedAny ||= j - i >= 2;
      i = j;
    }
    if (!collectedAny) return undefined;
    return factors.length === 1 ? factors[0] : ir.product(factors);
  },
};

export const productHoistScale: OpRule = {
  name: "product-hoist-scale",
  statement: "A(cB)C = c·(ABC)",
  sideCondition: "always",
  // Every scaled factor at once, so a product with many costs one rewrite.
  rewrite: (e) => {
    if (e.kind !== "product" || !e.factors.some((f) => f.kind === "scale")) return undefined;
    let c = 1;
    const factors = e.factors.map((f) => {
      if (f.kind !== "scale") return f;
      c *= f.scale;
      return f.inner;
    });
    return ir.scale(c, ir.product(factors));
  },
};

export const scaleMerge: OpRule = {
  name: "scale-merge",
  statement: "c(dA) = (cd)A",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "scale" && e.inner.kind === "scale" ? ir.scale(e.scale * e.inner.scale, e.inner.inner) : undefined),
};

export const scaleOne: OpRule = {
  name: "scale-one",
  statement: "1·A = A",
  sideCondition: "c = 1 exactly",
  rewrite: (e) => (e.kind === "scale" && e.scale === 1 ? e.inner : undefined),
};

export const sumFlatten: OpRule = {
  name: "sum-flatten",
  statement: "a(Σ bⱼBⱼ) + … = Σ (a·bⱼ)Bⱼ + …; a·(cB) = (ac)·B",
  sideCondition: "always",
  rewrite: (e) => {
    if (e.kind !== "sum" || !e.terms.some((t) => t.expr.kind === "sum" || t.expr.kind === "scale")) return undefined;
    return ir.sum(
      e.terms.flatMap((t) => {
        if (t.expr.kind === "sum") return t.expr.terms.map((u) => ({ coeff: t.coeff * u.coeff, expr: u.expr }));
        if (t.expr.kind === "scale") return [{ coeff: t.coeff * t.expr.scale, expr: t.expr.inner }];
        return [t];
      }),
    );
  },
};

export const sumCombineLikeTerms: OpRule = {
  name: "sum-combine-like-terms",
  statement: "a·X + b·X = (a + b)·X",
  sideCondition: "the two terms are the same expression (one node, or leaves of one declaration with the same value)",
  // One firing merges every group of like terms (at the first one's place, coefficients added left to
  // right), found through a key per term rather than by comparing all pairs: a sum of n terms costs one
  // rewrite and O(n), not n − 1 rewrites of O(n²).
  rewrite: (e) => {
    if (e.kind !== "sum") return undefined;
    const merged: { coeff: number; expr: OpExpr }[] = [];
    const at = new Map<unknown, number>();
    for (const t of e.terms) {
      const key = likeTermKey(t.expr);
      const i = at.get(key);
      if (i === undefined) {
        at.set(key, merged.length);
        merged.push({ coeff: t.coeff, expr: t.expr });
      } else merged[i].coeff += t.coeff;
    }
    return merged.length === e.terms.length ? undefined : ir.sum(merged);
  },
};

export const sumSingle: OpRule = {
  name: "sum-single",
  statement: "a sum of one term c·A is c·A",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "sum" && e.terms.length === 1 ? ir.scale(e.terms[0].coeff, e.terms[0].expr) : undefined),
};

export const powerZero: OpRule = {
  name: "power-zero",
  statement: "A⁰ = I",
  sideCondition: "A square (guaranteed by the IR)",
  rewrite: (e) => (e.kind === "power" && e.exponent === 0 ? ir.identity(e.rows) : undefined),
};

export const powerOne: OpRule = {
  name: "power-one",
  statement: "A¹ = A",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "power" && e.exponent === 1 ? e.inner : undefined),
};

export const powerOfPower: OpRule = {
  name: "power-of-power",
  statement: "(A^a)^b = A^(ab)",
  sideCondition: "always (integer exponents ≥ 0)",
  rewrite: (e) => (e.kind === "power" && e.inner.kind === "power" ? ir.power(e.inner.inner, e.exponent * e.inner.exponent) : undefined),
};

export const powerOfScale: OpRule = {
  name: "power-of-scale",
  statement: "(cA)^k = c^k·A^k",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "power" && e.inner.kind === "scale" ? ir.scale(e.inner.scale ** e.exponent, ir.power(e.inner.inner, e.exponent)) : undefined),
};

export const powerOfIdentity: OpRule = {
  name: "power-of-identity",
  statement: "I^k = I",
  sideCondition: "the base is an identity",
  rewrite: (e) => (e.kind === "power" && isIdentity(e.inner) ? ir.identity(e.rows) : undefined),
};

export const pinvInvolution: OpRule = {
  name: "pinv-involution",
  statement: "(A†)† = A",
  sideCondition: "always (Moore–Penrose)",
  rewrite: (e) => (e.kind === "pinv" && e.inner.kind === "pinv" ? e.inner.inner : undefined),
};

export const pinvOfTranspose: OpRule = {
  name: "pinv-of-transpose",
  statement: "(Aᵀ)† = (A†)ᵀ",
  sideCondition: "always",
  rewrite: (e) => (e.kind === "pinv" && e.inner.kind === "transpose" ? ir.transpose(ir.pinv(e.inner.inner)) : undefined),
};

export const pinvOfScale: OpRule = {
  name: "pinv-of-scale",
  statement: "(cA)† = (1/c)·A†",
  sideCondition: "c ≠ 0 (for c = 0, (0·A)† = 0, not (1/0)·A†)",
  rewrite: (e) => (e.kind === "pinv" && e.inner.kind === "scale" && e.inner.scale !== 0 ? ir.scale(1 / e.inner.scale, ir.pinv(e.inner.inner)) : undefined),
};

export const pinvOrthogonal: OpRule = {
  name: "pinv-orthogonal",
  statement: "Q† = Qᵀ",
  sideCondition: "Q is orthogonal by structure (orthogonal leaf or identity)",
  rewrite: (e) => {
    if (e.kind !== "pinv") return undefined;
    if (e.inner.kind === "identity") return e.inner;
    return e.inner.kind === "leaf" && (e.inner.structure === "orthogonal" || e.inner.structure === "identity") ? ir.transpose(e.inner) : undefined;
  },
};

export const pinvProjector: OpRule = {
  name: "pinv-projector",
  statement: "P† = P",
  sideCondition: "P is an orthogonal projector by structure (P = Pᵀ = P²)",
  rewrite: (e) => (e.kind === "pinv" && e.inner.kind === "leaf" && e.inner.structure === "projector" ? e.inner : undefined),
};

export const pinvOfProduct: OpRule = {
  name: "pinv-of-product",
  statement: "(A·B)† = B†·A† with A the first factor and B the rest",
  sideCondition:
    "A has orthonormal columns, or B has orthonormal rows, or A has full column rank and B full row rank (proved from structure or a constant's numerical rank); otherwise it is false in general and must not fire",
  rewrite: (e) => {
    if (e.kind !== "pinv" || e.inner.kind !== "product" || e.inner.factors.length < 2) return undefined;
    const [first, ...rest] = e.inner.factors;
    const b = rest.length === 1 ? rest[0] : ir.product(rest);
    const fa = rankFacts(first);
    const fb = rankFacts(b);
    const holds = fa.orthonormalColumns || fb.orthonormalRows || (fa.fullColumnRank && fb.fullRowRank);
    return holds ? ir.product([ir.pinv(b), ir.pinv(first)]) : undefined;
  },
};

/** In the order the engine tries them: cheap shape-only rules first. */
export const structuralRules: readonly OpRule[] = [
  transposeInvolution,
  transposeSymmetric,
  transposeOfProduct,
  transposeOfSum,
  transposeOfScale,
  transposeOfPower,
  productFlatten,
  productSingle,
  productDropIdentity,
  productCollectPowers,
  productHoistScale,
  scaleMerge,
  scaleOne,
  sumFlatten,
  sumCombineLikeTerms,
  sumSingle,
  powerZero,
  powerOne,
  powerOfPower,
  powerOfScale,
  powerOfIdentity,
  pinvInvolution,
  pinvOfTranspose,
  pinvOfScale,
  pinvOrthogonal,
  pinvProjector,
  pinvOfProduct,
];
