// Hyperparameters of a train section: epochs → steps arithmetic (resolved on the data's row count),
// steps and epochs exclusive, optimisers and weight decay, the spec's sampler, and coded refusals.
import { tmpdir } from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { TrainError, trainPlan, TrainingSession, withDataRows } from "../../src/train/index.js";
import { checked, tinySpec } from "./helpers.js";

function plan(fields: Record<string, string>, drop: string[] = []): ReturnType<typeof trainPlan> {
  const text = tinySpec(fields);
  const without = drop.reduce((t, key) => t.replace(new RegExp(` ${key} = [^;()]+;`), ""), text);
  return trainPlan(checked(without));
}

function refusal(fields: Record<string, string>, drop: string[] = []): TrainError {
  try {
    plan(fields, drop);
  } catch (e) {
    if (e instanceof TrainError) return e;
    throw e;
  }
  throw new Error("the plan was accepted");
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("train plan", () => {
  it("turns epochs into ⌈epochs·rows/batch⌉ steps once the rows are known", async () => {
    const p = plan({ epochs: "3" }, ["steps", "checkpoint_every"]);
    expect(p.epochs).toBe(3);
    // 3 epochs of 512 rows in batches of 64: 24 steps exactly; checkpoints every ⌈24/10⌉ = 3.
    expect(withDataRows(p, 512)).toMatchObject({ steps: 24, checkpointEvery: 3 });
    // 3·500/64 = 23.4…: a partial last epoch still counts as a step.
    expect(withDataRows(p, 500).steps).toBe(24);
    expect(withDataRows(p, 64).steps).toBe(3);
    // An explicit checkpoint_every stays.
    expect(withDataRows(plan({ epochs: "3", checkpoint_every: "5" }, ["steps"]), 512).checkpointEvery).toBe(5);
    // Control: without epochs the row count changes nothing.
    expect(withDataRows(plan({}), 512).steps).toBe(40);
    // The session resolves it on its data (moons(n = 512) in the tiny spec).
    const program = checked(tinySpec({ epochs: "2" }).replace(" steps = 40;", ""));
    const s = await TrainingSession.create(program, trainPlan(program), tmpdir());
    expect(s.plan.steps).toBe(16);
    s.dispose();
  });

  it("refuses steps and epochs together with LIN0904", () => {
    expect(refusal({ epochs: "2" }).code).toBe("LIN0904");
  });

  it("reads adamw with its default decay, sgd, and adam with coupled decay (default 0)", () => {
    expect(plan({ optimizer: "adamw" })).toMatchObject({ optimizer: "adamw", weightDecay: 0.01 });
    expect(plan({ optimizer: "adamw", weight_decay: "0.2" }).weightDecay).toBe(0.2);
    expect(plan({ optimizer: "sgd", weight_decay: "0.1" })).toMatchObject({ optimizer: "sgd", weightDecay: 0.1 });
    expect(plan({}).weightDecay).toBe(0);
    expect(plan({ weight_decay: "0" }).weightDecay).toBe(0);
    expect(plan({ optimizer: "adam", weight_decay: "1e-5" })).toMatchObject({ optimizer: "adam", weightDecay: 1e-5 });
  });

  it("refuses loss = lpips on a time-conditioned map (LIN0941; flow matching takes lpips weights itself)", () => {
    const e = refusal({ loss: "lpips" });
    expect(e.code).toBe("LIN0941");
    expect(e.message).toMatch(/loss lpips fits a map X -> Y; v is time-conditioned/);
    // Control: the same section as flow matching with weights plans them (spec/train/perceptual.spec.ts runs it).
    expect(plan({ lpips: '"w.safetensors"' }).perceptual?.file).toBe("w.safetensors");
  });

  it("finds the spec's sampler over the model", () => {
    expect(plan({}).sampler).toEqual({ method: "euler", steps: 10 });
    // Control: a sampler over another map is not the model's.
    const other = tinySpec()
      .replace("sampler(v, method = euler, steps = 10)(x)", "x")
      .replace("map v :", "map w : Noise -> Data = A;\nlet S = sampler(w, method = rk4, steps = 5);\nmap v :");
    expect(trainPlan(checked(other)).sampler).toBeUndefined();
  });
});
