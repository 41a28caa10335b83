// Random stacks (fast-check over block sequences and hyper-parameters, small dims): exact inverse
// both ways within the derived tolerance, with a control; reproducible seeding; log-det additivity;
// no tensor leaks over thousands of calls.

import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import { expect, it } from "vitest";
import { yieldToWebGpu } from "../../../src/runtime/backend/webgpu.js";
import { buildNetwork } from "../../../src/runtime/network/build.js";
import { ACTIVATIONS } from "../../../src/runtime/network/mlp.js";
import type { BlockSpec } from "../../../src/runtime/network/spec.js";
import { describeOnBackends, probeBackends } from "../backend/backends_under_test.js";
import { maxAbsDiff, roundTripTolerance, seededNormal } from "./tolerance.js";

const probed = await probeBackends();

const hidden = fc.integer({ min: 2, max: 12 });
const depth = fc.integer({ min: 0, max: 2 });
const activation = fc.constantFrom(...ACTIVATIONS);
const blockArb: fc.Arbitrary<BlockSpec> = fc.oneof(
  fc.record({ kind: fc.constant("affine_coupling" as const), hidden, depth, activation, scale_bound: fc.double({ min: 0.25, max: 2, noNaN: true }) }),
  fc.record({ kind: fc.constant("additive_coupling" as const), hidden, depth, activation }),
  fc.constant({ kind: "actnorm" as const }),
  fc.record({ kind: fc.constant("permute" as const), mode: fc.constantFrom("reverse" as const, "random" as const), seed: fc.nat(1000) }),
  fc.constant({ kind: "inv_dense" as const }),
);
const netArb = fc.record({
  blocks: fc.array(blockArb, { minLength: 1, maxLength: 5 }),
  shape: fc.oneof(
    fc.integer({ min: 2, max: 8 }).map((d) => [d]),
    fc.constantFrom([2, 2, 2], [3, 2, 2], [1, 4, 4]),
  ),
  squeezeFirst: fc.boolean(),
  tagged: fc.boolean(),
  seed: fc.nat(1_000_000),
  // conditioner output gain ≤ 0.5 and |log-scale| ≤ 2 keep κ moderate (tolerance.ts, anchors §9 row 8)
  gain: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
});

describeOnBackends("random stacks", probed, () => {
  it("g⁻¹(g(x)) = x and g(g⁻¹(z)) = z for random stacks; an inverse off by 10·tol is caught", async () => {
    await fc.assert(
      fc.asyncProperty(netArb, async (p) => {
        const squeeze = p.squeezeFirst && p.shape.length === 3 && p.shape[1] % 2 === 0;
        const blocks: BlockSpec[] = squeeze ? [{ kind: "squeeze" }, ...p.blocks] : p.blocks;
        const net = buildNetwork({ tagged: p.tagged, blocks }, p.shape, p.seed, { outputGain: p.gain });
        const tag = p.tagged ? p.seed % 2 : undefined;
        const x = seededNormal([8, ...p.shape], p.seed + 1);
        try {
          if (net.needsInitialization)
            net.initialize(
              tf.tidy(() => tf.add(tf.mul(seededNormal([8, ...p.shape], p.seed + 2), 2), 1)),
              tag,
            );
          const tol = await roundTripTolerance(net, x, tag);
          expect(tol.tol).toBeLessThan(1e-2 * (1 + tol.maxAbs)); // discriminating
          const back = net.inverse(net.forward(x, tag), tag);
          expect(await maxAbsDiff(back, x)).toBeLessThanOrEqual(tol.tol);
          const control = tf.tidy(() => tf.add(back, 10 * tol.tol));
          expect(await maxAbsDiff(control, x)).toBeGreaterThan(tol.tol);
          tf.dispose([back, control]);

          const z = seededNormal([8, ...net.outputShape], p.seed + 3);
          const tolZ = await roundTripTolerance(net, z, tag, true);
          const there = net.forward(net.inverse(z, tag), tag);
          expect(await maxAbsDiff(there, z)).toBeLessThanOrEqual(tolZ.tol);
          tf.dispose([there, z]);
        } finally {
          x.dispose();
          net.dispose();
        }
      }),
      { numRuns: 12, seed: 20261122 },
    );
  });

  it("same (spec, shape, seed) → same weights and outputs; another seed → different", async () => {
    const spec = { tagged: true, blocks: [{ kind: "inv_dense" }, { kind: "affine_coupling", hidden: 8 }, { kind: "permute", mode: "random" }] } as const;
    const a = buildNetwork(spec, [6], 42);
    const b = buildNetwork(spec, [6], 42);
    const c = buildNetwork(spec, [6], 43);
    const x = seededNormal([4, 6], 1);
    expect(await maxAbsDiff(a.forward(x, 1), b.forward(x, 1))).toBe(0);
    expect(await maxAbsDiff(a.forward(x, 1), c.forward(x, 1))).toBeGreaterThan(1e-3);
    for (const n of [a, b, c]) n.dispose();
  });

  it("the stack's log-det is the sum of its blocks' log-dets", async () => {
    const net = buildNetwork(
      { tagged: true, blocks: [{ kind: "actnorm" }, { kind: "affine_coupling", hidden: 8 }, { kind: "inv_dense" }, { kind: "additive_coupling", hidden: 4 }] },
      [4],
      3,
      { outputGain: 0.5 },
    );
    const x = seededNormal([8, 4], 2);
    net.initialize(x, 0);
    const { logDet } = net.forwardWithLogDet(x, 0);
    let h = x;
    let sum = tf.zeros([8]);
    for (const b of net.blocks) {
      const r = b.forwardWithLogDet?.(h, 0);
      if (r === undefined) throw new Error("block without log-det");
      h = r.y;
      sum = tf.add(sum, r.logDet);
    }
    // identical float32 ops in the same order: equal up to the summation order (exact here)
    expect(await maxAbsDiff(logDet, sum)).toBeLessThanOrEqual(4 * 2 ** -24 * 10);
    expect(await maxAbsDiff(logDet, tf.zeros([8]))).toBeGreaterThan(1e-3); // control: not trivially zero
    net.dispose();
  });

  it("no tensor leaks over 1000 network forward/inverse calls = 6000 block calls (and failing calls)", async () => {
    const net = buildNetwork(
      {
        tagged: true,
        blocks: [
          { kind: "squeeze" },
          { kind: "actnorm" },
          { kind: "inv_dense" },
          { kind: "affine_coupling", hidden: 8 },
          { kind: "permute", mode: "random" },
          { kind: "additive_coupling", hidden: 8 },
        ],
      },
      [1, 4, 4],
      1,
    );
    const x = seededNormal([4, 1, 4, 4], 5);
    net.initialize(x, 1);
    const warm = net.forward(x, 1);
    warm.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 500; i++) {
      const y = net.forward(x, i % 2);
      const back = net.inverse(y, i % 2);
      tf.dispose([y, back]);
      await yieldToWebGpu(); // webgpu only: lets Dawn free finished work (else native memory grows until a crash)
    }
    const r = net.forwardWithLogDet(x, 0);
    tf.dispose([r.y, r.logDet]);
    expect(() => net.forward(x)).toThrow(); // missing tag: throws before allocating
    expect(() => net.forward(tf.zeros([2, 3]), 1)).toThrow();
    expect(tf.memory().numTensors).toBe(before + 1); // + the tf.zeros above
    // control: a leaking loop is visible to the same measure
    const leaked = net.forward(x, 1);
    expect(tf.memory().numTensors).toBe(before + 2);
    leaked.dispose();
    net.dispose();
  });
});
