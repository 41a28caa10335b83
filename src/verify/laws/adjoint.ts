// adjoint(f): ⟨f(x), y⟩_Y = ⟨x, fᵀ(y)⟩_X in the induced inner products (paper-notes §1.3, "Lemma 5").
// Also the self-adjointness conditions of pinv and projectors (f = g on both sides).
import fc from "fast-check";
import { inner } from "../../runtime/space/index.js";
import type { Check } from "../law.js";
import { pointArb } from "../inputs.js";
import { SAFETY, euclidean, pathError } from "../measure.js";
import { makeCheck } from "../run.js";
import { encodeStage, fromPoints, type MapUnderTest } from "../subject.js";
import { coordinatesOf, pointsVector, showRow } from "../vectors.js";

interface Sample {
  readonly x: number[];
  readonly y: number[];
}

/**
 * ⟨f(x), y⟩ = ⟨x, g(y)⟩ for f: X → Y and g: Y → X. Error |lhs − rhs| / ((1 + ‖g_X(x)‖)(1 + ‖g_Y(y)‖));
 * tolerance S·(err(f) + err(g) + err(g_X) + err(g_Y))·max(1, ‖f‖, ‖g‖): each side is a float64 dot of
 * one float32 application with one encoded vector.
 */
export function innerIdentityCheck(law: string, property: string, f: MapUnderTest, g: MapUnderTest): Check {
  const X = f.domain;
  const Y = f.codomain;
  const norm = Math.max(1, f.operator?.norm ?? 1, g.operator?.norm ?? 1);
  return makeCheck<Sample>({
    law,
    property,
    subject: `${f.name} : ${X.space.name} -> ${Y.space.name}; ${g.name}`,
    arbitrary: fc.record({ x: pointArb(X), y: pointArb(Y) }),
    async measure({ x, y }, scope) {
      const vx = pointsVector(X.space, [x], scope);
      const vy = pointsVector(Y.space, [y], scope);
      const lhs = (await inner(scope.keep(f.apply(vx)), vy))[0];
      const rhs = (await inner(vx, scope.keep(g.apply(vy))))[0];
      const [cx, cy] = await Promise.all([coordinatesOf(vx), coordinatesOf(vy)]);
      const scale = (1 + euclidean(cx)) * (1 + euclidean(cy));
      const err = Math.abs(lhs - rhs);
      return {
        error: Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / scale,
        tolerance: SAFETY * norm * (pathError(fromPoints(f)) + pathError(fromPoints(g)) + pathError([encodeStage(X)]) + pathError([encodeStage(Y)])),
      };
    },
    show: ({ x, y }) => `x = ${showRow(x)}, y = ${showRow(y)}`,
  });
}

/** adjoint(f) with fᵀ given (the runtime's adjoint, or a control). */
export function adjointLaw(f: MapUnderTest, ft: MapUnderTest): Check[] {
  return [innerIdentityCheck("adjoint", `⟨${f.name}(x), y⟩ = ⟨x, ${ft.name}(y)⟩`, f, ft)];
}
