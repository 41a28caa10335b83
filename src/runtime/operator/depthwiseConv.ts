// Depthwise (per-channel) k×k convolutions on R[C, H, W] as linear operators, and their indexed form
// (one kernel per style). Applied matrix-free: on tfjs as depthwiseConv2d over an explicitly padded
// NHWC batch, on the host by direct loops. PyTorch's padding='same' for an even k pads (k−1)//2 rows
// above and k//2 below (likewise columns); tfjs's own 'same' happens to agree, but the padding is
// written out here so that the transpose (padding k−1−pad) is the same code path.
import * as tf from "@tensorflow/tfjs-core";
import { OperatorError } from "./errors.js";
import { matrix, type Matrix } from "./host.js";
import type { ConvGeometry, DepthwiseConv, IndexedDepthwiseConv } from "./kinds.js";
import { seededRandom } from "../random.js";

/** Above this many entries the dense matrix of a convolution is refused (2²⁶ float64 = 512 MiB). */
export const CONV_DENSE_LIMIT = 2 ** 26;

/** PyTorch's padding='same' offset for a k×k kernel: (k−1)//2 before, k//2 after. */
export function samePadding(size: number): number {
  return Math.floor((size - 1) / 2);
}

function checkGeometry(what: string, g: ConvGeometry): number {
  for (const [name, v] of Object.entries(g)) {
    if (!Number.isInteger(v) || v < 1) throw new OperatorError("LIN1171", `${what}: ${name} must be a positive integer, got ${v}`);
  }
  return g.channels * g.height * g.width;
}

function checkKernel(what: string, values: ArrayLike<number>, expected: number, shape: string): void {
  if (values.length !== expected) throw new OperatorError("LIN1171", `${what}: the kernel has ${values.length} values, a ${shape} kernel has ${expected}`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new OperatorError("LIN1004", `${what}: non-finite kernel value at index ${i}`);
  }
}

/** The 'same'-padded depthwise convolution of a [C, k, k] kernel (row-major) on R[C, H, W]. */
export function depthwiseConv(geometry: ConvGeometry, kernel: ArrayLike<number>): DepthwiseConv {
  const n = checkGeometry("depthwise_conv", geometry);
  const { channels, size } = geometry;
  checkKernel("depthwise_conv", kernel, channels * size * size, `[${channels}, ${size}, ${size}]`);
  const pad = samePadding(size);
  return { kind: "depthwise_conv", rows: n, cols: n, geometry, padTop: pad, padLeft: pad, kernel: Float64Array.from(kernel) };
}

/** A table of `styles` 'same'-padded depthwise convolutions, kernels [styles, C, k, k] row-major. */
export function indexedDepthwiseConv(geometry: ConvGeometry, styles: number, kernels: ArrayLike<number>): IndexedDepthwiseConv {
  const n = checkGeometry("indexed depthwise_conv", geometry);
  if (!Number.isInteger(styles) || styles < 1) throw new OperatorError("LIN1171", `depthwise_conv: styles must be a positive integer, got ${styles}`);
  const { channels, size } = geometry;
  checkKernel("indexed depthwise_conv", kernels, styles * channels * size * size, `[${styles}, ${channels}, ${size}, ${size}]`);
  return { kind: "indexed_depthwise_conv", rows: n, cols: n, geometry, styles, kernels: Float64Array.from(kernels) };
}

/** Style s of an indexed convolution; s must be an integer in [0, styles). */
export function styleAt(op: IndexedDepthwiseConv, s: number): DepthwiseConv {
  if (!Number.isInteger(s) || s < 0 || s >= op.styles) {
    throw new OperatorError("LIN1170", `style index ${s} of an indexed depthwise_conv with ${op.styles} styles: write at(K, s) with s one of 0…${op.styles - 1}`);
  }
  const per = op.geometry.channels * op.geometry.size * op.geometry.size;
  return depthwiseConv(op.geometry, op.kernels.subarray(s * per, (s + 1) * per));
}

/**
 * Kᵀ: ⟨K·x, y⟩ = Σ kernel[c,a,b]·x[c, i+a−p]·y[c, i] (one axis shown); with p' = i + a − p the input
 * index, Kᵀy[c,p'] = Σ_a kernel[c,a]·y[c, p'−a+p] = Σ_a' kernel[c, k−1−a']·y[c, p'+a'−(k−1−p)]: the
 * correlation with the flipped kernel, padded k−1−p before.
 */
export function transposeConv(op: DepthwiseConv): DepthwiseConv {
  const { channels, size } = op.geometry;
  const flipped = new Float64Array(op.kernel.length);
  for (let c = 0; c < channels; c++) {
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) flipped[(c * size + a) * size + b] = op.kernel[(c * size + (size - 1 - a)) * size + (size - 1 - b)];
    }
  }
  return { ...op, padTop: size - 1 - op.padTop, padLeft: size - 1 - op.padLeft, kernel: flipped };
}

/** Whether two convolutions share geometry and padding, so that their sum is one kernel's. */
export function sameLayout(a: DepthwiseConv, b: DepthwiseConv): boolean {
  const g = a.geometry;
  const h = b.geometry;
  return g.channels === h.channels && g.height === h.height && g.width === h.width && g.size === h.size && a.padTop === b.padTop && a.padLeft === b.padLeft;
}

/**
 * An upper bound on ‖K‖₂: max over channels of Σ|taps| (Young's inequality ‖w ⋆ x‖₂ ≤ ‖w‖₁‖x‖₂; the
 * zero padding only drops terms). What a tolerance needs where the dense SVD of a large image is out of reach.
 */
export function convNormBound(op: DepthwiseConv): number {
  const per = op.geometry.size ** 2;
  let worst = 0;
  for (let c = 0; c < op.geometry.channels; c++)
    worst = Math.max(
      worst,
      op.kernel.subarray(c * per, (c + 1) * per).reduce((s, w) => s + Math.abs(w), 0),
    );
  return worst;
}

/** K·M on the host in float64, M of shape [C·H·W, m] (one vector per column). */
export function convTimes(op: DepthwiseConv, m: Matrix): Matrix {
  const { channels, height, width, size } = op.geometry;
  const cols = m.cols;
  const out = matrix(op.rows, cols);
  for (let c = 0; c < channels; c++) {
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) {
        const w = op.kernel[(c * size + a) * size + b];
        if (w === 0) continue;
        for (let i = 0; i < height; i++) {
          const si = i + a - op.padTop;
          if (si < 0 || si >= height) continue;
          for (let j = 0; j < width; j++) {
            const sj = j + b - op.padLeft;
            if (sj < 0 || sj >= width) continue;
            const dst = ((c * height + i) * width + j) * cols;
            const src = ((c * height + si) * width + sj) * cols;
            for (let k = 0; k < cols; k++) out.data[dst + k] += w * m.data[src + k];
          }
        }
      }
    }
  }
  return out;
}

/** LIN1172 unless the dense matrix of a convolution on `geometry` has at most CONV_DENSE_LIMIT entries. */
export function requireDenseConvSize(kind: string, geometry: ConvGeometry, rows: number, cols: number): void {
  if (rows * cols <= CONV_DENSE_LIMIT) return;
  const { channels, height, width } = geometry;
  throw new OperatorError(
    "LIN1172",
    `the dense matrix of a ${kind} on R[${channels}, ${height}, ${width}] has ${rows}² entries, more than ${CONV_DENSE_LIMIT}; apply it matrix-free (apply, multiplyHost) instead`,
  );
}

/** The dense float64 matrix of K, for small sizes (refused above CONV_DENSE_LIMIT entries). */
export function convMatrix(op: DepthwiseConv): Matrix {
  requireDenseConvSize("depthwise_conv", op.geometry, op.rows, op.cols);
  const { channels, height, width, size } = op.geometry;
  const out = matrix(op.rows, op.cols);
  // Row (c,i,j) holds kernel[c,a,b] in column (c, i+a−padTop, j+b−padLeft) where that pixel exists.
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const row = (c * height + i) * width + j;
        for (let a = 0; a < size; a++) {
          const si = i + a - op.padTop;
          if (si < 0 || si >= height) continue;
          for (let b = 0; b < size; b++) {
            const sj = j + b - op.padLeft;
            if (sj < 0 || sj >= width) continue;
            out.data[row * op.cols + (c * height + si) * width + sj] += op.kernel[(c * size + a) * size + b];
          }
        }
      }
    }
  }
  return out;
}

/** X·Kᵀ for a row batch X [b, C·H·W] on tfjs (each row convolved). Must run inside tf.tidy. */
export function convRows(op: DepthwiseConv, x: tf.Tensor2D): tf.Tensor2D {
  const { channels, height, width, size } = op.geometry;
  const batch = x.shape[0];
  // tfjs convolves NHWC with a [k, k, C, 1] filter: filter[a, b, c, 0] = kernel[c, a, b].
  const filter = new Float32Array(size * size * channels);
  for (let c = 0; c < channels; c++) {
    for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) filter[(a * size + b) * channels + c] = op.kernel[(c * size + a) * size + b];
  }
  const nhwc = tf.transpose(tf.reshape(x, [batch, channels, height, width]), [0, 2, 3, 1]) as tf.Tensor4D;
  const padded = tf.pad(nhwc, [
    [0, 0],
    [op.padTop, size - 1 - op.padTop],
    [op.padLeft, size - 1 - op.padLeft],
    [0, 0],
  ]);
  const y = tf.depthwiseConv2d(padded, tf.tensor4d(filter, [size, size, channels, 1]), 1, "valid");
  return tf.reshape(tf.transpose(y, [0, 3, 1, 2]), [batch, op.rows]);
}

/**
 * Row b of X convolved with style styles[b]'s kernel, differentiably in `kernels` (a tensor [S, C, k, k],
 * e.g. a tf.Variable a trainer optimises) and in X; 'same' padding. The reference trains its four styles
 * in one batch, one style per row. Written as Σ over the k² taps of a shifted slice of the zero-padded
 * batch times that tap's per-row weights (picked from the table by a one-hot matMul), with only ops whose
 * gradients this project registers (src/train/gradients.ts: reshape, transpose, concat, slice, multiply,
 * add, matMul): tfjs registers no gradient for depthwiseConv2d or pad in Node. `padding` = circular
 * wraps the image instead of padding it with zeros (circulant_conv's taps; slices of the batch itself
 * are concatenated). Must run inside tf.tidy (or a gradient scope).
 */
export function styledConvRows(kernels: tf.Tensor4D, geometry: ConvGeometry, styles: readonly number[], x: tf.Tensor2D, padding: "zeros" | "circular" = "zeros"): tf.Tensor2D {
  const { channels, height, width, size } = geometry;
  const [count] = kernels.shape;
  const batch = x.shape[0];
  if (kernels.shape[1] !== channels || kernels.shape[2] !== size || kernels.shape[3] !== size) {
    throw new OperatorError("LIN1171", `styled convolution: kernels are [${kernels.shape.join(", ")}], the layout needs [S, ${channels}, ${size}, ${size}]`);
  }
  if (styles.length !== batch) throw new OperatorError("LIN1001", `styled convolution: ${styles.length} style indices for a batch of ${batch} rows`);
  const bad = styles.find((s) => !Number.isInteger(s) || s < 0 || s >= count);
  if (bad !== undefined) throw new OperatorError("LIN1170", `style index ${bad} of a convolution table with ${count} styles: use one of 0…${count - 1}`);
  const pad = samePadding(size);
  // Each row's own kernel [b, k, k, C]: one-hot(styles) · table.
  const oneHot = tf.tensor2d(Float32Array.from(styles.flatMap((s) => Array.from({ length: count }, (_, j) => (j === s ? 1 : 0)))), [batch, count]);
  const table = tf.reshape(tf.transpose(kernels, [0, 2, 3, 1]), [count, size * size * channels]);
  const rowKernels = tf.reshape(tf.matMul(oneHot, table), [batch, size, size, channels]);
  // Padding by concatenation (pad has no registered gradient): (k−1)//2 before, k//2 after.
  const nhwc = tf.transpose(tf.reshape(x, [batch, channels, height, width]), [0, 2, 3, 1]) as tf.Tensor4D;
  const zeros = (h: number, w: number): tf.Tensor4D => tf.zeros([batch, h, w, channels]);
  let padded: tf.Tensor4D;
  if (padding === "circular") {
    if (size - 1 - pad > height || size - 1 - pad > width) {
      throw new OperatorError("LIN1171", `circular convolution: a ${size}×${size} kernel wraps more than once around a ${height}×${width} image`);
    }
    // padded[i'] = x[(i' − pad) mod H]: the last pad rows above, the first k−1−pad below (likewise columns).
    const wrap = (t: tf.Tensor4D, axis: 1 | 2, n: number): tf.Tensor4D => {
      const begin = (start: number): number[] => (axis === 1 ? [0, start, 0, 0] : [0, 0, start, 0]);
      const extent = (len: number): number[] => (axis === 1 ? [-1, len, -1, -1] : [-1, -1, len, -1]);
      const parts = [pad > 0 ? tf.slice(t, begin(n - pad), extent(pad)) : undefined, t, size - 1 - pad > 0 ? tf.slice(t, begin(0), extent(size - 1 - pad)) : undefined];
      return tf.concat(
        parts.filter((q): q is tf.Tensor4D => q !== undefined),
        axis,
      );
    };
    padded = wrap(wrap(nhwc, 1, height), 2, width);
  } else {
    const tall = tf.concat([zeros(pad, width), nhwc, zeros(size - 1 - pad, width)], 1);
    padded = tf.concat([zeros(height + size - 1, pad), tall, zeros(height + size - 1, size - 1 - pad)], 2);
  }
  let out: tf.Tensor4D | undefined;
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const weight = tf.reshape(tf.slice(rowKernels, [0, a, b, 0], [batch, 1, 1, channels]), [batch, 1, 1, channels]);
      const term = tf.mul(tf.slice(padded, [0, a, b, 0], [batch, height, width, channels]), weight) as tf.Tensor4D;
      out = out === undefined ? term : tf.add<tf.Tensor4D>(out, term);
    }
  }
  return tf.reshape(tf.transpose(out ?? nhwc, [0, 3, 1, 2]), [batch, channels * height * width]);
}

/** A seeded indexed convolution: each style's kernel a near-identity (centre tap 1) plus N(0, 0.1²) taps. */
export function randomIndexedDepthwiseConv(geometry: ConvGeometry, styles: number, seed: number): IndexedDepthwiseConv {
  const random = seededRandom(seed);
  const { channels, size } = geometry;
  const per = channels * size * size;
  const kernels = new Float64Array(styles * per);
  const centre = samePadding(size);
  for (let s = 0; s < styles; s++) {
    for (let c = 0; c < channels; c++) {
      for (let a = 0; a < size; a++) {
        for (let b = 0; b < size; b++) kernels[s * per + (c * size + a) * size + b] = (a === centre && b === centre ? 1 : 0) + 0.1 * random.normal();
      }
    }
  }
  return indexedDepthwiseConv(geometry, styles, kernels);
}

/** A seeded single-kernel convolution (style 0 of randomIndexedDepthwiseConv). */
export function randomDepthwiseConv(geometry: ConvGeometry, seed: number): DepthwiseConv {
  return styleAt(randomIndexedDepthwiseConv(geometry, 1, seed), 0);
}
