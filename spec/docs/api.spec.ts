// The API reference builds from the public entry points (typedoc.json: linea and its subpaths) without
// a warning: every exported symbol has a doc comment (typedoc's notDocumented, for
// functions, classes, interfaces, types, variables and namespaces), every {@link} resolves. `npm run docs:api` writes it to docs/api/.
// Control: the same flags on a scratch project with a broken {@link} fail, so warnings do fail the run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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

  // Controls: typedoc.json's own checks (its validation and what must be documented) fail a scratch file.
  const scratch = (source: string) => {
    const dir = mkdtempSync(join(tmpdir(), "linea-typedoc-"));
    writeFileSync(join(dir, "a.ts"), source);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", target: "es2022" }, files: ["a.ts"] }));
    const config = JSON.parse(readFileSync(join(root, "typedoc.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "typedoc.json"), JSON.stringify({ ...config, name: "scratch", entryPoints: ["a.ts"], tsconfig: "tsconfig.json" }));
    return run(dir);
  };

  it("control: a broken {@link} fails", () => {
    const r = scratch("/** See {@link NoSuchThing}. */\nexport const x = 1;\n");
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/NoSuchThing/);
  });

  it("control: an exported function without a doc comment fails", () => {
    const r = scratch("/** Documented. */\nexport const x = 1;\nexport function undocumented(): number {\n  return x;\n}\n");
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/undocumented.*does not have any documentation/);
  });
});
