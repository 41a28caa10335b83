// Conformance: every registered network block kind and operator kind runs every law that applies to
// it. The registries (src/verify/conformance.ts, src/verify/arbitraries.ts) are Records over the kind
// unions of the runtime, so a new kind fails to compile until it is registered, and then it is
// checked here automatically. Fewer runs per law than laws.spec (the laws themselves, with controls,
// are tested there); enough to exercise each kind.
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/select.js";
import { OPERATOR_FACTORIES, OPERATOR_KINDS } from "../../src/verify/arbitraries.js";
import { BLOCK_CONFORMANCE, BLOCK_KINDS, blockConformance, operatorConformance, operatorSpaces, type OperatorSpaces } from "../../src/verify/conformance.js";
import type { Check } from "../../src/verify/law.js";

const RUNS = 6;
let spaces: OperatorSpaces;

beforeAll(async () => {
  await selectBackend(process.env.LINEA_BACKEND ?? "cpu");
  spaces = await operatorSpaces();
});

async function expectAllPass(checks: readonly Check[]): Promise<void> {
  expect(checks.length).toBeGreaterThan(0);
  for (const c of checks) {
    const r = await c.run({ runs: RUNS, seed: 3 });
    expect(r.passed, `${r.law}: ${r.property} on ${r.subject}: ${r.failure ?? ""} ${r.counterexample ?? ""}`).toBe(true);
  }
}

describe("network block kinds", () => {
  it("the registry covers every block a network spec can name", () => {
    // BlockSpec["kind"] minus `repeat` (which unrolls into the others): the type fixes this list.
    expect([...BLOCK_KINDS].sort()).toEqual(["actnorm", "additive_coupling", "affine_coupling", "inv_dense", "permute", "squeeze", "unsqueeze"]);
    for (const kind of BLOCK_KINDS) expect(BLOCK_CONFORMANCE[kind].spec.blocks.some((b) => b.kind === kind)).toBe(true);
  });
  for (const kind of BLOCK_KINDS) {
    it(`${kind}: round trip and the vector-space axioms on every space it induces`, async () => {
      const checks = await blockConformance(kind);
      expect(checks.map((c) => c.law)).toContain("roundtrip");
      expect(checks.map((c) => c.law)).toContain("axioms");
      await expectAllPass(checks);
    });
  }
});

describe("operator kinds", () => {
  it("the registry covers every operator kind", () => {
    expect(OPERATOR_KINDS.length).toBe(Object.keys(OPERATOR_FACTORIES).length);
    for (const kind of OPERATOR_KINDS) expect(OPERATOR_FACTORIES[kind](3, 4, 1).kind).toBe(kind);
  });
  for (const kind of OPERATOR_KINDS) {
    it(`${kind}: every applicable law`, async () => {
      const checks = await operatorConformance(kind, spaces);
      const laws = new Set(checks.map((c) => c.law));
      if (kind === "time_conditioned") expect([...laws].sort()).toEqual(["linear", "one_step"]);
      else expect([...laws]).toEqual(expect.arrayContaining(["linear", "adjoint", "pinv", "svd", "combination", "composition"]));
      if (kind === "projector") expect(laws.has("projector")).toBe(true);
      await expectAllPass(checks);
    });
  }
});
