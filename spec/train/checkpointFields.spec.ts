// Resuming trusts nothing in a checkpoint: each restored field is checked, a bad one refused with
// LIN0909 naming the file and the field (the previous checkpoint used instead only with
// resumeFallback), no checkpoint at all is LIN0908 instead of a silent restart from step 0, and the
// temp files a crashed write left are removed at start. Each case tampers with one field of a good
// checkpoint; the untampered copy resuming is the control.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { decodeSafetensors, encodeSafetensors, type HostTensor } from "../../src/runtime/io/index.js";
import { checkpointDir, train, trainPlan, TrainError, TrainingSession, TRAIN_PREFIX } from "../../src/train/index.js";
import { LOCK_FILE } from "../../src/train/lock.js";
import { checked, tinySpec } from "./helpers.js";

const tmp = (): string => mkdtempSync(path.join(tmpdir(), "linea-ckpt-"));
const program = checked(tinySpec());
const session = (): Promise<TrainingSession> => TrainingSession.create(program, trainPlan(program), tmpdir());

/** A run of 4 steps with checkpoints at 2 and 4, made once and copied for each case. */
let trained: string;

beforeAll(async () => {
  await selectBackend("cpu");
  trained = tmp();
  const s = await session();
  await train(s, { outDir: trained, steps: 4, checkpointEvery: 2 });
  s.dispose();
});

function copyOfRun(): string {
  const out = tmp();
  cpSync(trained, out, { recursive: true });
  return out;
}

const newest = (out: string): string => path.join(checkpointDir(out), "step-00000004.safetensors");

/** Rewrites a checkpoint with its metadata and tensors changed by `edit`. */
function tamper(file: string, edit: (metadata: Record<string, string>, tensors: Map<string, HostTensor>) => void): void {
  const decoded = decodeSafetensors(new Uint8Array(readFileSync(file)), file);
  const metadata = { ...decoded.metadata };
  const tensors = new Map(decoded.tensors);
  edit(metadata, tensors);
  writeFileSync(file, Buffer.concat(encodeSafetensors(tensors, metadata)));
}

async function resumeError(out: string, options: { steps?: number; resumeFallback?: boolean } = {}): Promise<TrainError> {
  const s = await session();
  try {
    await train(s, { outDir: out, steps: options.steps ?? 4, resume: true, ...(options.resumeFallback === undefined ? {} : { resumeFallback: options.resumeFallback }) });
  } catch (e) {
    if (e instanceof TrainError) return e;
    throw e;
  } finally {
    s.dispose();
  }
  throw new Error("the resume was not refused");
}

const lossName = `${TRAIN_PREFIX}loss`;
const firstMoment = (tensors: Map<string, HostTensor>): string => [...tensors.keys()].find((n) => n.startsWith(`${TRAIN_PREFIX}adam/m/`)) ?? "";

describe("resuming checks every restored field", () => {
  it("resumes from an untampered checkpoint (the control of every case below)", async () => {
    const out = copyOfRun();
    const s = await session();
    const r = await train(s, { outDir: out, steps: 4, resume: true });
    s.dispose();
    expect(r.start).toBe(4);
    expect(r.history).toHaveLength(4);
  });

  const cases: readonly { what: string; field: string; edit: (m: Record<string, string>, t: Map<string, HostTensor>) => void; steps?: number; message: RegExp }[] = [
    { what: "a step that disagrees with the file name", field: "step", edit: (m) => (m.step = "3"), message: /3 disagrees with the file name's step 4/ },
    { what: "a negative step", field: "step", edit: (m) => (m.step = "-1"), message: /"-1" is not a non-negative integer/ },
    { what: "a non-integer step", field: "step", edit: (m) => (m.step = "4.5"), message: /"4\.5" is not a non-negative integer/ },
    { what: "a step beyond this run's steps", field: "step", edit: () => undefined, steps: 3, message: /4 is beyond this run's 3 steps/ },
    { what: "a non-numeric iteration count", field: "iterations", edit: (m) => (m.iterations = "many"), message: /"many" is not a non-negative integer/ },
    { what: "an iteration count that is not the step", field: "iterations", edit: (m) => (m.iterations = "40"), message: /40 optimiser updates for 4 steps/ },
    { what: "an unknown optimizer state", field: "optimizer_state", edit: (m) => (m.optimizer_state = "partial"), message: /not one of complete, none/ },
    { what: "a missing lr", field: "lr", edit: (m) => delete m.lr, message: /not a positive number/ },
    { what: "a missing loss history", field: lossName, edit: (_, t) => t.delete(lossName), message: /missing/ },
    {
      what: "a loss history shorter than the step",
      field: lossName,
      edit: (_, t) => t.set(lossName, { dtype: "F32", shape: [2, 5], data: new Float32Array(10) }),
      message: /shape \[2, 5\], expected \[4, 5\]/,
    },
    {
      what: "a NaN in Adam's first moment",
      field: "train/adam/m/",
      edit: (_, t) => {
        const name = firstMoment(t);
        const m = t.get(name);
        if (m?.dtype === "F32") t.set(name, { ...m, data: Float32Array.from(m.data, (v, i) => (i === 0 ? Number.NaN : v)) });
      },
      message: /impossible value NaN at flat index 0/,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.what} with LIN0909 naming the file and the field`, async () => {
      const out = copyOfRun();
      tamper(newest(out), c.edit);
      const e = await resumeError(out, c.steps === undefined ? {} : { steps: c.steps });
      expect(e.code).toBe("LIN0909");
      expect(e.message).toContain(newest(out));
      expect(e.message).toContain(`field ${c.field}`);
      expect(e.message).toMatch(c.message);
      expect(e.message).toContain("--resume-fallback");
      // Refused before anything was written, and the lock released on the way out.
      expect(readdirSync(checkpointDir(out))).toEqual(["step-00000002.safetensors", "step-00000004.safetensors"]);
      expect(existsSync(path.join(out, LOCK_FILE))).toBe(false);
    });
  }

  it("falls back to the previous checkpoint only with resumeFallback, with a warning", async () => {
    const out = copyOfRun();
    tamper(newest(out), (m) => (m.iterations = "x"));
    expect((await resumeError(out)).code).toBe("LIN0909");
    const warnings: string[] = [];
    const s = await session();
    const r = await train(s, { outDir: out, steps: 4, resume: true, resumeFallback: true, warn: (m) => warnings.push(m) });
    s.dispose();
    expect(r.start).toBe(2);
    expect(r.history).toHaveLength(4);
    expect(warnings.join("\n")).toMatch(/skipping checkpoint: LIN0909: .*step-00000004\.safetensors: field iterations/);
  });

  it("refuses --resume with nothing to resume (LIN0908) instead of starting from step 0", async () => {
    const empty = tmp();
    const none = await resumeError(empty);
    expect(none.code).toBe("LIN0908");
    expect(none.message).toMatch(/no checkpoint in .*checkpoints; run without --resume/);
    expect(existsSync(path.join(empty, "weights.safetensors"))).toBe(false);

    // Every checkpoint bad: with the fallback too, nothing is left to resume from.
    const out = copyOfRun();
    const weights = readFileSync(path.join(out, "weights.safetensors"));
    for (const f of readdirSync(checkpointDir(out))) tamper(path.join(checkpointDir(out), f), (m) => (m.optimizer_state = "?"));
    const all = await resumeError(out, { resumeFallback: true });
    expect(all.code).toBe("LIN0908");
    expect(all.message).toMatch(/skipped step-00000004\.safetensors, step-00000002\.safetensors/);
    expect(readFileSync(path.join(out, "weights.safetensors"))).toEqual(weights);
  });

  it("removes the temp files of a crashed run's writes at start, and leaves a live writer's", async () => {
    const out = copyOfRun();
    // pid_max is at most 2^22 on Linux: no process has pid 2^22 + 1.
    const orphan = ".weights.safetensors.4194305.0badf00d.tmp";
    const orphanInCheckpoints = ".step-00000006.safetensors.4194305.12345678.tmp";
    const live = `.loss.csv.${process.ppid}.abcdef01.tmp`;
    writeFileSync(path.join(out, orphan), "half");
    writeFileSync(path.join(checkpointDir(out), orphanInCheckpoints), "half");
    writeFileSync(path.join(out, live), "in progress");
    const warnings: string[] = [];
    const s = await session();
    await train(s, { outDir: out, steps: 4, resume: true, warn: (m) => warnings.push(m) });
    s.dispose();
    expect(existsSync(path.join(out, orphan))).toBe(false);
    expect(existsSync(path.join(checkpointDir(out), orphanInCheckpoints))).toBe(false);
    expect(existsSync(path.join(out, live))).toBe(true);
    expect(warnings.join("\n")).toContain(`removed 2 temporary file(s) left by an interrupted write: ${orphan}, ${orphanInCheckpoints}`);
  });
});
