// A trainable copy of a plain (unconstrained) runtime operator, for `loss = mse`: dense W, diagonal d,
// low-rank U·Vᵀ and α·I + U·Vᵀ (α fixed: it is the declared structure), and the depthwise convolutions
// (one kernel, or the indexed table of one kernel per style, each row of a batch with its own style). Each parameter is one tfjs
// Variable under the runtime's parameter name and in its file layout (src/runtime/operator/parameters.ts),
// so saving and resuming need no transposition. Batches are rows: apply(X) = X·Aᵀ.
import * as tf from "@tensorflow/tfjs-core";
import { ownedVariable } from "../runtime/network/variable.js";
import { matrix } from "../runtime/operator/host.js";
import {
  circulantFromTaps,
  dense,
  depthwiseConv,
  diagonal,
  identityPlusLowRank,
  indexedDepthwiseConv,
  lowRank,
  styledConvRows,
  tapsOf,
  type LinearOperator,
} from "../runtime/operator/index.js";
import type { ConvGeometry } from "../runtime/operator/kinds.js";
import { TrainError } from "./errors.js";
import { SUPERVISED_OPERATORS } from "./plan.js";

/** The operator kinds TrainableLinear copies. */
export type PlainOperator = Extract<LinearOperator, { kind: (typeof SUPERVISED_OPERATORS)[number] }>;

/** Whether `op` is one of the kinds `loss = mse` trains. */
export function isPlainOperator(op: LinearOperator): op is PlainOperator {
  const kinds: readonly string[] = SUPERVISED_OPERATORS;
  return kinds.includes(op.kind);
}

type Parameters = Map<string, { variable: tf.Variable; transposedInFile: boolean }>;

function variable(data: Float64Array, shape: readonly number[]): tf.Variable {
  return ownedVariable(() => tf.tensor(Float32Array.from(data), [...shape], "float32"));
}

/** A dense, diagonal, low-rank or identity-plus-low-rank operator as trainable tfjs variables. */
export class TrainableLinear {
  readonly kind: PlainOperator["kind"];
  readonly rows: number;
  readonly cols: number;
  /** The identity coefficient of identity_plus_lowrank (fixed); 0 for the other kinds. */
  readonly alpha: number;
  /** A convolution's image layout and style count (1 for a plain depthwise_conv); undefined otherwise. */
  readonly conv: { readonly geometry: ConvGeometry; readonly styles: number } | undefined;
  private readonly params: Parameters = new Map();

  constructor(op: LinearOperator) {
    if (!isPlainOperator(op)) throw new TrainError("LIN0941", `loss mse trains ${SUPERVISED_OPERATORS.join(", ")} operators, not ${op.kind}`);
    this.kind = op.kind;
    this.rows = op.rows;
    this.cols = op.cols;
    this.alpha = op.kind === "identity_plus_lowrank" ? op.alpha : 0;
    this.conv =
      op.kind === "depthwise_conv" || op.kind === "circulant_conv"
        ? { geometry: op.geometry, styles: 1 }
        : op.kind === "indexed_depthwise_conv"
          ? { geometry: op.geometry, styles: op.styles }
          : undefined;
    const set = (name: string, data: Float64Array, shape: readonly number[]): void => {
      this.params.set(name, { variable: variable(data, shape), transposedInFile: false });
    };
    switch (op.kind) {
      case "dense":
        set("weight", op.matrix.data, [op.rows, op.cols]);
        break;
      case "diagonal":
        set("diag", op.diag, [op.diag.length]);
        break;
      case "lowrank":
      case "identity_plus_lowrank":
        set("u", op.u.data, [op.u.rows, op.u.cols]);
        set("v", op.v.data, [op.v.rows, op.v.cols]);
        break;
      case "depthwise_conv":
        // The runtime's file layout, PyTorch's grouped-conv weight [C, 1, k, k] (parameters.ts).
        set("kernel", op.kernel, [op.geometry.channels, 1, op.geometry.size, op.geometry.size]);
        break;
      case "indexed_depthwise_conv":
        set("kernel", op.kernels, [op.styles, op.geometry.channels, 1, op.geometry.size, op.geometry.size]);
        break;
      case "circulant_conv": {
        // A declared leaf's k×k taps (depthwise_conv's layout); a full-size kernel is no declared leaf.
        const taps = tapsOf(op);
        if (taps === undefined)
          throw new TrainError("LIN0941", `loss mse trains a circular convolution's ${op.geometry.size}×${op.geometry.size} taps; this kernel spans the whole image`);
        set("kernel", taps, [op.geometry.channels, 1, op.geometry.size, op.geometry.size]);
        break;
      }
    }
  }

  /** Learnable tensors under the runtime's parameter names, in its layout. */
  parameters(): Parameters {
    return new Map(this.params);
  }

  private get(name: string): tf.Variable {
    const p = this.params.get(name);
    if (p === undefined) throw new Error(`TrainableLinear: no parameter ${name}`);
    return p.variable;
  }

  /**
   * Rows x [b, cols] ↦ x·Aᵀ [b, rows], differentiably (the caller tidies). An indexed convolution takes
   * each row's style from `styles` (one per row, LIN0942 when absent); the other kinds ignore it.
   */
  apply(x: tf.Tensor2D, styles?: readonly number[]): tf.Tensor2D {
    switch (this.kind) {
      case "depthwise_conv":
      case "indexed_depthwise_conv": {
        const { geometry, styles: count } = this.conv as NonNullable<typeof this.conv>;
        const rowStyles = count === 1 ? Array<number>(x.shape[0]).fill(0) : styles;
        if (rowStyles === undefined)
          throw new TrainError("LIN0942", `loss mse: an indexed convolution with ${count} styles needs a style per row (data with labels: pairs(…) gives target i the label i)`);
        const { channels, size } = geometry;
        return styledConvRows(tf.reshape(this.get("kernel"), [count, channels, size, size]), geometry, rowStyles, x);
      }
      case "circulant_conv": {
        const { geometry } = this.conv as NonNullable<typeof this.conv>;
        const { channels, size } = geometry;
        return styledConvRows(tf.reshape(this.get("kernel"), [1, channels, size, size]), geometry, Array<number>(x.shape[0]).fill(0), x, "circular");
      }
      case "dense":
        return tf.matMul(x, this.get("weight"), false, true);
      case "diagonal": {
        // Rectangular: the first min(rows, cols) coordinates are scaled, the output padded with zeros.
        const d = this.get("diag");
        const k = d.shape[0] ?? 0;
        const scaled: tf.Tensor2D = tf.mul(x.shape[1] === k ? x : tf.slice(x, [0, 0], [-1, k]), d);
        return this.rows === k
          ? scaled
          : tf.pad(scaled, [
              [0, 0],
              [0, this.rows - k],
            ]);
      }
      case "lowrank":
      case "identity_plus_lowrank": {
        const low: tf.Tensor2D = tf.matMul(tf.matMul(x, this.get("v")), this.get("u"), false, true);
        return this.alpha === 0 ? low : tf.add(tf.mul(x, this.alpha), low);
      }
    }
  }

  /** The runtime operator with the current values (float32 widened to float64). */
  async toOperator(): Promise<LinearOperator> {
    const host = async (name: string): Promise<Float64Array> => Float64Array.from((await this.get(name).data()) as Float32Array);
    const m = async (name: string): Promise<ReturnType<typeof matrix>> => {
      const v = this.get(name);
      return matrix(v.shape[0] ?? 0, v.shape[1] ?? 0, await host(name));
    };
    switch (this.kind) {
      case "dense":
        return dense(await m("weight"));
      case "diagonal":
        return diagonal(await host("diag"), this.rows, this.cols);
      case "lowrank":
        return lowRank(await m("u"), await m("v"));
      case "identity_plus_lowrank":
        return identityPlusLowRank(await m("u"), await m("v"), this.alpha);
      case "depthwise_conv":
        return depthwiseConv((this.conv as NonNullable<typeof this.conv>).geometry, await host("kernel"));
      case "circulant_conv":
        return circulantFromTaps((this.conv as NonNullable<typeof this.conv>).geometry, await host("kernel"));
      case "indexed_depthwise_conv": {
        const { geometry, styles } = this.conv as NonNullable<typeof this.conv>;
        return indexedDepthwiseConv(geometry, styles, await host("kernel"));
      }
    }
  }

  /** Frees the variables. */
  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
  }
}
