// The shared "cannot read" line says why, so a typo and a directory read differently.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cannotRead } from "../../src/cli/command.js";

describe("cannotRead", () => {
  const dir = mkdtempSync(join(tmpdir(), "linea-cannot-read-"));

  it("names a missing file and a directory differently", () => {
    expect(cannotRead("nope.lin", join(dir, "nope.lin"))).toBe("linea: cannot read nope.lin: no such file\n");
    expect(cannotRead("specs", dir)).toBe("linea: cannot read specs: it is a directory\n");
  });

  it("control: a readable file is not called missing", () => {
    const file = join(dir, "ok.lin");
    writeFileSync(file, "space X = R^2;\n");
    expect(cannotRead("ok.lin", file)).not.toContain("no such file");
  });
});
