// `linea train`: exit codes (0 trained, 1 the spec cannot be trained, 2 bad usage, 130 interrupted),
// the progress lines on stderr, and the files of a run. Run in-process through runTrain (a child
// process would start tfjs again for each case).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import { textsOf, tileLayout } from "../support/xml.js";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { runTrain, SIGINT_EXIT } from "../../src/cli/train.js";
import type { CommandIO } from "../../src/cli/command.js";
import { tinyImageSpec, tinySpec } from "../train/helpers.js";

const dir = mkdtempSync(path.join(tmpdir(), "linea-train-cli-"));
writeFileSync(path.join(dir, "linea.json"), "{}");
writeFileSync(path.join(dir, "tiny.lin"), tinySpec({ steps: "6", checkpoint_every: "3" }));
writeFileSync(path.join(dir, "untrained.lin"), "space X = R^2;\nmap f : X -> X = dense;\n");
writeFileSync(path.join(dir, "mse.lin"), tinySpec({ loss: "mse" }));
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

  it("stops at Ctrl-C with a checkpoint and exit code 130", async () => {
    const r = io();
    const code = await runTrain(["tiny.lin", "--out", "stopped", "--backend", "cpu"], r, {
      tty: false,
      onInterrupt: (handler) => {
        handler(); // as if Ctrl-C came before the first step finished
        return () => undefined;
      },
    });
    expect(code).toBe(SIGINT_EXIT);
    expect(r.err.join("")).toContain("interrupted");
    expect(r.out.join("")).toMatch(/stopped fit/);
    expect(existsSync(path.join(dir, "stopped", "checkpoints", "step-00000000.safetensors"))).toBe(true);
  });

  it("exits 1 with a coded message when the spec has no train section or an unsupported loss", async () => {
    const none = io();
    expect(await runTrain(["untrained.lin", "--backend", "cpu"], none)).toBe(1);
    expect(none.err.join("")).toMatch(/LIN0901\]: the spec has no train section/);
    const named = io();
    expect(await runTrain(["tiny.lin", "--train", "other", "--backend", "cpu"], named)).toBe(1);
    expect(named.err.join("")).toMatch(/no train section named other \(have: fit\)/);
    const mse = io();
    expect(await runTrain(["mse.lin", "--backend", "cpu"], mse)).toBe(1);
    expect(mse.err.join("")).toMatch(/LIN0902\]: .*loss mse/);
    const broken = io();
    expect(await runTrain(["broken.lin"], broken)).toBe(1);
    expect(broken.err.join("")).toMatch(/LIN\d{4}/);
    for (const r of [none, named, mse, broken]) expect(r.err.join("")).not.toMatch(/\n\s+at /);
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
