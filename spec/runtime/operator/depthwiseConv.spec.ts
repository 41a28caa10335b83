// depthwise_conv and its indexed form: the host application, the dense matrix and the tfjs apply
// against PyTorch's conv2d(groups = C, padding = 'same') on the same kernel and input; the adjoint law
// with a wrong-padding control; style selection and exact operator interpolation, with the reference's
// index interpolation through a nonlinear MLP as the control; errors and the parameter layout.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { matrix, type Matrix } from "../../../src/runtime/linalg/index.js";
import {
  OperatorError,
  apply,
  at,
  convMatrix,
  convNormBound,
  depthwiseConv,
  gelu,
  indexedDepthwiseConv,
  materialise,
  multiplyHost,
  operatorFromParameters,
  operatorParameters,
  randomIndexedDepthwiseConv,
  scale,
  sinusoidalEmbedding,
  styleAt,
  styledConvRows,
  sum,
  svd,
  transpose,
  transposeConv,
  type ConvGeometry,
  type DepthwiseConv,
} from "../../../src/runtime/operator/index.js";
import { seededRandom } from "../../../src/runtime/random.js";
import { registerTrainingGradients } from "../../../src/train/gradients.js";
import { torchMissing, torchScript } from "../../support/torch.js";
import { EPS32, EPS64, applyError, oracleOf, randomBatch, useTestBackend } from "./support.js";

beforeAll(useTestBackend);

/** Row b of a [batch, n] matrix as a column matrix [n, 1]. */
function column(x: Matrix, b: number): Matrix {
  return matrix(x.cols, 1, x.data.subarray(b * x.cols, (b + 1) * x.cols));
}

/** A seeded [C, k, k] kernel with float32-exact entries, so both engines start from the same numbers. */
function seededKernel(g: ConvGeometry, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from(Float32Array.from({ length: g.channels * g.size * g.size }, () => random.normal()));
}

/** apply(op, X) on the test backend, as a flat float64 array. */
async function applyRows(op: DepthwiseConv, x: Matrix): Promise<Float64Array> {
  const t = apply(op, tf.tensor2d(Float32Array.from(x.data), [x.rows, x.cols]));
  const out = Float64Array.from(await t.data());
  t.dispose();
  return out;
}

const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * |y_exact − y| per output: each output is a sum of at most k² products w·x, so in float64 the error
 * is ≤ γ_{k²}·Σ|w||x| ≤ k²·ε₆₄·‖w_c‖₁·max|x| (γ_m ≤ m·ε for mε ≪ 1). Both engines carry such an error,
 * hence 2×. In float32 (tfjs) the kernel is stored as float32 (exact here: seededKernel) and the sum
 * carries k²·ε₃₂·‖w_c‖₁·max|x|; PyTorch's float64 side adds the float64 term, far below.
 */
function convBound(kernel: Float64Array, g: ConvGeometry, x: ArrayLike<number>, eps: number): number {
  const per = g.size * g.size;
  let l1 = 0;
  for (let c = 0; c < g.channels; c++) l1 = Math.max(l1, maxAbs(kernel.subarray(c * per, (c + 1) * per)) * per);
  return 2 * per * eps * l1 * maxAbs(x);
}

/** One cross-engine case: a kernel and a batch on a layout, and torch's outputs (rows of [batch, n]). */
interface TorchCase {
  readonly g: ConvGeometry;
  readonly kernel: Float64Array;
  readonly x: Matrix;
}

describe.skipIf(torchMissing !== undefined)("against PyTorch's conv2d(groups = C, padding = 'same')", () => {
  // Even k (asymmetric padding: (k−1)//2 before, k//2 after) and odd k, on non-square images.
  const cases: TorchCase[] = [
    { channels: 3, height: 5, width: 6, size: 4 },
    { channels: 2, height: 4, width: 3, size: 3 },
  ].map((g, i) => ({ g, kernel: seededKernel(g, 7 + i), x: randomBatch(2, g.channels * g.height * g.width, 11 + i) }));
  let torch: number[][][] = [];

  beforeAll(() => {
    // One python process for every case: importing torch dominates the cost.
    const dir = mkdtempSync(join(tmpdir(), "linea-dwconv-"));
    const spec = cases.map(({ g, kernel, x }) => ({ ...g, kernel: Array.from(kernel), x: Array.from(x.data), batch: x.rows }));
    torch = torchScript<number[][][]>(
      dir,
      `import torch.nn.functional as F
out = []
for c in ${JSON.stringify(spec)}:
    w = torch.tensor(c["kernel"], dtype=torch.float64).view(c["channels"], 1, c["size"], c["size"])
    x = torch.tensor(c["x"], dtype=torch.float64).view(c["batch"], c["channels"], c["height"], c["width"])
    out.append(F.conv2d(x, w, groups=c["channels"], padding='same').reshape(c["batch"], -1).tolist())
print(json.dumps(out))`,
    );
  });

  cases.forEach(({ g, kernel, x }, index) => {
    it(`k = ${g.size} on R[${g.channels}, ${g.height}, ${g.width}]: host, dense matrix and tfjs apply all match torch`, async () => {
      const op = depthwiseConv(g, kernel);
      const n = op.rows;
      const dense = convMatrix(op);
      for (let b = 0; b < x.rows; b++) {
        const xb = column(x, b);
        const want = torch[index][b];
        const tol = convBound(kernel, g, xb.data, EPS64);
        const host = multiplyHost(op, xb).data;
        const viaDense = multiplyHost({ kind: "dense", rows: n, cols: n, matrix: dense }, xb).data;
        expect(maxAbs(host.map((v, i) => v - want[i]))).toBeLessThanOrEqual(tol);
        // The dense product sums n terms, only k² of them non-zero: the same bound holds.
        expect(maxAbs(viaDense.map((v, i) => v - want[i]))).toBeLessThanOrEqual(tol);
      }
      // tfjs (float32) against torch's outputs: applyError is ‖Δ‖_F/‖X‖_F; the per-output bound (with
      // max|x| ≤ ‖X‖_F, hence max|x| = 1 after dividing) times √(n·b) bounds ‖Δ‖_F/‖X‖_F.
      const tol32 = convBound(kernel, g, [1], EPS32) * Math.sqrt(n * x.rows);
      const y = await applyRows(op, x);
      const want = torch[index].flat();
      const frob = Math.sqrt(x.data.reduce((s, v) => s + v * v, 0));
      expect(Math.sqrt(y.reduce((s, v, i) => s + (v - want[i]) ** 2, 0)) / frob).toBeLessThanOrEqual(tol32);
    });
  });

  it("control: the symmetric-padding convolution (k//2 before) differs from torch's 'same' for an even k", () => {
    const { g, kernel, x } = cases[0];
    const shifted: DepthwiseConv = { ...depthwiseConv(g, kernel), padTop: 2, padLeft: 2 };
    const xb = column(x, 0);
    const wrong = multiplyHost(shifted, xb).data;
    expect(maxAbs(wrong.map((v, i) => v - torch[0][0][i]))).toBeGreaterThan(1e6 * convBound(kernel, g, xb.data, EPS64));
  });
});

describe("the dense matrix", () => {
  it("equals the Toeplitz formula of the support oracle (an independent indexing), for 'same' and transposed padding", () => {
    const g = { channels: 2, height: 4, width: 5, size: 4 };
    const op = depthwiseConv(g, seededKernel(g, 3));
    for (const k of [op, transposeConv(op)]) {
      // Both place the same single kernel tap in each entry: exact equality.
      expect(Array.from(convMatrix(k).data)).toEqual(Array.from(oracleOf(k).data));
    }
  });

  it("convNormBound bounds ‖K‖₂ (float64 SVD of the dense matrix); control: for positive taps it is nearly attained", () => {
    const g = { channels: 2, height: 8, width: 8, size: 2 };
    const op = depthwiseConv(g, seededKernel(g, 5));
    const positive = depthwiseConv(g, Float64Array.from(op.kernel, Math.abs));
    for (const k of [op, positive]) {
      const sigma = svd(k).s[0];
      // The SVD's σ₁ is accurate to ~n·ε₆₄·σ₁ (backward-stable SVD); the bound is an inequality.
      expect(sigma).toBeLessThanOrEqual(convNormBound(k) * (1 + 64 * EPS64 * k.rows));
    }
    // All-positive taps: the constant image is amplified by Σw away from the border, so σ₁ > Σw/2.
    expect(svd(positive).s[0]).toBeGreaterThan(0.5 * convNormBound(positive));
  });

  it("is refused above the size limit with LIN1172 (the operator is still applied matrix-free)", () => {
    const big = depthwiseConv({ channels: 3, height: 64, width: 64, size: 4 }, new Float64Array(48).fill(0.5));
    expect(() => materialise(big)).toThrow(expect.objectContaining({ code: "LIN1172" }));
    expect(multiplyHost(big, matrix(big.cols, 1, new Float64Array(big.cols).fill(1))).rows).toBe(big.rows);
  });
});

describe("the adjoint law ⟨K·x, y⟩ = ⟨x, Kᵀ·y⟩", () => {
  const g = { channels: 3, height: 5, width: 4, size: 4 };
  const op = depthwiseConv(g, seededKernel(g, 21));
  const x = column(randomBatch(1, op.cols, 22), 0);
  const y = column(randomBatch(1, op.rows, 23), 0);
  const dot = (a: Matrix, b: Matrix): number => a.data.reduce((s, v, i) => s + v * b.data[i], 0);
  const norm = (a: Matrix): number => Math.sqrt(dot(a, a));
  // Each side: K·x (k² terms per entry) then an n-term inner product, in float64: by Cauchy–Schwarz and
  // ‖K‖₂ ≤ max_c ‖w_c‖₁, |error| ≤ (n + k²)·ε₆₄·max_c ‖w_c‖₁·‖x‖·‖y‖ per side, two sides.
  const l1 = Math.max(...[0, 1, 2].map((c) => op.kernel.subarray(c * 16, (c + 1) * 16).reduce((s, w) => s + Math.abs(w), 0)));
  const tol = 2 * (op.rows + 16) * EPS64 * l1 * norm(x) * norm(y);
  const gap = (adjoint: DepthwiseConv): number => Math.abs(dot(multiplyHost(op, x), y) - dot(x, multiplyHost(adjoint, y)));

  it("holds for transpose(K) (flipped kernel, padding k−1−(k−1)//2)", () => {
    const t = transpose(op);
    expect(t.kind).toBe("depthwise_conv");
    expect(gap(t as DepthwiseConv)).toBeLessThanOrEqual(tol);
  });

  it("control: the flipped kernel with the forward's padding (the untransposed offset) is caught", () => {
    const t = transposeConv(op);
    expect(gap({ ...t, padTop: op.padTop, padLeft: op.padLeft })).toBeGreaterThan(1e6 * tol);
  });

  it("holds on tfjs too: applyTranspose is the float32 X·K (against the dense oracle)", async () => {
    const oracle = convMatrix(op);
    const batch = randomBatch(3, op.rows, 24);
    // Per output ≤ k² float32 products (convBound with ε₃₂), Frobenius over the batch ≤ √(n·b)·that.
    expect(await applyError(op, oracle, batch, true)).toBeLessThanOrEqual(convBound(op.kernel, g, [1], EPS32) * Math.sqrt(op.rows * 3));
  });
});

describe("styles and interpolation", () => {
  const g = { channels: 3, height: 4, width: 4, size: 4 };
  const K = randomIndexedDepthwiseConv(g, 4, 5);
  const per = 48;

  it("at(K, s) is style s's kernel, and K itself cannot be applied without a style (LIN1007)", () => {
    for (let s = 0; s < 4; s++) expect(Array.from((at(K, s) as DepthwiseConv).kernel)).toEqual(Array.from(K.kernels.subarray(s * per, (s + 1) * per)));
    expect(() => multiplyHost(K, matrix(K.cols, 1))).toThrow(expect.objectContaining({ code: "LIN1007" }));
  });

  it("a style index that is not a whole number in 0…styles−1 is LIN1170 (a flow time, a fifth style)", () => {
    for (const bad of [0.5, -1, 4]) expect(() => styleAt(K, bad)).toThrow(expect.objectContaining({ code: "LIN1170" }));
  });

  // Each kernel entry of α·k₀ + (1−α)·k₃ is two products and a sum: ≤ 2ε₆₄ relative; applied, the
  // outputs then differ from α·K₀x + (1−α)·K₃x (three roundings more per term) by ≤ 2·convBound.
  const x = column(randomBatch(1, K.cols, 31), 0);
  const mixTol = (kernel: Float64Array): number => 4 * convBound(kernel, g, x.data, EPS64);

  it("α·A₀ + (1−α)·A₃ is one convolution whose outputs are α·A₀x + (1−α)·A₃x (linear in α)", () => {
    for (const alpha of [0, 0.35, 0.65, 1]) {
      const mixed = sum(scale(alpha, at(K, 0)), scale(1 - alpha, at(K, 3)));
      expect(mixed.kind).toBe("depthwise_conv");
      const want = multiplyHost(at(K, 0), x).data.map((v, i) => alpha * v + (1 - alpha) * multiplyHost(at(K, 3), x).data[i]);
      const got = multiplyHost(mixed, x).data;
      expect(maxAbs(got.map((v, i) => v - want[i]))).toBeLessThanOrEqual(mixTol((mixed as DepthwiseConv).kernel));
    }
  });

  it("control: the reference's interpolation (an MLP of the interpolated index) is not that combination", () => {
    // A seeded stand-in for LinearKernel: embedding(s) → Linear → GELU → Linear → 48 kernel numbers.
    const random = seededRandom(41);
    const layer = (rows: number, cols: number): Matrix =>
      matrix(
        rows,
        cols,
        Float64Array.from({ length: rows * cols }, () => random.normal() / Math.sqrt(cols)),
      );
    const w1 = layer(32, 16);
    const w2 = layer(per, 32);
    const mlp = (s: number): Float64Array =>
      multiplyHost(
        { kind: "dense", rows: per, cols: 32, matrix: w2 },
        matrix(32, 1, multiplyHost({ kind: "dense", rows: 32, cols: 16, matrix: w1 }, matrix(16, 1, sinusoidalEmbedding(s, 16))).data.map(gelu)),
      ).data;
    const table = indexedDepthwiseConv(g, 4, Float64Array.from([0, 1, 2, 3].flatMap((s) => Array.from(mlp(s)))));
    const alpha = 0.35;
    const linear = multiplyHost(sum(scale(alpha, at(table, 0)), scale(1 - alpha, at(table, 3))), x).data;
    const viaIndex = multiplyHost(depthwiseConv(g, mlp(alpha * 0 + (1 - alpha) * 3)), x).data;
    expect(maxAbs(linear.map((v, i) => v - viaIndex[i]))).toBeGreaterThan(1e6 * mixTol(table.kernels));
  });
});

describe("styledConvRows: one style per batch row, differentiable in the kernel table (what a trainer optimises)", () => {
  const g = { channels: 3, height: 4, width: 5, size: 4 };
  const K = randomIndexedDepthwiseConv(g, 4, 13);
  const rowStyles = [0, 3, 1, 3];
  const x = randomBatch(rowStyles.length, K.cols, 14);
  const w = randomBatch(rowStyles.length, K.rows, 15);
  const kernels = (): tf.Tensor4D => tf.tensor4d(Float32Array.from(K.kernels), [4, 3, 4, 4]);
  const xt = (): tf.Tensor2D => tf.tensor2d(Float32Array.from(x.data), [x.rows, x.cols]);
  const l1 = Math.max(...Array.from({ length: 12 }, (_, i) => K.kernels.subarray(i * 16, (i + 1) * 16).reduce((a, v) => a + Math.abs(v), 0)));

  it("row b is at(K, styles[b]) applied to x_b; control: another style assignment is caught", async () => {
    const y = tf.tidy(() => styledConvRows(kernels(), g, rowStyles, xt()));
    const got = Float64Array.from(await y.data());
    y.dispose();
    const error = (assignment: readonly number[]): number =>
      Math.max(...assignment.map((s, b) => maxAbs(multiplyHost(styleAt(K, s), column(x, b)).data.map((v, i) => v - got[b * K.rows + i]))));
    // Float32 kernels (rounded once, ε₃₂ relative) and k² products per output, plus a sum over S
    // masked terms of which S − 1 are exact zeros: ≤ (k² + 1)·ε₃₂·max‖w_c‖₁·max|x| per output, ×2.
    const tol = 2 * (16 + 1) * EPS32 * l1 * maxAbs(x.data);
    expect(error(rowStyles)).toBeLessThanOrEqual(tol);
    expect(error([3, 0, 1, 3])).toBeGreaterThan(1e3 * tol);
  });

  it("the gradient of Σ_b ⟨w_b, y_b⟩ is the float64 correlation of w with x, per used style; unused styles get 0", async () => {
    registerTrainingGradients();
    const grad = tf.grad((k: tf.Tensor) => tf.sum(tf.mul(styledConvRows(k as tf.Tensor4D, g, rowStyles, xt()), tf.tensor2d(Float32Array.from(w.data), [w.rows, w.cols]))));
    const gk = kernels();
    const gt = grad(gk);
    const got = Float64Array.from(await gt.data());
    gk.dispose();
    gt.dispose();
    // ∂/∂kernel[s, c, a, b'] = Σ_{rows with style s} Σ_{i,j} w[c, i, j]·x[c, i + a − p, j + b' − p] (p = 1).
    const oracle = (assignment: readonly number[]): Float64Array => {
      const out = new Float64Array(K.kernels.length);
      const { height: H, width: W } = g;
      assignment.forEach((s, r) => {
        for (let c = 0; c < 3; c++)
          for (let a = 0; a < 4; a++)
            for (let b = 0; b < 4; b++)
              for (let i = 0; i < H; i++)
                for (let j = 0; j < W; j++) {
                  const si = i + a - 1;
                  const sj = j + b - 1;
                  if (si < 0 || si >= H || sj < 0 || sj >= W) continue;
                  out[((s * 3 + c) * 4 + a) * 4 + b] += w.data[r * K.rows + (c * H + i) * W + j] * x.data[r * K.cols + (c * H + si) * W + sj];
                }
      });
      return out;
    };
    // Each entry is a float32 sum of m = rows·H·W products of float32-exact numbers: |error| ≤ m·ε₃₂·Σ|terms|
    // ≤ m·ε₃₂·m·max|w|·max|x| (γ_m ≤ m·ε), and 2× for the product roundings.
    const terms = rowStyles.length * g.height * g.width;
    const tol = 2 * terms * terms * EPS32 * maxAbs(w.data) * maxAbs(x.data);
    const want = oracle(rowStyles);
    expect(maxAbs(got.map((v, i) => v - want[i]))).toBeLessThanOrEqual(tol);
    expect(maxAbs(got.subarray(2 * 48, 3 * 48))).toBe(0);
    const other = oracle([0, 3, 2, 3]);
    expect(maxAbs(got.map((v, i) => v - other[i]))).toBeGreaterThan(10 * tol);
  });

  it("the gradient in x is Kᵀ_{styles[b]}·w_b (what backpropagation into g_x needs); control: K·w is not it", async () => {
    registerTrainingGradients();
    const wt = tf.tensor2d(Float32Array.from(w.data), [w.rows, w.cols]);
    const gx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(styledConvRows(kernels(), g, rowStyles, input as tf.Tensor2D), wt)));
    const xg = xt();
    const gt = gx(xg);
    const got = Float64Array.from(await gt.data());
    [wt, xg, gt].forEach((t) => t.dispose());
    const gap = (adjoint: boolean): number =>
      Math.max(
        ...rowStyles.map((s, b) => {
          const op = styleAt(K, s);
          const want = multiplyHost(adjoint ? transposeConv(op) : op, column(w, b)).data;
          return maxAbs(want.map((v, i) => v - got[b * K.cols + i]));
        }),
      );
    // As the forward: ≤ (k² + 1) float32 products per entry, ×2.
    const tol = 2 * (16 + 1) * EPS32 * l1 * maxAbs(w.data);
    expect(gap(true)).toBeLessThanOrEqual(tol);
    expect(gap(false)).toBeGreaterThan(1e3 * tol);
  });

  it("refuses a style outside the table (LIN1170) and a count of styles that is not the batch's (LIN1001)", () => {
    expect(() => tf.tidy(() => styledConvRows(kernels(), g, [0, 4, 1, 3], xt()))).toThrow(expect.objectContaining({ code: "LIN1170" }));
    expect(() => tf.tidy(() => styledConvRows(kernels(), g, [0, 1], xt()))).toThrow(expect.objectContaining({ code: "LIN1001" }));
  });
});

describe("parameters", () => {
  it("an indexed kernel is saved as [styles, C, 1, k, k] (each style PyTorch's grouped weight) and loads back", () => {
    const K = randomIndexedDepthwiseConv({ channels: 3, height: 4, width: 5, size: 4 }, 4, 9);
    const params = operatorParameters(K, "K.");
    expect([...params.keys()]).toEqual(["K.kernel"]);
    expect(params.get("K.kernel")?.shape).toEqual([4, 3, 1, 4, 4]);
    const back = operatorFromParameters({ kind: "indexed_depthwise_conv", geometry: K.geometry, styles: 4 }, params, "K.");
    expect(back).toEqual(K);
  });

  it("a kernel of the wrong shape is refused, naming the tensor (LIN1004), and a wrong length at construction is LIN1171", () => {
    const geometry = { channels: 3, height: 4, width: 5, size: 4 };
    const params = new Map([["K.kernel", { shape: [4, 3, 4, 4], data: new Float64Array(192) }]]);
    expect(() => operatorFromParameters({ kind: "indexed_depthwise_conv", geometry, styles: 4 }, params, "K.")).toThrow(/K\.kernel/);
    expect(() => depthwiseConv(geometry, new Float64Array(47))).toThrow(OperatorError);
    expect(() => depthwiseConv(geometry, new Float64Array(47))).toThrow(expect.objectContaining({ code: "LIN1171" }));
  });
});
