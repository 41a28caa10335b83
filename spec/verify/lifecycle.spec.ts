// verificationOf + one run of every check + dispose, 100 times over, leaves exactly as many tensors as
// it found: the bound networks and operators, and the operators made for the checks (folded maps,
// adjoints, pseudo-inverses, a time-conditioned map at each sample's time), are all freed. Before the
// fix toy2d.lin left ~80 tensors per cycle (the control: cycle 100's count differs from cycle 1's).
import { beforeAll, describe, expect, it } from "vitest";
import { runChecks, verificationOf } from "../../src/index.js";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { checkedExample, countAcross } from "../support/lifecycle.js";

const CYCLES = 100;

beforeAll(async () => {
  await selectBackend("cpu");
});

// Heavy under load (100 verifications per example): a timeout far above the ~25 s an idle core needs.
describe("verificationOf + dispose in a long-lived process", { timeout: 600_000 }, () => {
  it.each(["toy2d.lin", "idempotent.lin"])("%s: the tensor count is flat across 100 cycles", async (name) => {
    const program = checkedExample(name);
    let checks = 0;
    const counts = await countAcross(CYCLES, async () => {
      const verification = await verificationOf(program, { backend: "cpu" });
      try {
        for (const target of verification.targets) {
          expect(target.problem).toBeUndefined();
          checks += (await runChecks(target.checks, { runs: 1, seed: 1 })).length;
        }
      } finally {
        verification.dispose();
      }
    });
    expect(checks).toBeGreaterThanOrEqual(CYCLES);
    expect(counts.afterFirst).toBe(counts.start);
    expect(counts.afterLast).toBe(counts.afterFirst);
  });
});
