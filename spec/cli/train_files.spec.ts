// `linea train` and its output folder, in-process through runTrain: every file-system failure is a coded
// io error (LIN1111, exit 2, one line, before any step), two runs on one --out are refused (LIN0907,
// exit 2) with the lock released on every way out, --resume with nothing to resume is refused
// (LIN0908) leaving the weights alone, --checkpoint-every overrides the spec, and a data path that a
// symbolic link takes out of the project folder is refused (LIN0910) with its location.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandIO } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";
import { runTrain, type StopSignal } from "../../src/cli/train.js";
import { saveNpy } from "../../src/runtime/io/index.js";
import { LOCK_FILE } from "../../src/train/lock.js";
import { tinySpec } from "../train/helpers.js";

const dir = mkdtempSync(path.join(tmpdir(), "linea-train-files-"));
writeFileSync(path.join(dir, "linea.json"), "{}");
writeFileSync(path.join(dir, "tiny.lin"), tinySpec({ steps: "6", checkpoint_every: "3" }));
writeFileSync(path.join(dir, "long.lin"), tinySpec({ steps: "100000", checkpoint_every: "100000" }));

function io(): CommandIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, cwd: dir, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

async function train(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = io();
  const code = await runTrain(["tiny.lin", "--backend", "cpu", ...args], r, { tty: false });
  return { code, stdout: r.out.join(""), stderr: r.err.join("") };
}

/** One coded line, no stack, and no step run. */
function expectIoError(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/error\[LIN1111\]/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(r.stderr).not.toMatch(/step 1\//);
}

describe("linea train's output folder", () => {
  it("refuses an --out through a file, a checkpoints path that is a file and a weights path that is a folder (LIN1111, exit 2)", async () => {
    expectIoError(await train("--out", "tiny.lin/sub"), /tiny\.lin\/sub: cannot create the output folder: a folder on the path is a file \(ENOTDIR\)/);

    mkdirSync(path.join(dir, "ckfile"));
    writeFileSync(path.join(dir, "ckfile", "checkpoints"), "not a folder");
    expectIoError(await train("--out", "ckfile"), /ckfile\/checkpoints: cannot create the folder/);
    expect(existsSync(path.join(dir, "ckfile", LOCK_FILE))).toBe(false);

    mkdirSync(path.join(dir, "wdir", "weights.safetensors"), { recursive: true });
    expectIoError(await train("--out", "wdir"), /wdir\/weights\.safetensors: cannot write the file: it is a folder \(EISDIR\)/);

    // Control: a plain new folder trains.
    expect((await train("--out", "fine/sub")).code).toBe(0);
  });

  it("refuses a second run on the same --out while the first trains (LIN0907 naming its pid), and releases the lock", async () => {
    let second: Promise<{ code: number; stdout: string; stderr: string }> | undefined;
    let stopFirst: ((s: StopSignal) => void) | undefined;
    const first = io();
    // The second starts once the first has run a step; the first (100,000 steps) holds the lock until
    // it is stopped, which happens only once the second has been answered.
    const stderr = (t: string): void => {
      first.err.push(t);
      if (second === undefined && t.includes("step 1/100000")) {
        second = train("--out", "shared");
        void second.then(() => stopFirst?.("SIGINT"));
      }
    };
    const code = await runTrain(
      ["long.lin", "--backend", "cpu", "--out", "shared"],
      { ...first, stderr },
      {
        tty: false,
        onSignal: (handler) => {
          stopFirst = handler;
          return () => undefined;
        },
      },
    );
    expect(code).toBe(130);
    const refused = await second;
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toMatch(new RegExp(`error\\[LIN0907\\]: .*shared is in use by another linea train \\(pid ${process.pid} on `));
    expect(existsSync(path.join(dir, "shared", LOCK_FILE))).toBe(false);
    // Control: the folder is free again, so a run after the first is not refused.
    expect((await train("--out", "shared")).code).toBe(0);
  });

  it("refuses --resume with no checkpoint (LIN0908) and keeps the trained weights", async () => {
    expect((await train("--out", "gone")).code).toBe(0);
    const weights = readFileSync(path.join(dir, "gone", "weights.safetensors"));
    for (const f of readdirSync(path.join(dir, "gone", "checkpoints"))) writeFileSync(path.join(dir, "gone", "checkpoints", f), "");
    const r = await train("--out", "gone", "--resume");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[LIN0905\]: .*step-00000006\.safetensors/);
    const none = await train("--out", "never", "--resume");
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/error\[LIN0908\]: --resume: no checkpoint in .*never\/checkpoints; run without --resume/);
    expect(readFileSync(path.join(dir, "gone", "weights.safetensors"))).toEqual(weights);
    expect(existsSync(path.join(dir, "never", "weights.safetensors"))).toBe(false);
    expect(existsSync(path.join(dir, "never", LOCK_FILE))).toBe(false);
    const usage = io();
    expect(await main(["train", "tiny.lin", "--resume-fallback"], usage)).toBe(2);
    expect(usage.err.join("")).toContain("--resume-fallback goes with --resume");
  });

  it("--checkpoint-every N overrides the spec's checkpoint_every", async () => {
    expect((await train("--out", "every2", "--checkpoint-every", "2")).code).toBe(0);
    expect(readdirSync(path.join(dir, "every2", "checkpoints")).sort()).toEqual(["step-00000002.safetensors", "step-00000004.safetensors", "step-00000006.safetensors"]);
    // Control: the spec's checkpoint_every = 3.
    expect((await train("--out", "every3")).code).toBe(0);
    expect(readdirSync(path.join(dir, "every3", "checkpoints")).sort()).toEqual(["step-00000003.safetensors", "step-00000006.safetensors"]);
    expect(await main(["train", "tiny.lin", "--checkpoint-every", "0"], io())).toBe(2);
  });

  it("refuses a data path that a symbolic link takes out of the project folder (LIN0910, with its location)", async () => {
    const project = mkdtempSync(path.join(tmpdir(), "linea-train-data-"));
    const outside = mkdtempSync(path.join(tmpdir(), "linea-train-outside-"));
    writeFileSync(path.join(project, "linea.json"), "{}");
    const points = { dtype: "F32", shape: [64, 2], data: Float32Array.from({ length: 128 }, (_, i) => Math.sin(i)) } as const;
    await saveNpy(path.join(outside, "points.npy"), points);
    await saveNpy(path.join(project, "points.npy"), points);
    symlinkSync(path.join(outside, "points.npy"), path.join(project, "link.npy"));
    for (const [name, data] of [
      ["linked.lin", '"link.npy"'],
      ["parent.lin", `npy("../${path.basename(outside)}/points.npy")`],
      ["inside.lin", 'npy("points.npy")'],
    ]) {
      writeFileSync(path.join(project, name), tinySpec({ steps: "1", data }));
    }
    const run = async (spec: string): Promise<{ code: number; stderr: string }> => {
      const r = { ...io(), cwd: project };
      return { code: await runTrain([spec, "--backend", "cpu"], r, { tty: false }), stderr: r.err.join("") };
    };
    const linked = await run("linked.lin");
    expect(linked.code).toBe(1);
    expect(linked.stderr).toMatch(/error\[LIN0910\]: data path link\.npy \(a symbolic link to .*points\.npy\) is outside the project folder .* \(.*linked\.lin:10:\d+\)/);
    const parent = await run("parent.lin");
    expect(parent.code).toBe(1);
    expect(parent.stderr).toMatch(/error\[LIN0910\]/);
    // Control: the same data inside the project trains.
    expect((await run("inside.lin")).code).toBe(0);
  });
});
