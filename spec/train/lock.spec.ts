// The output folder's lock: one holder at a time (LIN0907 names the holder's pid and host), a stale lock
// (its pid gone on this host) taken over, another host's lock left alone, and the lock released when
// the holder exits by process.exit as well as by release().
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { acquireOutputLock, LOCK_FILE, processAlive } from "../../src/train/lock.js";
import { TrainError } from "../../src/train/index.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const tmp = (): string => mkdtempSync(path.join(tmpdir(), "linea-lock-"));
// pid_max is at most 2^22 on Linux: no process has pid 2^22 + 1.
const DEAD_PID = 4194305;

async function refusal(dir: string): Promise<TrainError> {
  try {
    (await acquireOutputLock(dir)).release();
  } catch (e) {
    if (e instanceof TrainError) return e;
    throw e;
  }
  throw new Error("the lock was not refused");
}

describe("the output lock", () => {
  it("holds the holder's pid and host, refuses a second holder with LIN0907, and is free again after release", async () => {
    const dir = path.join(tmp(), "out", "nested");
    const lock = await acquireOutputLock(dir);
    const holder: unknown = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
    const second = await refusal(dir);
    expect(second.code).toBe("LIN0907");
    expect(second.message).toContain(`pid ${process.pid} on ${hostname()}`);
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    // Control: once released, it can be taken again.
    (await acquireOutputLock(dir)).release();
  });

  it("takes over a stale lock (its pid not alive here) but not another host's", async () => {
    expect(processAlive(DEAD_PID)).toBe(false);
    expect(processAlive(process.pid)).toBe(true);
    const dir = tmp();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, host: hostname(), token: "old", since: "then" }));
    const lock = await acquireOutputLock(dir);
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    lock.release();

    // The same dead pid on another host: its liveness cannot be told from here, so it holds.
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, host: "elsewhere.example", token: "old", since: "then" }));
    const e = await refusal(dir);
    expect(e.code).toBe("LIN0907");
    expect(e.message).toContain(`pid ${DEAD_PID} on elsewhere.example`);
  });

  it("is released when the holder ends with process.exit", () => {
    const dir = tmp();
    const script = `import { acquireOutputLock } from ${JSON.stringify(path.join(repo, "src/train/lock.ts"))}; await acquireOutputLock(${JSON.stringify(dir)}); console.log("locked"); process.exit(3);`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: repo, encoding: "utf8" });
    expect(r.stdout).toContain("locked");
    expect(r.status).toBe(3);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
