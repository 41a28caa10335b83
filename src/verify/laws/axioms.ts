// axioms(X): the vector-space axioms of the induced operations (paper-notes §1.1), checked on data
// points. Every intermediate result is decoded to X's points and re-read, so the axioms are checked
// for X itself (a network whose inverse is off breaks x ⊕ 0 = x), not only for cached coordinates.
import fc from "fast-check";
import { Vector, combine, zero } from "../../runtime/space/index.js";
import type { SpaceModel } from "../conditioning.js";
import type { Check, Scope } from "../law.js";
import { pointArb, scalarArb } from "../inputs.js";
import { maxMagnitude, rmsError, tolerance, type Stage } from "../measure.js";
import { makeCheck } from "../run.js";
import { combineStage, decodeStage, encodeStage, roundtripStage } from "../subject.js";
import { decoded, pointsOf, pointsVector, showRow } from "../vectors.js";

interface Sample {
  readonly x: number[];
  readonly y: number[];
  readonly z: number[];
  readonly a: number;
  readonly b: number;
}

type Ops = {
  /** ⊕ᵢ cᵢ ⊙ vᵢ, decoded. */
  lin(terms: ReadonlyArray<readonly [number, Vector]>): Vector;
  zero(): Vector;
};

interface Axiom {
  readonly name: string;
  readonly equation: string;
  sides(s: Sample, v: { x: Vector; y: Vector; z: Vector }, ops: Ops): [Vector, Vector];
  /** The float32 paths of the two sides (E: encode, D: decode, C: a combination). */
  paths(s: Sample, E: Stage, D: Stage, C: (cs: number[]) => Stage, R: Stage): [Stage[], Stage[]];
}

const AXIOMS: readonly Axiom[] = [
  {
    name: "associativity",
    equation: "(x ⊕ y) ⊕ z = x ⊕ (y ⊕ z)",
    sides: (_, { x, y, z }, o) => [
      o.lin([
        [
          1,
          o.lin([
            [1, x],
            [1, y],
          ]),
        ],
        [1, z],
      ]),
      o.lin([
        [1, x],
        [
          1,
          o.lin([
            [1, y],
            [1, z],
          ]),
        ],
      ]),
    ],
    paths: (_, E, D, C, R) => [
      [E, C([1, 1]), R, C([1, 1]), D],
      [E, C([1, 1]), R, C([1, 1]), D],
    ],
  },
  {
    name: "commutativity",
    equation: "x ⊕ y = y ⊕ x",
    sides: (_, { x, y }, o) => [
      o.lin([
        [1, x],
        [1, y],
      ]),
      o.lin([
        [1, y],
        [1, x],
      ]),
    ],
    paths: (_, E, D, C) => [
      [E, C([1, 1]), D],
      [E, C([1, 1]), D],
    ],
  },
  {
    name: "zero",
    equation: "x ⊕ 0 = x",
    sides: (_, { x }, o) => [
      o.lin([
        [1, x],
        [1, o.zero()],
      ]),
      x,
    ],
    paths: (_, E, D, C) => [[E, C([1, 1]), D], []],
  },
  {
    name: "negation",
    equation: "x ⊕ (⊖x) = 0",
    sides: (_, { x }, o) => [
      o.lin([
        [1, x],
        [1, o.lin([[-1, x]])],
      ]),
      o.zero(),
    ],
    paths: (_, E, D, C, R) => [[E, C([1]), R, C([1, 1]), D], [D]],
  },
  {
    name: "distributivity (vectors)",
    equation: "a⊙(x ⊕ y) = a⊙x ⊕ a⊙y",
    sides: ({ a }, { x, y }, o) => [
      o.lin([
        [
          a,
          o.lin([
            [1, x],
            [1, y],
          ]),
        ],
      ]),
      o.lin([
        [1, o.lin([[a, x]])],
        [1, o.lin([[a, y]])],
      ]),
    ],
    paths: ({ a }, E, D, C, R) => [
      [E, C([1, 1]), R, C([a]), D],
      [E, C([a]), R, C([1, 1]), D],
    ],
  },
  {
    name: "distributivity (scalars)",
    equation: "(a + b)⊙x = a⊙x ⊕ b⊙x",
    sides: ({ a, b }, { x }, o) => [
      o.lin([[a + b, x]]),
      o.lin([
        [1, o.lin([[a, x]])],
        [1, o.lin([[b, x]])],
      ]),
    ],
    paths: ({ a, b }, E, D, C, R) => [
      [E, C([a + b]), D],
      [E, C([Math.max(Math.abs(a), Math.abs(b))]), R, C([1, 1]), D],
    ],
  },
  {
    name: "compatibility",
    equation: "a⊙(b⊙x) = (ab)⊙x",
    sides: ({ a, b }, { x }, o) => [o.lin([[a, o.lin([[b, x]])]]), o.lin([[a * b, x]])],
    paths: ({ a, b }, E, D, C, R) => [
      [E, C([b]), R, C([a]), D],
      [E, C([a * b]), D],
    ],
  },
  {
    name: "identity",
    equation: "1⊙x = x",
    sides: (_, { x }, o) => [o.lin([[1, x]]), x],
    paths: (_, E, D, C) => [[E, C([1]), D], []],
  },
];

/** The vector-space axioms `verify axioms(X)` checks, by name. */
export const AXIOM_NAMES: readonly string[] = AXIOMS.map((a) => a.name);

/** The vector-space axioms of a space's induced operations, as checks. */
export function axiomsLaw(X: SpaceModel, subject = X.space.name): Check[] {
  const n = X.space.dim;
  const ops = (scope: Scope): Ops => ({
    lin: (terms) => decoded(scope.keep(combine(terms)), scope),
    zero: () => decoded(scope.keep(zero(X.space)), scope),
  });
  return AXIOMS.map((axiom) =>
    makeCheck<Sample>({
      law: "axioms",
      property: `${axiom.name}: ${axiom.equation} in ${X.space.name}`,
      subject,
      arbitrary: fc.record({ x: pointArb(X), y: pointArb(X), z: pointArb(X), a: scalarArb, b: scalarArb }),
      async measure(s, scope) {
        const v = { x: pointsVector(X.space, [s.x], scope), y: pointsVector(X.space, [s.y], scope), z: pointsVector(X.space, [s.z], scope) };
        const [l, r] = axiom.sides(s, v, ops(scope));
        const [pl, pr] = axiom.paths(s, encodeStage(X), decodeStage(X), combineStage, roundtripStage(X));
        // the zero's points g⁻¹(0) can be far from the box: include them in the scale
        const [lp, rp] = await Promise.all([pointsOf(l), pointsOf(r)]);
        return { error: rmsError(lp, rp, n, maxMagnitude(s.x, s.y, s.z, rp)), tolerance: tolerance(pl, pr) };
      },
      show: ({ x, y, z, a, b }) => `x = ${showRow(x)}, y = ${showRow(y)}, z = ${showRow(z)}, a = ${a}, b = ${b}`,
    }),
  );
}
