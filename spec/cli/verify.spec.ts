// `linea verify`: passes a spec whose claims hold (exit 0), reports a false claim with its shrunk
// counterexample and the seed that replays it (exit 1), emits JSON, and answers bad usage with exit 2
// and no stack trace.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

let dir: string;

const GOOD = `
space X = R^4;
space Y = R^3;
network G : X { additive_coupling(hidden = 8, depth = 1, activation = tanh); permute(reverse); }
network H : Y tagged { affine_coupling(hidden = 8, depth = 1, activation = tanh, scale_bound = 1.0); }
space Z = induced G;
space W = induced H[0];
map f : Z -> W = dense;
let p = project(f);
verify linear(f);
verify pinv(f);
verify projector(p);
verify roundtrip(H);
verify equal(f + f, 2 * f);
`;

// q is a dense map declared X -> X and claimed idempotent: false.
const BAD = `
space X = R^4;
network G : X { additive_coupling(hidden = 8, depth = 1, activation = tanh); }
space Z = induced G;
map q : Z -> Z = dense;
verify linear(q);
verify idempotent(q) with seed = 5;
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "linea-verify-"));
  writeFileSync(join(dir, "good.lin"), GOOD);
  writeFileSync(join(dir, "bad.lin"), BAD);
  writeFileSync(join(dir, "illtyped.lin"), "space X = R^4;\nmap f : X -> Y = dense;\nverify linear(f);\n");
  process.env.LINEA_BACKEND = process.env.LINEA_BACKEND ?? "cpu";
});

async function linea(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: dir });
  return { code, out, err };
}

describe("linea verify", () => {
  it("passes a spec whose claims hold, one line per law, exit 0", async () => {
    const r = await linea("verify", "good.lin", "--runs", "10");
    // The chosen backend is always reported (issue 3), on stderr and on nothing else there.
    expect(r.err).toMatch(/^backend: cpu \(.*\)\n$/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/verify linear\(f\)/);
    expect(r.out).toMatch(/✓ pinv: f∘pinv\(f\)∘f = f/);
    expect(r.out).toMatch(/✓ projector: ⟨x ⊖ p\(x\), p\(z\)⟩ = 0/);
    // an inline map expression is lowered like a let
    expect(r.out).toMatch(/✓ equal: \(f \+ f\)\(x\) = \(2 \* f\)\(x\)/);
    expect(r.out).not.toMatch(/✗/);
    expect(r.out).toMatch(/law checks: (\d+) passed, 0 failed/);
  });

  it("reports a false claim with the shrunk counterexample and the replaying seed, exit 1", async () => {
    const r = await linea("verify", "bad.lin", "--runs", "20");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✓ linear: q/);
    expect(r.out).toMatch(/✗ idempotent: q∘q = q/);
    expect(r.out).toMatch(/counterexample: x = \[/);
    expect(r.out).toMatch(/replay: linea verify bad\.lin --runs 20 --seed 5/);
    expect(r.out).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("--json gives every result with its error, tolerance and counterexample", async () => {
    const r = await linea("verify", "bad.lin", "--runs", "20", "--json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as {
      passed: boolean;
      targets: { label: string; results: { law: string; passed: boolean; worstError: number; tolerance: number; seed: number; counterexample?: string }[] }[];
    };
    expect(doc.passed).toBe(false);
    const idem = doc.targets.find((t) => t.label.startsWith("verify idempotent"));
    expect(idem?.results.every((x) => !x.passed && x.seed === 5 && x.worstError > x.tolerance && x.counterexample !== undefined)).toBe(true);
    const lin = doc.targets.find((t) => t.label.startsWith("verify linear"));
    expect(lin?.results.every((x) => x.passed)).toBe(true);
  });

  it("--all adds the laws of every declaration (round trip of networks, laws of maps)", async () => {
    const r = await linea("verify", "bad.lin", "--runs", "5", "--all");
    expect(r.out).toMatch(/^network G/m);
    expect(r.out).toMatch(/✓ roundtrip: g⁻¹\(g\(x\)\) = x in Z/);
    expect(r.out).toMatch(/^map q/m);
    expect(r.out).toMatch(/✓ adjoint: ⟨q\(x\), y⟩/);
  });

  it("an ill-typed spec prints its diagnostics on stderr and exits 1, stdout empty", async () => {
    const r = await linea("verify", "illtyped.lin");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[LIN0201\]/);
    expect(r.out).toBe("");
  });

  it("--json prints one JSON document on a spec error too, and locations 0-based with file:// URIs", async () => {
    const bad = await linea("verify", "illtyped.lin", "--json");
    expect(bad.code).toBe(1);
    const doc = JSON.parse(bad.out) as { ok: boolean; diagnostics: { code: string; uri: string; range: { start: { line: number; character: number } } }[] };
    expect(doc.ok).toBe(false);
    // `map f : X -> Y` — Y at line 2, column 14 (1-based)
    expect(doc.diagnostics[0]).toMatchObject({ code: "LIN0201", uri: pathToFileURL(join(dir, "illtyped.lin")).href, range: { start: { line: 1, character: 13 } } });
    const good = await linea("verify", "bad.lin", "--runs", "5", "--json");
    const report = JSON.parse(good.out) as {
      ok: boolean;
      file: string;
      targets: { label: string; location: { uri: string; range: { start: { line: number; character: number } } } }[];
    };
    expect(report.ok).toBe(false);
    const idem = report.targets.find((t) => t.label.startsWith("verify idempotent"));
    // `verify idempotent(q) …` is the 7th line of BAD (its first line is empty): line 6, character 0.
    expect(idem?.location).toEqual({ uri: pathToFileURL(join(dir, "bad.lin")).href, range: expect.objectContaining({ start: { line: 6, character: 0 } }) as unknown });
  });

  it("bad usage exits 2 with the usage, never a stack trace", async () => {
    for (const argv of [
      ["verify"],
      ["verify", "good.lin", "--runs", "0"],
      ["verify", "good.lin", "--seed", "-1"],
      ["verify", "good.lin", "--frobnicate"],
      ["verify", "a.lin", "b.lin"],
    ]) {
      const r = await linea(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(/usage: linea verify FILE/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    const missing = await linea("verify", "missing.lin");
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read missing\.lin/);
  });
});
