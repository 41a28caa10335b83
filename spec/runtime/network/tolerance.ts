// Round-trip tolerances derived from the network itself (test helper, not a spec).
//
// Float32 rounding model (unit round-off u = 2⁻²⁴): an op adds a relative error ≤ u at the scale M of
// the values it touches; a dot product of length n adds ≤ n·u. So the ops of a pass contribute at most
// u·(1 + M)·N, N = the summed fan-ins and elementwise ops along the path (grows with depth). An error
// made inside the pass is then amplified by at most the Lipschitz constants of the rest of g and of
// g⁻¹; we bound those by the local conditioning κ_g, κ_g⁻¹ measured by finite differences at the test
// data (max over samples of ‖Δout‖/‖Δin‖ along a random direction, times √D because a random direction
// can miss the worst one by that factor). Hence
//     tol = u · (1 + M) · N · κ_g · κ_g⁻¹.
// A worst-case a-priori bound (Π e^{α}(1 + L(1 + M)) over couplings, L from spectral norms) is correct
// but 10⁶–10²⁰ times the observed error at depth 2–3, useless as a test; anchors.md §9 row 8 shows the
// real growth: exponential in depth, about e^{α} per coupling. κ measured captures that growth.

import * as tf from "@tensorflow/tfjs-core";
import { ActNorm } from "../../../src/runtime/network/actnorm.js";
import type { Block } from "../../../src/runtime/network/block.js";
import { Coupling } from "../../../src/runtime/network/coupling.js";
import { InvertibleDense, InvertibleDenseMatrix } from "../../../src/runtime/network/inv_dense.js";
import { Rng } from "../../../src/runtime/random.js";
import { Stack } from "../../../src/runtime/network/stack.js";

export const U32 = 2 ** -24;

/** Dense W = P·L·U (float64) from an invertible dense block's factors: W[perm[k]] = (L·U)[k]. */
export function denseFromLu(lower: ArrayLike<number>, upper: ArrayLike<number>, logs: ArrayLike<number>, perm: Int32Array, sign: Int32Array, c: number): Float64Array {
  const l = new Float64Array(c * c);
  const u = new Float64Array(c * c);
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      if (j < i) l[i * c + j] = lower[i * c + j];
      if (j > i) u[i * c + j] = upper[i * c + j];
    }
    l[i * c + i] = 1;
    u[i * c + i] = sign[i] * Math.exp(logs[i]);
  }
  const lu = new Float64Array(c * c);
  for (let i = 0; i < c; i++) for (let k = 0; k < c; k++) for (let j = 0; j < c; j++) lu[i * c + j] += l[i * c + k] * u[k * c + j];
  const w = new Float64Array(c * c);
  for (let k = 0; k < c; k++) for (let j = 0; j < c; j++) w[perm[k] * c + j] = lu[k * c + j]; // W[perm[k]] = (LU)[k]
  return w;
}

/** Elementary ops per output element of a block (fan-ins of its matmuls plus elementwise ops). */
function blockOps(block: Block): number {
  if (block instanceof Coupling) {
    let ops = 0;
    for (const [name, p] of block.parameters()) if (name.endsWith(".weight") && !name.includes(".tag.")) ops += p.variable.shape[0] + 2;
    return ops + 12;
  }
  if (block instanceof ActNorm) return 4;
  if (block instanceof InvertibleDense) return 3 * block.inputShape[0] + 4;
  // a C-long dot product with W (forward) or with W⁻¹ rounded from float64 to float32 (inverse)
  if (block instanceof InvertibleDenseMatrix) return 2 * block.inputShape[0] + 4;
  if (block instanceof Stack) return block.blocks.reduce((n, b) => n + blockOps(b), 0);
  return 0; // permutation, squeeze: exact
}

/** Local Lipschitz estimate of f at x: √D · max over samples of ‖f(x+εv) − f(x)‖/‖εv‖. */
export async function localConditioning(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, seed: number): Promise<number> {
  const ratio = tf.tidy(() => {
    const batch = x.shape[0];
    const d = x.size / batch;
    const flat = (t: tf.Tensor) => tf.reshape(t, [batch, -1]);
    const v = tf.randomNormal(x.shape, 0, 1, "float32", seed);
    const scale = tf.add(1, tf.max(tf.abs(x)));
    const norms = tf.reshape(tf.norm(flat(v), "euclidean", 1), [batch, ...x.shape.slice(1).map(() => 1)]);
    const dx = tf.mul(tf.div(v, norms), tf.mul(scale, 1e-2));
    const dy = tf.sub(f(tf.add(x, dx)), f(x));
    return tf.mul(tf.max(tf.div(tf.norm(flat(dy), "euclidean", 1), tf.norm(flat(dx), "euclidean", 1))), Math.sqrt(d));
  });
  const k = (await ratio.data())[0];
  ratio.dispose();
  return Math.max(k, 1);
}

export interface Tolerance {
  readonly tol: number;
  /** u·(1 + M)·N·κ_g: the error of one forward pass against exact arithmetic (a float64 oracle). */
  readonly forwardTol: number;
  readonly ops: number;
  readonly maxAbs: number;
  readonly kappaForward: number;
  readonly kappaInverse: number;
}

/**
 * tol = u·(1 + M)·N·κ_g·κ_g⁻¹ for g⁻¹(g(x)) at the batch x (see the header); with inverseFirst, for
 * g(g⁻¹(x)) (the roles of forward and inverse swapped).
 */
export async function roundTripTolerance(block: Block, x: tf.Tensor, tag: number | undefined, inverseFirst = false): Promise<Tolerance> {
  const g = inverseFirst ? (t: tf.Tensor) => block.inverse(t, tag) : (t: tf.Tensor) => block.forward(t, tag);
  const gInv = inverseFirst ? (t: tf.Tensor) => block.forward(t, tag) : (t: tf.Tensor) => block.inverse(t, tag);
  const y = g(x);
  const m = tf.tidy(() => tf.maximum(tf.max(tf.abs(x)), tf.max(tf.abs(y))));
  const maxAbs = (await m.data())[0];
  m.dispose();
  const kappaForward = await localConditioning(g, x, 11);
  const kappaInverse = await localConditioning(gInv, y, 12);
  y.dispose();
  const ops = Math.max(blockOps(block), 1);
  const forwardTol = U32 * (1 + maxAbs) * ops * kappaForward;
  return { tol: forwardTol * kappaInverse, forwardTol, ops, maxAbs, kappaForward, kappaInverse };
}

export async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0];
  d.dispose();
  return v;
}

/** A seeded standard-normal batch built on the host (identical on every backend). */
export function seededNormal(shape: number[], seed: number, scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Rng(seed).normalArray(n, scale);
  return tf.tensor(Float32Array.from(values), shape, "float32");
}
