// A checkpoint records the operator's declared structure (time_conditioned's `alpha`, fixed by its
// form): resuming it under a spec that now declares another form is refused (LIN0905), not silently
// trained as another model. Control: the same spec resumes.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { train, TrainError, trainPlan, TrainingSession } from "../../src/train/index.js";
import { checked, tinySpec } from "./helpers.js";

const fields = { steps: "2", checkpoint_every: "1", batch: "16" };
const lowrank = (): string =>
  tinySpec({ ...fields, steps: "3" }).replace("time_conditioned(rank = 2, embed = 8, hidden = 16)", "time_conditioned(rank = 2, embed = 8, hidden = 16, form = lowrank)");

async function session(text: string): Promise<TrainingSession> {
  const program = checked(text);
  return TrainingSession.create(program, trainPlan(program), tmpdir());
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("resuming across a change of time_conditioned form", () => {
  it("is refused with LIN0905 naming the alpha tensor; the unchanged spec resumes", async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), "linea-form-resume-"));
    const first = await session(tinySpec(fields));
    await train(first, { outDir });
    first.dispose();
    const changed = await session(lowrank());
    const error = await train(changed, { outDir, resume: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    changed.dispose();
    expect(error).toBeInstanceOf(TrainError);
    expect((error as TrainError).code).toBe("LIN0905");
    expect((error as TrainError).message).toMatch(/A\.alpha.*form/);
    const same = await session(tinySpec({ ...fields, steps: "3" }));
    const resumed = await train(same, { outDir, resume: true });
    expect(resumed.start).toBe(2);
    same.dispose();
  });
});
