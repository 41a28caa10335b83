// The --explain view and the DOT emitter, and the cost model's crossover between dense and factored.
import { describe, expect, it } from "vitest";
import * as ir from "../../../src/compiler/ir/expr.js";
import { estimateCost, structureCost, cheaper } from "../../../src/compiler/ir/cost.js";
import { explainMap } from "../../../src/compiler/ir/explain.js";
import { mapsToDot } from "../../../src/compiler/ir/dot.js";
import { chain, normalForm } from "../../../src/compiler/ir/map.js";
import { inducedSpace } from "../../../src/compiler/ir/space.js";
import { explainOptimisation, optimiseMap } from "../../../src/compiler/passes/optimise.js";
import { constant } from "../passes/support.js";

describe("cost model", () => {
  it("a rank-r factorisation is cheaper than dense exactly when r(m + n) < mn", () => {
    for (const [m, n, r] of [
      [10, 10, 4],
      [10, 10, 5],
      [10, 10, 6],
      [8, 3, 2],
      [8, 3, 3],
    ]) {
      const lowCheaper = cheaper(structureCost("lowrank", m, n, r), structureCost("dense", m, n));
      expect(lowCheaper).toBe(r * (m + n) < m * n);
    }
  });

  it("a chain costs the sum of its factors, a power k times its base", () => {
    const a = constant("dense", 4, 4, 1);
    const b = constant("diagonal", 4, 4, 2);
    expect(estimateCost(ir.product([a, b])).flops).toBe(estimateCost(a).flops + estimateCost(b).flops);
    expect(estimateCost(ir.power(a, 5)).applications).toBe(5);
    expect(estimateCost(ir.power(a, 5)).memory).toBe(estimateCost(a).memory);
  });
});

describe("explain and DOT", () => {
  const g0 = inducedSpace("G", 4, 0, "Noise");
  const g1 = inducedSpace("G", 4, 1, "Data");
  const m = chain([normalForm(g1, g1, constant("identity_plus_lowrank", 4, 4, 1, 1)), normalForm(g0, g1, ir.transpose(ir.transpose(constant("dense", 4, 4, 2))))]);

  it("lists every node with shape and cost, before and after, and the rules that fired", () => {
    const lines = explainMap("f", m);
    expect(lines[0]).toContain("chain of 2");
    expect(lines.some((l) => l.includes("transpose [4×4]") && l.includes("flops/row="))).toBe(true);
    const text = explainOptimisation("f", optimiseMap(m));
    expect(text).toContain("== f: before (");
    expect(text).toContain("== f: after (");
    expect(text).toContain("compose-shared-network:");
    expect(text).toContain("fold-transpose:");
    expect(text).toMatch(/Noise -> Data/);
  });

  it("emits a DOT digraph with one node per space end and operator node", () => {
    const dot = mapsToDot([{ name: "f", map: m }]);
    expect(dot.startsWith("digraph linea {")).toBe(true);
    expect(dot.trimEnd().endsWith("}")).toBe(true);
    expect((dot.match(/shape=box/g) ?? []).length).toBe(4); // ipl leaf, transpose, transpose, dense leaf
    expect((dot.match(/shape=ellipse/g) ?? []).length).toBe(4); // two normal forms, two ends each
    expect((dot.match(/\{/g) ?? []).length).toBe((dot.match(/\}/g) ?? []).length);
  });
});
