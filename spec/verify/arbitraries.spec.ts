// The arbitraries: laws hold over random well-conditioned networks and operators of every kind; a
// failure over networks shrinks to a one-block network; a seed regenerates the same objects.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/select.js";
import { randomDense } from "../../src/runtime/operator/index.js";
import { Linearizer } from "../../src/runtime/space/index.js";
import { buildCase, describeNetwork, networkCaseArb, operatorArb } from "../../src/verify/arbitraries.js";
import { networkSpace } from "../../src/verify/conditioning.js";
import { roundtripLaw, superpositionLaw } from "../../src/verify/laws/index.js";
import { linearizerSubject } from "../../src/verify/subject.js";
import { offInverseSpace } from "./support.js";

beforeAll(async () => {
  await selectBackend(process.env.LINEA_BACKEND ?? "cpu");
});

describe("random networks", () => {
  it("round trip and superposition hold for every generated network (8 networks × 10 runs per law)", async () => {
    await fc.assert(
      fc.asyncProperty(networkCaseArb(4, 3), fc.nat({ max: 1000 }), async (c, seed) => {
        const network = buildCase(c);
        try {
          const X = await networkSpace(network, "X");
          const f = linearizerSubject("f", new Linearizer(X.space, X.space, randomDense(4, 4, seed)), X, X);
          for (const check of [...roundtripLaw(X), ...superpositionLaw(f)]) {
            const r = await check.run({ runs: 10, seed });
            if (!r.passed) throw new Error(`${describeNetwork(c)}: ${r.property}: ${r.counterexample ?? r.failure ?? ""}`);
          }
        } finally {
          network.dispose();
        }
      }),
      { numRuns: 8, seed: 42 },
    );
  });

  it("a law failing on every network shrinks to a network of one block", async () => {
    // Control: each network is given an inverse that is off by 0.1%; the failing network fast-check
    // reports is shrunk to a single block.
    const details = await fc.check(
      fc.asyncProperty(networkCaseArb(4, 4), async (c) => {
        const network = buildCase(c);
        try {
          const [check] = roundtripLaw(await offInverseSpace(network, 1e-3, "X'"));
          return (await check.run({ runs: 10, seed: 1 })).passed;
        } finally {
          network.dispose();
        }
      }),
      { numRuns: 5, seed: 9 },
    );
    expect(details.failed).toBe(true);
    const [shrunk] = details.counterexample ?? [];
    expect(shrunk?.spec.blocks).toHaveLength(1);
  });

  it("the same seed regenerates the same networks and operators", () => {
    const a = fc.sample(networkCaseArb(4, 3), { numRuns: 5, seed: 17 }).map(describeNetwork);
    const b = fc.sample(networkCaseArb(4, 3), { numRuns: 5, seed: 17 }).map(describeNetwork);
    expect(a).toEqual(b);
    const ops = (): string[] => fc.sample(operatorArb(3, 4), { numRuns: 5, seed: 17 }).map((o) => JSON.stringify(o));
    expect(ops()).toEqual(ops());
  });
});
