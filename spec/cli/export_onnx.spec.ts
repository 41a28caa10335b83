// `linea export --format onnx` as a user runs it: the file it writes loads in onnxruntime-node (from the
// path, so external data is resolved as any ONNX consumer resolves it) and computes what `compile(…).run`
// computes on the same seeded weights and rows. Tolerance: planTolerance (spec/compiler/export/
// examples_onnx.ts: 2·ε·depth·√width·(1 + max|y|), two float32 engines differing only in rounding).
// CONTROL: the same entry exported from other weights (--seed 1) lands outside it. Refusals: an ambiguous
// spec without --entry and an unknown entry are coded errors, and nothing is written.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { checkText } from "../../src/index.js";
import { compile } from "../../src/compiler/execute/program.js";
import { planTolerance } from "../compiler/export/examples_onnx.js";
import { lineaIn } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "linea-export-onnx-"));
const linea = lineaIn(dir);
const example = fileURLToPath(new URL("../../examples/toy2d.lin", import.meta.url));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 16;
const rows = Float32Array.from({ length: ROWS * 2 }, (_, i) => Math.sin(1.7 * i + 0.3) * 2);

async function ortRun(file: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  const out = await session.run({ x: new ort.Tensor("float32", rows, [ROWS, 2]) });
  const y = out.y;
  if (y === undefined) throw new Error("no output y");
  return y.data as Float32Array;
}

async function expected(seed: number): Promise<{ y: Float32Array; tol: number }> {
  const checked = checkText(readFileSync(example, "utf8"), example);
  if (checked._tag === "Left") throw new Error("example does not check");
  const compiled = await compile(checked.right, { backend: "wasm", seed, targets: ["push"] });
  try {
    const t = compiled.run("push", rows);
    const y = t.dataSync() as Float32Array;
    t.dispose();
    const maxY = y.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    return { y, tol: planTolerance(compiled.planOf("push"), maxY) };
  } finally {
    compiled.dispose();
  }
}

const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);

describe("linea export --format onnx", () => {
  it("writes a graph that ORT runs to the compiled entry's values, embedded or with external data; other weights are caught", async () => {
    const want = await expected(0);
    for (const extra of [[], ["--external-data"]]) {
      const out = join(dir, `push${extra.length}.onnx`);
      const r = await linea("export", example, "--format", "onnx", "--entry", "push", "--out", out, "--json", ...extra);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as { entry: string; inputs: { name: string }[]; output: string; external: string | null };
      expect([json.entry, json.inputs.map((i) => i.name).join(","), json.output]).toEqual(["push", "x", "y"]);
      expect(json.external !== null).toBe(extra.length > 0);
      if (json.external !== null) expect(existsSync(join(dir, json.external))).toBe(true);
      const diff = maxDiff(await ortRun(out), want.y);
      expect(diff, `|ORT − run| ${diff}, tol ${want.tol}`).toBeLessThanOrEqual(want.tol);
    }
    const control = join(dir, "push_seed1.onnx");
    expect((await linea("export", example, "--format", "onnx", "--entry", "push", "--seed", "1", "--out", control)).code).toBe(0);
    const controlDiff = maxDiff(await ortRun(control), want.y);
    expect(controlDiff, `control ${controlDiff} not caught by tol ${want.tol}`).toBeGreaterThan(want.tol);
  }, 60_000);

  it("refuses an ambiguous or unknown entry with a code and writes nothing", async () => {
    const out = join(dir, "none.onnx");
    const ambiguous = await linea("export", example, "--format", "onnx", "--out", out);
    expect(ambiguous.code).not.toBe(0);
    expect(ambiguous.stderr).toMatch(/LIN\d{4}.*--entry/);
    const unknown = await linea("export", example, "--format", "onnx", "--entry", "nope", "--out", out);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/LIN0801.*nope/);
    const both = await linea("export", example, "--format", "onnx", "--entry", "push", "--map", "f", "--out", out);
    expect(both.stderr).toMatch(/LIN\d{4}.*not both/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it("exports a map by --map, its graph taking the map's domain points", async () => {
    const out = join(dir, "f.onnx");
    const r = await linea("export", example, "--format", "onnx", "--map", "f", "--out", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { entry: string }).entry).toBe("f");
    expect((await ortRun(out)).length).toBe(ROWS * 2);
  }, 60_000);
});
