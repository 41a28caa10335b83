// Every block: exact inverse both ways within the derived tolerance (tolerance.ts), each with a control
// whose error must exceed it; forward against float64 oracles; log-determinants; tags; ActNorm init.

import * as tf from "@tensorflow/tfjs-core";
import { expect, it } from "vitest";
import { buildNetwork } from "../../../src/runtime/network/build.js";
import { NetworkError } from "../../../src/runtime/network/errors.js";
import type { BlockSpec } from "../../../src/runtime/network/spec.js";
import type { Stack } from "../../../src/runtime/network/stack.js";
import { describeOnBackends, probeBackends } from "../backend/backends_under_test.js";
import { coupling64, downloadWeights, logAbsDetJacobian } from "./oracle.js";
import { denseFromLu, maxAbsDiff, roundTripTolerance, seededNormal } from "./tolerance.js";

const probed = await probeBackends();

interface Case {
  readonly name: string;
  readonly block: BlockSpec;
  readonly shape: number[];
  readonly tagged: boolean;
}

const CASES: Case[] = [
  { name: "affine_coupling relu, tagged", block: { kind: "affine_coupling", hidden: 16, depth: 2, activation: "relu", scale_bound: 2 }, shape: [6], tagged: true },
  { name: "affine_coupling gelu, odd D, untagged", block: { kind: "affine_coupling", hidden: 8, depth: 1, activation: "gelu", scale_bound: 1 }, shape: [7], tagged: false },
  { name: "affine_coupling silu on [C,H,W]", block: { kind: "affine_coupling", hidden: 8, depth: 0, activation: "silu", scale_bound: 0.5 }, shape: [2, 2, 2], tagged: true },
  { name: "additive_coupling tanh", block: { kind: "additive_coupling", hidden: 8, depth: 2, activation: "tanh" }, shape: [5], tagged: true },
  { name: "additive_coupling leaky_relu", block: { kind: "additive_coupling", hidden: 8, depth: 1, activation: "leaky_relu" }, shape: [4], tagged: false },
  { name: "actnorm flat", block: { kind: "actnorm" }, shape: [5], tagged: false },
  { name: "actnorm channels", block: { kind: "actnorm" }, shape: [3, 2, 2], tagged: false },
  { name: "permute reverse", block: { kind: "permute", mode: "reverse" }, shape: [6], tagged: false },
  { name: "permute random", block: { kind: "permute", mode: "random", seed: 3 }, shape: [4, 2, 2], tagged: false },
  { name: "inv_dense flat", block: { kind: "inv_dense" }, shape: [7], tagged: false },
  { name: "inv_dense channels (1×1 conv)", block: { kind: "inv_dense" }, shape: [3, 2, 2], tagged: false },
  { name: "inv_dense 70 features (several solve blocks)", block: { kind: "inv_dense" }, shape: [70], tagged: false },
  { name: "squeeze", block: { kind: "squeeze" }, shape: [2, 4, 6], tagged: false },
];

const BATCH = 16;

/** A one-block network with strong couplings (output gain 1) and ActNorm initialised on shifted data. */
function makeBlock(c: Case, seed: number): { net: Stack; x: tf.Tensor; tag: number | undefined } {
  const net = buildNetwork({ tagged: c.tagged, blocks: [c.block] }, c.shape, seed, { outputGain: 1 });
  const tag = c.tagged ? 1 : undefined;
  const x = seededNormal([BATCH, ...c.shape], seed + 1);
  if (net.needsInitialization) {
    const init = tf.tidy(() => tf.add(tf.mul(seededNormal([BATCH, ...c.shape], seed + 2), 3), 2));
    net.initialize(init, tag);
    init.dispose();
  }
  return { net, x, tag };
}

describeOnBackends("invertible blocks", probed, () => {
  for (const c of CASES) {
    it(`${c.name}: g⁻¹(g(x)) = x and g(g⁻¹(z)) = z within tolerance; shifted inverse is caught`, async () => {
      const { net, x, tag } = makeBlock(c, 17);
      const tolX = await roundTripTolerance(net, x, tag);
      const errX = await maxAbsDiff(net.inverse(net.forward(x, tag), tag), x);
      expect(errX).toBeLessThanOrEqual(tolX.tol);
      // the tolerance is discriminating: far below the size of the values
      expect(tolX.tol).toBeLessThan(1e-2 * (1 + tolX.maxAbs));
      // control: an inverse off by a shift of 10·tol must fail the same check
      const shifted = tf.tidy(() => tf.add(net.inverse(net.forward(x, tag), tag), 10 * tolX.tol));
      expect(await maxAbsDiff(shifted, x)).toBeGreaterThan(tolX.tol);

      const z = seededNormal([BATCH, ...net.outputShape], 23);
      const tolZ = await roundTripTolerance(net, z, tag, true);
      expect(await maxAbsDiff(net.forward(net.inverse(z, tag), tag), z)).toBeLessThanOrEqual(tolZ.tol);
      net.dispose();
    });
  }

  it("affine coupling matches a float64 oracle (shift-then-scale); scale-then-shift does not", async () => {
    const c = CASES[0];
    const { net, x, tag } = makeBlock(c, 5);
    const y = (await net.forward(x, tag).data()) as Float32Array;
    const xs = (await x.data()) as Float32Array;
    const w = await downloadWeights(net.blocks[0]);
    const tol = await roundTripTolerance(net, x, tag);
    let err = 0;
    let errWrongOrder = 0;
    const d = 6;
    for (let b = 0; b < BATCH; b++) {
      const row = Float64Array.from(xs.subarray(b * d, (b + 1) * d));
      const ref = coupling64(w, "", row, { activation: "relu", scaleBound: 2, tag });
      const wrong = coupling64(w, "", row, { activation: "relu", scaleBound: 2, tag, scaleThenShift: true });
      for (let i = 0; i < d; i++) {
        err = Math.max(err, Math.abs(y[b * d + i] - ref.y[i]));
        errWrongOrder = Math.max(errWrongOrder, Math.abs(y[b * d + i] - wrong.y[i]));
      }
    }
    expect(err).toBeLessThanOrEqual(tol.forwardTol);
    expect(errWrongOrder).toBeGreaterThan(tol.forwardTol);
    net.dispose();
  });

  it("log-determinants: couplings against a float64 Jacobian, actnorm and inv_dense against closed forms", async () => {
    for (const c of [CASES[1], CASES[3], CASES[5], CASES[9]]) {
      const { net, x, tag } = makeBlock(c, 9);
      const { logDet } = net.forwardWithLogDet(x, tag);
      const ld = (await logDet.data()) as Float32Array;
      const w = await downloadWeights(net.blocks[0]);
      const xs = (await x.data()) as Float32Array;
      const d = x.size / BATCH;
      for (let b = 0; b < 3; b++) {
        const row = Float64Array.from(xs.subarray(b * d, (b + 1) * d));
        let expected: number;
        if (c.block.kind === "affine_coupling" || c.block.kind === "additive_coupling") {
          const o = { activation: c.block.activation ?? "relu", scaleBound: c.block.kind === "affine_coupling" ? c.block.scale_bound : undefined, tag };
          expected = logAbsDetJacobian((v) => coupling64(w, "", v, o).y, row);
        } else if (c.block.kind === "actnorm") {
          expected = Array.from(w.get("log_scale")?.data ?? []).reduce((a, s) => a + s, 0);
        } else {
          const st = net.blocks[0].state();
          const perm = st.get("perm")?.values ?? new Int32Array();
          const wd = denseFromLu(w.get("lower")?.data ?? [], w.get("upper")?.data ?? [], w.get("log_scale")?.data ?? [], perm, st.get("sign")?.values ?? new Int32Array(), d);
          expected = logAbsDetJacobian((v) => {
            const out = new Float64Array(d);
            for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) out[i] += wd[i * d + k] * v[k];
            return out;
          }, row);
        }
        // float32 sum of d log-scales, each with relative error ≤ a few u: |err| ≤ 8·d·u·(1 + Σ|s|) ≈ 1e-5
        expect(Math.abs(ld[b] - expected)).toBeLessThanOrEqual(8 * d * 2 ** -24 * (1 + Math.abs(expected)) + 1e-8);
      }
      net.dispose();
    }
  });

  it("inv_dense forward equals W·x for W = P·L·U rebuilt on the host", async () => {
    const c = CASES[9];
    const { net, x } = makeBlock(c, 4);
    const st = net.blocks[0].state();
    const w = await downloadWeights(net.blocks[0]);
    const d = 7;
    const wd = denseFromLu(
      w.get("lower")?.data ?? [],
      w.get("upper")?.data ?? [],
      w.get("log_scale")?.data ?? [],
      st.get("perm")?.values ?? new Int32Array(),
      st.get("sign")?.values ?? new Int32Array(),
      d,
    );
    const y = (await net.forward(x).data()) as Float32Array;
    const xs = (await x.data()) as Float32Array;
    const tol = await roundTripTolerance(net, x, undefined);
    let err = 0;
    for (let b = 0; b < BATCH; b++) {
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += wd[i * d + k] * xs[b * d + k];
        err = Math.max(err, Math.abs(s - y[b * d + i]));
      }
    }
    expect(err).toBeLessThanOrEqual(tol.forwardTol);
    net.dispose();
  });

  it("squeeze puts x[c, 2h+i, 2w+j] at channel 4c + 2i + j (the reference's order, not spaceToDepth's)", async () => {
    const [C, H, W] = [2, 4, 6];
    const net = buildNetwork({ tagged: false, blocks: [{ kind: "squeeze" }] }, [C, H, W], 0);
    const x = tf.tensor(
      Float32Array.from({ length: C * H * W }, (_, i) => i),
      [1, C, H, W],
    );
    const y = (await net.forward(x).data()) as Float32Array;
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H / 2; h++)
        for (let w = 0; w < W / 2; w++)
          for (let i = 0; i < 2; i++)
            for (let j = 0; j < 2; j++) {
              const src = c * H * W + (2 * h + i) * W + (2 * w + j);
              const dst = (4 * c + 2 * i + j) * (H / 2) * (W / 2) + h * (W / 2) + w;
              expect(y[dst]).toBe(src);
            }
    // control: tfjs's depthToSpace-style order (block-major) differs
    const blockMajor = (i: number, j: number, c: number) => (2 * i + j) * C + c;
    expect(blockMajor(0, 1, 1)).not.toBe(4 * 1 + 0 + 1);
  });

  it("tags: one set of weights gives two different maps, each invertible; wrong tag is caught", async () => {
    const c = CASES[0];
    const { net, x } = makeBlock(c, 31);
    const y0 = net.forward(x, 0);
    const y1 = net.forward(x, 1);
    const tol0 = await roundTripTolerance(net, x, 0);
    const tol1 = await roundTripTolerance(net, x, 1);
    expect(await maxAbsDiff(y0, y1)).toBeGreaterThan(100 * Math.max(tol0.tol, tol1.tol));
    expect(await maxAbsDiff(net.inverse(y0, 0), x)).toBeLessThanOrEqual(tol0.tol);
    expect(await maxAbsDiff(net.inverse(y1, 1), x)).toBeLessThanOrEqual(tol1.tol);
    // control: inverting with the other tag does not give x back
    expect(await maxAbsDiff(net.inverse(y1, 0), x)).toBeGreaterThan(tol1.tol);
    expect(() => net.forward(x)).toThrow(NetworkError);
    expect(() => net.forward(x, 2)).toThrow(/tag must be 0 or 1/);
    net.dispose();
  });

  it("ActNorm: initialize() gives per-channel mean ≈ 0, unbiased std ≈ 1; before it, forward is an error", async () => {
    const net = buildNetwork({ tagged: false, blocks: [{ kind: "actnorm" }] }, [3, 4, 4], 0);
    const x = tf.tidy(() => tf.add(tf.mul(seededNormal([32, 3, 4, 4], 8), tf.tensor([0.5, 2, 7], [1, 3, 1, 1])), tf.tensor([-3, 0, 10], [1, 3, 1, 1])));
    expect(() => net.forward(x)).toThrow(/not initialised/);
    try {
      net.inverse(x);
    } catch (e) {
      expect((e as NetworkError).code).toBe("LIN1065");
    }
    net.initialize(x);
    const y = net.forward(x);
    const perChannel = tf.tidy(() => tf.reshape(tf.transpose(y, [1, 0, 2, 3]), [3, -1]));
    const mean = (await tf.mean(perChannel, 1).data()) as Float32Array;
    const n = 32 * 16;
    const std = (await tf.tidy(() => tf.sqrt(tf.mul(tf.moments(perChannel, 1).variance, n / (n - 1)))).data()) as Float32Array;
    for (let c = 0; c < 3; c++) {
      // float32 mean of n values of size ≤ M: error ≤ n·u·M; std is 1 − 1e-6/σ (the reference's +1e-6)
      expect(Math.abs(mean[c])).toBeLessThan(n * 2 ** -24 * 40);
      expect(Math.abs(std[c] - 1)).toBeLessThan(1e-5);
    }
    // control: the raw data is not normalised
    const raw = (await tf.mean(tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [3, -1]), 1).data()) as Float32Array;
    expect(Math.abs(raw[2])).toBeGreaterThan(1);
    // a second initialize() is a no-op through the stack (the flag is set)
    expect(net.needsInitialization).toBe(false);
    net.dispose();
  });

  it("bad descriptions and shapes are NetworkErrors with codes and locations", () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof NetworkError ? `${e.code} @ ${e.where}` : String(e);
      }
      return "no error";
    };
    expect(codeOf(() => buildNetwork({ tagged: false, blocks: [{ kind: "squeeze" }] }, [1, 3, 4], 0))).toBe("LIN1062 @ blocks.0 (squeeze)");
    expect(codeOf(() => buildNetwork({ tagged: false, blocks: [{ kind: "actnorm" }, { kind: "affine_coupling", hidden: 0 }] }, [4], 0))).toBe(
      "LIN1061 @ blocks.1 (affine_coupling)",
    );
    expect(codeOf(() => buildNetwork({ tagged: false, blocks: [{ kind: "affine_coupling", scale_bound: -1 }] }, [4], 0))).toBe("LIN1061 @ blocks.0 (affine_coupling)");
    expect(codeOf(() => buildNetwork({ tagged: false, blocks: [{ kind: "additive_coupling" }] }, [1], 0))).toBe("LIN1062 @ blocks.0 (additive_coupling)");
    expect(codeOf(() => buildNetwork({ tagged: false, blocks: [{ kind: "repeat", count: 0, body: [] }] }, [4], 0))).toBe("LIN1061 @ repeat");
    const net = buildNetwork({ tagged: false, blocks: [{ kind: "permute", mode: "reverse" }] }, [4], 0);
    expect(codeOf(() => net.forward(tf.zeros([2, 5])))).toBe("LIN1062 @ ");
    expect(codeOf(() => net.forward(tf.zeros([2, 4]), 1))).toBe("LIN1064 @ ");
  });
});
