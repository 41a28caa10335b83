// What the optimiser can prove about an expression's rank, from structure first and, for a bound
// constant, from its numerical rank (runtime svd with the relative cut-off σ_max·max(m, n)·ε). Anything
// not proven is false: a rule guarded by these facts then does not fire, which is always safe.
import { svd, type LinearOperator } from "../../runtime/operator/index.js";
import type { OpExpr } from "../ir/expr.js";

export interface RankFacts {
  readonly fullColumnRank: boolean;
  readonly fullRowRank: boolean;
  /** AᵀA = I. */
  readonly orthonormalColumns: boolean;
  /** AAᵀ = I. */
  readonly orthonormalRows: boolean;
}

const unknown: RankFacts = { fullColumnRank: false, fullRowRank: false, orthonormalColumns: false, orthonormalRows: false };
const orthogonal: RankFacts = { fullColumnRank: true, fullRowRank: true, orthonormalColumns: true, orthonormalRows: true };

/** Numerical SVDs of large dense constants are not worth it for a rank fact; above this size the fact stays unknown. */
const NUMERICAL_RANK_LIMIT = 512;

const numericalRanks = new WeakMap<LinearOperator, number>();

function numericalRank(op: LinearOperator): number | undefined {
  if (Math.max(op.rows, op.cols) > NUMERICAL_RANK_LIMIT) return undefined;
  const cached = numericalRanks.get(op);
  if (cached !== undefined) return cached;
  const { rank } = svd(op);
  numericalRanks.set(op, rank);
  return rank;
}

function fromRank(rank: number, rows: number, cols: number): RankFacts {
  return { fullColumnRank: rank === cols, fullRowRank: rank === rows, orthonormalColumns: false, orthonormalRows: false };
}

function leafFacts(e: OpExpr & { kind: "leaf" }): RankFacts {
  if (e.timeConditioned) return unknown;
  if (e.structure === "identity" || e.structure === "orthogonal") return orthogonal;
  if (e.operator !== undefined) {
    if (e.operator.kind === "scaled_identity" && Math.abs(e.operator.scale) === 1) return orthogonal;
    const rank = numericalRank(e.operator);
    return rank === undefined ? unknown : fromRank(rank, e.rows, e.cols);
  }
  // Symbolic: a declared rank below min(m, n) proves rank deficiency; nothing proves full rank.
  return unknown;
}

export function rankFacts(e: OpExpr): RankFacts {
  switch (e.kind) {
    case "identity":
      return orthogonal;
    case "leaf":
      return leafFacts(e);
    case "product": {
      // Full column rank (injectivity) and orthonormal columns are closed under products; so are their row duals.
      const facts = e.factors.map(rankFacts);
      return {
        fullColumnRank: facts.every((f) => f.fullColumnRank),
        fullRowRank: facts.every((f) => f.fullRowRank),
        orthonormalColumns: facts.every((f) => f.orthonormalColumns),
        orthonormalRows: facts.every((f) => f.orthonormalRows),
      };
    }
    case "kron": {
      // rank(A⊗B) = rank A · rank B and (A⊗B)ᵀ(A⊗B) = AᵀA⊗BᵀB: each fact holds iff it holds for both factors.
      const [a, b] = [rankFacts(e.a), rankFacts(e.b)];
      return {
        fullColumnRank: a.fullColumnRank && b.fullColumnRank,
        fullRowRank: a.fullRowRank && b.fullRowRank,
        orthonormalColumns: a.orthonormalColumns && b.orthonormalColumns,
        orthonormalRows: a.orthonormalRows && b.orthonormalRows,
      };
    }
    case "transpose": {
      const f = rankFacts(e.inner);
      return { fullColumnRank: f.fullRowRank, fullRowRank: f.fullColumnRank, orthonormalColumns: f.orthonormalRows, orthonormalRows: f.orthonormalColumns };
    }
    case "pinv": {
      // rank A† = rank A, shape transposed; Q† = Qᵀ keeps orthonormality.
      const f = rankFacts(e.inner);
      return { fullColumnRank: f.fullRowRank, fullRowRank: f.fullColumnRank, orthonormalColumns: f.orthonormalRows, orthonormalRows: f.orthonormalColumns };
    }
    case "scale": {
      if (e.scale === 0) return unknown;
      const f = rankFacts(e.inner);
      const unit = Math.abs(e.scale) === 1;
      return { ...f, orthonormalColumns: unit && f.orthonormalColumns, orthonormalRows: unit && f.orthonormalRows };
    }
    case "power": {
      if (e.exponent === 0) return orthogonal;
      return rankFacts(e.inner); // square: full rank (and orthogonality) survive powers
    }
    case "at":
    case "sum":
    case "sampler":
      return unknown;
  }
}
