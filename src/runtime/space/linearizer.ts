// A Linearizer f = 𝕃_{g_x, g_y, A}: X → Y, f(x) = g_y⁻¹(A·g_x(x)) (paper-notes §1.2–1.3). Every
// operation on maps is an operation on A through the operator algebra; the charts only decide which
// spaces the results live in, and composition is allowed only through the same space.
import * as tf from "@tensorflow/tfjs-core";
import {
  apply as applyOperator,
  at as operatorAt,
  dense,
  diagonal,
  float32Tensor,
  identity,
  pinv as operatorPinv,
  power as operatorPower,
  product,
  rangeProjector,
  scale as scaleOperator,
  sum,
  svd as operatorSvd,
  transpose,
  type DecompositionMethod,
  type LinearOperator,
} from "../operator/index.js";
import { transposeMatrix } from "../operator/host.js";
import { SpaceError } from "./errors.js";
import { requireSameSpace, Space } from "./space.js";
import { Vector } from "./vector.js";

export class Linearizer {
  constructor(
    readonly domain: Space,
    readonly codomain: Space,
    readonly operator: LinearOperator,
  ) {
    if (operator.rows !== codomain.dim || operator.cols !== domain.dim) {
      throw new SpaceError(
        "LIN1026",
        `a map ${domain.name} -> ${codomain.name} needs an operator [${codomain.dim}, ${domain.dim}], got ${operator.kind}[${operator.rows}, ${operator.cols}]`,
      );
    }
  }

  /** f(x): one g_x (unless x already has coordinates) and no g_y⁻¹ until the result is decoded. */
  apply(x: Vector): Vector {
    requireSameSpace(`applying ${this.toString()}`, this.domain, x.space);
    return Vector.adoptCoordinates(this.codomain, applyOperator(this.operator, x.coordinates()));
  }

  toString(): string {
    return `${this.operator.kind} map ${this.domain.name} -> ${this.codomain.name}`;
  }
}

/** id_X. */
export function identityMap(space: Space): Linearizer {
  return new Linearizer(space, space, identity(space.dim));
}

/** outer ∘ inner (inner applied first): needs inner's codomain to be outer's domain, as the same space. */
export function compose(outer: Linearizer, inner: Linearizer): Linearizer {
  if (!inner.codomain.equals(outer.domain)) {
    throw new SpaceError(
      "LIN1024",
      `cannot compose ${outer} after ${inner}: ${inner.codomain} is not ${outer.domain}` +
        (inner.codomain.dim === outer.domain.dim ? " (equal dimension is not enough: the charts differ)" : ""),
    );
  }
  return new Linearizer(inner.domain, outer.codomain, product(outer.operator, inner.operator));
}

/** fᵀ: Y → X with ⟨f(x), y⟩_Y = ⟨x, fᵀ(y)⟩_X. */
export function adjoint(f: Linearizer): Linearizer {
  return new Linearizer(f.codomain, f.domain, transpose(f.operator));
}

export interface MapPinv {
  readonly map: Linearizer;
  readonly rank: number;
  readonly method: DecompositionMethod;
}

/** f⁺ = 𝕃_{g_y, g_x, A⁺}: Y → X, with the numerical rank of A. */
export function pinv(f: Linearizer): MapPinv {
  const { operator, rank, method } = operatorPinv(f.operator);
  return { map: new Linearizer(f.codomain, f.domain, operator), rank, method };
}

function requireEndomorphism(what: string, f: Linearizer): void {
  if (!f.domain.equals(f.codomain)) {
    throw new SpaceError("LIN1025", `${what} needs a map X -> X, got ${f.domain.name} -> ${f.codomain.name}`);
  }
}

/** f^k = 𝕃_{g, g, A^k} for f: X → X. */
export function power(f: Linearizer, k: number): Linearizer {
  requireEndomorphism("a power", f);
  return new Linearizer(f.domain, f.codomain, operatorPower(f.operator, k));
}

/** Σ aᵢ ⊙ fᵢ (pointwise in Y): 𝕃_{g_x, g_y, Σ aᵢAᵢ}; all maps share domain and codomain. */
export function combineMaps(terms: ReadonlyArray<readonly [number, Linearizer]>): Linearizer {
  const first = terms[0];
  if (first === undefined) throw new SpaceError("LIN1027", "a linear combination of no maps");
  const [, f0] = first;
  for (const [, f] of terms) {
    requireSameSpace("combining maps (domain)", f0.domain, f.domain);
    requireSameSpace("combining maps (codomain)", f0.codomain, f.codomain);
  }
  const operator = terms.map(([a, f]) => scaleOperator(a, f.operator)).reduce((s, t) => sum(s, t));
  return new Linearizer(f0.domain, f0.codomain, operator);
}

/** The orthogonal projector onto range f, Y → Y: 𝕃_{g_y, g_y, U_r U_rᵀ} from the SVD of A. */
export function project(f: Linearizer): Linearizer {
  return new Linearizer(f.codomain, f.codomain, rangeProjector(f.operator));
}

/** A time-conditioned map at time t. */
export function at(f: Linearizer, t: number): Linearizer {
  return new Linearizer(f.domain, f.codomain, operatorAt(f.operator, t));
}

export interface MapSvd {
  /** σ₁ ≥ … ≥ σ_k ≥ 0. */
  readonly values: Float64Array;
  readonly rank: number;
  /** ũᵢ = g_y⁻¹(uᵢ): k vectors of Y (a batch of k), orthonormal in ⟨·,·⟩_Y. */
  readonly left: Vector;
  /** ṽᵢ = g_x⁻¹(vᵢ): k vectors of X, orthonormal in ⟨·,·⟩_X. */
  readonly right: Vector;
  /** f = U ∘ S ∘ Vt with U: ℝᵏ → Y, S: ℝᵏ → ℝᵏ, Vt: X → ℝᵏ. */
  readonly U: Linearizer;
  readonly S: Linearizer;
  readonly Vt: Linearizer;
}

/** The SVD of f, with singular vectors as vectors of the right spaces (decoded lazily). */
export function svd(f: Linearizer): MapSvd {
  const { u, s, v, rank } = operatorSvd(f.operator);
  const k = s.length;
  const latent = Space.euclidean(k);
  // k × dim: one singular vector per row.
  const rowsOf = (m: { rows: number; cols: number; data: Float64Array }): tf.Tensor2D => float32Tensor(transposeMatrix(m));
  return {
    values: s,
    rank,
    left: Vector.adoptCoordinates(f.codomain, rowsOf(u)),
    right: Vector.adoptCoordinates(f.domain, rowsOf(v)),
    U: new Linearizer(latent, f.codomain, dense(u)),
    S: new Linearizer(latent, latent, diagonal(s)),
    Vt: new Linearizer(f.domain, latent, dense(transposeMatrix(v))),
  };
}
