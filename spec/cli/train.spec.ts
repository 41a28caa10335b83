// `linea train`: exit codes (0 trained, 1 the spec cannot be trained, 2 bad usage, 130/143 stopped by a signal),
// the progress lines on stderr, and the files of a run. Run in-process through runTrain (a child
// process would start tfjs again for each case).
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import { textsOf, tileLayout } from "../support/xml.js";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { runTrain, type StopSignal } from "../../src/cli/train.js";
import { LOCK_FILE } from "../../src/train/lock.js";
import type { CommandIO } from "../../src/cli/command.js";
import { tinyImageSpec, tinySpec } from "../train/helpers.js";

const dir = mkdtempSync(path.join(tmpdir(), "linea-train-cli-"));
writeFileSync(path.join(dir, "linea.json"), "{}");
writeFileSync(path.join(dir, "tiny.lin"), tinySpec({ steps: "6", checkpoint_every: "3" }));
writeFileSync(path.join(dir, "untrained.lin"), "space X = R^2;\nmap f : X -> X = dense;\n");
writeFileSync(path.join(dir, "lpips.lin"), "space X = R[1, 16, 16];\noperator A = dense;\nmap f : X -> X = A;\ntrain fit { model = f; data = moons(n = 8); loss = lpips; }\n");
writeFileSync(path.join(dir, "broken.lin"), "space X = R^2;\nmap f : X -> Y = dense;\n");
writeFileSync(path.join(dir, "digits.lin"), tinyImageSpec({ steps: "2", checkpoint_every: "2" }));
writeFileSync(path.join(dir, "both.lin"), tinySpec({ epochs: "2" }));
writeFileSync(path.join(dir, "wrongshape.lin"), tinySpec({ data: "mnist(n = 8)" }));

function io(): CommandIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, cwd: dir, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

describe("linea train", () => {
  it("trains, prints progress and writes weights, checkpoints, loss and sample plots", async () => {
    const r = io();
    const code = await runTrain(["tiny.lin", "--out", "run", "--backend", "cpu"], r, { tty: false });
    expect(r.err.join("")).toContain("step 6/6");
    expect(code).toBe(0);
    expect(r.out.join("")).toMatch(/trained fit: step 6\/6/);
    for (const f of ["weights.safetensors", "loss.csv", "loss.json", "loss.png", "samples.png", "checkpoints/step-00000006.safetensors"]) {
      expect(existsSync(path.join(dir, "run", f))).toBe(true);
    }
    const loss = PNG.sync.read(readFileSync(path.join(dir, "run", "loss.png")));
    expect([loss.width, loss.height]).toEqual([640, 420]);
    const samples = PNG.sync.read(readFileSync(path.join(dir, "run", "samples.png")));
    expect(samples.width).toBeGreaterThan(100);
    expect(
      readFileSync(path.join(dir, "run", "loss.csv"), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(7);

    // --resume with more steps continues from step 6.
    const again = io();
    expect(await runTrain(["tiny.lin", "--out", "run", "--backend", "cpu", "--resume", "--steps", "9"], again, { tty: false })).toBe(0);
    expect(again.err.join("")).toContain("resumed from step 6");
    expect(
      readFileSync(path.join(dir, "run", "loss.csv"), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(10);
  });

  it("trains on MNIST and draws the one-step samples as an image grid", async () => {
    const r = io();
    expect(await runTrain(["digits.lin", "--out", "digits", "--backend", "cpu"], r, { tty: false })).toBe(0);
    expect(r.err.join("")).toMatch(/data mnist\(64 of digits 0123456789, 14×14\): 64 rows/);
    expect(r.out.join("")).toMatch(/samples .*samples\.png \(one step, rk4 T=6; 64 samples/);
    // 64 tiles of 14×14, 8 per row, each enlarged to a readable size (the old grid drew them 28 px wide).
    const png = PNG.sync.read(readFileSync(path.join(dir, "digits", "samples.png")));
    expect(png.width).toBeGreaterThan(8 * 64);
    const svg = readFileSync(path.join(dir, "digits", "samples.svg"), "utf8");
    expect(tileLayout(svg)).toEqual({ tiles: 64, columns: 8, rows: 8 });
    expect(textsOf(svg)).toContain("one-step samples (rk4 T=6)");
  });

  it("exits 1 with LIN0904 for steps and epochs together, LIN0903 for a wrong data shape", async () => {
    const both = io();
    expect(await runTrain(["both.lin", "--backend", "cpu"], both)).toBe(1);
    expect(both.err.join("")).toMatch(/LIN0904\]: .*steps or epochs/);
    const wrong = io();
    expect(await runTrain(["wrongshape.lin", "--backend", "cpu"], wrong)).toBe(1);
    expect(wrong.err.join("")).toMatch(/LIN0903\]: data mnist.* \[1, 28, 28\] \(784 values\); the model's data space has shape \[2\]/);
  });

  it("stops at SIGINT after the step in progress with a checkpoint, exit 130; SIGTERM likewise with 143", async () => {
    for (const [signal, code] of [
      ["SIGINT", 130],
      ["SIGTERM", 143],
    ] as const) {
      let send: ((s: StopSignal) => void) | undefined;
      const r = io();
      const out = `stopped-${signal}`;
      // The signal arrives as step 1's progress line is printed, i.e. inside the loop, as a real one would.
      const stderr = (t: string): void => {
        r.err.push(t);
        if (t.includes("step 1/6")) send?.(signal);
      };
      const result = await runTrain(
        ["tiny.lin", "--out", out, "--backend", "cpu"],
        { ...r, stderr },
        {
          tty: false,
          onSignal: (handler) => {
            send = handler;
            return () => undefined;
          },
          exit: () => expect.unreachable("one signal must not exit at once"),
        },
      );
      expect(result).toBe(code);
      expect(r.err.join("")).toContain(`${signal} after step 1; saving`);
      expect(r.out.join("")).toMatch(/stopped fit: step 1\/6/);
      expect(readdirSync(path.join(dir, out, "checkpoints")).filter((n) => n.endsWith(".safetensors"))).toEqual(["step-00000001.safetensors"]);
      expect(existsSync(path.join(dir, out, "weights.safetensors"))).toBe(true);
      expect(existsSync(path.join(dir, out, LOCK_FILE))).toBe(false);
      // Control: the run did not go on to its end (its last step is 6).
      expect(existsSync(path.join(dir, out, "checkpoints", "step-00000006.safetensors"))).toBe(false);
    }
  });

  it("exits at once at a second signal, saving nothing and releasing the lock", async () => {
    let send: ((s: StopSignal) => void) | undefined;
    const r = io();
    const exits: { code: number; checkpoints: string[]; locked: boolean }[] = [];
    const stderr = (t: string): void => {
      r.err.push(t);
      if (t.includes("step 1/6")) {
        send?.("SIGINT");
        send?.("SIGTERM");
      }
    };
    const code = await runTrain(
      ["tiny.lin", "--out", "twice", "--backend", "cpu"],
      { ...r, stderr },
      {
        tty: false,
        onSignal: (handler) => {
          send = handler;
          return () => undefined;
        },
        // What the process would look like at process.exit: the files on disk then.
        exit: (c) => exits.push({ code: c, checkpoints: readdirSync(path.join(dir, "twice", "checkpoints")), locked: existsSync(path.join(dir, "twice", LOCK_FILE)) }),
      },
    );
    expect(exits).toEqual([{ code: 143, checkpoints: [], locked: false }]);
    expect(r.err.join("")).toContain("SIGTERM: quitting without saving");
    // Control: the same run without the second signal saved at step 1 (the hook here returns, so the run goes on to that save).
    expect(code).toBe(130);
    expect(readdirSync(path.join(dir, "twice", "checkpoints"))).toEqual(["step-00000001.safetensors"]);
  });

  it("exits 1 with a coded message when the spec has no train section or an unsupported loss", async () => {
    const none = io();
    expect(await runTrain(["untrained.lin", "--backend", "cpu"], none)).toBe(1);
    expect(none.err.join("")).toMatch(/LIN0901\]: the spec has no train section/);
    const named = io();
    expect(await runTrain(["tiny.lin", "--train", "other", "--backend", "cpu"], named)).toBe(1);
    expect(named.err.join("")).toMatch(/no train section named other \(have: fit\)/);
    const lpips = io();
    expect(await runTrain(["lpips.lin", "--backend", "cpu"], lpips)).toBe(1);
    expect(lpips.err.join("")).toMatch(/LIN0940\]: .*loss lpips needs LPIPS weights: write lpips = "lpips_vgg.safetensors"/);
    const broken = io();
    expect(await runTrain(["broken.lin"], broken)).toBe(1);
    expect(broken.err.join("")).toMatch(/LIN\d{4}/);
    for (const r of [none, named, lpips, broken]) expect(r.err.join("")).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on bad usage or an unreadable file", async () => {
    const cases: string[][] = [["train"], ["train", "missing.lin"], ["train", "tiny.lin", "--steps", "0"], ["train", "tiny.lin", "--bogus"], ["train", "a.lin", "b.lin"]];
    for (const args of cases) {
      const r = io();
      expect(await main(args, r)).toBe(2);
    }
    const backend = io();
    expect(await runTrain(["tiny.lin", "--backend", "nonesuch"], backend)).toBe(2);
  });
});
