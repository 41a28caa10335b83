// The reference's blocks (issue 11) with MLP conditioners: checkerboard masks, the hard clamp,
// inv_dense(param = matrix) and unsqueeze. Each is inverted within the derived tolerance (tolerance.ts)
// with a control that must fail it, checked against a float64 oracle (oracle.ts) with a control that
// violates the law, and saved/loaded through safetensors.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, expect, it } from "vitest";
import { loadNetwork, networkTensors, saveNetwork } from "../../../src/runtime/io/network_io.js";
import { jsLinalg, matrix } from "../../../src/runtime/linalg/index.js";
import { registerTrainingGradients } from "../../../src/train/gradients.js";
import { buildNetwork } from "../../../src/runtime/network/build.js";
import { NetworkError } from "../../../src/runtime/network/errors.js";
import type { BlockSpec, NetworkSpec } from "../../../src/runtime/network/spec.js";
import type { Stack } from "../../../src/runtime/network/stack.js";
import { describeOnBackends, probeBackends } from "../backend/backends_under_test.js";
import { clampedCount, coupling64, downloadWeights, logAbsDetJacobian, type CouplingOracle } from "./oracle.js";
import { denseFromLu, maxAbsDiff, roundTripTolerance, seededNormal, U32 } from "./tolerance.js";

const probed = await probeBackends();
// The gradients training differentiates with (tfjs-core's Node bundle registers none).
registerTrainingGradients();
const BATCH = 8;
const dir = mkdtempSync(join(tmpdir(), "linea-reference-blocks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  readonly name: string;
  readonly block: BlockSpec;
  readonly shape: number[];
  readonly tagged: boolean;
  /** The oracle of the block (couplings), and a control oracle that breaks the option under test. */
  readonly oracle?: CouplingOracle;
  readonly control?: CouplingOracle;
}

const mlp = { hidden: 8, depth: 1, activation: "tanh" } as const;
const CASES: Case[] = [
  {
    name: "affine checkerboard (tanh), tagged",
    block: { kind: "affine_coupling", ...mlp, mask: "checkerboard", scale_bound: 1.5 },
    shape: [2, 2, 3],
    tagged: true,
    oracle: { activation: "tanh", scaleBound: 1.5, tag: 1, checkerboard: [2, 2, 3] },
    // control: the other parity first
    control: { activation: "tanh", scaleBound: 1.5, tag: 1, checkerboard: [2, 2, 3], oddFirst: true },
  },
  {
    name: "additive checkerboard",
    block: { kind: "additive_coupling", ...mlp, mask: "checkerboard" },
    shape: [1, 3, 3],
    tagged: false,
    oracle: { activation: "tanh", scaleBound: undefined, tag: undefined, checkerboard: [1, 3, 3] },
    control: { activation: "tanh", scaleBound: undefined, tag: undefined, checkerboard: [1, 3, 3], oddFirst: true },
  },
  {
    // bound 0.2 with gain-1 weights: many raw log-scales lie beyond it (asserted below), so the clamp acts
    name: "affine clamp, channel mask on [C, H, W] (chunk(2, dim=1))",
    block: { kind: "affine_coupling", ...mlp, scale: "clamp", scale_bound: 0.2 },
    shape: [4, 2, 2],
    tagged: true,
    oracle: { activation: "tanh", scaleBound: 0.2, scale: "clamp", tag: 1 },
    // control: the smooth bound instead of the clamp
    control: { activation: "tanh", scaleBound: 0.2, scale: "tanh", tag: 1 },
  },
  {
    name: "affine clamp with checkerboard",
    block: { kind: "affine_coupling", ...mlp, scale: "clamp", scale_bound: 0.2, mask: "checkerboard" },
    shape: [2, 2, 2],
    tagged: false,
    oracle: { activation: "tanh", scaleBound: 0.2, scale: "clamp", tag: undefined, checkerboard: [2, 2, 2] },
    control: { activation: "tanh", scaleBound: 0.2, scale: "tanh", tag: undefined, checkerboard: [2, 2, 2] },
  },
  { name: "inv_dense(param = matrix) on channels", block: { kind: "inv_dense", param: "matrix" }, shape: [3, 2, 2], tagged: false },
  { name: "inv_dense(param = matrix) flat", block: { kind: "inv_dense", param: "matrix" }, shape: [5], tagged: false },
  { name: "unsqueeze", block: { kind: "unsqueeze" }, shape: [8, 2, 3], tagged: false },
];

function makeBlock(c: Case, seed: number): { net: Stack; x: tf.Tensor; tag: number | undefined } {
  const net = buildNetwork({ tagged: c.tagged, blocks: [c.block] }, c.shape, seed, { outputGain: 1 });
  return { net, x: seededNormal([BATCH, ...c.shape], seed + 1), tag: c.tagged ? 1 : undefined };
}

/** Rows of a [batch, ...] float32 tensor as float64 samples. */
async function rows(x: tf.Tensor): Promise<Float64Array[]> {
  const data = (await x.data()) as Float32Array;
  const d = x.size / x.shape[0];
  return Array.from({ length: x.shape[0] }, (_, b) => Float64Array.from(data.subarray(b * d, (b + 1) * d)));
}

/** y = W·x per position of a [C, P] sample, float64, W row-major [C, C]. */
function channelMatmul64(w: ArrayLike<number>, x: Float64Array, c: number): Float64Array {
  const p = x.length / c;
  const y = new Float64Array(x.length);
  for (let i = 0; i < c; i++) for (let k = 0; k < c; k++) for (let q = 0; q < p; q++) y[i * p + q] += w[i * c + k] * x[k * p + q];
  return y;
}

describeOnBackends("the reference's blocks (MLP conditioners)", probed, (backend) => {
  // inv_dense(param = matrix) reads W to the host every call: refused on webgpu (LIN1093, tested below).
  const gpu = backend === "webgpu";
  for (const c of CASES) {
    it.skipIf(gpu && c.block.kind === "inv_dense")(`${c.name}: g⁻¹(g(x)) = x and g(g⁻¹(z)) = z within tolerance; a shifted inverse is caught`, async () => {
      const { net, x, tag } = makeBlock(c, 41);
      const tolX = await roundTripTolerance(net, x, tag);
      expect(await maxAbsDiff(net.inverse(net.forward(x, tag), tag), x)).toBeLessThanOrEqual(tolX.tol);
      expect(tolX.tol).toBeLessThan(1e-2 * (1 + tolX.maxAbs));
      const shifted = tf.tidy(() => tf.add(net.inverse(net.forward(x, tag), tag), 10 * tolX.tol));
      expect(await maxAbsDiff(shifted, x)).toBeGreaterThan(tolX.tol);
      const z = seededNormal([BATCH, ...net.outputShape], 43);
      const tolZ = await roundTripTolerance(net, z, tag, true);
      expect(await maxAbsDiff(net.forward(net.inverse(z, tag), tag), z)).toBeLessThanOrEqual(tolZ.tol);
      net.dispose();
    });
  }

  for (const c of CASES.filter((k) => k.oracle !== undefined)) {
    it(`${c.name}: forward and log-det match the float64 oracle; the control oracle does not`, async () => {
      const oracle = c.oracle as CouplingOracle;
      const control = c.control as CouplingOracle;
      const { net, x, tag } = makeBlock(c, 7);
      const tol = await roundTripTolerance(net, x, tag);
      const { y, logDet } = net.forwardWithLogDet(x, tag);
      const ys = await rows(y);
      const ld = (await logDet.data()) as Float32Array;
      const w = await downloadWeights(net.blocks[0]);
      let err = 0;
      let errControl = 0;
      let clamped = 0;
      for (const [b, row] of (await rows(x)).entries()) {
        const ref = coupling64(w, "", row, oracle);
        const wrong = coupling64(w, "", row, control);
        for (let i = 0; i < row.length; i++) {
          err = Math.max(err, Math.abs(ys[b][i] - ref.y[i]));
          errControl = Math.max(errControl, Math.abs(ys[b][i] - wrong.y[i]));
        }
        if (oracle.scale === "clamp" && oracle.checkerboard === undefined) clamped += clampedCount(w, "", row, oracle);
        // The log-det of the oracle's own Jacobian (central differences, error ~1e-10), so the oracle's
        // "only the masked pixels" sum is itself checked. float32 sum of D log-scales, each with relative
        // error ≤ a few u: |err| ≤ 8·D·u·(1 + |log-det|) plus the forward error through the conditioner.
        const jac = logAbsDetJacobian((v) => coupling64(w, "", v, oracle).y, row);
        expect(Math.abs(ref.logDet - jac)).toBeLessThan(1e-6);
        expect(Math.abs(ld[b] - ref.logDet)).toBeLessThanOrEqual(8 * row.length * U32 * (1 + Math.abs(ref.logDet)) + row.length * tol.forwardTol);
      }
      expect(err).toBeLessThanOrEqual(tol.forwardTol);
      expect(errControl).toBeGreaterThan(tol.forwardTol);
      if (oracle.scale === "clamp" && oracle.checkerboard === undefined) expect(clamped).toBeGreaterThan(0);
      net.dispose();
    });
  }

  it("clamp's gradient is zero beyond the bound and one inside; tanh's is sech² (docs/language.md says so)", async () => {
    // D = 2, depth 0: F's raw log-scale is set to x2 itself (weight [0, 1], bias 0), G's output to 0, so
    // log-det = bound(x2) and d log-det / d x2 = bound'(x2): clamp 0 for |x2| > b, 1 inside; tanh sech²(x2/b).
    const x = tf.tensor2d([0, 3, 0, 0.5, 0, -2], [3, 2]);
    const b = 1;
    for (const scale of ["clamp", "tanh"] as const) {
      const net = buildNetwork({ tagged: false, blocks: [{ kind: "affine_coupling", hidden: 1, depth: 0, activation: "relu", scale, scale_bound: b }] }, [2], 5);
      const ps = net.parameters();
      ps.get("blocks.0.f.layers.0.weight")?.variable.assign(tf.tensor2d([0, 1], [1, 2]));
      ps.get("blocks.0.g.layers.0.weight")?.variable.assign(tf.zeros([1, 2]));
      const g = tf.grad((v: tf.Tensor) => tf.sum(net.forwardWithLogDet(v).logDet))(x);
      const gs = (await g.data()) as Float32Array;
      const expected = [3, 0.5, -2].map((v) => (scale === "clamp" ? (Math.abs(v) < b ? 1 : 0) : 1 / Math.cosh(v / b) ** 2));
      // float32 derivative of one bound: a few u relative
      for (let i = 0; i < 3; i++) {
        expect(gs[2 * i]).toBe(0);
        expect(Math.abs(gs[2 * i + 1] - expected[i])).toBeLessThanOrEqual(8 * U32);
      }
      // control: the other bound's derivative at x2 = 3 is clearly different
      const other = scale === "clamp" ? 1 / Math.cosh(3) ** 2 : 0;
      expect(Math.abs(gs[1] - other)).toBeGreaterThan(1e-3);
      net.dispose();
    }
  });

  it.runIf(gpu)("inv_dense(param = matrix) on webgpu is LIN1093 naming param = lu; control: the LU form runs there", async () => {
    const build = (param: "matrix" | "lu") => buildNetwork({ tagged: false, blocks: [{ kind: "inv_dense", param }] }, [3, 2, 2], 5);
    const x = seededNormal([1, 3, 2, 2], 3);
    const matrixNet = build("matrix");
    let code: string | undefined;
    let message = "";
    try {
      matrixNet.forward(x).dispose();
      matrixNet.inverse(x).dispose();
    } catch (e) {
      code = e instanceof NetworkError ? e.code : "not a NetworkError";
      message = e instanceof Error ? e.message : "";
    }
    expect(code).toBe("LIN1093");
    expect(message).toContain("param = lu");
    const lu = build("lu");
    const back = lu.inverse(lu.forward(x));
    expect(await maxAbsDiff(back, x)).toBeLessThan(1e-4);
    tf.dispose([x, back]);
    matrixNet.dispose();
    lu.dispose();
  });

  it.skipIf(gpu)("inv_dense(param = matrix): y = W·x per position, log-det = positions·log|det W| (float64), W starts as the LU form's matrix", async () => {
    const shape = [3, 2, 2];
    const seed = 13;
    const net = buildNetwork({ tagged: false, blocks: [{ kind: "inv_dense", param: "matrix" }] }, shape, seed);
    const lu = buildNetwork({ tagged: false, blocks: [{ kind: "inv_dense" }] }, shape, seed);
    const x = seededNormal([BATCH, ...shape], 2);
    const w = (await downloadWeights(net.blocks[0])).get("weight");
    if (w === undefined) throw new Error("no weight");
    expect(w.shape).toEqual([3, 3]);
    const tol = await roundTripTolerance(net, x, undefined);
    const { y, logDet } = net.forwardWithLogDet(x);
    const ys = await rows(y);
    let err = 0;
    for (const [b, row] of (await rows(x)).entries()) {
      const ref = channelMatmul64(w.data, row, 3);
      for (let i = 0; i < row.length; i++) err = Math.max(err, Math.abs(ys[b][i] - ref[i]));
    }
    expect(err).toBeLessThanOrEqual(tol.forwardTol);
    const f = jsLinalg.lu(matrix(3, 3, w.data));
    let logAbsDet = 0;
    for (let i = 0; i < 3; i++) logAbsDet += Math.log(Math.abs(f.u.data[i * 3 + i]));
    const ld = (await logDet.data()) as Float32Array;
    // 4 positions × (float32 log|det| of an orthogonal-ish 3×3 from a float64 LU: rounding only) ⇒ ≤ 4·8u·(1 + |·|)
    for (const v of ld) expect(Math.abs(v - 4 * logAbsDet)).toBeLessThanOrEqual(4 * 8 * U32 * (1 + Math.abs(4 * logAbsDet)));
    // control: a W scaled by 2 has log-det larger by 4·3·log 2, far beyond that tolerance
    expect(Math.abs(4 * (logAbsDet + 3 * Math.log(2)) - ld[0])).toBeGreaterThan(1);
    // same seed: the LU form's P·L·U is the same orthogonal W (QR of the same Gaussian), up to float32 rounding
    const lw = await downloadWeights(lu.blocks[0]);
    const st = lu.blocks[0].state();
    const wd = denseFromLu(
      lw.get("lower")?.data ?? [],
      lw.get("upper")?.data ?? [],
      lw.get("log_scale")?.data ?? [],
      st.get("perm")?.values ?? new Int32Array(),
      st.get("sign")?.values ?? new Int32Array(),
      3,
    );
    // each entry of P·L·U is a 3-term float32-rounded product: ≤ 3·4u
    for (let i = 0; i < 9; i++) expect(Math.abs(wd[i] - w.data[i])).toBeLessThanOrEqual(12 * U32);
    net.dispose();
    lu.dispose();
  });

  it.skipIf(gpu)("inv_dense(param = matrix): gradients of the inverse and of the log-det match float64 finite differences", async () => {
    const net = buildNetwork({ tagged: false, blocks: [{ kind: "inv_dense", param: "matrix" }] }, [3], 21);
    const p = net.parameters().get("blocks.0.weight");
    if (p === undefined) throw new Error("no weight");
    const y = seededNormal([4, 3], 5);
    const weights = seededNormal([4, 3], 6);
    const loss = (): tf.Scalar => tf.add(tf.sum(tf.mul(net.inverse(y), weights)), tf.sum(net.forwardWithLogDet(y).logDet)) as tf.Scalar;
    const { grads } = tf.variableGrads(loss, [p.variable]);
    const g = (await grads[p.variable.name].data()) as Float32Array;
    const w0 = Float64Array.from((await p.variable.data()) as Float32Array);
    const ys = await rows(y);
    const cs = await rows(weights);
    // The same loss in float64: Σ c·(W⁻¹y) + withLogDet·log|det W| (the log-det of one sample, batch 4).
    const loss64 = (w: Float64Array, withLogDet: number): number => {
      const inv = jsLinalg.inverse(matrix(3, 3, w)).data;
      const f = jsLinalg.lu(matrix(3, 3, w));
      let l = 0;
      for (let i = 0; i < 3; i++) l += withLogDet * 4 * Math.log(Math.abs(f.u.data[i * 3 + i]));
      for (let b = 0; b < 4; b++) for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) l += cs[b][i] * inv[i * 3 + k] * ys[b][k];
      return l;
    };
    const h = 1e-6;
    let err = 0;
    let errControl = 0;
    let scale = 0;
    for (let e = 0; e < 9; e++) {
      const wp = Float64Array.from(w0);
      const wm = Float64Array.from(w0);
      wp[e] += h;
      wm[e] -= h;
      // central differences in float64: error ~h²·|L‴| + ε·|L|/h ≈ 1e-9
      const fd = (loss64(wp, 1) - loss64(wm, 1)) / (2 * h);
      const fdControl = (loss64(wp, 0) - loss64(wm, 0)) / (2 * h);
      err = Math.max(err, Math.abs(fd - g[e]));
      errControl = Math.max(errControl, Math.abs(fdControl - g[e]));
      scale = Math.max(scale, Math.abs(fd));
    }
    // float32 gradient: sums of ≤ 4·3·3 = 36 products of W⁻¹ (float64 rounded to float32), y and c, each
    // with relative error ≤ 4u, at the scale of the largest term (≤ 1 + scale here): ≤ 36·4u·(1 + scale),
    // plus the 1e-9 of the finite differences.
    const tol = 36 * 4 * U32 * (1 + scale) + 1e-8;
    expect(err).toBeLessThanOrEqual(tol);
    // control: without the log-det term (its gradient 4·W⁻ᵀ) the finite differences are far from it
    expect(errControl).toBeGreaterThan(tol);
    net.dispose();
  });

  it("unsqueeze∘squeeze and squeeze∘unsqueeze are the identity exactly; unsqueeze puts channel 4c + 2i + j at x[c, 2h+i, 2w+j]", async () => {
    const sq = buildNetwork({ tagged: false, blocks: [{ kind: "squeeze" }, { kind: "unsqueeze" }] }, [2, 4, 6], 0);
    const un = buildNetwork({ tagged: false, blocks: [{ kind: "unsqueeze" }, { kind: "squeeze" }] }, [8, 2, 3], 0);
    expect(sq.outputShape).toEqual([2, 4, 6]);
    const x = seededNormal([3, 2, 4, 6], 1);
    const z = seededNormal([3, 8, 2, 3], 2);
    expect(await maxAbsDiff(sq.forward(x), x)).toBe(0);
    expect(await maxAbsDiff(un.forward(z), z)).toBe(0);
    const [C, H, W] = [2, 2, 3];
    const one = buildNetwork({ tagged: false, blocks: [{ kind: "unsqueeze" }] }, [4 * C, H, W], 0);
    const idx = tf.tensor(
      Float32Array.from({ length: 4 * C * H * W }, (_, i) => i),
      [1, 4 * C, H, W],
    );
    const y = (await one.forward(idx).data()) as Float32Array;
    let mismatches = 0;
    let blockMajorMatches = 0;
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++)
          for (let i = 0; i < 2; i++)
            for (let j = 0; j < 2; j++) {
              const dst = c * (2 * H) * (2 * W) + (2 * h + i) * (2 * W) + (2 * w + j);
              if (y[dst] !== ((4 * c + 2 * i + j) * H + h) * W + w) mismatches++;
              // control: depthToSpace's block-major channel (2i + j)·C + c
              if (y[dst] === (((2 * i + j) * C + c) * H + h) * W + w) blockMajorMatches++;
            }
    expect(mismatches).toBe(0);
    expect(blockMajorMatches).toBeLessThan(4 * C * H * W);
    for (const n of [sq, un, one]) n.dispose();
  });

  it.skipIf(gpu)("weights round-trip through safetensors: a network of every new block, reloaded into another seed, gives the same outputs", async () => {
    const spec: NetworkSpec = {
      tagged: true,
      blocks: [
        { kind: "squeeze" },
        { kind: "actnorm" },
        { kind: "affine_coupling", ...mlp, scale: "clamp", mask: "checkerboard" },
        { kind: "additive_coupling", ...mlp, mask: "checkerboard" },
        { kind: "affine_coupling", ...mlp, scale: "clamp" },
        { kind: "inv_dense", param: "matrix" },
        { kind: "unsqueeze" },
      ],
    };
    const a = buildNetwork(spec, [1, 4, 4], 1, { outputGain: 1 });
    a.initialize(seededNormal([BATCH, 1, 4, 4], 9, 2), 0);
    const file = join(dir, "reference.safetensors");
    await saveNetwork(a, file);
    const names = [...(await networkTensors(a)).keys()];
    expect(names).toContain("blocks.5.weight");
    expect(names).toContain("blocks.2.f.layers.0.weight");
    const b = buildNetwork(spec, [1, 4, 4], 2, { outputGain: 1 });
    const x = seededNormal([BATCH, 1, 4, 4], 3);
    // control: before loading, the other seed gives another map
    b.initialize(seededNormal([BATCH, 1, 4, 4], 4), 0);
    expect(await maxAbsDiff(a.forward(x, 1), b.forward(x, 1))).toBeGreaterThan(1e-3);
    await loadNetwork(b, file);
    expect(await maxAbsDiff(a.forward(x, 1), b.forward(x, 1))).toBe(0);
    expect(await maxAbsDiff(a.inverse(x, 0), b.inverse(x, 0))).toBe(0);
    a.dispose();
    b.dispose();
  });

  it("coded errors: masks and conv conditioners that do not fit (LIN1091), unsqueeze of 2 channels (LIN1092)", () => {
    const build = (block: BlockSpec, shape: number[]) => () => buildNetwork({ tagged: false, blocks: [block] }, shape, 0);
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof NetworkError ? e.code : "not a NetworkError";
      }
      return undefined;
    };
    expect(code(build({ kind: "affine_coupling", conditioner: { kind: "resnet" } }, [16]))).toBe("LIN1091");
    expect(code(build({ kind: "affine_coupling", mask: "checkerboard" }, [8]))).toBe("LIN1091");
    expect(code(build({ kind: "unsqueeze" }, [2, 2, 2]))).toBe("LIN1092");
    // control: the same blocks on shapes that fit build
    expect(code(build({ kind: "affine_coupling", mask: "checkerboard", hidden: 4 }, [1, 2, 2]))).toBeUndefined();
    expect(code(build({ kind: "unsqueeze" }, [4, 2, 2]))).toBeUndefined();
  });
});
