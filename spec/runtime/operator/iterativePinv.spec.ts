// pinv on the matrix-free route: an operator with no structured pseudo-inverse and too large for a
// dense one (D = 4800 > 4096) becomes an iterative_pinv, never formed, applied per vector by LSQR.
// Checked by the least-squares conditions on the host and on tfjs, its transpose by the adjoint
// identity, and against A itself (A·A⁺·b = b for this invertible A); applying A instead is the control.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { frobeniusNorm, matmul, subtract, transpose as transposeMatrix } from "../../../src/runtime/linalg/index.js";
import { apply, diagonal, lastSolve, multiplyHost, pinv, product, randomDepthwiseConv, transpose, float32Tensor, hostMatrix } from "../../../src/runtime/operator/index.js";
import { gaussianMatrix } from "../../support/random.js";
import { EPS32, useTestBackend } from "./support.js";

beforeAll(useTestBackend);

// diag(d)·K, K a zero-padded 3×3 depthwise conv on R[3, 40, 40] near the identity (seeded init: the
// centre tap 1 plus 0.1·noise), d in [0.5, 1]: invertible and well conditioned, so LSQR converges fast.
const conv = randomDepthwiseConv({ channels: 3, height: 40, width: 40, size: 3 }, 3);
const n = conv.rows;
const op = product(diagonal(Float64Array.from({ length: n }, (_, i) => 0.5 + 0.5 * Math.cos(i) ** 2)), conv);
const b = gaussianMatrix(n, 2, 4);

describe("pinv on the matrix-free route (iterative_pinv)", { timeout: 60_000 }, () => {
  it("is an iterative_pinv, not a matrix; A·(A⁺b) = b to LSQR's tolerance, with its iterations reported", () => {
    const result = pinv(op);
    expect(result.method).toBe("matrix-free");
    expect(result.operator.kind).toBe("iterative_pinv");
    const x = multiplyHost(result.operator, b);
    const solve = lastSolve(result.operator);
    if (solve === undefined) throw new Error("the LSQR run is recorded");
    expect(solve.converged).toBe(true);
    expect(solve.columns.every((c) => c.iterations > 0 && c.iterations < 200)).toBe(true);
    // LSQR stops at ‖r‖ ≤ btol·‖b‖ + atol·‖A‖·‖x‖ (1e-12 each): for a consistent system A·x = b.
    const residual = frobeniusNorm(subtract(multiplyHost(op, x), b)) / frobeniusNorm(b);
    expect(residual).toBeLessThanOrEqual(1e-10);
    // Control: x is not b (A is not the identity), nor does A·b give b back.
    expect(frobeniusNorm(subtract(multiplyHost(op, b), b)) / frobeniusNorm(b)).toBeGreaterThan(1e-2);
  });

  it("its transpose is (Aᵀ)⁺: ⟨A⁺b, c⟩ = ⟨b, (A⁺)ᵀc⟩", () => {
    const p = pinv(op).operator;
    const c = gaussianMatrix(n, 2, 5);
    const left = matmul(transposeMatrix(multiplyHost(p, b)), c);
    const right = matmul(transposeMatrix(b), multiplyHost(transpose(p), c));
    // Both sides are exact up to LSQR's 1e-12 relative solves (κ(A) ≈ 10 here) times ‖b‖‖c‖.
    const scale = frobeniusNorm(b) * frobeniusNorm(c);
    expect(frobeniusNorm(subtract(left, right))).toBeLessThanOrEqual(1e-9 * scale);
    // Control: A's own transpose in place of (A⁺)ᵀ breaks the identity.
    const wrong = matmul(transposeMatrix(b), multiplyHost(transpose(op), c));
    expect(frobeniusNorm(subtract(left, wrong))).toBeGreaterThan(1e-3 * scale);
  });

  it("applies on tfjs through the host: rows of X·(A⁺)ᵀ equal the float64 solves to float32 rounding", async () => {
    const p = pinv(op).operator;
    const rows = transposeMatrix(b); // two row vectors
    const input = float32Tensor(rows);
    const y = apply(p, input);
    const got = await hostMatrix(y);
    tf.dispose([input, y]);
    const want = transposeMatrix(multiplyHost(p, transposeMatrix(await hostMatrix(float32Tensor(rows)))));
    // One float32 rounding of each output entry: ≤ ε₃₂·‖A⁺X‖_F.
    expect(frobeniusNorm(subtract(got, want))).toBeLessThanOrEqual(2 * EPS32 * frobeniusNorm(want));
  });
});
