// The package's install script (`node native/build.mjs --if-possible`) never fails an install: without
// a toolchain it exits 0, prints nothing and builds nothing, and Linea uses its TypeScript linear
// algebra. Control: the same machine without --if-possible (npx linea-build-native) fails and says why.
// The script runs on a copy of native/ (native/build is the repository's own build) with a PATH that
// holds only node, so no compiler, make or python3 is found.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./consumer.js";

function nativeCopyWithoutToolchain(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), "linea-native-"));
  for (const f of ["binding.gyp", "build.mjs", "src"]) cpSync(join(root, "native", f), join(dir, f), { recursive: true });
  const bin = join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, "node"));
  return { dir, env: { PATH: bin, HOME: dir } };
}

describe("native/build.mjs", () => {
  it("--if-possible without a toolchain exits 0 silently and builds nothing", () => {
    const { dir, env } = nativeCopyWithoutToolchain();
    const r = spawnSync(process.execPath, [join(dir, "build.mjs"), "--if-possible"], { cwd: dir, env, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).toBe("");
    expect(existsSync(join(dir, "build"))).toBe(false);
  });

  it("control: without --if-possible the same run fails and says why", () => {
    const { dir, env } = nativeCopyWithoutToolchain();
    const r = spawnSync(process.execPath, [join(dir, "build.mjs")], { cwd: dir, env, encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/build:native: /);
  });
});
