// `linea compile` through main(): --emit ir | dot | explain, --out written atomically, exit codes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "linea-compile-cli-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(
  join(dir, "spec.lin"),
  `space X = R^4;
network N : X { additive_coupling(hidden = 4); }
space Z = induced N;
operator M[4] = identity_plus_lowrank(rank = 1);
map f : Z -> Z = M;
let f3 = f * f * f;
entry e(x : Z) = f3(x);
`,
);
// Two pseudo-inverses: of α·I + U·Vᵀ (structured: Woodbury) and of a dense matrix (dense route).
writeFileSync(
  join(dir, "routes.lin"),
  `space X = R^6;
operator M[6] = identity_plus_lowrank(rank = 2);
operator W[6, 6] = dense;
map f : X -> X = pinv(M);
map h : X -> X = pinv(W);
entry e(x : X) = f(x);
entry k(x : X) = h(x);
`,
);
writeFileSync(join(dir, "bad.lin"), "space X = R^2;\nspace Y = R^3;\nmap f : X -> Y = dense;\nlet g = f * f;\n");

const linea = lineaIn(dir);

describe("linea compile", { timeout: 60_000 }, () => {
  it("--emit dot prints a Graphviz digraph with balanced braces", async () => {
    const r = await linea("compile", "spec.lin", "--emit", "dot", "--backend", "cpu");
    expect(r.code).toBe(0);
    const dot = r.stdout.trim();
    expect(dot.startsWith("digraph")).toBe(true);
    expect(dot.endsWith("}")).toBe(true);
    expect((dot.match(/{/g) ?? []).length).toBe((dot.match(/}/g) ?? []).length);
  });

  it("--emit ir shows the fused map and the rules; --emit explain adds the plans", async () => {
    const ir = await linea("compile", "spec.lin", "--emit", "ir", "--backend", "cpu");
    expect(ir.code).toBe(0);
    expect(ir.stdout).toContain("compose-shared-network");
    const explain = await linea("compile", "spec.lin", "--backend", "cpu");
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/plan e\(r0 = x : Z\) -> points of Z, 3 steps/);
    // The backend is always reported, once: in the explain text itself, or on stderr for other views.
    expect(`${explain.stdout}${explain.stderr}`.match(/^backend: cpu/gm)?.length).toBe(1);
    expect(`${ir.stdout}${ir.stderr}`.match(/^backend: cpu/gm)?.length).toBe(1);
  });

  it("--emit explain says how each pseudo-inverse is computed and why (the route pinv() takes)", async () => {
    const r = await linea("compile", "routes.lin", "--backend", "cpu");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/decompositions \(1\)\n {2}pinv\(M\) \[6×6\]: structured — α·I \+ U·Vᵀ \(rank 2\): Woodbury/);
    expect(r.stdout).toMatch(/pinv\(W\) \[6×6\]: dense — no structured pinv for dense/);
    // Control: a map with no pseudo-inverse has no decompositions section.
    const plain = await linea("compile", "spec.lin", "--backend", "cpu");
    expect(plain.stdout).not.toContain("decompositions");
  });

  it("--out writes the file; --png says when Graphviz is missing instead of failing", async () => {
    const r = await linea("compile", "spec.lin", "--emit", "dot", "--out", "g.dot", "--png", "g.png", "--backend", "cpu");
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "g.dot"), "utf8").startsWith("digraph")).toBe(true);
    // With Graphviz (scripts/setup.sh installs it) the graph is rendered; without, a note and exit 0.
    if (spawnSync("dot", ["-V"]).status === 0) {
      expect([...readFileSync(join(dir, "g.png")).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    } else {
      expect(existsSync(join(dir, "g.png"))).toBe(false);
      expect(r.stderr).toContain("not written");
    }
  });

  it("exit codes: 1 for a type error, 2 for usage and unreadable files", async () => {
    const bad = await linea("compile", "bad.lin", "--backend", "cpu");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error\[LIN/);
    expect(bad.stdout).toBe(""); // diagnostics never land in a result redirected to a file
    expect((await linea("compile", "missing.lin")).code).toBe(2);
    expect((await linea("compile", "spec.lin", "--emit", "svg")).code).toBe(2);
    expect((await linea("compile")).code).toBe(2);
  });
});
