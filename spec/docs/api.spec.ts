// The API reference builds from the public entry points (typedoc.json: linea and its subpaths) without
// a warning: every {@link} resolves, every entry point exists. `npm run docs:api` writes it to docs/api/.
// Control: the same flags on a scratch project with a broken {@link} fail, so warnings do fail the run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const typedoc = join(root, "node_modules", "typedoc", "bin", "typedoc");
const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [typedoc, "--emit", "none", "--treatWarningsAsErrors", ...args], { cwd, encoding: "utf8" });

describe("the API reference", { timeout: 180_000 }, () => {
  it("builds from typedoc.json without warnings", () => {
    const r = run(root);
    expect(r.stdout + r.stderr).not.toMatch(/warning|error/i);
    expect(r.status).toBe(0);
  });

  it("control: a broken {@link} is a failure under the same flags", () => {
    const dir = mkdtempSync(join(tmpdir(), "linea-typedoc-"));
    writeFileSync(join(dir, "a.ts"), "/** See {@link NoSuchThing}. */\nexport const x = 1;\n");
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", target: "es2022" }, files: ["a.ts"] }));
    const r = run(dir, "--entryPoints", "a.ts", "--tsconfig", "tsconfig.json", "--disableSources", "--readme", "none", "--name", "scratch");
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/NoSuchThing/);
  });
});
