// Invertible dense map on the feature axis, LU-parameterised as in Glow: W = P·L·(U + diag(sign·e^s)),
// P a fixed permutation, L unit lower (learned strict part), U strictly upper (learned), s learned.
// Initialised from a random orthogonal matrix. Applied factor by factor; the inverse is two batched
// triangular solves, never a general inverse. log|det W| = Σ s per position. On [C, ...] inputs it
// acts on channels at every position (Glow's 1×1 conv); the reference's Inv1x1Conv is unconstrained
// and inverted with linalg.inv on every call, which this parameterisation avoids.
// InvertibleDenseMatrix is that reference block (`inv_dense(param = matrix)`): W stored as is, its
// inverse and log|det| from a float64 LU of W on the host at every call (float32 tfjs has neither).

import * as tf from "@tensorflow/tfjs-core";
import { type Block, type ForwardWithLogDet, type Parameter, type StateTensor, featureLayout } from "./block.js";
import { NetworkError } from "./errors.js";
import { gatherAxis1 } from "./gather.js";
import { luDecompose, orthogonalFromGaussian } from "./host_lu.js";
import { identityMatrix, jsLinalg, matrix, type LuResult } from "../linalg/index.js";
import { isPermutation } from "./permutation.js";
import { Rng } from "../random.js";
import { solveLowerRows, solveUpperRows } from "./triangular.js";
import { ownedVariable } from "./variable.js";

/** [batch, C, ...positions] → [batch·positions, C]: one row per position, the channels along it. */
function channelRows(x: tf.Tensor, channels: number, positions: number): tf.Tensor2D {
  const r = tf.reshape(x, [x.shape[0], channels, positions]);
  return tf.reshape(tf.transpose(r, [0, 2, 1]), [-1, channels]);
}

/** The inverse of channelRows, back to `shape`. */
function fromChannelRows(rows: tf.Tensor2D, shape: number[], channels: number, positions: number): tf.Tensor {
  const r = tf.reshape(rows, [shape[0], positions, channels]);
  return tf.reshape(tf.transpose(r, [0, 2, 1]), shape);
}

/** An invertible dense layer over the channels, held as P·L·U (Glow's invertible 1×1 convolution). */
export class InvertibleDense implements Block {
  readonly kind = "inv_dense";
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly needsInitialization = false;
  readonly channels: number;
  readonly positions: number;
  private readonly lower: tf.Variable;
  private readonly upper: tf.Variable;
  private readonly logScale: tf.Variable;
  private readonly lowerMask: tf.Tensor2D;
  private readonly upperMask: tf.Tensor2D;
  private perm: Int32Array;
  private sign: Int32Array;

  constructor(shape: readonly number[], seed: number) {
    this.inputShape = [...shape];
    this.outputShape = [...shape];
    const [c, positions] = featureLayout(shape);
    this.channels = c;
    this.positions = positions;
    const rng = new Rng(seed);
    const w = orthogonalFromGaussian(rng.normalArray(c * c), c);
    const { perm, lower, upper } = luDecompose(w, c);
    this.perm = perm;
    this.sign = new Int32Array(c);
    const logs = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      const d = upper[i * c + i];
      this.sign[i] = d < 0 ? -1 : 1;
      logs[i] = Math.log(Math.abs(d));
      upper[i * c + i] = 0;
    }
    this.lower = ownedVariable(() => tf.tensor2d(Float32Array.from(lower), [c, c]));
    this.upper = ownedVariable(() => tf.tensor2d(Float32Array.from(upper), [c, c]));
    this.logScale = ownedVariable(() => tf.tensor1d(logs));
    this.lowerMask = tf.tidy(() => tf.sub(tf.linalg.bandPart(tf.ones([c, c]), -1, 0), tf.eye(c))) as tf.Tensor2D;
    this.upperMask = tf.tidy(() => tf.sub(tf.linalg.bandPart(tf.ones([c, c]), 0, -1), tf.eye(c))) as tf.Tensor2D;
  }

  /** The factors as used: L with unit diagonal, U with diagonal sign·e^s. */
  /** L (unit lower) and U (diagonal sign·e^s) as used, owned by the caller: W = P·L·U. */
  factors(): [tf.Tensor2D, tf.Tensor2D] {
    const c = this.channels;
    const l = tf.add(tf.mul(this.lower, this.lowerMask), tf.eye(c)) as tf.Tensor2D;
    const d = tf.mul(tf.tensor1d(this.sign, "float32"), tf.exp(this.logScale));
    const u = tf.add(tf.mul(this.upper, this.upperMask), tf.diag(d)) as tf.Tensor2D;
    return [l, u];
  }

  private toRows(x: tf.Tensor): tf.Tensor2D {
    return channelRows(x, this.channels, this.positions);
  }

  private fromRows(rows: tf.Tensor2D, shape: number[]): tf.Tensor {
    return fromChannelRows(rows, shape, this.channels, this.positions);
  }

  /** P's permutation: row k of L·U goes to row perm[k] of W (a copy). */
  permutation(): Int32Array {
    return this.perm.slice();
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [l, u] = this.factors();
      // rows: Y = X·Uᵀ·Lᵀ·Pᵀ; the last factor moves column k to column perm[k].
      const v = tf.matMul(tf.matMul(this.toRows(x), tf.transpose(u)), tf.transpose(l));
      const inv = new Int32Array(this.channels);
      this.perm.forEach((p, k) => {
        inv[p] = k;
      });
      return this.fromRows(gatherAxis1(v, inv) as tf.Tensor2D, x.shape);
    });
  }

  forwardWithLogDet(x: tf.Tensor): ForwardWithLogDet {
    const y = this.forward(x);
    const logDet = tf.tidy(() => tf.mul(tf.ones([x.shape[0]]), tf.mul(tf.sum(this.logScale), this.positions))) as tf.Tensor1D;
    return { y, logDet };
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [l, u] = this.factors();
      const z = gatherAxis1(this.toRows(y), this.perm) as tf.Tensor2D; // Y·P
      const w = solveLowerRows(z, l, true);
      return this.fromRows(solveUpperRows(w, u, false), y.shape);
    });
  }

  parameters(): ReadonlyMap<string, Parameter> {
    // Not transposed in files: these are matrices acting on column vectors, as in PyTorch Glow ports.
    return new Map([
      ["lower", { variable: this.lower, transposedInFile: false }],
      ["upper", { variable: this.upper, transposedInFile: false }],
      ["log_scale", { variable: this.logScale, transposedInFile: false }],
    ]);
  }

  state(): ReadonlyMap<string, StateTensor> {
    return new Map([
      ["perm", { shape: [this.channels], values: this.perm.slice() }],
      ["sign", { shape: [this.channels], values: this.sign.slice() }],
    ]);
  }

  setState(name: string, values: Int32Array): void {
    if (name === "perm" && values.length === this.channels && isPermutation(values)) {
      this.perm = values.slice();
    } else if (name === "sign" && values.length === this.channels && values.every((v) => v === 1 || v === -1)) {
      this.sign = values.slice();
    } else {
      throw new NetworkError("LIN1061", this.kind, `bad state "${name}"`);
    }
  }

  dispose(): void {
    for (const t of [this.lower, this.upper, this.logScale, this.lowerMask, this.upperMask]) t.dispose();
  }
}

/** The float64 LU of a [c, c] float32 tensor read back to the host (throws LinalgError LIN1043 when singular). */
function hostLu(w: tf.Tensor, c: number): LuResult {
  // WebGPU has no synchronous read in Node (dataSync needs OffscreenCanvas): refuse with a code, not a crash.
  if (tf.getBackend() === "webgpu") {
    throw new NetworkError(
      "LIN1093",
      "inv_dense(param = matrix)",
      "reads W back to the host for its float64 LU on every call, which the webgpu backend cannot do synchronously in Node; use param = lu (the default) on webgpu, or the wasm or cpu backend",
    );
  }
  return jsLinalg.lu(matrix(c, c, w.dataSync()));
}

/**
 * W⁻¹ of a [c, c] tensor, from a float64 LU solve on the host, differentiable: d(W⁻¹) = −W⁻¹·dW·W⁻¹, so
 * ∂L/∂W = −W⁻ᵀ·(∂L/∂W⁻¹)·W⁻ᵀ. Written by hand because tfjs has no inverse (nor float64).
 */
const inverseOfMatrix = tf.customGrad((w, save) => {
  const t = w as tf.Tensor2D;
  const c = t.shape[0];
  const inv = jsLinalg.luSolve(hostLu(t, c), identityMatrix(c));
  const value = tf.tensor2d(Float32Array.from(inv.data), [c, c]);
  (save as tf.GradSaveFunc)([value]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const v = saved[0] as tf.Tensor2D;
      return [tf.neg(tf.matMul(tf.matMul(v, dy as tf.Tensor2D, true, false), v, false, true))];
    },
  };
}) as (w: tf.Tensor2D) => tf.Tensor2D;

/** log|det W| of a [c, c] tensor, Σ log|u_ii| of its float64 LU; its gradient is W⁻ᵀ. */
const logAbsDetOfMatrix = tf.customGrad((w, save) => {
  const t = w as tf.Tensor2D;
  const c = t.shape[0];
  const lu = hostLu(t, c);
  let logDet = 0;
  for (let i = 0; i < c; i++) logDet += Math.log(Math.abs(lu.u.data[i * c + i]));
  const inv = jsLinalg.luSolve(lu, identityMatrix(c));
  const invT = tf.transpose(tf.tensor2d(Float32Array.from(inv.data), [c, c]));
  (save as tf.GradSaveFunc)([invT]);
  return { value: tf.scalar(logDet), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(saved[0], dy)] };
}) as (w: tf.Tensor2D) => tf.Scalar;

/**
 * The reference's Inv1x1Conv (`inv_dense(param = matrix)`): y = W·x over the channels at every position,
 * W ∈ ℝᶜˣᶜ unconstrained, initialised orthogonal (QR of a seeded Gaussian: the same W the LU form starts
 * from for the same seed), stored as `weight` [C_out, C_in] like PyTorch's 1×1 conv weight without its 1×1.
 */
export class InvertibleDenseMatrix implements Block {
  readonly kind = "inv_dense";
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly needsInitialization = false;
  readonly channels: number;
  readonly positions: number;
  /** W [C_out, C_in]: y = W·x per position. */
  readonly weight: tf.Variable;

  constructor(shape: readonly number[], seed: number) {
    this.inputShape = [...shape];
    this.outputShape = [...shape];
    const [c, positions] = featureLayout(shape);
    this.channels = c;
    this.positions = positions;
    const w = orthogonalFromGaussian(new Rng(seed).normalArray(c * c), c);
    this.weight = ownedVariable(() => tf.tensor2d(Float32Array.from(w), [c, c]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    // rows: Y = X·Wᵀ
    return tf.tidy(() =>
      fromChannelRows(tf.matMul(channelRows(x, this.channels, this.positions), this.weight as tf.Tensor2D, false, true), x.shape, this.channels, this.positions),
    );
  }

  forwardWithLogDet(x: tf.Tensor): ForwardWithLogDet {
    const y = this.forward(x);
    const logDet = tf.tidy(() => tf.mul(tf.ones([x.shape[0]]), tf.mul(logAbsDetOfMatrix(this.weight as tf.Tensor2D), this.positions))) as tf.Tensor1D;
    return { y, logDet };
  }

  inverse(y: tf.Tensor): tf.Tensor {
    // rows: X = Y·W⁻ᵀ
    return tf.tidy(() => {
      const inv = inverseOfMatrix(this.weight as tf.Tensor2D);
      return fromChannelRows(tf.matMul(channelRows(y, this.channels, this.positions), inv, false, true), y.shape, this.channels, this.positions);
    });
  }

  parameters(): ReadonlyMap<string, Parameter> {
    // [out, in] already, as PyTorch's conv weight: not transposed in files.
    return new Map([["weight", { variable: this.weight, transposedInFile: false }]]);
  }

  state(): ReadonlyMap<string, StateTensor> {
    return new Map();
  }

  setState(name: string): void {
    throw new NetworkError("LIN1061", this.kind, `has no state tensor "${name}"`);
  }

  dispose(): void {
    this.weight.dispose();
  }
}
