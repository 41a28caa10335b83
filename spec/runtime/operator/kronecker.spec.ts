// kronecker: A ⊗ B in the row-major convention (A ⊗ B)·vec(X) = vec(A·X·Bᵀ), against a dense float64
// oracle built entry by entry (support.ts oracleOf: (p·q₁ + q, i·c₁ + j) ↦ A[p, i]·B[q, j]): host
// application, transpose and the adjoint law, the mixed-product rule, scaling, powers, pinv (Penrose,
// rank product), SVD from the factors' SVDs (values = products, top-k), the range projector, the tfjs
// apply and the parameter names. Controls: the column-major convention (B ⊗ A) and vec(A·X·B) without
// the transpose are caught; a product of non-chaining Kroneckers stays lazy yet correct.
import { beforeAll, describe, expect, it } from "vitest";
import { frobeniusNorm, matmul, matrix, penroseViolations, subtract, svd as denseSvd, transpose as transposeM, type Matrix } from "../../../src/runtime/linalg/index.js";
import {
  kronecker,
  leadingSvd,
  lowRank,
  materialise,
  multiplyHost,
  operatorParameters,
  pinv,
  power,
  product,
  randomDense,
  rangeProjector,
  scale,
  svd,
  svdTop,
  transpose,
  type LinearOperator,
} from "../../../src/runtime/operator/index.js";
import { EPS64, applyError, apply32Tolerance, oracleOf, randomBatch, useTestBackend } from "./support.js";

beforeAll(useTestBackend);

const rel = (a: Matrix, b: Matrix): number => frobeniusNorm(subtract(a, b)) / Math.max(frobeniusNorm(b), Number.MIN_VALUE);
const dot = (a: Matrix, b: Matrix): number => a.data.reduce((s, x, i) => s + x * b.data[i], 0);

/**
 * Float64 tolerance, relative in Frobenius norm: each dense product of inner size ≤ n adds n·ε
 * (γ_n), and a rule here chains at most `depth` of them on operands of these small sizes (n ≤ 24);
 * 4·depth·n·ε leaves a factor 2 of slack over 2·γ_n per step.
 */
const tol = (n: number, depth = 1): number => 4 * depth * n * EPS64;

const a = randomDense(2, 3, 1);
const b = randomDense(4, 2, 2);
const k = kronecker(a, b); // [8, 6]
const kd = oracleOf(k);

function kindOf(op: LinearOperator): string {
  return op.kind;
}

describe("kronecker A ⊗ B (row-major)", () => {
  it("applies vec(X) ↦ vec(A·X·Bᵀ) on the host and in its dense matrix; controls: B ⊗ A and vec(A·X·B) differ", () => {
    const x = matrix(3, 2, Float64Array.of(0.5, -1, 2, 0.25, -0.75, 1.5)); // X [A.cols, B.cols]
    const want = matmul(matmul(a.matrix, x), transposeM(b.matrix)); // [2, 4]
    const got = multiplyHost(k, matrix(6, 1, x.data));
    expect(rel(matrix(2, 4, got.data), want)).toBeLessThanOrEqual(tol(6, 2));
    expect(rel(materialise(k), kd)).toBeLessThanOrEqual(tol(6));
    // A batch of columns at once equals column by column.
    const batch = randomBatch(6, 5, 3);
    expect(rel(multiplyHost(k, batch), matmul(kd, batch))).toBeLessThanOrEqual(tol(6, 2));
    // Control: the column-major convention swaps the factors (same shape only when they are square).
    const sq = kronecker(randomDense(2, 2, 4), randomDense(3, 3, 5));
    const swapped = kronecker(sq.b, sq.a);
    expect(rel(materialise(swapped), oracleOf(sq))).toBeGreaterThan(0.05);
    // Control: vec(A·X·B) (no transpose) on square factors is another map.
    const xs = matrix(2, 3, Float64Array.of(1, 2, -1, 0.5, 0, 3));
    const noTranspose = matmul(matmul((sq.a as { matrix: Matrix }).matrix, xs), (sq.b as { matrix: Matrix }).matrix);
    expect(rel(matrix(2, 3, multiplyHost(sq, matrix(6, 1, xs.data)).data), noTranspose)).toBeGreaterThan(0.05);
  });

  it("transposes factor-wise: (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ, ⟨Kx, y⟩ = ⟨x, Kᵀy⟩", () => {
    const kt = transpose(k);
    expect(kindOf(kt)).toBe("kronecker");
    expect(rel(materialise(kt), transposeM(kd))).toBeLessThanOrEqual(tol(8));
    const x = randomBatch(6, 1, 7);
    const y = randomBatch(8, 1, 8);
    const bound = tol(8, 3) * frobeniusNorm(kd) * frobeniusNorm(x) * frobeniusNorm(y);
    expect(Math.abs(dot(multiplyHost(k, x), y) - dot(x, multiplyHost(kt, y)))).toBeLessThanOrEqual(bound);
  });

  it("multiplies by the mixed-product rule (A ⊗ B)(C ⊗ D) = AC ⊗ BD; control: non-chaining factors stay a lazy product", () => {
    const right = kronecker(randomDense(3, 2, 9), randomDense(2, 3, 10)); // [6, 6]
    const p = product(k, right);
    expect(kindOf(p)).toBe("kronecker");
    expect(rel(materialise(p), matmul(kd, oracleOf(right)))).toBeLessThanOrEqual(tol(6, 3));
    const other = kronecker(randomDense(6, 1, 11), randomDense(1, 6, 12)); // [6, 6], factors don't chain with 3×? ⊗ 2×?
    const lazy = product(k, other);
    expect(kindOf(lazy)).toBe("product");
    expect(rel(materialise(lazy), matmul(kd, oracleOf(other)))).toBeLessThanOrEqual(tol(6, 3));
  });

  it("scales one factor and raises square factors to the power", () => {
    const s = scale(-2.5, k);
    expect(kindOf(s)).toBe("kronecker");
    expect(rel(materialise(s), oracleOf({ kind: "scaled", rows: 8, cols: 6, scale: -2.5, inner: k }))).toBeLessThanOrEqual(tol(6));
    const sq = kronecker(randomDense(2, 2, 13), randomDense(3, 3, 14));
    const cube = power(sq, 3);
    expect(kindOf(cube)).toBe("kronecker");
    const o = oracleOf(sq);
    expect(rel(materialise(cube), matmul(o, matmul(o, o)))).toBeLessThanOrEqual(tol(6, 4));
  });

  it("inverts as A⁺ ⊗ B⁺: Penrose holds and the rank is rank(A)·rank(B) for a rank-deficient factor", () => {
    const result = pinv(k);
    expect(kindOf(result.operator)).toBe("kronecker");
    expect(result.rank).toBe(2 * 2);
    // κ of these seeds ≤ 1e2 (the dense SVD says), each condition a chain of 3 products.
    const s = denseSvd(kd).s;
    const kappa = s[0] / s[3];
    expect(penroseViolations(kd, materialise(result.operator)).worst).toBeLessThanOrEqual(kappa * tol(8, 3));
    const deficient = kronecker(lowRank(randomDense(3, 1, 15).matrix, randomDense(3, 1, 16).matrix), randomDense(2, 2, 17)); // rank 1 ⊗ rank 2
    const dp = pinv(deficient);
    expect(dp.rank).toBe(2);
    expect(svd(deficient).rank).toBe(2);
    expect(penroseViolations(oracleOf(deficient), materialise(dp.operator)).worst).toBeLessThanOrEqual(1e2 * tol(6, 3));
  });

  it("has singular values σᵢ(A)·σⱼ(B), vectors the Kronecker products of the factors', and a top-k variant", () => {
    const result = svd(k);
    const dense = denseSvd(kd).s;
    expect(result.s.length).toBe(4); // thin: rank(A)·rank(B) = 2·2 (the dense SVD's other 2 are 0)
    // Weyl: |Δσ| ≤ ‖ΔK‖₂ ≤ tol·‖K‖_F.
    result.s.forEach((s, i) => expect(Math.abs(s - dense[i])).toBeLessThanOrEqual(tol(8, 2) * frobeniusNorm(kd)));
    const us = matrix(8, 4);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 4; j++) us.data[i * 4 + j] = result.u.data[i * 4 + j] * result.s[j];
    expect(rel(matmul(us, transposeM(result.v)), kd)).toBeLessThanOrEqual(tol(8, 3));
    const gram = matmul(transposeM(result.u), result.u);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(Math.abs(gram.data[i * 4 + j] - (i === j ? 1 : 0))).toBeLessThanOrEqual(tol(8, 2));
    const top = svdTop(k, 2);
    expect(Array.from(top.s)).toEqual(Array.from(result.s.slice(0, 2)));
    expect(top.u.cols).toBe(2);
    expect(top.rank).toBe(result.rank);
  });

  it("leadingSvd gives the top-k triplets and all min(m, n) values (products, then zeros)", () => {
    const lead = leadingSvd(k, 2);
    expect(Array.from(lead.s)).toEqual(Array.from(svd(k).s.slice(0, 2)));
    expect(lead.values.length).toBe(6);
    const dense = denseSvd(kd).s;
    lead.values.forEach((x, i) => expect(Math.abs(x - dense[i])).toBeLessThanOrEqual(tol(8, 2) * frobeniusNorm(kd)));
  });

  it("projects onto its range as P_A ⊗ P_B: idempotent, symmetric, P·K = K", () => {
    const p = rangeProjector(k);
    expect(p.kind).toBe("kronecker");
    const pm = materialise(p);
    expect(rel(matmul(pm, pm), pm)).toBeLessThanOrEqual(tol(8, 2));
    expect(rel(transposeM(pm), pm)).toBeLessThanOrEqual(tol(8));
    expect(rel(matmul(pm, kd), kd)).toBeLessThanOrEqual(tol(8, 2));
  });

  it("applies on tfjs as B on each row of X then A on each column, and its transpose", async () => {
    const x = randomBatch(3, 6, 18);
    expect(await applyError(k, kd, x)).toBeLessThanOrEqual(apply32Tolerance(k));
    const y = randomBatch(3, 8, 19);
    expect(await applyError(k, kd, y, true)).toBeLessThanOrEqual(apply32Tolerance(k));
  });

  it("names its parameters a.* and b.*", () => {
    expect([...operatorParameters(k, "K.").keys()].sort()).toEqual(["K.a.weight", "K.b.weight"]);
  });
});
