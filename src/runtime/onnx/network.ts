// Every invertible Block kind, forward and inverse, as an ONNX subgraph on batched NCHW tensors
// [batch, ...shape], with the conditioning tag baked in: an MLP's tag row is folded into its first bias,
// a convolutional conditioner's tag embedding (and each residual block's affine of it) is evaluated once
// here with the network's own tfjs layers and stored as a per-channel bias. Weights are read from the
// tfjs variables as float32. Each emitter mirrors the block's tfjs code (coupling.ts, actnorm.ts, …) op for
// op where ONNX has the op; the exceptions, and why:
// - inv_dense's inverse is a MatMul by L⁻ᵀ and U⁻ᵀ (LU form) or W⁻ᵀ (matrix form) formed once in float64
//   on the host: ONNX has no triangular solve, and the matrix form already inverts in float64 per call.
// - GroupNorm is written out (Reshape, ReduceMean, …): GroupNormalization is opset 18, the checker stops at 17.
// - The UNet's nearest ×2 up-sampling is Reshape + Expand (an exact repeat, no Resize rounding modes).
import * as tf from "@tensorflow/tfjs-core";
import { ActNorm } from "../network/actnorm.js";
import type { Activation } from "../network/activation.js";
import type { Block } from "../network/block.js";
import type { Conditioner } from "../network/conditioner.js";
import type { SelfAttention } from "../network/conv/attention.js";
import type { GroupNorm } from "../network/conv/group_norm.js";
import type { Conv2d } from "../network/conv/layers.js";
import { ConvConditioner } from "../network/conv/network.js";
import { ResNetBody } from "../network/conv/resnet.js";
import type { UNetBlock } from "../network/conv/unet_block.js";
import { UNetBody } from "../network/conv/unet.js";
import { checkerboardRow, Coupling } from "../network/coupling.js";
import { InvertibleDense, InvertibleDenseMatrix } from "../network/inv_dense.js";
import { Mlp } from "../network/mlp.js";
import { Permutation } from "../network/permutation.js";
import { Squeeze, Unsqueeze } from "../network/squeeze.js";
import { Stack } from "../network/stack.js";
import { checkTag } from "../network/tag.js";
import { identityMatrix, matrix, solve, transposeMatrix, type Matrix } from "../operator/host.js";
import { ExportError } from "./errors.js";
import type { OnnxGraph } from "./graph.js";

/** A tensor's values read back as float32 (export runs once, off the hot path). */
function valuesOf(t: tf.Tensor): Float32Array {
  return Float32Array.from(t.dataSync());
}

/** An elementwise activation with PyTorch's definitions (activation.ts). */
function emitActivation(g: OnnxGraph, x: string, act: Activation): string {
  switch (act) {
    case "relu":
      return g.op("Relu", [x]);
    case "tanh":
      return g.op("Tanh", [x]);
    case "leaky_relu":
      return g.op("LeakyRelu", [x], { alpha: { float: 0.01 } });
    case "gelu":
      return g.op("Mul", [g.op("Mul", [x, g.scalar(0.5)]), g.op("Add", [g.scalar(1), g.op("Erf", [g.op("Mul", [x, g.scalar(Math.SQRT1_2)])])])]);
    case "silu":
      return g.op("Mul", [x, g.op("Sigmoid", [x])]);
  }
}

/** An NCHW image value with its sizes. */
interface Image {
  readonly v: string;
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

function emitConv(g: OnnxGraph, conv: Conv2d, x: Image, name: string): Image {
  const [o, i, k] = conv.weight.shape as [number, number, number, number];
  const w = g.floats(`${name}.weight`, valuesOf(conv.weight), [o, i, k, k]);
  const b = g.floats(`${name}.bias`, valuesOf(conv.bias), [o]);
  const p = (k - 1) / 2;
  return { ...x, c: o, v: g.op("Conv", [x.v, w, b], { kernel_shape: [k, k], pads: [p, p, p, p], strides: [1, 1] }, name) };
}

/** GroupNorm (group_norm.ts) on NCHW: each group's channels are contiguous there, so one reshape groups them. */
function emitGroupNorm(g: OnnxGraph, norm: GroupNorm, x: Image, name: string): Image {
  const grouped = g.reshape(x.v, [-1, norm.groups, (x.c / norm.groups) * x.h * x.w]);
  const centred = g.op("Sub", [grouped, g.op("ReduceMean", [grouped], { axes: [2], keepdims: 1 })]);
  const variance = g.op("ReduceMean", [g.op("Mul", [centred, centred])], { axes: [2], keepdims: 1 });
  const normed = g.op("Mul", [centred, g.op("Div", [g.scalar(1), g.op("Sqrt", [g.op("Add", [variance, g.scalar(norm.eps)])])])]);
  const back = g.reshape(normed, [-1, x.c, x.h, x.w]);
  const weight = g.floats(`${name}.weight`, valuesOf(norm.weight), [x.c, 1, 1]);
  const bias = g.floats(`${name}.bias`, valuesOf(norm.bias), [x.c, 1, 1]);
  return { ...x, v: g.op("Add", [g.op("Mul", [back, weight]), bias], {}, name) };
}

function emitResample(g: OnnxGraph, x: Image, mode: "none" | "down" | "up"): Image {
  if (mode === "down") return { ...x, h: x.h / 2, w: x.w / 2, v: g.op("AveragePool", [x.v], { kernel_shape: [2, 2], strides: [2, 2] }) };
  if (mode === "up") {
    const spread = g.op("Expand", [g.reshape(x.v, [-1, x.c, x.h, 1, x.w, 1]), g.ints("shape", [1, 1, 1, 2, 1, 2])]);
    return { ...x, h: 2 * x.h, w: 2 * x.w, v: g.reshape(spread, [-1, x.c, 2 * x.h, 2 * x.w]) };
  }
  return x;
}

/** SelfAttention (attention.ts) on NCHW: q, k, v from rows 3c + j of qkv's weight, softmax over the keys. */
function emitAttention(g: OnnxGraph, attn: SelfAttention, x: Image, name: string): Image {
  const { c } = x;
  const n = x.h * x.w;
  const normed = emitGroupNorm(g, attn.norm, x, `${name}.norm2`);
  const rows = g.op("Transpose", [g.reshape(normed.v, [-1, c, n])], { perm: [0, 2, 1] }); // [b, N, C]
  const weight = valuesOf(attn.qkv.weight); // [3C, C, 1, 1]
  const bias = valuesOf(attn.qkv.bias);
  const part = (j: number): string => {
    const wT = new Float32Array(c * c); // [in, out]: wT[i, o] = W[3o + j, i]
    const bj = new Float32Array(c);
    for (let o = 0; o < c; o++) {
      bj[o] = bias[3 * o + j] ?? 0;
      for (let i = 0; i < c; i++) wT[i * c + o] = weight[(3 * o + j) * c + i] ?? 0;
    }
    const label = `${name}.qkv.${"qkv"[j] ?? ""}`;
    return g.op("Add", [g.op("MatMul", [rows, g.floats(`${label}.weight`, wT, [c, c])]), g.floats(`${label}.bias`, bj, [c])], {}, label);
  };
  const [q, k, v] = [part(0), part(1), part(2)];
  const logits = g.op("Mul", [g.op("MatMul", [q, g.op("Transpose", [k], { perm: [0, 2, 1] })]), g.scalar(1 / Math.sqrt(c))]);
  const attended = g.op("MatMul", [g.op("Softmax", [logits], { axis: -1 }), v]);
  const image = { ...x, v: g.reshape(g.op("Transpose", [attended], { perm: [0, 2, 1] }), [-1, c, x.h, x.w]) };
  return { ...x, v: g.op("Add", [x.v, emitConv(g, attn.proj, image, `${name}.proj`).v]) };
}

/** UNetBlock.apply on NCHW, the tag's affine bias given as values per output channel. */
function emitUNetBlock(g: OnnxGraph, block: UNetBlock, x: Image, emb: tf.Tensor2D | undefined, name: string): Image {
  const { activation: act, skipScale, resample } = block.config;
  const pre = emitGroupNorm(g, block.norm0, x, `${name}.norm0`);
  let h = emitConv(g, block.conv0, emitResample(g, { ...pre, v: emitActivation(g, pre.v, act) }, resample), `${name}.conv0`);
  if (block.affine !== undefined && emb !== undefined) {
    const affine = block.affine;
    const bias = tf.tidy(() => valuesOf(affine.apply(emb)));
    h = { ...h, v: g.op("Add", [h.v, g.floats(`${name}.affine(tag)`, bias, [h.c, 1, 1])]) };
  }
  const mid = emitGroupNorm(g, block.norm1, h, `${name}.norm1`);
  h = emitConv(g, block.conv1, { ...mid, v: emitActivation(g, mid.v, act) }, `${name}.conv1`);
  const skipped = block.skip === undefined ? x : emitConv(g, block.skip, emitResample(g, x, resample), `${name}.skip`);
  let y: Image = { ...h, v: g.op("Mul", [g.op("Add", [h.v, skipped.v]), g.scalar(skipScale)]) };
  if (block.attention !== undefined) y = { ...y, v: g.op("Mul", [emitAttention(g, block.attention, y, name).v, g.scalar(skipScale)]) };
  return y;
}

/** A convolutional conditioner (ResNet or UNet body) on [batch, C, H, W]; NCHW throughout, ONNX's layout. */
function emitConvConditioner(g: OnnxGraph, net: ConvConditioner, x: string, tag: number | undefined, name: string): string {
  const t = checkTag(net.embedding !== undefined, tag, net.kind);
  const embedding = net.embedding;
  const emb = embedding !== undefined && t !== undefined ? tf.tidy(() => embedding.apply(t)) : undefined;
  try {
    const [c, h, w] = net.inputShape as [number, number, number];
    const input: Image = { v: x, c, h, w };
    const body = net.body;
    const head = (y: Image, normOut: GroupNorm, convOut: Conv2d, names: { norm: string; conv: string }): string => {
      const normed = emitGroupNorm(g, normOut, y, `${name}.${names.norm}`);
      const act = body instanceof UNetBody || body instanceof ResNetBody ? body.s.activation : "relu";
      return emitConv(g, convOut, { ...normed, v: emitActivation(g, normed.v, act) }, `${name}.${names.conv}`).v;
    };
    if (body instanceof ResNetBody) {
      let y = emitConv(g, body.convIn, input, `${name}.conv_in`);
      body.blocks.forEach((b, i) => {
        y = emitUNetBlock(g, b, y, emb, `${name}.blocks.${i}`);
      });
      return head(y, body.normOut, body.convOut, { norm: "norm_out", conv: "conv_out" });
    }
    if (body instanceof UNetBody) {
      let y = emitConv(g, body.convIn, input, `${name}.conv_in`);
      const skips: Image[] = [y];
      for (const step of body.encoder) {
        y = emitUNetBlock(g, step.block, y, emb, `${name}.${step.name}`);
        skips.push(y);
      }
      for (const step of body.decoder) {
        if (step.concatSkip) {
          const skip = skips.pop();
          if (skip === undefined) throw new Error("UNet: fewer skips than decoder blocks (construction bug)");
          y = { ...y, c: y.c + skip.c, v: g.op("Concat", [y.v, skip.v], { axis: 1 }) };
        }
        y = emitUNetBlock(g, step.block, y, emb, `${name}.${step.name}`);
      }
      return head(y, body.normOut, body.convOut, { norm: "aux_norm", conv: "aux_conv" });
    }
    throw new ExportError("LIN1181", `${name}: the ${net.kind} conditioner's body is of a kind the ONNX exporter does not know`);
  } finally {
    emb?.dispose();
  }
}

/** The MLP (mlp.ts): MatMul + bias (+ tag·w_tag folded into the first bias) + activation, the last layer linear. */
function emitMlp(g: OnnxGraph, mlp: Mlp, x: string, tag: number | undefined, name: string): string {
  let h = g.reshape(x, [-1, mlp.config.inputs]);
  const n = mlp.weights.length;
  mlp.weights.forEach((wv, k) => {
    const bv = mlp.biases[k];
    if (bv === undefined) return;
    const bias = valuesOf(bv);
    if (k === 0 && mlp.tagWeight !== undefined && tag !== undefined && tag !== 0) {
      const tw = valuesOf(mlp.tagWeight);
      for (let j = 0; j < bias.length; j++) bias[j] = Math.fround((bias[j] ?? 0) + Math.fround((tw[j] ?? 0) * tag));
    }
    const [rows, cols] = wv.shape as [number, number];
    const w = g.floats(`${name}.layers.${k}.weight`, valuesOf(wv), [rows, cols]);
    h = g.op("Add", [g.op("MatMul", [h, w]), g.floats(`${name}.layers.${k}.bias`, bias, [cols])], {}, `${name}.layers.${k}`);
    if (k < n - 1) h = emitActivation(g, h, mlp.config.activation);
  });
  return h;
}

function emitConditioner(g: OnnxGraph, net: Conditioner, x: string, tag: number | undefined, name: string): string {
  if (net instanceof Mlp) return emitMlp(g, net, x, checkTag(net.config.tagged, tag, name), name);
  if (net instanceof ConvConditioner) return emitConvConditioner(g, net, x, tag, name);
  throw new ExportError("LIN1181", `${name}: a conditioner of a kind the ONNX exporter does not know`);
}

/** The coupling (coupling.ts), forward or inverse, on [batch, ...shape]. */
function emitCoupling(g: OnnxGraph, c: Coupling, x: string, tag: number | undefined, inverse: boolean, name: string): string {
  const d = c.d1 + c.d2;
  const { scale, scaleBound } = c.config;
  const bound = (raw: string): string => {
    const b = scaleBound ?? 0;
    if (scale === "clamp") return g.op("Clip", [raw, g.scalar(-b), g.scalar(b)]);
    return g.op("Mul", [g.op("Tanh", [g.op("Div", [raw, g.scalar(b)])]), g.scalar(b)]);
  };
  // Shift and bounded log-scale (undefined when additive), each [batch, size].
  const condition = (net: Conditioner, input: string, size: number, which: string): [string, string | undefined] => {
    const out = g.reshape(emitConditioner(g, net, g.reshape(input, [-1, ...net.inputShape]), tag, `${name}.${which}`), [-1, (scale === undefined ? 1 : 2) * size]);
    if (scale === undefined) return [out, undefined];
    return [g.slice(out, 1, 0, size), bound(g.slice(out, 1, size, 2 * size))];
  };
  const step = (v: string, shift: string, s: string | undefined): string => (s === undefined ? g.op("Add", [v, shift]) : g.op("Mul", [g.op("Add", [v, shift]), g.op("Exp", [s])]));
  const unstep = (v: string, shift: string, s: string | undefined): string =>
    s === undefined ? g.op("Sub", [v, shift]) : g.op("Sub", [g.op("Mul", [v, g.op("Exp", [g.op("Neg", [s])])]), shift]);
  const flat = g.reshape(x, [-1, d]);
  if (c.config.mask === "checkerboard") {
    const row = checkerboardRow(c.inputShape);
    const a = g.floats(`${name}.mask`, row, [1, d]);
    const b = g.floats(
      `${name}.mask_complement`,
      row.map((v) => 1 - v),
      [1, d],
    );
    const masked = (v: string, keep: string, m: string, shift: string, s: string | undefined, undo: boolean): string =>
      g.op("Add", [g.op("Mul", [v, keep]), g.op("Mul", [(undo ? unstep : step)(v, shift, s), m])]);
    if (!inverse) {
      const [tF, sF] = condition(c.f, g.op("Mul", [flat, b]), d, "f");
      const y = masked(flat, b, a, tF, sF, false);
      const [tG, sG] = condition(c.g, g.op("Mul", [y, a]), d, "g");
      return g.reshape(masked(y, a, b, tG, sG, false), [-1, ...c.outputShape]);
    }
    const [tG, sG] = condition(c.g, g.op("Mul", [flat, a]), d, "g");
    const u = masked(flat, a, b, tG, sG, true);
    const [tF, sF] = condition(c.f, g.op("Mul", [u, b]), d, "f");
    return g.reshape(masked(u, b, a, tF, sF, true), [-1, ...c.inputShape]);
  }
  const [p1, p2] = [g.slice(flat, 1, 0, c.d1), g.slice(flat, 1, c.d1, d)];
  if (!inverse) {
    const [tF, sF] = condition(c.f, p2, c.d1, "f");
    const y1 = step(p1, tF, sF);
    const [tG, sG] = condition(c.g, y1, c.d2, "g");
    return g.reshape(g.op("Concat", [y1, step(p2, tG, sG)], { axis: 1 }), [-1, ...c.outputShape]);
  }
  const [tG, sG] = condition(c.g, p1, c.d2, "g");
  const x2 = unstep(p2, tG, sG);
  const [tF, sF] = condition(c.f, x2, c.d1, "f");
  return g.reshape(g.op("Concat", [unstep(p1, tF, sF), x2], { axis: 1 }), [-1, ...c.inputShape]);
}

/** [batch, C, ...positions] as rows of channels ([batch, C] or [batch, P, C]), and back. */
function channelRows(g: OnnxGraph, x: string, channels: number, positions: number): string {
  if (positions === 1) return g.reshape(x, [-1, channels]);
  return g.op("Transpose", [g.reshape(x, [-1, channels, positions])], { perm: [0, 2, 1] });
}

function fromChannelRows(g: OnnxGraph, rows: string, shape: readonly number[], positions: number): string {
  const back = positions === 1 ? rows : g.op("Transpose", [rows], { perm: [0, 2, 1] });
  return g.reshape(back, [-1, ...shape]);
}

function hostMatrix(t: tf.Tensor, n: number): Matrix {
  return matrix(n, n, t.dataSync());
}

function emitInvDense(g: OnnxGraph, block: InvertibleDense | InvertibleDenseMatrix, x: string, inverse: boolean, name: string): string {
  const { channels: c, positions } = block;
  const rows = channelRows(g, x, c, positions);
  const mul = (v: string, m: Matrix, label: string): string => g.op("MatMul", [v, g.floats(label, Float32Array.from(m.data), [c, c])]);
  let out: string;
  if (block instanceof InvertibleDenseMatrix) {
    const w = hostMatrix(block.weight, c);
    // rows: Y = X·Wᵀ, X = Y·W⁻ᵀ (W⁻¹ in float64, as the block's own inverse).
    out = inverse ? mul(rows, transposeMatrix(solve(w, identityMatrix(c))), `${name}.weight⁻ᵀ`) : mul(rows, transposeMatrix(w), `${name}.weightᵀ`);
  } else {
    const [l, u] = tf
      .tidy(() => block.factors())
      .map((t) => {
        const m = hostMatrix(t, c);
        t.dispose();
        return m;
      }) as [Matrix, Matrix];
    const perm = Array.from(block.permutation());
    if (!inverse) {
      // rows: Y = X·Uᵀ·Lᵀ·Pᵀ; Pᵀ moves column k to column perm[k], a gather by the inverse permutation.
      const inv = new Array<number>(c).fill(0);
      perm.forEach((p, k) => {
        inv[p] = k;
      });
      const v = mul(mul(rows, transposeMatrix(u), `${name}.Uᵀ`), transposeMatrix(l), `${name}.Lᵀ`);
      out = g.op("Gather", [v, g.ints(`${name}.perm⁻¹`, inv)], { axis: positions === 1 ? 1 : 2 });
    } else {
      // X = Y·P·L⁻ᵀ·U⁻ᵀ, the triangular inverses formed in float64 (ONNX has no triangular solve).
      const z = g.op("Gather", [rows, g.ints(`${name}.perm`, perm)], { axis: positions === 1 ? 1 : 2 });
      const lInvT = transposeMatrix(solve(l, identityMatrix(c)));
      const uInvT = transposeMatrix(solve(u, identityMatrix(c)));
      out = mul(mul(z, lInvT, `${name}.L⁻ᵀ`), uInvT, `${name}.U⁻ᵀ`);
    }
  }
  return fromChannelRows(g, out, block.inputShape, positions);
}

function emitSqueeze(g: OnnxGraph, s: Squeeze, x: string, inverse: boolean): string {
  const [c, h, w] = s.inputShape as [number, number, number];
  if (!inverse) return g.reshape(g.op("Transpose", [g.reshape(x, [-1, c, h / 2, 2, w / 2, 2])], { perm: [0, 1, 3, 5, 2, 4] }), [-1, 4 * c, h / 2, w / 2]);
  return g.reshape(g.op("Transpose", [g.reshape(x, [-1, c, 2, 2, h / 2, w / 2])], { perm: [0, 1, 4, 2, 5, 3] }), [-1, c, h, w]);
}

/**
 * Emits block.forward(x, tag) (or block.inverse with `inverse`) for x [batch, ...inputShape] (resp.
 * outputShape); returns the value [batch, ...outputShape] (resp. inputShape). Throws ExportError LIN1181
 * for a block kind it does not know or an uninitialised ActNorm, NetworkError for a bad tag.
 */
export function emitBlock(g: OnnxGraph, block: Block, x: string, tag: number | undefined, inverse: boolean, name = ""): string {
  const at = (i: number): string => (name === "" ? `blocks.${i}` : `${name}.blocks.${i}`);
  if (block instanceof Stack) {
    const t = checkTag(block.tagged, tag, name);
    const order = block.blocks.map((b, i) => [b, i] as const);
    if (inverse) order.reverse();
    return order.reduce((h, [b, i]) => emitBlock(g, b, h, t, inverse, at(i)), x);
  }
  if (block instanceof Coupling) return emitCoupling(g, block, x, tag, inverse, name);
  if (block instanceof ActNorm) {
    if (!block.isInitialized) throw new ExportError("LIN1181", `${name} (actnorm) is not initialised: export with --weights from an initialised or trained network`);
    const { channels: c, positions } = block;
    const r = g.reshape(x, [-1, c, positions]);
    const bias = g.floats(`${name}.bias`, valuesOf(block.bias), [c, 1]);
    const logs = valuesOf(block.logScale);
    const factor = g.floats(
      `${name}.exp(${inverse ? "−" : ""}log_scale)`,
      logs.map((s) => Math.exp(inverse ? -s : s)),
      [c, 1],
    );
    const y = inverse ? g.op("Sub", [g.op("Mul", [r, factor]), bias]) : g.op("Mul", [g.op("Add", [r, bias]), factor]);
    return g.reshape(y, [-1, ...block.inputShape]);
  }
  if (block instanceof Permutation) {
    const r = g.reshape(x, [-1, block.channels, block.positions]);
    const indices = Array.from(block.gatherIndices(inverse));
    // A reversal (permute(reverse), its own inverse) is a Slice with step −1: ORT copies it ~10× faster
    // than a Gather along axis 1 (14 of 110 ms in the network benchmark's profile).
    const reversal = indices.every((v, i) => v === indices.length - 1 - i);
    const y = reversal
      ? g.op("Slice", [r, g.ints(`${name}.start`, [-1]), g.ints(`${name}.end`, [-(2 ** 31)]), g.ints(`${name}.axis`, [1]), g.ints(`${name}.step`, [-1])])
      : g.op("Gather", [r, g.ints(`${name}.indices`, indices)], { axis: 1 });
    return g.reshape(y, [-1, ...block.inputShape]);
  }
  if (block instanceof InvertibleDense || block instanceof InvertibleDenseMatrix) return emitInvDense(g, block, x, inverse, name);
  if (block instanceof Squeeze) return emitSqueeze(g, block, x, inverse);
  if (block instanceof Unsqueeze) return emitSqueeze(g, block.squeeze, x, !inverse);
  throw new ExportError("LIN1181", `${name === "" ? "" : `${name}: `}the ONNX exporter does not know blocks of kind ${block.kind}`);
}
