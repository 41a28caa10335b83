// Linea as an npm package: the tarball holds the built library and the CLI, not the repository's
// tests, benches, CI or figures, and a consumer's `import … from "linea"` resolves through `exports`
// to dist/ (which scripts/setup.sh and `npm pack`'s prepack build). Control: a path the package does
// not export is refused, so the test does see the exports map.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");

describe("the npm package", () => {
  it("packs dist/ and the CLI, and none of spec/, bench/, .ci/ or the figures", () => {
    expect(existsSync(join(root, "dist", "index.js")), "dist/ is built by scripts/setup.sh (npm run build)").toBe(true);
    // --ignore-scripts: dist/ is already built; the listing is what `npm pack` would put in the tarball.
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    for (const needed of ["package.json", "dist/index.js", "dist/index.d.ts", "dist/cli/main.js", "bin/linea.js", "README.md"]) expect(files, needed).toContain(needed);
    for (const prefix of ["spec/", "bench/", ".ci/", "docs/figures/", "src/", "examples/"])
      expect(
        files.filter((f) => f.startsWith(prefix)),
        prefix,
      ).toEqual([]);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
  });

  it("imports as `linea` from a consumer project and checks a spec; control: an unexported path is refused", () => {
    const consumer = mkdtempSync(join(tmpdir(), "linea-consumer-"));
    mkdirSync(join(consumer, "node_modules"));
    symlinkSync(root, join(consumer, "node_modules", "linea"), "dir");
    writeFileSync(join(consumer, "package.json"), '{ "type": "module" }\n');
    const run = (code: string) => spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: consumer, encoding: "utf8" });
    const ok = run(
      'import { checkText, compile, extendModule, diagnosticCodes } from "linea";' +
        'const r = checkText("space X = R^2;\\nmap f : X -> X = dense;\\nlet g = f * f;\\n", "/consumer/spec.lin");' +
        "console.log(r._tag, typeof compile, typeof extendModule, diagnosticCodes.length > 100);",
    );
    expect(ok.stderr).toBe("");
    expect(ok.stdout.trim()).toBe("Right function function true");
    const refused = run('await import("linea/dist/index.js");');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });
});
