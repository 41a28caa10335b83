// A trainable copy of the runtime's time-conditioned operator A(t) = α·I + U(t)·V(t)ᵀ
// (src/runtime/operator/timeConditioned.ts, paper-notes §2.3): the same hypernetworks
// (sinusoidal embedding → Linear → GELU → Linear → GELU → Linear), as tfjs Variables, evaluated for a
// batch of per-sample times and applied to a batch of latents, differentiably. Weights are held
// [in, out] here (tfjs-wasm's matMul is much slower with a transposed operand) and [out, in] in the
// runtime's layout; α stays fixed (it is the declared structure, not a learned value).
import * as tf from "@tensorflow/tfjs-core";
import { ownedVariable } from "../runtime/network/variable.js";
import { matrix } from "../runtime/operator/host.js";
import { timeConditioned, type DenseLayer, type Hypernetwork, type TimeConditioned } from "../runtime/operator/index.js";

export interface TrainableLayer {
  /** [in, out] */
  readonly weight: tf.Variable;
  /** [out] */
  readonly bias: tf.Variable;
}

/** A time-conditioned operator's hypernetworks as trainable tfjs variables. */
export class TrainableTimeConditioned {
  readonly n: number;
  readonly rank: number;
  readonly embedDim: number;
  readonly hidden: number;
  readonly alpha: number;
  readonly u: readonly TrainableLayer[];
  readonly v: readonly TrainableLayer[];
  private readonly frequencies: tf.Tensor1D;

  constructor(op: TimeConditioned) {
    this.n = op.rows;
    this.rank = op.rank;
    this.embedDim = op.embedDim;
    this.hidden = op.u.layers[0].weight.rows;
    this.alpha = op.alpha;
    const layer = (l: DenseLayer): TrainableLayer => ({
      weight: ownedVariable(() => tf.tensor2d(transposeToFloat32(l.weight.data, l.weight.rows, l.weight.cols), [l.weight.cols, l.weight.rows])),
      bias: ownedVariable(() => tf.tensor1d(Float32Array.from(l.bias))),
    });
    this.u = op.u.layers.map(layer);
    this.v = op.v.layers.map(layer);
    // f_k = exp(−k·ln(10⁴)/(half − 1)), as sinusoidalEmbedding computes them (float64, then rounded).
    const half = op.embedDim / 2;
    const step = Math.log(10000) / (half - 1);
    this.frequencies = tf.tensor1d(Float32Array.from({ length: half }, (_, k) => Math.exp(-k * step)));
  }

  /** Learnable tensors under the runtime's parameter names ("u.0.weight", …), file layout noted. */
  parameters(): Map<string, { variable: tf.Variable; transposedInFile: boolean }> {
    const out = new Map<string, { variable: tf.Variable; transposedInFile: boolean }>();
    for (const [f, layers] of [
      ["u", this.u],
      ["v", this.v],
    ] as const) {
      layers.forEach((l, i) => {
        out.set(`${f}.${i}.weight`, { variable: l.weight, transposedInFile: true });
        out.set(`${f}.${i}.bias`, { variable: l.bias, transposedInFile: false });
      });
    }
    return out;
  }

  /** [sin(t·f), cos(t·f)] per row: [batch, embedDim]. */
  private embed(t: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      const angles = tf.mul(tf.reshape(t, [-1, 1]), tf.reshape(this.frequencies, [1, -1]));
      return tf.concat([tf.sin(angles), tf.cos(angles)], 1) as tf.Tensor2D;
    });
  }

  private factor(layers: readonly TrainableLayer[], e: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      let h: tf.Tensor2D = e;
      layers.forEach((l, i) => {
        h = tf.add(tf.matMul(h, l.weight), l.bias) as tf.Tensor2D;
        if (i < layers.length - 1) h = geluExact(h);
      });
      // Row-major reshape of the n·r outputs to [n, r], as evaluateHypernetwork does.
      return tf.reshape(h, [-1, this.n, this.rank]) as tf.Tensor3D;
    });
  }

  /** A(t_b)·z_b for each row b: t [batch], z [batch, n] → [batch, n]. */
  apply(t: tf.Tensor1D, z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const e = this.embed(t);
      const u = this.factor(this.u, e);
      const v = this.factor(this.v, e);
      const vz = tf.matMul(tf.reshape(z, [-1, 1, this.n]), v); // [b, 1, r] = zᵀV
      const uvz = tf.reshape(tf.matMul(vz, u, false, true), [-1, this.n]); // (zᵀV)Uᵀ = (UVᵀz)ᵀ
      return (this.alpha === 0 ? uvz : tf.add(tf.mul(z, this.alpha), uvz)) as tf.Tensor2D;
    });
  }

  /** The runtime operator with the current values (float32 rounded into float64 arrays). */
  async toOperator(): Promise<TimeConditioned> {
    const net = async (layers: readonly TrainableLayer[]): Promise<Hypernetwork> => {
      const out: DenseLayer[] = [];
      for (const l of layers) {
        const [inputs, outputs] = l.weight.shape;
        const w = (await l.weight.data()) as Float32Array;
        const data = new Float64Array(inputs * outputs);
        for (let i = 0; i < inputs; i++) for (let o = 0; o < outputs; o++) data[o * inputs + i] = w[i * outputs + o];
        out.push({ weight: matrix(outputs, inputs, data), bias: Float64Array.from((await l.bias.data()) as Float32Array) });
      }
      const [l0, l1, l2] = out;
      return { layers: [l0, l1, l2] };
    };
    return timeConditioned({ n: this.n, rank: this.rank, embedDim: this.embedDim, hidden: this.hidden, alpha: this.alpha }, await net(this.u), await net(this.v));
  }

  /** Frees the variables. */
  dispose(): void {
    for (const l of [...this.u, ...this.v]) {
      l.weight.dispose();
      l.bias.dispose();
    }
    this.frequencies.dispose();
  }
}

/** PyTorch's default GELU, x·Φ(x), as the runtime's gelu (erf form). */
export function geluExact(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))) as tf.Tensor2D);
}

function transposeToFloat32(data: Float64Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}
