// `linea train` stopped by a real signal: the CLI as a child process (node with tsx's loader, so the
// signal reaches the process that trains, not a wrapper), on a run far longer than the test
// (100,000 steps, one checkpoint at the end). The signal is sent once stderr shows step 1 done, so it
// lands inside the step loop; the run must then stop within one step of the step the handler saw,
// save a checkpoint there and exit 130 (SIGINT) or 143 (SIGTERM). Steps are asserted, never seconds.
// Before the loop yielded to the event loop, neither signal was seen until the next checkpoint (here
// the end), so these runs never ended (SIGTERM ended the process at once, saving nothing).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { LOCK_FILE } from "../../src/train/lock.js";
import { tinySpec } from "../train/helpers.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const cli = path.join(repo, "src", "cli", "main.ts");

const dir = mkdtempSync(path.join(tmpdir(), "linea-train-signal-"));
writeFileSync(path.join(dir, "linea.json"), "{}");
writeFileSync(path.join(dir, "long.lin"), tinySpec({ steps: "100000", checkpoint_every: "100000" }));

/** Children still running when the file ends (a failing run) are killed, so none outlives the test. */
const children = new Set<ReturnType<typeof spawn>>();
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

interface Stopped {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `linea train long.lin --out OUT`, sends `signal` once step 1's progress line is on stderr, and waits for the exit. */
function trainAndSignal(out: string, signal: NodeJS.Signals): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    // From the repository, where `--import tsx` resolves; the paths are absolute.
    const args = ["--import", "tsx", cli, "train", path.join(dir, "long.lin"), "--out", path.join(dir, out), "--backend", "cpu"];
    const child = spawn(process.execPath, args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      if (!sent && /step 1\/100000/.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The step the handler saw (`SIGINT after step k`) and the step the run stopped at (`stopped fit: step s/…`). */
function steps(run: Stopped, signal: string): { seen: number; stopped: number } {
  const seen = new RegExp(`${signal} after step (\\d+)`).exec(run.stderr)?.[1];
  const stopped = /stopped fit: step (\d+)\/100000/.exec(run.stdout)?.[1];
  expect(seen, run.stderr).toBeDefined();
  expect(stopped, run.stdout).toBeDefined();
  return { seen: Number(seen), stopped: Number(stopped) };
}

describe("linea train under real signals", () => {
  // Both children start together: tsx and tfjs start-up dominates.
  const runs = { SIGINT: trainAndSignal("int", "SIGINT"), SIGTERM: trainAndSignal("term", "SIGTERM") };

  for (const [signal, out, code] of [
    ["SIGINT", "int", 130],
    ["SIGTERM", "term", 143],
  ] as const) {
    it(`${signal}: finishes the step in progress, saves a checkpoint there and exits ${code}`, async () => {
      const run = await runs[signal];
      expect(run.code, run.stderr).toBe(code);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const { seen, stopped } = steps(run, signal);
      // The signal came after step 1; the handler ran at the yield after step `seen`, and at most the
      // step then in progress finishes.
      expect(seen).toBeGreaterThanOrEqual(1);
      expect(stopped).toBeGreaterThanOrEqual(seen);
      expect(stopped).toBeLessThanOrEqual(seen + 1);
      const checkpoints = readdirSync(path.join(dir, out, "checkpoints"));
      expect(checkpoints).toEqual([`step-${String(stopped).padStart(8, "0")}.safetensors`]);
      expect(existsSync(path.join(dir, out, "weights.safetensors"))).toBe(true);
      expect(existsSync(path.join(dir, out, LOCK_FILE))).toBe(false);
    });
  }
});
