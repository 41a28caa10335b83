// Seeded leaf operators of every parametrised kind, shared by the operator specs and the optimiser
// specs: one generator, so both suites draw their operands the same way from (kind, shape, rank, seed).
import {
  identity,
  randomCayley,
  randomDense,
  randomDiagonal,
  randomHouseholder,
  randomIdentityPlusLowRank,
  randomLowRank,
  randomProjector,
  randomSvdFactored,
  scaledIdentity,
  seededRandom,
  type LinearOperator,
} from "../../src/runtime/operator/index.js";

export const SEEDED_KINDS = ["dense", "diagonal", "identity", "scaled_identity", "lowrank", "identity_plus_lowrank", "householder", "cayley", "svd_factored", "projector"] as const;
export type SeededKind = (typeof SEEDED_KINDS)[number];

/**
 * A seeded operator of the given kind: rows × cols for dense, lowrank and svd_factored, rows × rows for
 * the square kinds (cols ignored); `rank` is passed through unchecked (the init functions reject a bad
 * one). The scaled identity's factor is uniform in [0.5, 2.5), so it is invertible and well conditioned.
 */
export function seededOperator(kind: SeededKind, rows: number, cols: number, rank: number, seed: number): LinearOperator {
  switch (kind) {
    case "dense":
      return randomDense(rows, cols, seed);
    case "diagonal":
      return randomDiagonal(rows, seed);
    case "identity":
      return identity(rows);
    case "scaled_identity":
      return scaledIdentity(rows, 0.5 + seededRandom(seed).uniform() * 2);
    case "lowrank":
      return randomLowRank(rows, cols, rank, seed);
    case "identity_plus_lowrank":
      return randomIdentityPlusLowRank(rows, rank, seed);
    case "householder":
      return randomHouseholder(rows, seed);
    case "cayley":
      return randomCayley(rows, seed);
    case "svd_factored":
      return randomSvdFactored(rows, cols, rank, seed);
    case "projector":
      return randomProjector(rows, rank, seed);
  }
}
