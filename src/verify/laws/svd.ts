// svd(f): right singular vectors ṽᵢ = g_x⁻¹(vᵢ) orthonormal in ⟨·,·⟩_X, left ones ũᵢ = g_y⁻¹(uᵢ)
// orthonormal in ⟨·,·⟩_Y, f(ṽᵢ) = σᵢ⊙ũᵢ, and f(x) = ⊕ᵢ (σᵢ⟨ṽᵢ, x⟩)⊙ũᵢ (paper-notes §1.3). The
// singular vectors are decoded to data points once and re-read by every check, so they are checked as
// the images they are.
import fc from "fast-check";
import { combine, inner, svd as mapSvd, type Vector } from "../../runtime/space/index.js";
import type { SpaceModel } from "../conditioning.js";
import type { Check } from "../law.js";
import { pointArb } from "../inputs.js";
import { SAFETY, U32, maxMagnitude, pathError, rmsError, tolerance } from "../measure.js";
import { FLOAT64_EPS } from "../../runtime/linalg/index.js";
import { makeCheck } from "../run.js";
import { combineStage, encodeStage, fromPoints, roundtripStage, signature, type MapUnderTest } from "../subject.js";
import { coordinatesOf, pointsVector, showRow } from "../vectors.js";

/** The factors under test: σᵢ and the decoded singular vectors (rows), rank r. */
export interface SvdUnderTest {
  readonly values: readonly number[];
  readonly left: readonly (readonly number[])[];
  readonly right: readonly (readonly number[])[];
}

async function rows(v: Vector, count: number): Promise<number[][]> {
  const data = await v.points().array();
  return data.slice(0, count);
}

/** The runtime's SVD of a Linearizer, kept to its numerical rank, singular vectors decoded. */
export async function svdOf(f: MapUnderTest): Promise<SvdUnderTest> {
  if (f.linearizer === undefined) throw new Error(`svd: ${f.name} is not a Linearizer`);
  const d = mapSvd(f.linearizer);
  try {
    return { values: Array.from(d.values.slice(0, d.rank)), left: await rows(d.left, d.rank), right: await rows(d.right, d.rank) };
  } finally {
    d.left.dispose();
    d.right.dispose();
  }
}

/**
 * |⟨a, b⟩ − δᵢⱼ| for two singular vectors a, b of an n-dimensional space, as measured:
 * - the float64 SVD's vectors are orthonormal to n·ε₆₄ (a backward-stable SVD: independent of A's
 *   conditioning), and are then stored as float32 points, each coordinate rounded once: ‖δa‖ ≤ u, so
 *   the product moves by ≤ 2u (unit vectors, Cauchy–Schwarz);
 * - the float32 dot product of n terms errs by ~√n·u (the √n model of measure.ts, SAFETY for the constant);
 * - in an induced space each point is decoded then encoded again before the dot product: the round
 *   trip's error, amplified by the chart's Lipschitz constant (its conditioning), enters once per vector.
 * Hence S·(2·err(round trip) + u·(2 + √n)) + n·ε₆₄: never 0, so a plain R^n end (no round trip) is
 * held to its float32 storage and dot-product rounding, not to exact equality.
 */
export function orthonormalityTolerance(X: SpaceModel, R = roundtripStage(X)): number {
  const n = X.space.dim;
  return SAFETY * (2 * pathError([R]) + U32 * (2 + Math.sqrt(n))) + n * FLOAT64_EPS;
}

function orthonormality(f: MapUnderTest, side: "left" | "right", vectors: readonly (readonly number[])[], X: SpaceModel): Check {
  const r = vectors.length;
  const R = roundtripStage(X);
  return makeCheck<[number, number]>({
    law: "svd",
    property: `${side} singular vectors orthonormal: ⟨${side === "left" ? "ũ" : "ṽ"}ᵢ, ${side === "left" ? "ũ" : "ṽ"}ⱼ⟩_${X.space.name} = δᵢⱼ`,
    subject: signature(f),
    arbitrary: fc.tuple(fc.nat({ max: Math.max(r - 1, 0) }), fc.nat({ max: Math.max(r - 1, 0) })),
    async measure([i, j], scope) {
      if (r === 0) return { error: 0, tolerance: 0 };
      const a = pointsVector(X.space, [vectors[i]], scope);
      const b = pointsVector(X.space, [vectors[j]], scope);
      const value = (await inner(a, b))[0] - (i === j ? 1 : 0);
      return { error: Number.isNaN(value) ? Number.POSITIVE_INFINITY : Math.abs(value), tolerance: orthonormalityTolerance(X, R) };
    },
    show: ([i, j]) => `i = ${i}, j = ${j}`,
  });
}

/** The SVD laws of f, on `factors` (by default the runtime's SVD of f, decoded: hence async). */
export async function svdLaw(f: MapUnderTest, given?: SvdUnderTest): Promise<Check[]> {
  const factors = given ?? (await svdOf(f));
  const X = f.domain;
  const Y = f.codomain;
  const r = factors.values.length;
  const sigma = Math.max(1, ...factors.values);
  const pairs = makeCheck<number>({
    law: "svd",
    property: "f(ṽᵢ) = σᵢ⊙ũᵢ",
    subject: signature(f),
    arbitrary: fc.nat({ max: Math.max(r - 1, 0) }),
    async measure(i, scope) {
      if (r === 0) return { error: 0, tolerance: 0 };
      const v = pointsVector(X.space, [factors.right[i]], scope);
      const u = pointsVector(Y.space, [factors.left[i]], scope);
      const lhs = await coordinatesOf(scope.keep(f.apply(v)));
      const rhs = Array.from(await coordinatesOf(u), (c) => factors.values[i] * c);
      return {
        error: rmsError(lhs, rhs, Y.space.dim, sigma),
        tolerance: tolerance([roundtripStage(X), ...f.stages], [roundtripStage(Y), combineStage([sigma])]),
      };
    },
    show: (i) => `i = ${i} (σ = ${factors.values[i]})`,
  });
  const reconstruction = makeCheck<number[]>({
    law: "svd",
    property: "f(x) = ⊕ᵢ (σᵢ⟨ṽᵢ, x⟩)⊙ũᵢ",
    subject: signature(f),
    arbitrary: pointArb(X),
    async measure(x, scope) {
      const vx = pointsVector(X.space, [x], scope);
      const lhs = scope.keep(f.apply(vx));
      if (r === 0) return { error: rmsError(await coordinatesOf(lhs), new Float32Array(Y.space.dim), Y.space.dim, maxMagnitude(x)), tolerance: tolerance(fromPoints(f), []) };
      const terms: (readonly [number, Vector])[] = [];
      for (const [i, u] of factors.left.entries()) {
        const vi = pointsVector(X.space, [factors.right[i]], scope);
        terms.push([factors.values[i] * (await inner(vi, vx))[0], pointsVector(Y.space, [u], scope)]);
      }
      const rhs = scope.keep(combine(terms));
      const coefficientSum = factors.values.reduce((s, x) => s + x, 0);
      return {
        error: rmsError(await coordinatesOf(lhs), await coordinatesOf(rhs), Y.space.dim, maxMagnitude(x)),
        tolerance: tolerance(fromPoints(f), [encodeStage(X), { ops: X.space.dim + 2, lip: sigma }, roundtripStage(Y), combineStage([coefficientSum])]),
      };
    },
    show: (x) => `x = ${showRow(x)}`,
  });
  return [orthonormality(f, "right", factors.right, X), orthonormality(f, "left", factors.left, Y), pairs, reconstruction];
}
