// `linea --help` lists every command with its one-line summary; an unknown command exits 2 with the same list.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";

const linea = lineaIn(tmpdir());
const COMMANDS = ["check", "verify", "train", "compile", "run", "svd", "sample", "invert", "interpolate"];

describe("linea --help", { timeout: 60_000 }, () => {
  it("lists every command with a summary, and each command's --help gives its usage", async () => {
    const help = await linea("--help");
    expect(help.code).toBe(0);
    for (const name of COMMANDS) {
      const line = help.stdout.split("\n").find((l) => l.trim().startsWith(`${name} `));
      expect(line, name).toBeDefined();
      expect((line ?? "").trim().length, name).toBeGreaterThan(name.length + 10);
      const own = await linea(name, "--help");
      expect(own.code, name).toBe(0);
      expect(own.stdout, name).toContain(`linea ${name}`);
    }
  });

  it("control: an unknown command exits 2 and shows the list", async () => {
    const r = await linea("transmogrify");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'transmogrify'");
    expect(r.stderr).toContain("interpolate");
  });

  it("--version prints the package's version on stdout and exits 0", async () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const r = await linea(flag);
      expect(r.code, flag).toBe(0);
      expect(r.stdout, flag).toBe(`linea ${manifest.version}\n`);
      expect(r.stderr, flag).toBe("");
    }
    // Control: the flag after a command is that command's, not the tool's version.
    expect((await linea("check", "--version")).stdout).not.toContain(`linea ${manifest.version}`);
  });
});
