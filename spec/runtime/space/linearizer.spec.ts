// Linearizers f(x) = g_y⁻¹(A·g_x(x)) between induced spaces: superposition, the adjoint identity,
// composition only through the same space, pinv, SVD with decoded singular vectors, projections,
// powers and linear combinations of maps — each with a control that violates the law.
import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../src/runtime/backend/select.js";
import { frobeniusNorm, matrix } from "../../../src/runtime/linalg/index.js";
import {
  dense,
  identityPlusLowRank,
  materialise,
  randomDense,
  randomIdentityPlusLowRank,
  randomLowRank,
  randomTimeConditioned,
  type LinearOperator,
} from "../../../src/runtime/operator/index.js";
import {
  Linearizer,
  Space,
  Vector,
  add,
  adjoint,
  at,
  combine,
  combineMaps,
  compose,
  identityMap,
  inner,
  pinv,
  power,
  project,
  scale,
  subtract,
  svd,
} from "../../../src/runtime/space/index.js";
import { EPS32, countingChart, randomPoints, rowError, type CountingChart } from "./support.js";

const NX = 5;
const NY = 4;
const BOUND = 1.5;
let gx: CountingChart;
let gy: CountingChart;
let gyTwin: CountingChart;
let X: Space;
let Y: Space;
let Ytwin: Space;

beforeAll(async () => {
  await selectBackend(process.env.LINEA_BACKEND ?? "cpu");
  gx = countingChart(NX, 11);
  gy = countingChart(NY, 12);
  gyTwin = countingChart(NY, 13);
  X = Space.induced(gx, "X");
  Y = Space.induced(gy, "Y");
  Ytwin = Space.induced(gyTwin, "Y'");
});
afterAll(() => [gx, gy, gyTwin].forEach((c) => c.dispose()));

function vectorOf(space: Space, seed: number, batch = 3): Vector {
  const p = randomPoints(batch, space.dim, seed, BOUND);
  const v = Vector.fromPoints(space, p);
  p.dispose();
  return v;
}

async function disposing<T>(vectors: Vector[], body: (keep: (v: Vector) => Vector) => T | Promise<T>): Promise<T> {
  const keep = (v: Vector): Vector => (vectors.push(v), v);
  try {
    return await body(keep);
  } finally {
    vectors.forEach((v) => v.dispose());
  }
}

/**
 * Coordinates compared in float32: g_x's error (n + 4)·ε·‖M_x‖·cosh(b) per unit input, carried
 * through A (‖A‖_F) and the combination (coefficients C), plus A's own product (n + 4)·ε·‖A‖_F.
 * Two sides, ≤ 4 sequential steps: × 8.
 */
function coordinateTolerance(op: LinearOperator, c: number): number {
  const a = frobeniusNorm(materialise(op));
  return 8 * EPS32 * (NX + 4) * gx.forwardGain(BOUND) * Math.max(a, 1) * Math.max(c, 1);
}

const operatorArb = fc.oneof(
  fc.nat().map((s) => randomDense(NY, NX, s)),
  fc.nat().map((s) => randomLowRank(NY, NX, 2, s)),
);

describe("superposition", () => {
  it("f(a⊙x ⊕ b⊙y) = a⊙f(x) ⊕ b⊙f(y), in coordinates of Y and in decoded points", async () => {
    await fc.assert(
      fc.asyncProperty(operatorArb, fc.nat(), fc.integer({ min: -8, max: 8 }), fc.integer({ min: -8, max: 8 }), async (op, seed, ka, kb) => {
        const [a, b] = [ka / 4, kb / 4];
        const f = new Linearizer(X, Y, op);
        await disposing([], async (keep) => {
          const [x, y] = [keep(vectorOf(X, seed)), keep(vectorOf(X, seed + 1))];
          const left = keep(
            f.apply(
              keep(
                combine([
                  [a, x],
                  [b, y],
                ]),
              ),
            ),
          );
          const right = keep(
            combine([
              [a, keep(f.apply(x))],
              [b, keep(f.apply(y))],
            ]),
          );
          const tol = coordinateTolerance(op, Math.abs(a) + Math.abs(b));
          expect(await rowError(left.coordinates(), right.coordinates())).toBeLessThanOrEqual(tol);
          // Decoded: g_y⁻¹ amplifies coordinate errors by at most ‖M_y⁻¹‖_F.
          expect(await rowError(left.points(), right.points())).toBeLessThanOrEqual(tol * gy.inverseGain + 8 * EPS32 * (NY + 4));
        });
      }),
      { numRuns: 15 },
    );
  });

  it("control: pixel-space addition is not the induced addition, and superposition fails for it", async () => {
    const op = randomDense(NY, NX, 1);
    const f = new Linearizer(X, Y, op);
    await disposing([], async (keep) => {
      const [x, y] = [keep(vectorOf(X, 1)), keep(vectorOf(X, 2))];
      const pixelSum = tf.add(x.points(), y.points()) as tf.Tensor2D;
      const viaPixels = keep(f.apply(keep(Vector.fromPoints(X, pixelSum))));
      pixelSum.dispose();
      const induced = keep(add(keep(f.apply(x)), keep(f.apply(y))));
      expect(await rowError(viaPixels.coordinates(), induced.coordinates())).toBeGreaterThan(coordinateTolerance(op, 2));
    });
  });
});

describe("adjoint", () => {
  it("⟨f(x), y⟩_Y = ⟨x, fᵀ(y)⟩_X (control: a perturbed transpose fails)", async () => {
    await fc.assert(
      fc.asyncProperty(operatorArb, fc.nat(), async (op, seed) => {
        const f = new Linearizer(X, Y, op);
        const ft = adjoint(f);
        expect([ft.domain, ft.codomain]).toEqual([Y, X]);
        await disposing([], async (keep) => {
          const x = keep(vectorOf(X, seed));
          const y = keep(vectorOf(Y, seed + 1));
          const lhs = await inner(keep(f.apply(x)), y);
          const rhs = await inner(x, keep(ft.apply(y)));
          const nx = Math.max(...Array.from(await inner(x, x), Math.sqrt));
          const ny = Math.max(...Array.from(await inner(y, y), Math.sqrt));
          // Each side is one float32 application of A (error (n + 4)·ε·‖A‖_F·‖·‖) and a float64 dot.
          const tol = 4 * EPS32 * (NX + 4) * frobeniusNorm(materialise(op)) * nx * ny;
          lhs.forEach((l, i) => expect(Math.abs(l - rhs[i])).toBeLessThanOrEqual(tol));
          const m = materialise(op);
          const wrong = matrix(m.rows, m.cols, m.data);
          wrong.data[seed % wrong.data.length] += 0.5;
          const fake = adjoint(new Linearizer(X, Y, dense(wrong)));
          const off = await inner(x, keep(fake.apply(y)));
          expect(Math.max(...lhs.map((l, i) => Math.abs(l - off[i])))).toBeGreaterThan(tol);
        });
      }),
      { numRuns: 15 },
    );
  });
});

describe("composition", () => {
  it("goes only through the same space: same dimension but another chart is rejected", async () => {
    const f = new Linearizer(X, Y, randomDense(NY, NX, 1));
    const h = new Linearizer(Y, X, randomDense(NX, NY, 2));
    const hTwin = new Linearizer(Ytwin, X, randomDense(NX, NY, 3));
    expect(compose(h, f).domain).toBe(X);
    expect(() => compose(hTwin, f)).toThrow(expect.objectContaining({ code: "LIN1024" }));
    expect(() => hTwin.apply(vectorOf(Y, 1))).toThrow(expect.objectContaining({ code: "LIN1021" }));
    expect(() => new Linearizer(X, Y, randomDense(NX, NY, 1))).toThrow(expect.objectContaining({ code: "LIN1026" }));
  });

  it("h∘f equals applying f then h, and the inner g_y⁻¹∘g_y is never run", async () => {
    const f = new Linearizer(X, Y, randomDense(NY, NX, 1));
    const h = new Linearizer(Y, X, randomDense(NX, NY, 2));
    const hf = compose(h, f);
    await disposing([], async (keep) => {
      const x = keep(vectorOf(X, 5));
      x.coordinates();
      gy.forwardCalls = 0;
      gy.inverseCalls = 0;
      const stepwise = keep(h.apply(keep(f.apply(x))));
      const direct = keep(hf.apply(x));
      expect([gy.forwardCalls, gy.inverseCalls]).toEqual([0, 0]);
      expect(await rowError(stepwise.coordinates(), direct.coordinates())).toBeLessThanOrEqual(coordinateTolerance(hf.operator, 1) * 4);
    });
  });
});

describe("pinv, svd, projection", () => {
  it("f ∘ f⁺ ∘ f = f on vectors, with the numerical rank reported", async () => {
    const op = randomLowRank(NY, NX, 2, 4);
    const f = new Linearizer(X, Y, op);
    const { map: fp, rank } = pinv(f);
    expect(rank).toBe(2);
    expect([fp.domain, fp.codomain]).toEqual([Y, X]);
    await disposing([], async (keep) => {
      const x = keep(vectorOf(X, 6));
      const fx = keep(f.apply(x));
      const again = keep(f.apply(keep(fp.apply(fx))));
      expect(await rowError(again.coordinates(), fx.coordinates())).toBeLessThanOrEqual(coordinateTolerance(op, 1) * 4);
    });
  });

  it("singular vectors live in the right spaces, are orthonormal there, and f(ṽᵢ) = σᵢ ⊙ ũᵢ", async () => {
    const op = randomDense(NY, NX, 7);
    const f = new Linearizer(X, Y, op);
    const d = svd(f);
    expect(d.left.space).toBe(Y);
    expect(d.right.space).toBe(X);
    expect(d.values.length).toBe(NY);
    await disposing([d.left, d.right], async (keep) => {
      // Re-encode the decoded points: a full g⁻¹ then g round trip of the singular vectors.
      const left = keep(Vector.fromPoints(Y, d.left.points()));
      const right = keep(Vector.fromPoints(X, d.right.points()));
      // Orthonormal in ⟨·,·⟩_Y: the round trip costs (n + 4)·ε·‖M⁻¹‖·‖M‖·cosh per vector.
      const roundTrip = 8 * EPS32 * (NX + 4) * gy.inverseGain * gy.forwardGain(2);
      const lc = await left.coordinates().array();
      for (let i = 0; i < NY; i++) {
        for (let j = 0; j < NY; j++) {
          const dot = lc[i].reduce((s, v, k) => s + v * lc[j][k], 0);
          expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThanOrEqual(roundTrip);
        }
      }
      const image = keep(f.apply(right));
      const ic = await image.coordinates().array();
      const sigma = d.values;
      const tol = coordinateTolerance(op, 1) * gx.inverseGain;
      for (let i = 0; i < NY; i++) {
        const err = Math.hypot(...ic[i].map((v, k) => v - sigma[i] * lc[i][k]));
        expect(err).toBeLessThanOrEqual(tol);
      }
      // Control: pairing σ₁ with ũ₂ fails.
      const wrong = Math.hypot(...ic[0].map((v, k) => v - sigma[0] * lc[1][k]));
      expect(wrong).toBeGreaterThan(tol);
      // f = U ∘ S ∘ Vt
      const x = keep(vectorOf(X, 3));
      const factored = compose(d.U, compose(d.S, d.Vt));
      expect(await rowError(keep(factored.apply(x)).coordinates(), keep(f.apply(x)).coordinates())).toBeLessThanOrEqual(coordinateTolerance(op, 1) * 4);
    });
  });

  it("project(f) is idempotent and orthogonal in ⟨·,·⟩_Y (control: an oblique idempotent is not orthogonal)", async () => {
    const f = new Linearizer(X, Y, randomLowRank(NY, NX, 2, 3));
    const p = project(f);
    expect([p.domain, p.codomain]).toEqual([Y, Y]);
    const oblique = new Linearizer(Y, Y, identityPlusLowRank(matrix(NY, 1, [1, 0, 0, 0]), matrix(NY, 1, [1, 1, 0, 0]), 0));
    await disposing([], async (keep) => {
      const y = keep(vectorOf(Y, 1));
      const z = keep(vectorOf(Y, 2));
      const tol = 16 * EPS32 * (NY + 4) * gy.forwardGain(BOUND) * NY;
      for (const [map, orthogonal] of [
        [p, true],
        [oblique, false],
      ] as const) {
        const py = keep(map.apply(y));
        const ppy = keep(map.apply(py));
        expect(await rowError(ppy.coordinates(), py.coordinates())).toBeLessThanOrEqual(tol); // idempotent
        const residual = keep(subtract(y, py));
        const pz = keep(map.apply(z));
        const ip = Math.max(...Array.from(await inner(residual, pz), Math.abs));
        if (orthogonal) expect(ip).toBeLessThanOrEqual(tol);
        else expect(ip).toBeGreaterThan(tol);
      }
    });
  });
});

describe("powers, combinations, time", () => {
  it("f^3 = f∘f∘f for f: X → X, and needs an endomorphism", async () => {
    const op = randomIdentityPlusLowRank(NX, 2, 5);
    const f = new Linearizer(X, X, op);
    const f3 = power(f, 3);
    expect(f3.operator.kind).toBe("identity_plus_lowrank");
    await disposing([], async (keep) => {
      const x = keep(vectorOf(X, 1));
      const stepwise = keep(f.apply(keep(f.apply(keep(f.apply(x))))));
      expect(await rowError(keep(f3.apply(x)).coordinates(), stepwise.coordinates())).toBeLessThanOrEqual(coordinateTolerance(f3.operator, 1) * 4);
      expect(await rowError(keep(identityMap(X).apply(x)).coordinates(), x.coordinates())).toBe(0);
    });
    expect(() => power(new Linearizer(X, Y, randomDense(NY, NX, 1)), 2)).toThrow(expect.objectContaining({ code: "LIN1025" }));
  });

  it("(a⊙f ⊕ b⊙h)(x) = a⊙f(x) ⊕ b⊙h(x); maps between other spaces are rejected", async () => {
    const f = new Linearizer(X, Y, randomDense(NY, NX, 1));
    const h = new Linearizer(X, Y, randomLowRank(NY, NX, 2, 2));
    const combo = combineMaps([
      [0.5, f],
      [-2, h],
    ]);
    await disposing([], async (keep) => {
      const x = keep(vectorOf(X, 4));
      const pointwise = keep(
        combine([
          [0.5, keep(f.apply(x))],
          [-2, keep(h.apply(x))],
        ]),
      );
      expect(await rowError(keep(combo.apply(x)).coordinates(), pointwise.coordinates())).toBeLessThanOrEqual(coordinateTolerance(combo.operator, 2.5) * 2);
      // Control: the wrong coefficient is caught.
      const wrong = keep(
        combine([
          [0.5, keep(f.apply(x))],
          [2, keep(h.apply(x))],
        ]),
      );
      expect(await rowError(keep(combo.apply(x)).coordinates(), wrong.coordinates())).toBeGreaterThan(coordinateTolerance(combo.operator, 2.5) * 2);
    });
    const other = new Linearizer(X, Ytwin, randomDense(NY, NX, 3));
    expect(() =>
      combineMaps([
        [1, f],
        [1, other],
      ]),
    ).toThrow(expect.objectContaining({ code: "LIN1021" }));
  });

  it("a time-conditioned map evaluated at t is identity-plus-low-rank", async () => {
    const v = new Linearizer(X, X, randomTimeConditioned({ n: NX, rank: 2, embedDim: 8, hidden: 8 }, 1));
    const vt = at(v, 0.5);
    expect(vt.operator.kind).toBe("identity_plus_lowrank");
    await disposing([], async (keep) => {
      const x = keep(vectorOf(X, 1));
      expect(() => v.apply(x)).toThrow(expect.objectContaining({ code: "LIN1007" }));
      expect(keep(vt.apply(x)).batch).toBe(3);
    });
  });
});

describe("tensor hygiene", () => {
  it("hundreds of map applications, disposed, leave tf.memory() unchanged", async () => {
    const f = new Linearizer(X, Y, randomDense(NY, NX, 1));
    const x = vectorOf(X, 1);
    const once = (): void => {
      const y = f.apply(x);
      const s = scale(2, y);
      s.points();
      y.dispose();
      s.dispose();
    };
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 300; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
