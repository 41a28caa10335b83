// File-system failures as coded io errors: each errno the trainer and the writers meet reads as words
// with the path and the errno (LIN1111), an error without an errno keeps its message, and a coded
// error passes through unchanged.
import { describe, expect, it } from "vitest";
import { fileSystemError, FormatError } from "../../../src/runtime/io/index.js";

const errno = (code: string): Error => Object.assign(new Error(`${code}: raw system text`), { code });

describe("fileSystemError", () => {
  it("names the path, what was being done and the reason in words, with code LIN1111", () => {
    const cases: readonly [string, string][] = [
      ["ENOTDIR", "a folder on the path is a file"],
      ["EISDIR", "it is a folder"],
      ["EACCES", "permission denied"],
      ["ENOSPC", "no space left on the device"],
      ["EROFS", "the file system is read-only"],
    ];
    for (const [code, words] of cases) {
      const e = fileSystemError(errno(code), "runs/x/weights.safetensors", "write");
      expect(e).toBeInstanceOf(FormatError);
      expect((e as FormatError).code).toBe("LIN1111");
      expect(e.message).toBe(`runs/x/weights.safetensors: cannot write: ${words} (${code})`);
    }
  });

  it("keeps the system's text for an errno it has no words for, and the message of an error without one", () => {
    expect(fileSystemError(errno("EXDEV"), "f", "move").message).toBe("f: cannot move: EXDEV: raw system text (EXDEV)");
    expect(fileSystemError(new Error("simulated crash"), "f", "write").message).toBe("f: cannot write: simulated crash");
  });

  it("passes a coded error through unchanged (control: it is not wrapped twice)", () => {
    const coded = new FormatError("LIN1101", "truncated", { file: "f" });
    expect(fileSystemError(coded, "g", "read")).toBe(coded);
  });
});
