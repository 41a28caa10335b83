// linear(f): superposition f(a⊙x ⊕ b⊙y) = a⊙f(x) ⊕ b⊙f(y), with ⊕ and ⊙ induced in X on the left
// and in Y on the right (paper-notes §1.2). The left side is decoded to X's points before f reads it,
// so the law is about f on data, not about its cached coordinates. Checked in Y's coordinates and in
// Y itself; a time-conditioned map at random times.
import fc from "fast-check";
import { combine } from "../../runtime/space/index.js";
import type { Check } from "../law.js";
import { pointArb, scalarArb, timeArb } from "../inputs.js";
import { maxMagnitude, rmsError, tolerance } from "../measure.js";
import { makeCheck } from "../run.js";
import { combineStage, decodeStage, encodeStage, fromPoints, roundtripStage, signature, type MapUnderTest } from "../subject.js";
import { coordinatesOf, decoded, pointsOf, pointsVector, showRow } from "../vectors.js";
import type { Where } from "./equal.js";

interface Sample {
  readonly x: number[];
  readonly y: number[];
  readonly a: number;
  readonly b: number;
  readonly t: number;
}

function check(f: MapUnderTest, where: Where): Check {
  const X = f.domain;
  const Y = f.codomain;
  const decode = where === "points" ? [decodeStage(Y)] : [];
  return makeCheck<Sample>({
    law: "linear",
    property: `${f.name}(a⊙x ⊕ b⊙y) = a⊙${f.name}(x) ⊕ b⊙${f.name}(y) in ${where === "points" ? Y.space.name : `${Y.space.name}'s coordinates`}`,
    subject: signature(f),
    arbitrary: fc.record({ x: pointArb(X), y: pointArb(X), a: scalarArb, b: scalarArb, t: f.timeConditioned ? timeArb : fc.constant(0) }),
    async measure({ x, y, a, b, t }, scope) {
      const vx = pointsVector(X.space, [x], scope);
      const vy = pointsVector(X.space, [y], scope);
      const mixed = decoded(
        scope.keep(
          combine([
            [a, vx],
            [b, vy],
          ]),
        ),
        scope,
      );
      const left = scope.keep(f.apply(mixed, t));
      const right = scope.keep(
        combine([
          [a, scope.keep(f.apply(vx, t))],
          [b, scope.keep(f.apply(vy, t))],
        ]),
      );
      const read = where === "points" ? pointsOf : coordinatesOf;
      const ab = combineStage([a, b]);
      const [lv, rv] = await Promise.all([read(left), read(right)]);
      return {
        error: rmsError(lv, rv, Y.space.dim, maxMagnitude(x, y)),
        tolerance: tolerance([encodeStage(X), ab, roundtripStage(X), ...f.stages, ...decode], [...fromPoints(f), ab, ...decode]),
      };
    },
    show: ({ x, y, a, b, t }) => `x = ${showRow(x)}, y = ${showRow(y)}, a = ${a}, b = ${b}${f.timeConditioned ? `, t = ${t}` : ""}`,
  });
}

/** f(a⊙x ⊕ b⊙y) = a⊙f(x) ⊕ b⊙f(y), in coordinates and at points. */
export function superpositionLaw(f: MapUnderTest): Check[] {
  return [check(f, "coordinates"), check(f, "points")];
}
