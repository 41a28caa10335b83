// compile + run + dispose, 100 times over, leaves exactly as many tensors as it found: the networks'
// initial values (tf.variable keeps its argument alive), the operators' cached uploads and the folded
// operators' uploads are all freed by dispose. Before the fix toy2d.lin left 84 tensors per cycle, so
// the count after cycle 100 differs from the count after cycle 1 (the control).
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../../src/index.js";
import { selectBackend } from "../../../src/runtime/backend/index.js";
import { checkedExample, countAcross } from "../../support/lifecycle.js";

const CYCLES = 100;

beforeAll(async () => {
  // The backend's own set-up is not a cycle's.
  await selectBackend("cpu");
});

// Heavy under load (100 compilations per example): a timeout far above the ~40 s an idle core needs.
describe("compile + run + dispose in a long-lived process", { timeout: 600_000 }, () => {
  it.each(["toy2d.lin", "idempotent.lin"])("%s: the tensor count is flat across 100 cycles", async (name) => {
    const program = checkedExample(name);
    let runs = 0;
    const counts = await countAcross(CYCLES, async () => {
      const compiled = await compile(program, { backend: "cpu" });
      try {
        for (const target of compiled.targets) {
          const inputs = compiled.planOf(target).inputs.map((p) => tf.randomNormal([2, p.dim], 0, 1, "float32", 1) as tf.Tensor2D);
          compiled.run(target, ...inputs).dispose();
          inputs.forEach((x) => x.dispose());
          runs++;
        }
      } finally {
        compiled.dispose();
      }
    });
    expect(runs).toBeGreaterThanOrEqual(CYCLES);
    expect(counts.afterFirst).toBe(counts.start);
    expect(counts.afterLast).toBe(counts.afterFirst);
  });
});
