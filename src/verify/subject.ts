// Maps as the laws see them: a domain and codomain (with their models), how to apply the map, and
// the float32 path of one application from points of X to coordinates of Y (for the tolerances).
// A Linearizer is one subject; so is any function between spaces (a plain MLP "declared as a map",
// a composition forced through data space), which is how the controls get past the type system.
import type * as tf from "@tensorflow/tfjs-core";
import { at as operatorAt, needsTime, releaseTensors, type LinearOperator } from "../runtime/operator/index.js";
import { Linearizer, Vector, type Space } from "../runtime/space/index.js";
import { profileOperator, type OperatorModel, type SpaceModel } from "./conditioning.js";
import type { Stage } from "./measure.js";

/** A map as the laws see it: its spaces, how to apply it, and its error model. */
export interface MapUnderTest {
  readonly name: string;
  readonly domain: SpaceModel;
  readonly codomain: SpaceModel;
  readonly timeConditioned: boolean;
  /** f(x); a time-conditioned map at time t. */
  apply(x: Vector, t?: number): Vector;
  /** The float32 path from coordinates of X to coordinates of Y (see measure.ts); the encode of x comes before it. */
  readonly stages: readonly Stage[];
  /** ‖A‖₂ and 1/σ_min when the map is a Linearizer (undefined otherwise). */
  readonly operator?: OperatorModel;
  readonly linearizer?: Linearizer;
}

/** g: points → coordinates of a space. */
export const encodeStage = (s: SpaceModel): Stage => ({ ops: s.ops + 1, lip: s.lip });
/** g⁻¹: coordinates → points. */
export const decodeStage = (s: SpaceModel): Stage => ({ ops: s.ops + 1, lip: s.lipInverse });
/**
 * g(g⁻¹(z)): the composite is the identity, so an error already present passes with lip 1; the
 * decode's own rounding is amplified by the encode (gain 1 + lip g).
 */
export const roundtripStage = (s: SpaceModel): Stage => ({ ops: s.ops + 1, lip: 1, gain: s.ops === 0 ? 0 : 1 + s.lip });
/** Points of X to coordinates of Y for a map: encode, then its stages. */
export const fromPoints = (f: MapUnderTest): Stage[] => [encodeStage(f.domain), ...f.stages];
/** A float32 linear combination Σ aᵢvᵢ (lip Σ|aᵢ|). */
export const combineStage = (coefficients: readonly number[]): Stage => ({
  ops: coefficients.length + 1,
  lip: Math.max(
    1,
    coefficients.reduce((s, a) => s + Math.abs(a), 0),
  ),
});
export const operatorStage = (m: OperatorModel): Stage => ({ ops: m.ops, lip: Math.max(1, m.norm) });

export function signature(f: MapUnderTest): string {
  return `${f.name} : ${f.domain.space.name} -> ${f.codomain.space.name}`;
}

/** A Linearizer as a map under test between two profiled spaces. */
export function linearizerSubject(name: string, f: Linearizer, domain: SpaceModel, codomain: SpaceModel): MapUnderTest {
  const operator = profileOperator(f.operator);
  const timeConditioned = needsTime(f.operator);
  return {
    name,
    domain,
    codomain,
    timeConditioned,
    operator,
    linearizer: f,
    stages: [operatorStage(operator)],
    apply(x, t) {
      if (!timeConditioned) return f.apply(x);
      return applyOnce(f.domain, f.codomain, operatorAt(f.operator, t ?? 0), x);
    },
  };
}

/**
 * x through an operator made for this one call (a time-conditioned map at the sample's time): its
 * backend copies are freed at once instead of waiting for the garbage collector.
 */
export function applyOnce(domain: Space, codomain: Space, op: LinearOperator, x: Vector): Vector {
  try {
    return new Linearizer(domain, codomain, op).apply(x);
  } finally {
    releaseTensors(op);
  }
}

/**
 * Any function on data points declared as a map X → Y. `lip` is its Lipschitz estimate in
 * coordinates and `ops` its float32 work per value.
 */
export function functionSubject(
  name: string,
  domain: SpaceModel,
  codomain: SpaceModel,
  fn: (points: tf.Tensor2D) => tf.Tensor2D,
  model: { readonly ops: number; readonly lip: number },
): MapUnderTest {
  return {
    name,
    domain,
    codomain,
    timeConditioned: false,
    stages: [decodeStage(domain), { ops: model.ops, lip: model.lip }, encodeStage(codomain)],
    apply(x) {
      const out = fn(x.points());
      const v = Vector.fromPoints(codomain.space, out);
      out.dispose();
      return v;
    },
  };
}

/**
 * outer ∘ inner evaluated step by step through data space: inner's result is decoded and re-read as
 * a point of outer's domain. Nothing checks that the spaces agree (only their dimension), so this is
 * also how a composition through different networks is forced past the checker.
 */
export function throughPoints(outer: MapUnderTest, inner: MapUnderTest): MapUnderTest {
  return {
    name: `${outer.name} ∘ ${inner.name}`,
    domain: inner.domain,
    codomain: outer.codomain,
    timeConditioned: false,
    stages: [
      ...inner.stages,
      ...(inner.codomain.space.equals(outer.domain.space) ? [roundtripStage(inner.codomain)] : [decodeStage(inner.codomain), encodeStage(outer.domain)]),
      ...outer.stages,
    ],
    apply(x) {
      const mid = inner.apply(x);
      try {
        const again = Vector.fromPoints(outer.domain.space, mid.points());
        try {
          return outer.apply(again);
        } finally {
          again.dispose();
        }
      } finally {
        mid.dispose();
      }
    },
  };
}
