// Every operator kind against its dense float64 oracle: materialise, apply, applyTranspose, toTensor;
// orthogonality and projector laws; errors; and tensor hygiene over many applies.
import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { frobeniusNorm, matmul, matrix, subtract, transpose as transposeM, identityMatrix, type Matrix } from "../../../src/runtime/linalg/index.js";
import {
  OperatorError,
  apply,
  applyTranspose,
  at,
  diagonal,
  erf,
  gelu,
  householder,
  lowRank,
  materialise,
  randomHouseholder,
  randomProjector,
  randomTimeConditioned,
  releaseTensors,
  sinusoidalEmbedding,
  svdFactored,
  hostMatrix,
  toTensor,
  type LinearOperator,
  type Projector,
} from "../../../src/runtime/operator/index.js";
import {
  EPS32,
  apply32Tolerance,
  applyError,
  compositeArb,
  float64Tolerance,
  makeOperator,
  oracleConditioning,
  oracleOf,
  perturbed,
  randomBatch,
  rectangularLeafArb,
  relativeDifference,
  squareLeafArb,
  useTestBackend,
} from "./support.js";

beforeAll(useTestBackend);

const anyOperatorArb = fc.oneof(squareLeafArb, rectangularLeafArb, compositeArb);

describe("materialise", () => {
  it("equals the textbook dense formula of every kind", () => {
    fc.assert(
      fc.property(anyOperatorArb, (op) => {
        const oracle = oracleOf(op);
        // Up to 8 sequential float64 products of inner size ≤ n + 3 (composites of three factors of
        // depth ≤ 3), amplified by the oracle's own conditioning.
        const tol = float64Tolerance(Math.max(op.rows, op.cols) + 3, 8) * oracleConditioning(op);
        const scale = Math.max(frobeniusNorm(oracle), 1);
        expect(relativeDifference(materialise(op), oracle, scale)).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 60 },
    );
  });

  it("control: a perturbed oracle is told apart", () => {
    fc.assert(
      fc.property(anyOperatorArb, fc.nat(), (op, seed) => {
        const oracle = perturbed(oracleOf(op), seed);
        const tol = float64Tolerance(Math.max(op.rows, op.cols) + 3, 8) * oracleConditioning(op);
        expect(relativeDifference(materialise(op), oracle, Math.max(frobeniusNorm(oracle), 1))).toBeGreaterThan(tol);
      }),
      { numRuns: 30 },
    );
  });
});

describe("apply (row batches: X·Aᵀ) and applyTranspose (X·A) in float32", () => {
  it("match X·Aᵀ and X·A of the float64 oracle within the float32 rounding model", async () => {
    await fc.assert(
      fc.asyncProperty(anyOperatorArb, fc.integer({ min: 1, max: 5 }), fc.nat(), async (op, batch, seed) => {
        const oracle = oracleOf(op);
        const tol = apply32Tolerance(op);
        expect(await applyError(op, oracle, randomBatch(batch, op.cols, seed))).toBeLessThanOrEqual(tol);
        expect(await applyError(op, oracle, randomBatch(batch, op.rows, seed + 1), true)).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 60 },
    );
  });

  it("control: the same comparison rejects a perturbed operator", async () => {
    await fc.assert(
      fc.asyncProperty(anyOperatorArb, fc.nat(), async (op, seed) => {
        const wrong = perturbed(oracleOf(op), seed);
        // A 4-row batch: the perturbed column is hit by four Gaussian entries.
        expect(await applyError(op, wrong, randomBatch(4, op.cols, seed))).toBeGreaterThan(apply32Tolerance(op));
      }),
      { numRuns: 30 },
    );
  });

  it("toTensor is the float32 rounding of the oracle", async () => {
    await fc.assert(
      fc.asyncProperty(anyOperatorArb, async (op) => {
        const t = toTensor(op);
        const got = await hostMatrix(t);
        t.dispose();
        const oracle = oracleOf(op);
        // Each entry is rounded once to float32 (relative ε₃₂/2) after the float64 materialisation.
        const tol = EPS32 + float64Tolerance(op.rows + 3, 8) * oracleConditioning(op);
        expect(relativeDifference(got, oracle, Math.max(frobeniusNorm(oracle), 1))).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 30 },
    );
  });

  it("rejects a batch of the wrong width with a stable code", () => {
    const op = makeOperator("dense", 3, 4, 1, 7);
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => apply(op, x)).toThrow(expect.objectContaining({ code: "LIN1001" }));
    expect(() => applyTranspose(op, tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(OperatorError);
    x.dispose();
  });
});

describe("structural laws of the special kinds", () => {
  it("orthogonal kinds satisfy QᵀQ = I; a non-orthogonal matrix (control) does not", () => {
    fc.assert(
      fc.property(fc.constantFrom("householder" as const, "cayley" as const), fc.integer({ min: 1, max: 7 }), fc.nat(), (kind, n, seed) => {
        const q = materialise(makeOperator(kind, n, n, 1, seed));
        // QᵀQ is one float64 product over n terms on top of Q's own construction (≤ n reflectors or
        // one solve with κ(I − S) ≤ ~10 for these weights).
        const tol = float64Tolerance(n, n + 2) * 10;
        expect(relativeDifference(matmul(transposeM(q), q), identityMatrix(n), Math.sqrt(n))).toBeLessThanOrEqual(tol);
        const control = materialise(makeOperator("dense", n, n, 1, seed));
        expect(relativeDifference(matmul(transposeM(control), control), identityMatrix(n), Math.sqrt(n))).toBeGreaterThan(tol);
      }),
      { numRuns: 30 },
    );
  });

  it("projectors are idempotent and symmetric; a non-orthonormal 'projector' (control) is not", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }), fc.nat(), fc.nat(), (n, rankSeed, seed) => {
        const r = 1 + (rankSeed % (n - 1));
        const p = randomProjector(n, r, seed);
        const m = materialise(p);
        const tol = float64Tolerance(n, 4);
        expect(relativeDifference(matmul(m, m), m, frobeniusNorm(m))).toBeLessThanOrEqual(tol);
        expect(relativeDifference(transposeM(m), m, frobeniusNorm(m))).toBeLessThanOrEqual(tol);
        // Control: Q·Qᵀ with Q = 2·(orthonormal) is symmetric but not idempotent.
        const fake: Projector = {
          ...p,
          q: matrix(
            p.q.rows,
            p.q.cols,
            p.q.data.map((x) => 2 * x),
          ),
        };
        const f = materialise(fake);
        expect(relativeDifference(matmul(f, f), f, frobeniusNorm(f))).toBeGreaterThan(tol);
      }),
      { numRuns: 30 },
    );
  });

  it("builders validate their parameters with stable codes", () => {
    const u = matrix(3, 2, [1, 0, 0, 1, 0, 0]);
    expect(() => lowRank(u, matrix(4, 1))).toThrow(expect.objectContaining({ code: "LIN1001" }));
    expect(() => householder(matrix(1, 3))).toThrow(expect.objectContaining({ code: "LIN1004" }));
    expect(() => diagonal([1, Number.NaN])).toThrow(expect.objectContaining({ code: "LIN1004" }));
    expect(() => svdFactored(matrix(3, 2, [1, 0, 0, 2, 0, 0]), [1, 1], u)).toThrow(expect.objectContaining({ code: "LIN1005" }));
    expect(svdFactored(u, [1, 2], u).kind).toBe("svd_factored");
    expect(() => randomProjector(3, 4, 0)).toThrow(OperatorError);
  });

  it("seeded initialisation is reproducible and seed-dependent", () => {
    const a = materialise(randomHouseholder(5, 11));
    const b = materialise(randomHouseholder(5, 11));
    const c = materialise(randomHouseholder(5, 12));
    expect(frobeniusNorm(subtract(a, b))).toBe(0);
    expect(frobeniusNorm(subtract(a, c))).toBeGreaterThan(0.1);
  });
});

describe("time_conditioned", () => {
  it("the sinusoidal embedding follows exp(−k·ln 10⁴/(half − 1)) with [sin, cos] halves", () => {
    const t = 0.37;
    const e = sinusoidalEmbedding(t, 8);
    for (let k = 0; k < 4; k++) {
      const f = Math.pow(10000, -k / 3);
      expect(e[k]).toBeCloseTo(Math.sin(t * f), 14);
      expect(e[4 + k]).toBeCloseTo(Math.cos(t * f), 14);
    }
  });

  it("erf and GELU agree with their defining series (control: tanh-GELU differs measurably)", () => {
    // erf(x) = 2/√π Σ (−1)ⁿ x^{2n+1} / (n!(2n+1)): converges fast for |x| ≤ 2.
    const series = (x: number): number => {
      let sum = 0;
      let term = x;
      for (let n = 0; n < 60; n++) {
        sum += term / (2 * n + 1);
        term *= (-x * x) / (n + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    // The Chebyshev fit's fractional error on erfc is < 1.2e-7, so |Δerf| < 1.2e-7·erfc ≤ 2.4e-7.
    for (const x of [-2, -1.3, -0.5, 0, 0.1, 0.7, 1.5, 2]) {
      expect(Math.abs(erf(x) - series(x))).toBeLessThan(2.4e-7);
      expect(Math.abs(gelu(x) - 0.5 * x * (1 + series(x / Math.SQRT2)))).toBeLessThanOrEqual(2.4e-7 * Math.abs(x));
    }
    const tanhGelu = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    expect(Math.abs(gelu(1.5) - tanhGelu(1.5))).toBeGreaterThan(2.4e-7 * 1.5);
  });

  it("at(t) is identity-plus-low-rank, equal to α·I + U(t)V(t)ᵀ from the hypernetworks, and changes with t", () => {
    const n = 5;
    const rank = 2;
    const op = randomTimeConditioned({ n, rank, embedDim: 8, hidden: 6 }, 3);
    // An independent evaluation with dense matrix products (column vectors).
    const mlp = (layers: typeof op.u.layers, t: number): Matrix => {
      let h = matrix(8, 1, sinusoidalEmbedding(t, 8));
      layers.forEach((layer, i) => {
        h = matmul(layer.weight, h);
        for (let j = 0; j < h.rows; j++) h.data[j] += layer.bias[j];
        if (i < 2) h = matrix(h.rows, 1, h.data.map(gelu));
      });
      return matrix(n, rank, h.data);
    };
    for (const t of [0, 0.25, 1]) {
      const a = at(op, t);
      expect(a.kind).toBe("identity_plus_lowrank");
      const oracle = matmul(mlp(op.u.layers, t), transposeM(mlp(op.v.layers, t)));
      for (let i = 0; i < n; i++) oracle.data[i * n + i] += 1;
      expect(relativeDifference(materialise(a), oracle, frobeniusNorm(oracle))).toBeLessThanOrEqual(float64Tolerance(8, 4));
    }
    expect(relativeDifference(materialise(at(op, 0)), materialise(at(op, 1)), 1)).toBeGreaterThan(1e-6);
    const x = tf.ones([1, n]) as tf.Tensor2D;
    expect(() => apply(op, x)).toThrow(expect.objectContaining({ code: "LIN1007" }));
    expect(() => materialise(op)).toThrow(expect.objectContaining({ code: "LIN1007" }));
    x.dispose();
  });
});

describe("tensor hygiene", () => {
  it("thousands of applies leave tf.memory() unchanged after the first upload of the parameters", () => {
    const ops = [
      makeOperator("dense", 6, 6, 2, 1),
      makeOperator("identity_plus_lowrank", 6, 6, 2, 2),
      makeOperator("householder", 6, 6, 2, 3),
      makeOperator("svd_factored", 6, 6, 3, 4),
    ];
    const composite: LinearOperator = { kind: "product", rows: 6, cols: 6, factors: ops };
    const x = tf.randomNormal([4, 6], 0, 1, "float32", 1) as tf.Tensor2D;
    const once = (): void => {
      apply(composite, x).dispose();
      applyTranspose(composite, x).dispose();
    };
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    // Control: not disposing the result is visible in the count.
    const leaked = apply(composite, x);
    expect(tf.memory().numTensors).toBe(before + 1);
    leaked.dispose();
    x.dispose();
  });
});

describe("releaseTensors", () => {
  it("frees the uploaded parameter copies (and they are re-uploaded on the next apply)", () => {
    const op = makeOperator("lowrank", 7, 5, 2, 21);
    const x = tf.ones([2, 5]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    apply(op, x).dispose();
    const cached = tf.memory().numTensors - before;
    expect(cached).toBeGreaterThan(0); // V and Uᵀ are now on the backend
    releaseTensors(op);
    expect(tf.memory().numTensors).toBe(before);
    const y = apply(op, x);
    expect(y.shape).toEqual([2, 7]);
    y.dispose();
    releaseTensors(op);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
