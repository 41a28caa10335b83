// Composition through a shared network: chains fuse into one normal form exactly when neighbours meet
// in the same space, the fused map equals the chain (host codec with nonlinear networks), and a k-fold
// composition optimises to a program whose application count does not grow with k.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matrix, type Matrix } from "../../../src/runtime/linalg/index.js";
import { gaussianMatrix } from "../../support/random.js";
import * as ir from "../../../src/compiler/ir/expr.js";
import { applyMapHost, type HostCodec } from "../../../src/compiler/ir/evaluate.js";
import { chain, normalForm, type MapExpr } from "../../../src/compiler/ir/map.js";
import { euclideanSpace, inducedSpace, type IrSpace } from "../../../src/compiler/ir/space.js";
import { mapApplications, optimiseMap } from "../../../src/compiler/passes/optimise.js";
import { TOLERANCE, constant, relativeError, symbolic } from "./support.js";

/** Networks as elementwise asinh(a·x) with a gain per (network, tag): invertible and far from linear. */
const gain = (space: IrSpace): number => 1 + ([...space.id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 997, 0) % 13);
const codec: HostCodec = {
  encode: (space, x) =>
    matrix(
      x.rows,
      x.cols,
      x.data.map((v) => Math.asinh(gain(space) * v)),
    ),
  decode: (space, z) =>
    matrix(
      z.rows,
      z.cols,
      z.data.map((v) => Math.sinh(v) / gain(space)),
    ),
};

const batch = (rows: number, seed: number): Matrix => gaussianMatrix(rows, 3, seed);

const fired = (m: MapExpr): string[] => optimiseMap(m).fired.map((f) => f.rule);

describe("compose-shared-network", () => {
  it("fuses maps that meet in the same induced space, preserving the value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 2, max: 6 }), (seed, n) => {
        const x = inducedSpace("G", n, 0);
        const y = inducedSpace("G", n, 1);
        const z = inducedSpace("H", n + 1);
        const f1 = normalForm(x, y, constant("dense", n, n, seed));
        const f2 = normalForm(y, z, constant("lowrank", n + 1, n, seed + 1, 1));
        const composed = chain([f2, f1]);
        const o = optimiseMap(composed);
        expect(o.fired.map((f) => f.rule)).toContain("compose-shared-network");
        expect(o.after.kind).toBe("normal");
        const input = batch(n, seed);
        expect(relativeError(applyMapHost(o.after, input, codec), applyMapHost(composed, input, codec))).toBeLessThanOrEqual(TOLERANCE);
        expect(mapApplications(o.after)).toBeLessThan(mapApplications(composed));
      }),
      { numRuns: 20 },
    );
  });

  it("does not fuse through different networks of the same dimension (and fusing would be wrong)", () => {
    const n = 4;
    const y1 = inducedSpace("G", n);
    const y2 = inducedSpace("H", n);
    const f1 = normalForm(euclideanSpace(n), y1, constant("conditioned", n, n, 1));
    const f2 = normalForm(y2, euclideanSpace(n), constant("conditioned", n, n, 2));
    const composed = chain([f2, f1]);
    expect(Math.abs(gain(y1) - gain(y2))).toBeGreaterThanOrEqual(1); // the two test networks really differ
    const o = optimiseMap(composed);
    expect(o.fired.map((f) => f.rule)).not.toContain("compose-shared-network");
    expect(o.after.kind).toBe("chain");
    const forced = normalForm(f1.domain, f2.codomain, ir.product([f2.op, f1.op]));
    const input = batch(n, 3);
    expect(relativeError(applyMapHost(forced, input, codec), applyMapHost(composed, input, codec))).toBeGreaterThan(1e-3);
    expect(relativeError(applyMapHost(o.after, input, codec), applyMapHost(composed, input, codec))).toBeLessThanOrEqual(TOLERANCE);
  });

  it("does not fuse different tags of one network", () => {
    const n = 3;
    const f1 = normalForm(inducedSpace("G", n, 0), inducedSpace("G", n, 0), constant("dense", n, n, 1));
    const f2 = normalForm(inducedSpace("G", n, 1), inducedSpace("G", n, 1), constant("dense", n, n, 2));
    expect(fired(chain([f2, f1]))).not.toContain("compose-shared-network");
  });

  it("chain-flatten flattens nested chains; a flat chain is left alone", () => {
    // Every neighbour meets through a different network, so only chain-flatten can fire.
    const [p, q, r, s, t] = ["P", "Q", "R", "S", "T"].map((name) => inducedSpace(name, 3));
    const a = normalForm(q, p, constant("dense", 3, 3, 1));
    const b = normalForm(s, r, constant("dense", 3, 3, 2));
    const c = normalForm(inducedSpace("U", 3), t, constant("dense", 3, 3, 3));
    const nested: MapExpr = { kind: "chain", domain: c.domain, codomain: a.codomain, maps: [a, chain([b, c])] };
    const o = optimiseMap(nested);
    expect(o.fired.map((f) => f.rule)).toEqual(["chain-flatten"]);
    expect(o.after.kind === "chain" ? o.after.maps.length : 0).toBe(3);
    const input = batch(3, 8);
    expect(relativeError(applyMapHost(o.after, input, codec), applyMapHost(nested, input, codec))).toBeLessThanOrEqual(TOLERANCE);
    const flat = chain([normalForm(inducedSpace("K", 3), t, constant("dense", 3, 3, 3)), normalForm(s, inducedSpace("L", 3), constant("dense", 3, 3, 4))]);
    expect(fired(flat)).not.toContain("chain-flatten");
  });
});

describe("k-fold composition through a shared network", () => {
  const n = 6;
  const space = inducedSpace("G", n);
  const kfold = (k: number, op: ir.OpExpr): MapExpr => chain(Array.from({ length: k }, () => normalForm(space, space, op)));

  for (const kind of ["dense", "identity_plus_lowrank", "householder"] as const) {
    it(`the application count does not grow with k (${kind})`, () => {
      const op = constant(kind, n, n, 5, 1);
      const counts = [1, 2, 8, 32, 128].map((k) => mapApplications(optimiseMap(kfold(k, op)).after));
      expect(new Set(counts).size).toBe(1);
      expect(counts[0]).toBe(3); // encode, one operator, decode
      expect(mapApplications(kfold(128, op))).toBe(128 * 3); // the unfused chain grows linearly
    });
  }

  it("the fused k-fold map equals the chain (k = 8)", () => {
    const op = constant("identity_plus_lowrank", n, n, 9, 2);
    const m = kfold(8, op);
    const input = batch(n, 4);
    expect(relativeError(applyMapHost(optimiseMap(m).after, input, codec), applyMapHost(m, input, codec))).toBeLessThanOrEqual(TOLERANCE);
  });

  it("control: without bound weights the fused operator is a k-factor product (count grows with k)", () => {
    const op = symbolic("dense", n, n);
    const counts = [2, 8].map((k) => mapApplications(optimiseMap(kfold(k, op)).after));
    expect(counts).toEqual([2 + 2, 2 + 8]);
  });
});
