// Every LinearOperator kind as an ONNX subgraph on row batches, mirroring apply.ts: X [batch, cols] ↦ X·Aᵀ
// [batch, rows] (or X·A with `transposed`). Factored forms stay factored (low-rank is two MatMuls, SVD
// factors three ops, Kronecker a reshape between two factor applications, products and sums recursive),
// so an exported operator costs what it costs in Linea. Matrices become float32 initializers, stored once
// per host matrix and orientation.
//
// Convolutions are ONNX Conv with group = C (depthwise). circulant_conv wraps the image by Slice + Concat
// (opset 17's Pad has no "wrap" mode; it came in 18) and then runs a 'valid' Conv with the kernel's
// support window, as circulantRows does on tfjs: a k×k window costs k² multiply-adds per output where the
// materialised circulant matrix would cost C·H·W (ORT's Conv kernels are im2col + GEMM, well optimised
// for small windows); a full-size window (K⁺, Kᵖ) costs H·W per output, the dense per-channel cost,
// without the C-fold block-diagonal waste of the dense matrix.
import { ExportError } from "./errors.js";
import type { OnnxGraph } from "./graph.js";
import { kernelWindow, transposeCirculant } from "../operator/circulantConv.js";
import { transposeConv } from "../operator/depthwiseConv.js";
import { transposeMatrix, type Matrix } from "../operator/host.js";
import { compactWyFactor } from "../operator/householder.js";
import { shapeOf, type CirculantConv, type DepthwiseConv, type LinearOperator } from "../operator/kinds.js";

/** M (or Mᵀ) as a float32 initializer, stored once per matrix and orientation. */
function matrixInit(g: OnnxGraph, m: Matrix, transposed: boolean, hint: string): string {
  return g.sharedFloats(m, transposed ? "T" : "N", () => {
    const t = transposed ? transposeMatrix(m) : m;
    return { hint, values: t.data, dims: [t.rows, t.cols] };
  });
}

/** X·M: a MatMul with the initializer M [in, out]. */
function times(g: OnnxGraph, x: string, m: Matrix, transposed: boolean, hint: string): string {
  return g.op("MatMul", [x, matrixInit(g, m, transposed, hint)], {}, hint);
}

/** A depthwise Conv on [batch, C, H, W] with per-channel kernels [C, kh, kw] (cross-correlation, ONNX's Conv). */
function depthwise(g: OnnxGraph, x: string, kernel: Float32Array, channels: number, kh: number, kw: number, pads: readonly number[], owner: object, hint: string): string {
  const w = g.sharedFloats(owner, "conv", () => ({ hint, values: kernel, dims: [channels, 1, kh, kw] }));
  return g.op("Conv", [x, w], { group: channels, kernel_shape: [kh, kw], pads, strides: [1, 1] }, hint);
}

function convRows(g: OnnxGraph, op: DepthwiseConv, x: string): string {
  const { channels, height, width, size } = op.geometry;
  const image = g.reshape(x, [-1, channels, height, width]);
  const pads = [op.padTop, op.padLeft, size - 1 - op.padTop, size - 1 - op.padLeft];
  const y = depthwise(g, image, Float32Array.from(op.kernel), channels, size, size, pads, op, "depthwise_conv");
  return g.reshape(y, [-1, op.rows]);
}

/** Circular padding of `before`/`after` along `axis` of size n: the last `before` entries on top, the first `after` below. */
function wrap(g: OnnxGraph, x: string, axis: number, n: number, before: number, after: number): string {
  const parts = [...(before > 0 ? [g.slice(x, axis, n - before, n)] : []), x, ...(after > 0 ? [g.slice(x, axis, 0, after)] : [])];
  return parts.length === 1 ? x : g.op("Concat", parts, { axis });
}

function circulantRows(g: OnnxGraph, op: CirculantConv, x: string): string {
  const { channels, height, width } = op.geometry;
  const { top, kh, left, kw } = kernelWindow(op);
  // The window's taps, as circulantRows (circulantConv.ts) lays them out: tap (a, b) is offset (a − top, b − left) mod (H, W).
  const filter = new Float32Array(channels * kh * kw);
  for (let c = 0; c < channels; c++) {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) filter[(c * kh + a) * kw + b] = op.kernel[(c * height + ((a - top + height) % height)) * width + ((b - left + width) % width)];
    }
  }
  const image = g.reshape(x, [-1, channels, height, width]);
  const padded = wrap(g, wrap(g, image, 2, height, top, kh - 1 - top), 3, width, left, kw - 1 - left);
  const y = depthwise(g, padded, filter, channels, kh, kw, [0, 0, 0, 0], op, "circulant_conv");
  return g.reshape(y, [-1, op.rows]);
}

/**
 * Emits X·Aᵀ (or X·A when `transposed`) for rows X [batch, A.cols] (resp. [batch, A.rows]); returns the
 * value's name. Throws ExportError LIN1180 for operators with no fixed graph.
 */
export function emitOperator(g: OnnxGraph, op: LinearOperator, x: string, transposed = false): string {
  switch (op.kind) {
    case "dense":
      return times(g, x, op.matrix, !transposed, "dense");
    case "diagonal": {
      const k = op.diag.length;
      const [inWidth, out] = transposed ? [op.rows, op.cols] : [op.cols, op.rows];
      const kept = inWidth === k ? x : g.slice(x, 1, 0, k);
      const d = g.sharedFloats(op.diag, "row", () => ({ hint: "diagonal", values: op.diag, dims: [k] }));
      const scaled = g.op("Mul", [kept, d]);
      return out === k ? scaled : g.op("Pad", [scaled, g.ints("pads", [0, 0, 0, out - k])]);
    }
    case "identity":
      return g.op("Identity", [x]);
    case "scaled_identity":
      return g.op("Mul", [x, g.scalar(op.scale)]);
    case "lowrank":
    case "identity_plus_lowrank": {
      // X·(U·Vᵀ)ᵀ = (X·V)·Uᵀ; X·(U·Vᵀ) = (X·U)·Vᵀ.
      const [inner, outer] = transposed ? [op.u, op.v] : [op.v, op.u];
      const low = times(g, times(g, x, inner, false, `${op.kind}.inner`), outer, true, `${op.kind}.outer`);
      if (op.kind === "lowrank" || op.alpha === 0) return low;
      return g.op("Add", [g.op("Mul", [x, g.scalar(op.alpha)]), low]);
    }
    case "orthogonal": {
      if (op.form.type === "cayley") return times(g, x, op.form.q, !transposed, "cayley");
      // Compact WY (householder.ts): X·Qᵀ = X − ((X·V)·Tᵀ)·Vᵀ and X·Q = X − ((X·V)·T)·Vᵀ.
      const vectors = op.form.vectors;
      if (vectors.rows === 0) return g.op("Identity", [x]);
      const t = compactWyFactor(vectors);
      const xvt = times(g, times(g, x, vectors, true, "householder.v"), t, !transposed, "householder.t");
      return g.op("Sub", [x, times(g, xvt, vectors, false, "householder.v")]);
    }
    case "svd_factored": {
      const [inner, outer] = transposed ? [op.u, op.v] : [op.v, op.u];
      const s = g.sharedFloats(op.s, "row", () => ({ hint: "svd.s", values: op.s, dims: [op.s.length] }));
      return times(g, g.op("Mul", [times(g, x, inner, false, "svd.inner"), s]), outer, true, "svd.outer");
    }
    case "projector":
      return times(g, times(g, x, op.q, false, "projector.q"), op.q, true, "projector.qt");
    case "depthwise_conv":
      return convRows(g, transposed ? transposeConv(op) : op, x);
    case "circulant_conv":
      return circulantRows(g, transposed ? transposeCirculant(op) : op, x);
    case "kronecker": {
      // Row r of X is vec(X_r), X_r [a.in, b.in] row-major: B acts on the last axis, the axes swap, A acts, swap back.
      const [aIn, aOut] = transposed ? [op.a.rows, op.a.cols] : [op.a.cols, op.a.rows];
      const [bIn, bOut] = transposed ? [op.b.rows, op.b.cols] : [op.b.cols, op.b.rows];
      const byB = emitOperator(g, op.b, g.reshapeAll(x, [-1, bIn]), transposed);
      const swapped = g.reshapeAll(g.op("Transpose", [g.reshapeAll(byB, [-1, aIn, bOut])], { perm: [0, 2, 1] }), [-1, aIn]);
      const byA = emitOperator(g, op.a, swapped, transposed);
      return g.reshapeAll(g.op("Transpose", [g.reshapeAll(byA, [-1, bOut, aOut])], { perm: [0, 2, 1] }), [-1, aOut * bOut]);
    }
    case "product": {
      // A = F₀⋯F_{m−1}: X·Aᵀ applies the last factor first; X·A the first.
      let out = x;
      const m = op.factors.length;
      for (let step = 0; step < m; step++) {
        const f = op.factors[transposed ? step : m - 1 - step];
        if (f !== undefined) out = emitOperator(g, f, out, transposed);
      }
      return out === x ? g.op("Identity", [x]) : out;
    }
    case "sum":
      return op.terms.map((t) => emitOperator(g, t, x, transposed)).reduce((a, b) => g.op("Add", [a, b]));
    case "scaled":
      return g.op("Mul", [emitOperator(g, op.inner, x, transposed), g.scalar(op.scale)]);
    case "transposed":
      return emitOperator(g, op.inner, x, !transposed);
    case "iterative_pinv":
      throw new ExportError(
        "LIN1180",
        `${shapeOf(op)} is a pseudo-inverse applied by LSQR iterations per row, which has no fixed ONNX graph: keep it small enough to be formed (decomposition route dense), or run this target with \`linea run\``,
      );
    case "time_conditioned":
      throw new ExportError("LIN1180", `${shapeOf(op)} needs a time: export a map that fixes it with at(A, t)`);
    case "indexed_depthwise_conv":
      throw new ExportError("LIN1180", `${shapeOf(op)} needs a style index: export a map that fixes it with at(K, s)`);
  }
}
