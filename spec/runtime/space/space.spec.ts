// Induced vector spaces: identity of spaces, the vector-space axioms in coordinates, one g per input
// and one g⁻¹ per result, the induced inner product, errors, and tensor hygiene.
import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../src/runtime/backend/select.js";
import { buildNetwork } from "../../../src/runtime/network/index.js";
import { Space, SpaceError, Vector, add, blockChart, combine, distance, identityChart, inner, negate, norm, scale, subtract, zero } from "../../../src/runtime/space/index.js";
import { EPS32, countingChart, randomPoints, rowError, type CountingChart } from "./support.js";

const DIM = 6;
const BOUND = 1.5;
let chart: CountingChart;
let broken: CountingChart;
let X: Space;
let B: Space;

beforeAll(async () => {
  await selectBackend(process.env.LINEA_BACKEND ?? "cpu");
  chart = countingChart(DIM, 1);
  broken = countingChart(DIM, 1, 1e-2);
  X = Space.induced(chart, "X");
  B = Space.induced(broken, "B");
});
afterAll(() => {
  chart.dispose();
  broken.dispose();
});

/**
 * Tolerance for comparing decoded points of two expressions that each run g on their inputs, combine
 * with coefficients of total size C, and run g⁻¹ once. g's float32 error is (n + 4)·ε·‖M‖_F·cosh(b)
 * per unit of input (sinh′ ≤ cosh(b), then a matmul over n terms); g⁻¹ multiplies coordinate errors by
 * ‖M⁻¹‖_F (asinh′ ≤ 1) and adds its own (n + 4)·ε. Two sides and up to four sequential steps: × 8.
 */
function axiomTolerance(c: CountingChart, coefficientSum: number): number {
  return 8 * EPS32 * (DIM + 4) * c.inverseGain * c.forwardGain(BOUND) * Math.max(coefficientSum, 1);
}

function vectorOf(space: Space, seed: number, batch = 3): Vector {
  const p = randomPoints(batch, DIM, seed, BOUND);
  const v = Vector.fromPoints(space, p);
  p.dispose();
  return v;
}

/** Runs `body` with fresh vectors and disposes everything it created. */
async function withVectors<T>(vectors: Vector[], body: () => T | Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    vectors.forEach((v) => v.dispose());
  }
}

describe("spaces", () => {
  it("are equal only through the same chart; equal dimension is not enough", () => {
    const other = countingChart(DIM, 2);
    expect(Space.induced(chart, "X2").equals(X)).toBe(true);
    expect(Space.induced(other, "Y").equals(X)).toBe(false);
    expect(Space.euclidean(DIM).equals(Space.euclidean(DIM))).toBe(true);
    expect(Space.euclidean(DIM).equals(X)).toBe(false);
    expect(Space.induced(identityChart(DIM), "I").equals(Space.euclidean(DIM))).toBe(false);
    other.dispose();
  });

  it("a network with a conditioning tag gives one space per tag, stably", async () => {
    const net = buildNetwork(
      {
        tagged: true,
        blocks: [
          { kind: "affine_coupling", hidden: 8 },
          { kind: "permute", mode: "reverse" },
          { kind: "affine_coupling", hidden: 8 },
        ],
      },
      [DIM],
      3,
    );
    const x0 = Space.induced(blockChart(net, 0), "X0");
    const x1 = Space.induced(blockChart(net, 1), "X1");
    expect(Space.induced(blockChart(net, 0), "again").equals(x0)).toBe(true);
    expect(x0.equals(x1)).toBe(false);
    // The adapter is a chart: g⁻¹(g(x)) = x within the float32 round trip of a shallow stack.
    const p = randomPoints(4, DIM, 9);
    const c = blockChart(net, 1);
    const z = c.forward(p);
    const back = c.inverse(z);
    expect(await rowError(back, p)).toBeLessThan(1e-5);
    [p, z, back].forEach((t) => t.dispose());
    net.dispose();
  });
});

describe("vector-space axioms in coordinates", () => {
  const scalars = fc.integer({ min: -8, max: 8 }).map((k) => k / 4);

  it("hold for the induced operations (decoded points compared)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), scalars, scalars, async (seed, a, b) => {
        const [x, y, z] = [vectorOf(X, seed), vectorOf(X, seed + 1), vectorOf(X, seed + 2)];
        const zeroX = zero(X, 3);
        const made: Vector[] = [x, y, z, zeroX];
        const keep = (v: Vector): Vector => (made.push(v), v);
        await withVectors(made, async () => {
          const tol = axiomTolerance(chart, 2 * (Math.abs(a) + Math.abs(b) + 2));
          const same = async (l: Vector, r: Vector): Promise<void> => {
            expect(await rowError(keep(l).points(), keep(r).points())).toBeLessThanOrEqual(tol);
          };
          await same(add(x, y), add(y, x));
          await same(add(add(x, y), z), add(x, add(y, z)));
          await same(add(x, zeroX), x);
          await same(add(x, negate(x)), zeroX);
          await same(scale(a, scale(b, x)), scale(a * b, x));
          await same(scale(1, x), x);
          await same(scale(a, add(x, y)), add(scale(a, x), scale(a, y)));
          await same(scale(a + b, x), add(scale(a, x), scale(b, x)));
          await same(subtract(x, y), add(x, negate(y)));
        });
      }),
      { numRuns: 15 },
    );
  });

  it("control: a chart whose inverse is off by 1 % breaks x ⊕ 0 = x and is caught", async () => {
    const x = vectorOf(B, 5);
    const z = zero(B, 3);
    const s = add(x, z);
    await withVectors([x, z, s], async () => {
      expect(await rowError(s.points(), x.points())).toBeGreaterThan(axiomTolerance(broken, 2));
    });
  });

  it("the induced zero is g⁻¹(0), not the zero of the points", async () => {
    const z = zero(X, 2);
    await withVectors([z], async () => {
      const back = chart.forward(z.points());
      expect(Math.max(...Array.from(await back.data(), Math.abs))).toBeLessThanOrEqual(axiomTolerance(chart, 1));
      back.dispose();
    });
  });
});

describe("cost: one g per input, one g⁻¹ per result", () => {
  it("a linear combination of k vectors runs g k times and g⁻¹ once, only when decoded", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.nat(), async (k, seed) => {
        const vs = Array.from({ length: k }, (_, i) => vectorOf(X, seed + i));
        chart.forwardCalls = 0;
        chart.inverseCalls = 0;
        const result = combine(vs.map((v, i) => [i + 1, v] as const));
        await withVectors([...vs, result], () => {
          expect(chart.forwardCalls).toBe(k);
          expect(chart.inverseCalls).toBe(0);
          result.points();
          result.points();
          expect(chart.inverseCalls).toBe(1);
        });
      }),
      { numRuns: 10 },
    );
  });

  it("a chain of operations reuses cached coordinates: (x ⊕ y) ⊖ 2⊙x ⊕ y costs 2 g and 1 g⁻¹", async () => {
    const [x, y] = [vectorOf(X, 1), vectorOf(X, 2)];
    chart.forwardCalls = 0;
    chart.inverseCalls = 0;
    const s = add(x, y);
    const t = subtract(s, scale(2, x));
    const u = add(t, y);
    await withVectors([x, y, s, t, u], () => {
      u.points();
      expect([chart.forwardCalls, chart.inverseCalls]).toEqual([2, 1]);
      // Control: decoding every intermediate (what a naive g⁻¹(g(·) + g(·)) per operation does) costs more.
      s.points();
      t.points();
      expect(chart.inverseCalls).toBe(3);
    });
  });
});

describe("inner product, norm, distance", () => {
  it("are the Euclidean ones of the coordinates, and g is an isometry", async () => {
    const [x, y] = [vectorOf(X, 3), vectorOf(X, 4)];
    const d = subtract(x, y);
    await withVectors([x, y, d], async () => {
      const gx = await x.coordinates().data();
      const gy = await y.coordinates().data();
      const ip = await inner(x, y);
      const scaleOf = Math.max(...Array.from(await norm(x))) * Math.max(...Array.from(await norm(y)));
      for (let i = 0; i < 3; i++) {
        let s = 0;
        for (let j = 0; j < DIM; j++) s += gx[i * DIM + j] * gy[i * DIM + j];
        expect(Math.abs(ip[i] - s)).toBeLessThanOrEqual(DIM * 2 ** -52 * scaleOf);
      }
      // ‖x ⊖ y‖ = d(x, y): both in coordinates; one float32 subtraction apart.
      const dn = await norm(d);
      const dist = await distance(x, y);
      for (let i = 0; i < 3; i++) expect(Math.abs(dn[i] - dist[i])).toBeLessThanOrEqual(4 * EPS32 * scaleOf);
      // Control: the Euclidean inner product of the points is a different number.
      const px = await x.points().data();
      const py = await y.points().data();
      let pixel = 0;
      for (let j = 0; j < DIM; j++) pixel += px[j] * py[j];
      expect(Math.abs(pixel - ip[0])).toBeGreaterThan(1e-3);
    });
  });
});

describe("errors", () => {
  it("mixing spaces, batches or widths is a SpaceError with a stable code", async () => {
    const other = countingChart(DIM, 7);
    const Y = Space.induced(other, "Y");
    const [x, y, x2] = [vectorOf(X, 1), vectorOf(Y, 2), vectorOf(X, 3, 2)];
    await withVectors([x, y, x2], async () => {
      expect(() => add(x, y)).toThrow(SpaceError);
      expect(() => add(x, y)).toThrow(expect.objectContaining({ code: "LIN1021" }));
      await expect(inner(x, y)).rejects.toThrow(expect.objectContaining({ code: "LIN1021" }));
      expect(() => add(x, x2)).toThrow(expect.objectContaining({ code: "LIN1023" }));
      expect(() => combine([])).toThrow(expect.objectContaining({ code: "LIN1027" }));
      const wide = tf.zeros([1, DIM + 1]) as tf.Tensor2D;
      expect(() => Vector.fromPoints(X, wide)).toThrow(expect.objectContaining({ code: "LIN1022" }));
      wide.dispose();
    });
    expect(() => x.points()).toThrow(expect.objectContaining({ code: "LIN1029" }));
    other.dispose();
  });
});

describe("tensor hygiene", () => {
  it("hundreds of combinations, decoded and disposed, leave tf.memory() unchanged", async () => {
    const [x, y] = [vectorOf(X, 1), vectorOf(X, 2)];
    const once = async (): Promise<void> => {
      const s = combine([
        [0.5, x],
        [2, y],
      ]);
      s.points();
      await inner(s, x);
      s.dispose();
    };
    await once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 300; i++) await once();
    expect(tf.memory().numTensors).toBe(before);
    // Control: an undisposed result shows up.
    const leaked = add(x, y);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    leaked.dispose();
    x.dispose();
    y.dispose();
  });
});
