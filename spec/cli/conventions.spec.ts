// The output conventions of every command (issue 10): results on stdout, diagnostics and failures on
// stderr — so `linea run … > y.json` never writes `error[…]` into y.json — and with --json exactly one
// JSON document on stdout, on success and on error alike, in one shape (docs/cli.md).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { lineaIn } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "linea-conventions-"));
writeFileSync(join(dir, "linea.json"), "{}");
// A type error on line 3 (`Y` is not declared), at column 14 (1-based).
writeFileSync(join(dir, "bad.lin"), "space X = R^2;\noperator A[2, 2] = dense;\nmap f : X -> Y = A;\n");
writeFileSync(join(dir, "good.lin"), "space X = R^2;\noperator A[2, 2] = dense;\nmap f : X -> X = A;\nentry e(x : X) = f(x);\n");
const linea = lineaIn(dir);

/** Each command with the arguments it needs to get as far as reading the spec. */
const COMMANDS: Record<string, readonly string[]> = {
  check: [],
  verify: [],
  compile: ["--backend", "cpu"],
  run: ["--entry", "e", "--random", "1", "--backend", "cpu"],
  svd: ["--map", "f", "--backend", "cpu"],
  sample: ["--map", "f", "--backend", "cpu"],
  invert: ["--map", "f", "--data", "moons(n = 8)", "--backend", "cpu"],
  interpolate: ["--maps", "f,f", "--random", "1", "--backend", "cpu"],
  train: ["--backend", "cpu"],
  export: ["--format", "torch", "--out", "pkg_x", "--backend", "cpu"],
};

interface JsonDoc {
  ok: boolean;
  diagnostics?: { code: string; uri: string; range: { start: { line: number; character: number } } }[];
  error?: { code: string; message: string };
}

describe("every command: spec errors on stderr, stdout empty; --json one document", { timeout: 120_000 }, () => {
  for (const [command, args] of Object.entries(COMMANDS)) {
    it(`${command}: a spec with a type error`, async () => {
      const human = await linea(command, "bad.lin", ...args);
      expect(human.code, human.stderr).toBe(1);
      expect(human.stdout).toBe("");
      expect(human.stderr).toContain("error[LIN0201]");
      expect(human.stderr).toContain("bad.lin:3:14");

      const json = await linea(command, "bad.lin", ...args, "--json");
      expect(json.code).toBe(1);
      const doc = JSON.parse(json.stdout) as JsonDoc;
      expect(doc.ok).toBe(false);
      // LSP's convention in JSON: line 3, column 14 of the text is line 2, character 13.
      expect(doc.diagnostics?.[0]).toMatchObject({ code: "LIN0201", uri: pathToFileURL(join(dir, "bad.lin")).href, range: { start: { line: 2, character: 13 } } });
      expect(json.stderr).not.toContain("error[");
    });

    it(`${command}: an unknown flag is LIN1204 in the same JSON shape, nothing on stderr`, async () => {
      const r = await linea(command, "good.lin", ...args, "--frobnicate", "--json");
      expect(r.code).toBe(2);
      const doc = JSON.parse(r.stdout) as JsonDoc;
      expect(doc).toEqual({ ok: false, error: { code: "LIN1204", message: "unknown flag '--frobnicate'" } });
      expect(r.stderr).toBe("");
    });
  }

  it("a failure after checking is an error document with its code (run --entry nope)", async () => {
    const human = await linea("run", "good.lin", "--entry", "nope", "--random", "1", "--backend", "cpu");
    expect(human.code).toBe(1);
    expect(human.stdout).toBe("");
    expect(human.stderr).toContain("linea run: error[LIN0801]");
    const json = await linea("run", "good.lin", "--entry", "nope", "--random", "1", "--backend", "cpu", "--json");
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as JsonDoc).error?.code).toBe("LIN0801");
  });

  it("a bug (anything not a LineaError) is LIN1202, exit 3, one line without a stack", async () => {
    let err = "";
    const failingStdout = (): void => {
      throw new TypeError("stdout went away");
    };
    const code = await main(["check", "good.lin"], { stdout: failingStdout, stderr: (t) => (err += t), cwd: dir });
    expect(code).toBe(3);
    expect(err).toBe("linea check: error[LIN1202]: internal error: stdout went away\n");
  });

  it("a spec file that cannot be read is LIN1111, exit 2, in text and JSON", async () => {
    const human = await linea("compile", "missing.lin");
    expect(human.code).toBe(2);
    expect(human.stdout).toBe("");
    expect(human.stderr).toBe("linea: error[LIN1111]: cannot read missing.lin: no such file\n");
    const json = await linea("compile", "missing.lin", "--json");
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, error: { code: "LIN1111", message: "cannot read missing.lin: no such file" } });
  });

  it("success with --json: run's rows, check's empty list, compile's text", async () => {
    const run = JSON.parse((await linea("run", "good.lin", "--entry", "e", "--random", "3", "--backend", "cpu", "--json")).stdout) as {
      ok: boolean;
      shape: number[];
      values: number[][];
    };
    expect(run.ok).toBe(true);
    expect(run.shape).toEqual([3, 2]);
    expect(run.values).toHaveLength(3);
    const human = await linea("run", "good.lin", "--entry", "e", "--random", "3", "--backend", "cpu");
    // Control: without --json the rows themselves are the result, the same numbers.
    expect(JSON.parse(human.stdout)).toEqual(run.values);
    const check = JSON.parse((await linea("check", "good.lin", "--json")).stdout) as { ok: boolean; diagnostics: unknown[]; files: string[] };
    expect(check).toMatchObject({ ok: true, diagnostics: [], files: [pathToFileURL(join(dir, "good.lin")).href] });
    const compile = JSON.parse((await linea("compile", "good.lin", "--emit", "ir", "--backend", "cpu", "--json")).stdout) as { ok: boolean; emit: string; text: string };
    expect(compile.ok).toBe(true);
    expect(compile.emit).toBe("ir");
    expect(compile.text).toContain("f");
    const svd = await linea("svd", "good.lin", "--map", "f", "--out", "svd", "--backend", "cpu", "--json");
    const doc = JSON.parse(svd.stdout) as { ok: boolean; map: string; shape: number[]; singular_values: number[]; out: string };
    expect(doc).toMatchObject({ ok: true, map: "f", shape: [2, 2], out: pathToFileURL(join(dir, "svd")).href });
    expect(doc.singular_values).toHaveLength(2);
    expect(svd.stderr).toMatch(/^backend: cpu/); // progress stays on stderr, outside the document
  });
});
