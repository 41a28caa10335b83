// Linear combinations of maps sharing their spaces (paper-notes §1.2): the map of the combined
// operators, 𝕃{g_x, g_y, aA₁ + bA₂}, equals a⊙f(x) ⊕ b⊙h(x) computed pointwise in Y.
import fc from "fast-check";
import { combine, combineMaps, type Linearizer } from "../../runtime/space/index.js";
import type { Check } from "../law.js";
import { pointArb, scalarArb } from "../inputs.js";
import { maxMagnitude, rmsError, tolerance } from "../measure.js";
import { makeCheck } from "../run.js";
import { combineStage, decodeStage, encodeStage, fromPoints, type MapUnderTest } from "../subject.js";
import { pointsOf, pointsVector, showRow } from "../vectors.js";

interface Sample {
  readonly x: number[];
  readonly a: number;
  readonly b: number;
}

/** `combined(a, b)` is the map claimed to be a⊙f ⊕ b⊙h; by default the runtime's combineMaps. */
export function combinationLaw(f: MapUnderTest, h: MapUnderTest, combined?: (a: number, b: number) => Linearizer): Check[] {
  const X = f.domain;
  const Y = f.codomain;
  const make =
    combined ??
    ((a: number, b: number): Linearizer => {
      if (f.linearizer === undefined || h.linearizer === undefined) throw new Error(`combining ${f.name} and ${h.name} needs two Linearizers`);
      return combineMaps([
        [a, f.linearizer],
        [b, h.linearizer],
      ]);
    });
  return [
    makeCheck<Sample>({
      law: "combination",
      property: `(a⊙${f.name} ⊕ b⊙${h.name})(x) = a⊙${f.name}(x) ⊕ b⊙${h.name}(x) in ${Y.space.name}`,
      subject: `${f.name}, ${h.name} : ${X.space.name} -> ${Y.space.name}`,
      arbitrary: fc.record({ x: pointArb(X), a: scalarArb, b: scalarArb }),
      async measure({ x, a, b }, scope) {
        const vx = pointsVector(X.space, [x], scope);
        const map = make(a, b);
        const lhs = scope.keep(map.apply(vx));
        // ‖aA₁ + bA₂‖ ≤ |a|·‖A₁‖ + |b|·‖A₂‖: no SVD per sample
        const norm = Math.abs(a) * (f.operator?.norm ?? 1) + Math.abs(b) * (h.operator?.norm ?? 1);
        const stages = [encodeStage(X), { ops: X.space.dim + Y.space.dim + 2, lip: Math.max(1, norm) }];
        const rhs = scope.keep(
          combine([
            [a, scope.keep(f.apply(vx))],
            [b, scope.keep(h.apply(vx))],
          ]),
        );
        const [lv, rv] = await Promise.all([pointsOf(lhs), pointsOf(rhs)]);
        return {
          error: rmsError(lv, rv, Y.space.dim, maxMagnitude(x)),
          tolerance: tolerance([...stages, decodeStage(Y)], [...fromPoints(f), combineStage([a, b]), decodeStage(Y)]),
        };
      },
      show: ({ x, a, b }) => `x = ${showRow(x)}, a = ${a}, b = ${b}`,
    }),
  ];
}
