// The laws of a left-invertible embedding φ : X ↪ E (docs/gsvd.md):
//   left_inverse(φ):     ψ(φ(x)) = x for points x of X, ψ = left_inverse(φ) (one-sided: φ(ψ(e)) ≠ e off φ's image);
//   norm_preserving(φ):  a ≤ ‖φ(x) − φ(x′)‖ / d_X(x, x′) ≤ b on near and far pairs, d_X measured in X's
//                        own (induced) metric or in its Euclidean coordinates; the band seen is reported.
import fc from "fast-check";
import type { Check } from "../law.js";
import { pointArb } from "../inputs.js";
import { euclidean, pathError, SAFETY } from "../measure.js";
import { makeCheck } from "../run.js";
import { decodeStage, encodeStage, fromPoints, signature, type MapUnderTest } from "../subject.js";
import { coordinatesOf, pointsOf, pointsVector, showRow } from "../vectors.js";
import { equalCheck } from "./equal.js";

/** ψ(φ(x)) = x at X's points: `through` is ψ∘φ run through E's points, `identity` is id on X. */
export function leftInverseLaw(through: MapUnderTest, identity: MapUnderTest, embedding: string): Check[] {
  return [equalCheck("left_inverse", `left_inverse(${embedding})(${embedding}(x)) = x`, through, identity, "points")];
}

/** Where ‖x − x′‖ is measured: X's induced metric ‖g(x) − g(x′)‖, or its Euclidean coordinates. */
export type NormMetric = "induced" | "euclidean";

/** The steps ‖x′ − x‖ of the pairs, as fractions of the domain's sampling bound: near pairs to far ones. */
const STEPS = [0.05, 0.25, 1, 2] as const;

interface Pair {
  readonly x: number[];
  readonly u: number[];
  readonly step: number;
}

function distance(a: ArrayLike<number>, offset: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] - a[offset + i]) ** 2;
  return Math.sqrt(s);
}

/**
 * a ≤ r ≤ b for r = ‖φ(x) − φ(x′)‖ / d_X(x, x′), x′ = x + step·u/‖u‖. The error is how far r lies
 * outside the band; the tolerance is r's own float32 error: each side of the ratio is a difference of
 * two computed vectors whose coordinates err by about pathError·(1 + M) (M the largest |xᵢ|, the
 * convention of measure.ts), so ‖Δ‖ errs by at most √(2·dim)·pathError·(1 + M), relatively that over ‖Δ‖;
 * r's relative error is the sum of its two sides', times SAFETY. A Euclidean d_X is computed in float64
 * from the float32 inputs themselves, exactly enough to add nothing.
 */
export function normPreservingLaw(f: MapUnderTest, band: readonly [number, number], metric: NormMetric): Check {
  const [a, b] = band;
  const n = f.domain.space.dim;
  const m = f.codomain.space.dim;
  const numeratorError = pathError([...fromPoints(f), decodeStage(f.codomain)]);
  const denominatorError = metric === "induced" ? pathError([encodeStage(f.domain)]) : 0;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  let pairs = 0;
  const where = metric === "induced" ? f.domain.space.name : `the Euclidean coordinates of ${f.domain.space.name}`;
  return makeCheck<Pair>({
    law: "norm_preserving",
    property: `${a} ≤ ‖${f.name}(x) − ${f.name}(x′)‖ / ‖x − x′‖ ≤ ${b}, ‖x − x′‖ in ${where}`,
    subject: signature(f),
    arbitrary: fc.record({ x: pointArb(f.domain), u: pointArb(f.domain), step: fc.constantFrom(...STEPS) }),
    async measure({ x, u, step }, scope) {
      const length = euclidean(u);
      const direction = length > 0 ? u.map((v) => v / length) : u.map((_, i) => (i === 0 ? 1 : 0));
      const x2 = x.map((v, i) => v + step * f.domain.bound * direction[i]);
      const v = pointsVector(f.domain.space, [x, x2], scope);
      const e = scope.keep(f.apply(v));
      const [points, inputs] = await Promise.all([pointsOf(e), metric === "induced" ? coordinatesOf(v) : pointsOf(v)]);
      const num = distance(points, m, m);
      const den = distance(inputs, n, n);
      const r = num / den;
      pairs++;
      low = Math.min(low, r);
      high = Math.max(high, r);
      const scale = 1 + Math.max(...x.map(Math.abs), ...x2.map(Math.abs));
      const relative =
        SAFETY * (Math.SQRT2 * scale * ((numeratorError * Math.sqrt(m)) / Math.max(num, Number.MIN_VALUE) + (denominatorError * Math.sqrt(n)) / Math.max(den, Number.MIN_VALUE)));
      const outside = Number.isFinite(r) ? Math.max(0, a - r, r - b) : Number.POSITIVE_INFINITY;
      return { error: outside, tolerance: Number.isFinite(r) ? r * relative : 0 };
    },
    show: ({ x, u, step }) => `x = ${showRow(x)}, direction = ${showRow(u)}, step = ${step}·bound`,
    summary: () =>
      pairs === 0 ? undefined : `observed band [${low.toPrecision(6)}, ${high.toPrecision(6)}] over ${pairs} pairs (steps ${STEPS.join(", ")} × bound ${f.domain.bound})`,
  });
}
