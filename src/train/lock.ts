// The output folder's lock, `<out>/.lock`: one training run per folder, since two would overwrite each
// other's checkpoints. The lock file holds the holder's pid, host and a random token; it is created
// whole and exclusively (written to a temp file, then hard-linked to the lock's name, which fails if
// the name exists), so a reader never sees a half-written lock. A lock whose pid is not alive on this
// host is stale (a run killed with SIGKILL) and is taken over. Released on every way out of the
// process: explicitly, or by the `exit` listener (process.exit, an uncaught error).
import { randomBytes } from "node:crypto";
import { promises as fs, readFileSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { errnoOf, fileSystemError } from "../runtime/io/index.js";
import { TrainError } from "./errors.js";

/** The lock file's name inside an output folder. */
export const LOCK_FILE = ".lock";

/** A held output-folder lock; `release` removes it (also on process exit). */
export interface OutputLock {
  /** The folder locked (absolute). */
  readonly dir: string;
  readonly file: string;
  /** Removes the lock if it is still this one's; synchronous, so it also runs from an exit listener. */
  release(): void;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly since: string;
}

/** Whether a process with this pid exists here (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === "EPERM";
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== "object" || v === null) return undefined;
    const { pid, host, token, since } = v as Record<string, unknown>;
    if (typeof pid !== "number" || typeof host !== "string" || typeof token !== "string") return undefined;
    return { pid, host, token, since: typeof since === "string" ? since : "?" };
  } catch {
    return undefined;
  }
}

async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    return parseHolder(await fs.readFile(file, "utf8"));
  } catch (e) {
    if (errnoOf(e) === "ENOENT") return undefined;
    throw fileSystemError(e, file, "read the lock");
  }
}

/** A holder that cannot be running any more: same host, pid gone. Unreadable content is not stale (it may be another tool's). */
function isStale(holder: Holder): boolean {
  return holder.host === hostname() && !processAlive(holder.pid);
}

/** Moves a stale lock aside and deletes it, unless another run took it over meanwhile (then it is put back). */
async function removeStale(file: string, stale: Holder): Promise<void> {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    await fs.rename(file, aside);
  } catch (e) {
    if (errnoOf(e) === "ENOENT") return;
    throw fileSystemError(e, file, "remove a stale lock");
  }
  const moved = await readHolder(aside);
  if (moved !== undefined && moved.token !== stale.token) await fs.link(aside, file).catch(() => undefined);
  await fs.unlink(aside).catch(() => undefined);
}

/**
 * Creates `outDir` (and its parents) and takes its lock. Refuses with LIN0907, naming the holder's pid
 * and host, when a live run (this process included) holds it; file-system failures are LIN1111.
 */
export async function acquireOutputLock(outDir: string): Promise<OutputLock> {
  const dir = path.resolve(outDir);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw fileSystemError(e, dir, "create the output folder");
  }
  const file = path.join(dir, LOCK_FILE);
  const mine: Holder = { pid: process.pid, host: hostname(), token: randomBytes(8).toString("hex"), since: new Date().toISOString() };
  const draft = `${file}.${process.pid}.${mine.token}.new`;
  try {
    await fs.writeFile(draft, `${JSON.stringify(mine)}\n`, { flag: "wx" });
  } catch (e) {
    throw fileSystemError(e, dir, "write the lock file in the output folder");
  }
  try {
    // Two attempts: the second after removing a stale lock.
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.link(draft, file);
        break;
      } catch (e) {
        if (errnoOf(e) !== "EEXIST") throw fileSystemError(e, file, "create the lock");
      }
      const holder = await readHolder(file);
      if (holder !== undefined && isStale(holder) && attempt === 0) {
        await removeStale(file, holder);
        continue;
      }
      const who = holder === undefined ? "a lock file this version cannot read" : `pid ${holder.pid} on ${holder.host}, since ${holder.since}`;
      throw new TrainError(
        "LIN0907",
        `${dir} is in use by another linea train (${who}): two runs would overwrite each other's checkpoints; wait for it to end, pick another --out, or delete ${file} if that run is gone`,
      );
    }
  } finally {
    await fs.unlink(draft).catch(() => undefined);
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off("exit", release);
    try {
      if (parseHolder(readFileSync(file, "utf8"))?.token === mine.token) unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
  process.on("exit", release);
  return { dir, file, release };
}
