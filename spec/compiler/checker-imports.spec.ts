// The checker is importable in a browser: following its imports from check.ts and extend.ts reaches
// no Node built-in and no tfjs; only node_host.ts (the disk) touches node:fs.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const checkerDir = join(import.meta.dirname, "../../src/compiler/checker");

/** Every module reachable from `entry` (relative imports followed) and every package it names. */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^(?:import|export)\b[^;]*?"([^"]+)";/gm)) {
      const spec = m[1] ?? "";
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

describe("the checker's imports", () => {
  for (const entry of ["check.ts", "extend.ts"]) {
    it(`${entry} reaches no Node built-in and no tfjs`, () => {
      const { files, packages } = closure(join(checkerDir, entry));
      expect(files.size).toBeGreaterThan(10);
      expect([...packages].filter((p) => p.startsWith("node:") || p.includes("tensorflow"))).toEqual([]);
    });
  }

  it("control: node_host.ts is where the disk is read", () => {
    expect(closure(join(checkerDir, "node_host.ts")).packages).toContain("node:fs");
  });
});
