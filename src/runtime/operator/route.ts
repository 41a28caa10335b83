// Which way an SVD or a pseudo-inverse of a bound operator is computed — exactly from its structure,
// from its dense float64 matrix, or matrix-free from products alone — and why. The one cost model that
// leadingSvd, the pinv folding rules and `linea compile --emit explain` share, so what explain says is
// what runs.
import type { LinearOperator } from "./kinds.js";

/** Above this many entries an operator with no structured route is not materialised for a dense decomposition (2²⁴ float64 = 128 MiB, n = 4096). */
export const DENSE_SVD_LIMIT = 2 ** 24;

/** How a decomposition is computed. */
export type DecompositionRoute = "structured" | "dense" | "matrix-free";

/** A route and the reason for it, in words for `--emit explain`. */
export interface RouteChoice {
  readonly route: DecompositionRoute;
  readonly reason: string;
}

const bytes = (n: number): string => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** Why the structure gives the decomposition exactly, or undefined when it does not. */
function structuredReason(op: LinearOperator, what: "svd" | "pinv"): string | undefined {
  switch (op.kind) {
    case "identity":
    case "scaled_identity":
    case "diagonal":
      return "diagonal: the entries themselves";
    case "projector":
      return "projector Q·Qᵀ: its orthonormal basis";
    case "svd_factored":
      return "U·diag(s)·Vᵀ: its own factors";
    case "lowrank":
      return `U·Vᵀ (rank ${op.u.cols}): thin QRs of U and V and a ${op.u.cols}×${op.u.cols} core`;
    case "identity_plus_lowrank": {
      const r = op.u.cols;
      if (what === "pinv") return op.alpha !== 0 ? `α·I + U·Vᵀ (rank ${r}): Woodbury on the ${r}×${r} core` : undefined;
      return 2 * r < op.rows ? `α·I + U·Vᵀ (rank ${r}): a ${2 * r}×${2 * r} core on span[U | V], |α| on its complement` : undefined;
    }
    case "circulant_conv":
      return "circular convolution: diagonalised by the DFT (|λ| of the kernel's spectrum)";
    case "kronecker":
      return "A ⊗ B: the factors' decompositions";
    case "orthogonal":
      return what === "pinv" ? "orthogonal: its transpose" : undefined;
    case "iterative_pinv":
      return what === "pinv" ? "(A⁺)⁺ = A: its operand" : undefined;
    case "scaled":
    case "transposed":
      return what === "pinv" ? structuredReason(op.inner, what) : undefined;
    default:
      return undefined;
  }
}

/**
 * The route of `what` on op: structured where the kind gives it exactly; else dense while the float64
 * matrix has at most DENSE_SVD_LIMIT entries (n = 4096: 128 MiB, an SVD of seconds to a minute);
 * else matrix-free — randomized block Krylov for the SVD, LSQR for a pseudo-inverse — from products
 * with op and opᵀ, which the runtime applies factor by factor without forming op.
 */
export function decompositionRoute(op: LinearOperator, what: "svd" | "pinv"): RouteChoice {
  const structured = structuredReason(op, what);
  if (structured !== undefined) return { route: "structured", reason: structured };
  const entries = op.rows * op.cols;
  const dense = `a dense ${op.rows}×${op.cols} float64 matrix is ${bytes(8 * entries)}`;
  if (entries <= DENSE_SVD_LIMIT) return { route: "dense", reason: `no structured ${what} for ${op.kind}; ${dense}, within the dense limit of ${bytes(8 * DENSE_SVD_LIMIT)}` };
  const method = what === "svd" ? "randomized block Krylov (topSvd)" : "A⁺ never formed, applied per vector by LSQR (iterative_pinv, pinvApply)";
  return { route: "matrix-free", reason: `no structured ${what} for ${op.kind} and ${dense}: ${method} on products with A and Aᵀ` };
}
