// roundtrip(G): g⁻¹(g(x)) = x on points and g(g⁻¹(z)) = z on coordinates, for the space a network
// (with its tag) induces. Every other law leans on this one.
import type { Check } from "../law.js";
import type { SpaceModel } from "../conditioning.js";
import { coordinateArb, pointArb } from "../inputs.js";
import { maxMagnitude, rmsError, tolerance } from "../measure.js";
import { Vector } from "../../runtime/space/index.js";
import { makeCheck } from "../run.js";
import { decodeStage, encodeStage, roundtripStage } from "../subject.js";
import { coordinatesOf, coordinatesVector, decoded, pointsOf, pointsVector, showRow } from "../vectors.js";

/** g⁻¹(g(x)) = x and g(g⁻¹(z)) = z for the network that induces a space. */
export function roundtripLaw(X: SpaceModel, subject = X.space.name): Check[] {
  const n = X.space.dim;
  const onPoints = makeCheck<number[]>({
    law: "roundtrip",
    property: `g⁻¹(g(x)) = x in ${X.space.name}`,
    subject,
    arbitrary: pointArb(X),
    async measure(x, scope) {
      const v = pointsVector(X.space, [x], scope);
      // a vector holding only g(x), so its points come from g⁻¹
      const back = scope.keep(Vector.fromCoordinates(X.space, v.coordinates()));
      return { error: rmsError(await pointsOf(back), Float32Array.from(x), n, maxMagnitude(x)), tolerance: tolerance([encodeStage(X), decodeStage(X)], []) };
    },
    show: (x) => `x = ${showRow(x)}`,
  });
  const onCoordinates = makeCheck<number[]>({
    law: "roundtrip",
    property: `g(g⁻¹(z)) = z in ${X.space.name}`,
    subject,
    arbitrary: coordinateArb(X),
    async measure(z, scope) {
      const v = coordinatesVector(X.space, [z], scope);
      const again = decoded(v, scope);
      return { error: rmsError(await coordinatesOf(again), Float32Array.from(z), n, maxMagnitude(z)), tolerance: tolerance([roundtripStage(X)], []) };
    },
    show: (z) => `z = ${showRow(z)}`,
  });
  return [onPoints, onCoordinates];
}
