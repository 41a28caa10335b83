import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../../src/runtime/io/atomic.js";
import { FormatError } from "../../../src/runtime/io/errors.js";

let dir = "";
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "linea-atomic-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true });
});

describe("writeFileAtomic", () => {
  it("writes and replaces a file whole, leaving no temp file", async () => {
    const file = path.join(dir, "f.bin");
    await writeFileAtomic(file, [Uint8Array.of(1, 2), Uint8Array.of(3)]);
    expect(Array.from(await fs.readFile(file))).toEqual([1, 2, 3]);
    await writeFileAtomic(file, [Uint8Array.of(9)]);
    expect(Array.from(await fs.readFile(file))).toEqual([9]);
    expect(await fs.readdir(dir)).toEqual(["f.bin"]);
  });

  it("a failed write leaves the target as it was and cleans up (LIN1111)", async () => {
    // The target is a non-empty directory: the rename fails after the temp file was fully written.
    const target = path.join(dir, "busy");
    await fs.mkdir(target);
    await fs.writeFile(path.join(target, "keep"), "x");
    const err = await writeFileAtomic(target, [Uint8Array.of(1)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).code).toBe("LIN1111");
    expect(await fs.readFile(path.join(target, "keep"), "utf8")).toBe("x");
    expect((await fs.readdir(dir)).sort()).toEqual(["busy", "f.bin"]);
  });
});
