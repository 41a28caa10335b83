// Float64 host oracles for the network blocks (test helper): the same maths written out in plain
// loops from the downloaded weights, so the tfjs float32 code is checked against an independent
// implementation, including the reference's shift-then-scale order.

import type { Block } from "../../../src/runtime/network/block.js";
import type { Activation } from "../../../src/runtime/network/mlp.js";

export type Weights = Map<string, { data: Float64Array; shape: number[] }>;

export async function downloadWeights(block: Block): Promise<Weights> {
  const out: Weights = new Map();
  for (const [name, p] of block.parameters()) {
    out.set(name, { data: Float64Array.from((await p.variable.data()) as Float32Array), shape: [...p.variable.shape] });
  }
  return out;
}

function act(x: number, a: Activation): number {
  switch (a) {
    case "relu":
      return Math.max(0, x);
    case "tanh":
      return Math.tanh(x);
    case "leaky_relu":
      return x > 0 ? x : 0.01 * x;
    case "silu":
      return x / (1 + Math.exp(-x));
    case "gelu":
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
  }
}

// Abramowitz–Stegun 7.1.26 is only 1e-7; use the series/continued fraction for float64 accuracy.
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let sum = ax;
    let term = ax;
    for (let n = 1; n < 200; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz) for |x| ≥ 3
  let f = ax;
  let c = ax;
  let d = 0;
  for (let i = 1; i < 300; i++) {
    const an = i / 2;
    d = ax + an * d;
    d = 1 / d;
    c = ax + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** MLP conditioner in float64; weights held [in, out]. */
export function mlp64(w: Weights, prefix: string, x: Float64Array, tag: number | undefined, activation: Activation): Float64Array {
  let h = x;
  for (let k = 0; ; k++) {
    const W = w.get(`${prefix}layers.${k}.weight`);
    const b = w.get(`${prefix}layers.${k}.bias`);
    if (W === undefined || b === undefined) return h;
    const [nin, nout] = W.shape;
    const out = Float64Array.from(b.data);
    const tagW = k === 0 ? w.get(`${prefix}tag.weight`) : undefined;
    if (tagW !== undefined && tag !== undefined) for (let j = 0; j < nout; j++) out[j] += tag * tagW.data[j];
    for (let i = 0; i < nin; i++) for (let j = 0; j < nout; j++) out[j] += h[i] * W.data[i * nout + j];
    const last = w.get(`${prefix}layers.${k + 1}.weight`) === undefined;
    h = last ? out : out.map((v) => act(v, activation));
  }
}

export interface CouplingOracle {
  readonly activation: Activation;
  readonly scaleBound: number | undefined;
  readonly tag: number | undefined;
  /** Control: apply scale before shift (the wrong order) instead of the reference's shift-then-scale. */
  readonly scaleThenShift?: boolean;
  /** How raw log-scales are bounded: b·tanh(raw/b) (default) or the reference's clamp(raw, −b, b). */
  readonly scale?: "tanh" | "clamp";
  /** `checkerboard` with the per-sample [C, H, W] shape; absent: the channel (flat ⌊D/2⌋) split. */
  readonly checkerboard?: readonly number[];
  /** Control: the checkerboard's other parity (F moves the h + w odd pixels). */
  readonly oddFirst?: boolean;
}

function bounded(raw: number, o: CouplingOracle): number {
  if (o.scaleBound === undefined) return 0;
  const b = o.scaleBound;
  return o.scale === "clamp" ? Math.min(b, Math.max(-b, raw)) : b * Math.tanh(raw / b);
}

/** The checkerboard pixels (h + w even) of a flat [C, H, W] sample, as 1/0. */
export function checkerboard64(shape: readonly number[]): Float64Array {
  const [c, h, w] = shape;
  const m = new Float64Array(c * h * w);
  for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) m[(k * h + i) * w + j] = (i + j) % 2 === 0 ? 1 : 0;
  return m;
}

/** Raw conditioner outputs of one coupling sample beyond ±bound (to show a clamp test exercises the clamp). */
export function clampedCount(w: Weights, prefix: string, x: Float64Array, o: CouplingOracle): number {
  const d1 = Math.floor(x.length / 2);
  const out = mlp64(w, `${prefix}f.`, Float64Array.from(x.subarray(d1)), o.tag, o.activation);
  let n = 0;
  for (let i = d1; i < out.length; i++) if (Math.abs(out[i]) > (o.scaleBound ?? Infinity)) n++;
  return n;
}

/**
 * One sample through a checkerboard coupling, float64 (RealNVP): F moves the pixels with m = 1 from the
 * image with those pixels zeroed, G the others from F's output with the m = 1 pixels' complement zeroed.
 */
function checkerCoupling64(w: Weights, prefix: string, x: Float64Array, o: CouplingOracle, shape: readonly number[]): { y: Float64Array; logDet: number } {
  const d = x.length;
  const m = checkerboard64(shape).map((v) => (o.oddFirst === true ? 1 - v : v));
  const step = (v: Float64Array, moved: Float64Array, net: string): [Float64Array, number] => {
    const input = v.map((t, i) => t * (1 - moved[i]));
    const out = mlp64(w, `${prefix}${net}.`, input, o.tag, o.activation);
    const res = Float64Array.from(v);
    let logDet = 0;
    for (let i = 0; i < d; i++) {
      if (moved[i] === 0) continue;
      const s = bounded(out[d + i] ?? 0, o);
      res[i] = (v[i] + out[i]) * Math.exp(s);
      logDet += s;
    }
    return [res, logDet];
  };
  const [y1, l1] = step(x, m, "f");
  const [y2, l2] = step(
    y1,
    m.map((v) => 1 - v),
    "g",
  );
  return { y: y2, logDet: l1 + l2 };
}

/** One sample through a coupling block (names relative to the block), float64. Returns y and log|det|. */
export function coupling64(w: Weights, prefix: string, x: Float64Array, o: CouplingOracle): { y: Float64Array; logDet: number } {
  if (o.checkerboard !== undefined) return checkerCoupling64(w, prefix, x, o, o.checkerboard);
  const d = x.length;
  const d1 = Math.floor(d / 2);
  const half = (cond: Float64Array, target: Float64Array, net: string): [Float64Array, number] => {
    const out = mlp64(w, `${prefix}${net}.`, cond, o.tag, o.activation);
    const n = target.length;
    const res = new Float64Array(n);
    let logDet = 0;
    for (let i = 0; i < n; i++) {
      const shift = out[i];
      const s = bounded(out[n + i] ?? 0, o);
      res[i] = o.scaleThenShift === true ? target[i] * Math.exp(s) + shift : (target[i] + shift) * Math.exp(s);
      logDet += s;
    }
    return [res, logDet];
  };
  const x1 = x.subarray(0, d1);
  const x2 = x.subarray(d1);
  const [y1, l1] = half(Float64Array.from(x2), Float64Array.from(x1), "f");
  const [y2, l2] = half(y1, Float64Array.from(x2), "g");
  const y = new Float64Array(d);
  y.set(y1);
  y.set(y2, d1);
  return { y, logDet: l1 + l2 };
}

/** log|det J| of f at x by central differences in float64 (h = 1e-5: error ~h² + ε/h ≈ 1e-10). */
export function logAbsDetJacobian(f: (x: Float64Array) => Float64Array, x: Float64Array): number {
  const n = x.length;
  const h = 1e-5;
  const j = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[c] += h;
    xm[c] -= h;
    const fp = f(xp);
    const fm = f(xm);
    for (let r = 0; r < n; r++) j[r * n + c] = (fp[r] - fm[r]) / (2 * h);
  }
  // LU with partial pivoting: log|det| = Σ log|u_ii|
  let logDet = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(j[i * n + k]) > Math.abs(j[p * n + k])) p = i;
    if (p !== k) for (let c = 0; c < n; c++) [j[k * n + c], j[p * n + c]] = [j[p * n + c], j[k * n + c]];
    const piv = j[k * n + k];
    logDet += Math.log(Math.abs(piv));
    for (let i = k + 1; i < n; i++) {
      const f2 = j[i * n + k] / piv;
      for (let c = k; c < n; c++) j[i * n + c] -= f2 * j[k * n + c];
    }
  }
  return logDet;
}
