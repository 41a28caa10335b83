// `linea verify --backend NAME` on every backend under test (spec/runtime/backend/backends_under_test.ts:
// wasm and cpu in the main suite, webgpu in the WebGPU suite, where a missing adapter shows as a skipped
// suite whose title gives the reason). The laws read their results asynchronously, so they run on
// webgpu too; the control is a false claim that must still be caught there, with its counterexample.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { describeOnBackends, probeBackends } from "../runtime/backend/backends_under_test.js";

const probed = await probeBackends();

// Small spaces and few runs: lavapipe (software Vulkan) makes every read a slow GPU round trip.
const RUNS = "4";

const GOOD = `
space X = R^4;
space Y = R^3;
network G : X { additive_coupling(hidden = 8, depth = 1, activation = tanh); permute(reverse); }
network H : Y { affine_coupling(hidden = 8, depth = 1, activation = tanh, scale_bound = 1.0); }
space Z = induced G;
space W = induced H;
map f : Z -> W = dense;
operator Q[4] = projector(rank = 2);
map p : Z -> Z = Q;
verify linear(f);
verify adjoint(f);
verify projector(p);
verify roundtrip(G);
`;

// q is a dense map declared Z -> Z and claimed idempotent: false, on every backend.
const BAD = `
space X = R^4;
network G : X { additive_coupling(hidden = 8, depth = 1, activation = tanh); }
space Z = induced G;
map q : Z -> Z = dense;
verify idempotent(q) with seed = 5;
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "linea-verify-backends-"));
  writeFileSync(join(dir, "good.lin"), GOOD);
  writeFileSync(join(dir, "bad.lin"), BAD);
});

async function linea(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: dir });
  return { code, out, err };
}

describeOnBackends("linea verify", probed, (backend) => {
  it("checks a spec whose claims hold, on this backend, exit 0", async () => {
    const r = await linea("verify", "good.lin", "--runs", RUNS, "--backend", backend);
    expect(r.err).toMatch(new RegExp(`^backend: ${backend} `));
    expect(r.out).not.toMatch(/✗/);
    expect(r.out).toMatch(/✓ linear: f/);
    expect(r.out).toMatch(/✓ adjoint: ⟨f\(x\), y⟩/);
    expect(r.out).toMatch(/✓ projector: ⟨x ⊖ p\(x\), p\(z\)⟩ = 0/);
    expect(r.out).toMatch(/✓ roundtrip: g⁻¹\(g\(x\)\) = x in Z/);
    expect(r.out).toMatch(/law checks: (\d+) passed, 0 failed/);
    expect(r.code).toBe(0);
  });

  it("control: a false claim (a dense map claimed idempotent) is caught, with counterexample and replay, exit 1", async () => {
    const r = await linea("verify", "bad.lin", "--runs", RUNS, "--backend", backend);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ idempotent: q∘q = q/);
    expect(r.out).toMatch(/counterexample: x = \[/);
    expect(r.out).toMatch(/replay: linea verify bad\.lin --runs 4 --seed 5/);
    expect(r.out).not.toMatch(/\n\s+at /); // a law that failed, not a stack trace
  });
});
