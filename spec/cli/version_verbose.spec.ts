// `linea --version --verbose` says which linear algebra runs: the notice the library no longer prints
// on every command's stderr is there on request. Control: plain --version prints the version alone.
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";

const linea = lineaIn(tmpdir());

describe("linea --version --verbose", { timeout: 60_000 }, () => {
  const saved = process.env.LINEA_LINALG;
  afterEach(() => {
    if (saved === undefined) delete process.env.LINEA_LINALG;
    else process.env.LINEA_LINALG = saved;
  });

  it("adds the linear-algebra line on stdout; plain --version does not", async () => {
    process.env.LINEA_LINALG = "js";
    const verbose = await linea("--version", "--verbose");
    expect(verbose.code).toBe(0);
    expect(verbose.stdout.split("\n")[1]).toBe("linear algebra: TypeScript (LINEA_LINALG=js)");
    expect(verbose.stderr).toBe("");
    const plain = await linea("--version");
    expect(plain.stdout).not.toContain("linear algebra");
  });
});
