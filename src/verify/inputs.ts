// fast-check arbitraries for the inputs of a law: points of a space (in its sampling box), scalars
// and times. Values lie on a grid (multiples of bound/12, of 1/4 for scalars): the grid has 25 values
// per coordinate, plenty to probe a law, and shrinking walks it towards 0 one step at a time, so a
// counterexample reads as "x = [0, 0.25, 0, 0], a = -1" rather than a 17-digit boundary value.
import fc from "fast-check";
import type { SpaceModel } from "./conditioning.js";

const LEVELS = 12;

function grid(bound: number, levels = LEVELS): fc.Arbitrary<number> {
  return fc.integer({ min: -levels, max: levels }).map((i) => (i * bound) / levels);
}

/** Scalars a, b of a linear combination: −2 … 2 in steps of 1/4. */
export const scalarArb = grid(2, 8);

/** Times of a time-conditioned map: 0 … 0.95 in steps of 0.05 (short of 1, where the sampler's velocity is singular). */
export const timeArb = fc.integer({ min: 0, max: 19 }).map((i) => i / 20);

function boxArb(dim: number, bound: number): fc.Arbitrary<number[]> {
  return fc.array(grid(bound), { minLength: dim, maxLength: dim });
}

/** A data point of the space, on the grid of [−bound, bound]ⁿ. */
export function pointArb(model: SpaceModel): fc.Arbitrary<number[]> {
  return boxArb(model.space.dim, model.bound);
}

/** Coordinates of the space, in the range its network produces on the sampling box. */
export function coordinateArb(model: SpaceModel): fc.Arbitrary<number[]> {
  return boxArb(model.space.dim, model.coordinateBound);
}
