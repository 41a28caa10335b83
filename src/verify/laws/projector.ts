// idempotent(p): p∘p = p; projector(p): also x ⊖ p(x) ⟂ range p in the induced inner product
// (paper-notes §1.3, "Orthogonal projection" and "Idempotency").
import fc from "fast-check";
import { inner, subtract } from "../../runtime/space/index.js";
import type { Check } from "../law.js";
import { pointArb } from "../inputs.js";
import { SAFETY, euclidean, pathError } from "../measure.js";
import { makeCheck } from "../run.js";
import { combineStage, fromPoints, roundtripStage, throughPoints, type MapUnderTest } from "../subject.js";
import { coordinatesOf, decoded, pointsVector, showRow } from "../vectors.js";
import { equalLaw } from "./equal.js";

/** p∘p = p. */
export function idempotentLaw(p: MapUnderTest): Check[] {
  return equalLaw(throughPoints(p, p), p, "idempotent", `${p.name}∘${p.name} = ${p.name}`);
}

interface Sample {
  readonly x: number[];
  readonly z: number[];
}

/** ⟨x ⊖ p(x), p(z)⟩ = 0, relative to (1 + ‖g(x)‖)(1 + ‖g(z)‖). */
export function orthogonalityCheck(p: MapUnderTest): Check {
  const X = p.domain;
  const norm = Math.max(1, p.operator?.norm ?? 1);
  return makeCheck<Sample>({
    law: "projector",
    property: `⟨x ⊖ ${p.name}(x), ${p.name}(z)⟩ = 0`,
    subject: `${p.name} : ${X.space.name} -> ${X.space.name}`,
    arbitrary: fc.record({ x: pointArb(X), z: pointArb(X) }),
    async measure({ x, z }, scope) {
      const vx = pointsVector(X.space, [x], scope);
      const vz = pointsVector(X.space, [z], scope);
      const residual = decoded(scope.keep(subtract(vx, decoded(scope.keep(p.apply(vx)), scope))), scope);
      const image = decoded(scope.keep(p.apply(vz)), scope);
      const value = Math.abs((await inner(residual, image))[0]);
      const [cx, cz] = await Promise.all([coordinatesOf(vx), coordinatesOf(vz)]);
      const scale = (1 + euclidean(cx)) * (1 + euclidean(cz));
      const side = [...fromPoints(p), roundtripStage(X)];
      return {
        error: Number.isNaN(value) ? Number.POSITIVE_INFINITY : value / scale,
        tolerance: SAFETY * norm * (pathError([...side, combineStage([1, 1]), roundtripStage(X)]) + pathError(side)),
      };
    },
    show: ({ x, z }) => `x = ${showRow(x)}, z = ${showRow(z)}`,
  });
}

/** p∘p = p, and p is orthogonal in its space's inner product. */
export function projectorLaw(p: MapUnderTest): Check[] {
  return [...idempotentLaw(p), orthogonalityCheck(p)];
}
