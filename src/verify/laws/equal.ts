// equal(f, h): two maps X → Y agree, measured in Y's coordinates and in Y itself (decoded points).
// Composition ≡ its collapsed form and one-step ≡ multi-step are instances (composition.ts, oneStep.ts).
import fc from "fast-check";
import type { Check } from "../law.js";
import { pointArb, timeArb } from "../inputs.js";
import { maxMagnitude, rmsError, tolerance } from "../measure.js";
import { makeCheck } from "../run.js";
import { decodeStage, fromPoints, signature, type MapUnderTest } from "../subject.js";
import { coordinatesOf, pointsOf, pointsVector, showRow } from "../vectors.js";

/** Where two maps are compared: in the codomain's coordinates or at its points. */
export type Where = "coordinates" | "points";

interface EqualSample {
  readonly x: number[];
  readonly t: number;
}

/** lhs(x) = rhs(x) for points x of the domain, compared in `where` of the codomain. */
export function equalCheck(law: string, property: string, lhs: MapUnderTest, rhs: MapUnderTest, where: Where): Check {
  const timed = lhs.timeConditioned || rhs.timeConditioned;
  const n = lhs.codomain.space.dim;
  const decode = where === "points" ? [decodeStage(lhs.codomain)] : [];
  return makeCheck<EqualSample>({
    law,
    property: `${property} in ${where === "points" ? lhs.codomain.space.name : `${lhs.codomain.space.name}'s coordinates`}`,
    subject: `${signature(lhs)}; ${rhs.name}`,
    arbitrary: fc.record({ x: pointArb(lhs.domain), t: timed ? timeArb : fc.constant(0) }),
    async measure({ x, t }, scope) {
      const v = pointsVector(lhs.domain.space, [x], scope);
      const l = scope.keep(lhs.apply(v, t));
      const r = scope.keep(rhs.apply(v, t));
      const read = where === "points" ? pointsOf : coordinatesOf;
      // both reads in flight at once: on webgpu each is a round trip to the device
      const [lv, rv] = await Promise.all([read(l), read(r)]);
      return {
        error: rmsError(lv, rv, n, maxMagnitude(x)),
        tolerance: tolerance([...fromPoints(lhs), ...decode], [...fromPoints(rhs), ...decode]),
      };
    },
    show: ({ x, t }) => `x = ${showRow(x)}${timed ? `, t = ${t}` : ""}`,
  });
}

/** equal(f, h) in both coordinates and points. */
export function equalLaw(f: MapUnderTest, h: MapUnderTest, law = "equal", property = `${f.name}(x) = ${h.name}(x)`): Check[] {
  return [equalCheck(law, property, f, h, "coordinates"), equalCheck(law, property, f, h, "points")];
}
