// PyTorch parity of the convolutional conditioners: the same weights and inputs through Linea (wasm) and
// through a PyTorch re-implementation from torch.nn primitives (unet_torch.py, SongUNet's module names,
// loaded with strict=True), both tags and untagged: outputs and the gradients of sum(out·r) w.r.t. every
// parameter and x.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../../src/runtime/backend/select.js";
import { buildConvConditioner } from "../../../../src/runtime/network/conv/index.js";
import type { Conditioner } from "../../../../src/runtime/network/conditioner.js";
import type { ConditionerSpec } from "../../../../src/runtime/network/spec.js";
import { Rng } from "../../../../src/runtime/random.js";
import { registerTrainingGradients } from "../../../../src/train/gradients.js";
import { torchMissing } from "../../../support/torch.js";
import { type LineaResult, type TorchConfig, type TorchResult, lineaRun, torchRun } from "./torch_parity.js";

const U = 2 ** -24;
/**
 * Rounding errors of a length-n computation behave like a sum of independent zero-mean terms: with
 * probability ≥ 1 − 2·exp(−λ²/2) (≈ 1 − 7e-7 for λ = 5.5) the error is ≤ λ·√n·u at the scale of the terms
 * (Higham & Mary, "A new approach to probabilistic rounding error analysis", SISC 2019). The worst-case
 * n·u holds always but is ~1000× the observed error here; it would hide a real discrepancy.
 */
const LAMBDA = 5.5;
const B = 2;
const IO = { inChannels: 2, outChannels: 4, height: 8, width: 8 };
const UNET: ConditionerSpec = { kind: "unet", channels: 8, levels: 2, blocks: 1, attention: 4, embed: 8, dropout: 0.1, activation: "silu" };
const RESNET: ConditionerSpec = { kind: "resnet", channels: 8, blocks: 2, activation: "silu" };

/**
 * Summed fan-ins along the deepest path of one residual block (the float32 error model of
 * spec/runtime/network/tolerance.ts: a length-n reduction adds ≤ n·u at the scale of its terms):
 * two GroupNorms (mean and variance over H·W·C/G each), two 3×3 convs (9·C_in + bias), the 1×1 skip,
 * ~10 elementwise ops; attention adds its GroupNorm, qkv (C), q·k (C), softmax (HW), w·v (HW), proj (C).
 */
function blockOps(cin: number, c: number, hw: number, attention: boolean): number {
  const norm = (ch: number): number => 2 * hw * (ch / Math.min(32, Math.floor(ch / 4)));
  let n = norm(cin) + 9 * cin + 1 + norm(c) + 9 * c + 1 + cin + 10;
  if (attention) n += norm(c) + 3 * c + 2 * hw + 5;
  return n;
}

/** Deepest-path op count of the test UNet (all encoder and decoder blocks in sequence, in and out convs). */
function unetOps(): number {
  const c = 8;
  const hw0 = 64;
  const hw1 = 16;
  const enc = blockOps(c, c, hw0, false) + blockOps(c, c, hw1, false) + blockOps(c, c, hw1, false);
  const dec = blockOps(c, c, hw1, true) + blockOps(c, c, hw1, false) + 2 * blockOps(2 * c, c, hw1, true) + blockOps(c, c, hw0, false) + 2 * blockOps(2 * c, c, hw0, false);
  return 9 * IO.inChannels + enc + dec + 2 * hw0 * 2 + 9 * c + 20;
}

function resnetOps(): number {
  return 9 * IO.inChannels + 2 * blockOps(8, 8, 64, false) + 2 * 64 * 2 + 9 * 8 + 20;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function seeded(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  const rng = new Rng(seed);
  return tf.tensor4d(Float32Array.from(rng.normalArray(shape.reduce((a, b) => a * b, 1))), shape);
}

interface Case {
  /** The key of the case in the python script's config (and its report). */
  readonly kind: string;
  readonly tagged: boolean;
  readonly spec: ConditionerSpec;
  readonly ops: number;
}

const CASES: Case[] = [
  { kind: "unet", tagged: true, spec: UNET, ops: unetOps() },
  { kind: "resnet", tagged: true, spec: RESNET, ops: resnetOps() },
  // Untagged: no embedding and no affine layers (the same code path for the ResNet, so one case suffices).
  { kind: "unet_untagged", tagged: false, spec: UNET, ops: unetOps() },
];

describe.skipIf(torchMissing !== undefined)("conv conditioners against PyTorch [wasm]", () => {
  const nets: Record<string, { net: Conditioner; config: TorchConfig; x: tf.Tensor4D; r: tf.Tensor4D }> = {};
  let torch: Record<string, Record<string, TorchResult>> = {};
  const linea: Record<string, Record<string, LineaResult>> = {};

  beforeAll(async () => {
    await selectBackend("wasm");
    registerTrainingGradients();
    for (const c of CASES) {
      // outputGain 1 (not the near-identity 1e-5): every path then contributes at full scale to the output.
      const net = buildConvConditioner(c.spec, IO, { tagged: c.tagged, outputGain: 1, seed: 7 });
      const u = c.spec.kind === "unet" ? c.spec : undefined;
      const config: TorchConfig = {
        arch: c.spec.kind,
        in: IO.inChannels,
        out: IO.outChannels,
        height: IO.height,
        width: IO.width,
        channels: c.spec.channels ?? 8,
        levels: u?.levels ?? 1,
        blocks: c.spec.blocks ?? 2,
        attention: u?.attention ?? 0,
        embed: u?.embed ?? 16,
        activation: c.spec.activation ?? "silu",
        tagged: c.tagged,
        tags: c.tagged ? [0, 1] : [null],
      };
      nets[c.kind] = { net, config, x: seeded([B, IO.inChannels, IO.height, IO.width], 11), r: seeded([B, IO.outChannels, IO.height, IO.width], 12) };
      linea[c.kind] = {};
      for (const tag of config.tags) linea[c.kind][String(tag)] = await lineaRun(net, nets[c.kind].x, nets[c.kind].r, tag ?? undefined);
    }
    torch = await torchRun(nets);
    // The same unet (its variables move to the cpu backend) for the cpu run below.
    await selectBackend("cpu");
    linea.unet_cpu = { "1": await lineaRun(nets.unet.net, nets.unet.x, nets.unet.r, 1) };
    await selectBackend("wasm");
  });

  it("unet on the cpu backend, tag 1: outputs and gradients agree with PyTorch within the same bounds", () => {
    const t = torch.unet["1"];
    const l = linea.unet_cpu["1"];
    const ops = unetOps();
    expect(maxDiff(t.y, l.y)).toBeLessThanOrEqual(2 * LAMBDA * Math.sqrt(ops) * U * (1 + Math.max(maxAbs(t.y), maxAbs(l.y))));
    for (const [name, g] of l.grads) {
      const tg = t.grads[name];
      const tol = 2 * LAMBDA * Math.sqrt(2 * ops + B * IO.height * IO.width) * U * (1 + Math.max(maxAbs(tg), maxAbs(g)));
      expect(maxDiff(tg, g), name).toBeLessThanOrEqual(tol);
    }
  });

  for (const c of CASES) {
    for (const tag of c.tagged ? [0, 1] : [null]) {
      it(`${c.kind}, tag ${String(tag)}: outputs agree within the derived float32 bound; the controls do not`, () => {
        const t = torch[c.kind][String(tag)];
        const l = linea[c.kind][String(tag)];
        const m = Math.max(maxAbs(t.y), maxAbs(l.y));
        // Each engine is within λ·√N·u·(1 + M) of exact arithmetic (N: the deepest path's summed fan-ins,
        // M: the output's scale; GroupNorm rescales to O(1), so errors stay relative to 1 + M); two engines → 2×.
        const tol = 2 * LAMBDA * Math.sqrt(c.ops) * U * (1 + m);
        const diff = maxDiff(t.y, l.y);
        console.log(`${c.kind} tag ${tag}: max|Δy| = ${diff.toExponential(2)}, tol ${tol.toExponential(2)}, max|y| ${m.toFixed(3)}`);
        expect(diff).toBeLessThanOrEqual(tol);
        // Controls: the embedding's sin/cos halves unswapped (tagged only), q/k/v as channel blocks (UNet only).
        if (c.tagged) expect(maxDiff(t.controls.unswapped, l.y)).toBeGreaterThan(tol);
        if (c.spec.kind === "unet") expect(maxDiff(t.controls.qkv_blocks, l.y)).toBeGreaterThan(tol);
      });

      it(`${c.kind}, tag ${String(tag)}: gradients of every parameter and of x agree`, () => {
        const t = torch[c.kind][String(tag)];
        const l = linea[c.kind][String(tag)];
        expect(new Set(l.grads.keys())).toEqual(new Set(Object.keys(t.grads)));
        let worst = 0;
        for (const [name, g] of l.grads) {
          const tg = t.grads[name];
          // Backward retraces the forward path (N ops again) and a weight's gradient sums over the
          // B·H·W positions where the weight is used: ≤ λ·√(2N + B·H·W)·u·(1 + G) per engine, G = the scale.
          const tol = 2 * LAMBDA * Math.sqrt(2 * c.ops + B * IO.height * IO.width) * U * (1 + Math.max(maxAbs(tg), maxAbs(g)));
          const diff = maxDiff(tg, g);
          worst = Math.max(worst, diff / tol);
          expect(diff, name).toBeLessThanOrEqual(tol);
        }
        console.log(`${c.kind} tag ${tag}: worst gradient |Δ|/tol = ${worst.toExponential(2)}`);
      });
    }
  }
});
