// The one file opener: regular files only (a device or FIFO is refused at once, never read or waited
// on), the size known before reading, bounds named in the error.
import { spawnSync } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormatError } from "../../../src/runtime/io/errors.js";
import { loadNpy } from "../../../src/runtime/io/npy.js";
import { openForReading, readWholeFile, readWholeFileSync } from "../../../src/runtime/io/read_file.js";
import { loadSafetensors } from "../../../src/runtime/io/safetensors.js";

let dir = "";
let fifo = "";
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "linea-read-"));
  fifo = path.join(dir, "pipe.npy");
  if (spawnSync("mkfifo", [fifo]).status !== 0) fifo = "";
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
    return { code: "no error", message: "" };
  } catch (e) {
    return e instanceof FormatError ? { code: e.code, message: e.message } : { code: "not a FormatError", message: String(e) };
  }
}

describe("openForReading", () => {
  it.skipIf(!existsSync("/dev/zero"))("refuses /dev/zero for every reader (a device of endless zeros)", async () => {
    for (const read of [openForReading, loadNpy, loadSafetensors, (f: string) => readWholeFile(f, 1 << 20, "a test file")]) {
      const f = await failure(read("/dev/zero"));
      expect(f.code).toBe("LIN1112");
      expect(f.message).toContain("a character device");
    }
    expect(() => readWholeFileSync("/dev/zero", 1 << 20, "a spec file")).toThrow(/character device/);
  });

  it("refuses a FIFO without waiting for a writer (the open does not block)", async (context) => {
    if (fifo === "") context.skip();
    expect((await failure(loadNpy(fifo))).code).toBe("LIN1112");
    expect(() => readWholeFileSync(fifo, 1 << 20, "a spec file")).toThrow(/FIFO/);
  });

  it("refuses a directory, reports a missing file as LIN1111, and a file over its bound as LIN1113", async () => {
    expect((await failure(openForReading(dir))).code).toBe("LIN1112");
    expect((await failure(openForReading(path.join(dir, "absent")))).code).toBe("LIN1111");
    const p = path.join(dir, "ten.json");
    await fs.writeFile(p, "0123456789");
    const f = await failure(readWholeFile(p, 9, "a JSON input"));
    expect(f.code).toBe("LIN1113");
    expect(f.message).toContain("10 bytes is more than a JSON input may be (at most 9 bytes)");
    expect(new TextDecoder().decode(await readWholeFile(p, 10, "a JSON input"))).toBe("0123456789"); // control: at the bound it reads
  });

  it("reads exactly the bytes asked for, and refuses a range past the end", async () => {
    const p = path.join(dir, "bytes.bin");
    await fs.writeFile(p, Uint8Array.of(1, 2, 3, 4, 5));
    const f = await openForReading(p);
    try {
      expect(f.size).toBe(5);
      expect(Array.from(await f.read(1, 3))).toEqual([2, 3, 4]);
      expect((await failure(f.read(3, 3))).code).toBe("LIN1101");
    } finally {
      await f.close();
    }
  });
});
