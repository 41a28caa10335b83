// `-` as the spec file reads the spec from standard input: shown as `<stdin>`, imports resolved from the
// working directory, and an endless input refused at the limit (LIN1206) instead of read without bound.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { STDIN_LIMIT_BYTES } from "../../src/cli/spec_input.js";

const dir = mkdtempSync(join(tmpdir(), "linea-stdin-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(join(dir, "nets.lin"), "space X = R^2;\n");

async function lineaWithStdin(input: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, readStdin: () => Promise.resolve(input) });
  return { code, stdout, stderr };
}

describe("- reads the spec from standard input", { timeout: 120_000 }, () => {
  it("check -: diagnostics name <stdin>, imports resolve from the working directory", async () => {
    const good = await lineaWithStdin('import "./nets.lin" as nets;\nmap f : nets.X -> nets.X = dense;\n', "check", "-");
    expect(good.code, good.stderr).toBe(0);
    const bad = await lineaWithStdin('import "./nets.lin" as nets;\nmap f : nets.X -> Y = dense;\n', "check", "-");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(" --> <stdin>:2:19");
    expect(bad.stderr).toContain(" 2 | map f : nets.X -> Y = dense;");
    const json = await lineaWithStdin("map f : Y -> Y = dense;\n", "check", "-", "--json");
    const doc = JSON.parse(json.stdout) as { files: string[]; diagnostics: { uri: string }[] };
    expect(doc.files).toEqual(["<stdin>"]);
    expect(doc.diagnostics[0]?.uri).toBe("<stdin>");
  });

  it("run - runs the spec it reads (control: the same spec from a file gives the same rows)", async () => {
    const spec = "space X = R^2;\noperator A[2, 2] = dense;\nmap f : X -> X = A;\nentry e(x : X) = f(x);\n";
    writeFileSync(join(dir, "spec.lin"), spec);
    const piped = await lineaWithStdin(spec, "run", "-", "--entry", "e", "--random", "2", "--backend", "cpu");
    expect(piped.code, piped.stderr).toBe(0);
    const file = await lineaWithStdin("", "run", "spec.lin", "--entry", "e", "--random", "2", "--backend", "cpu");
    expect(piped.stdout).toBe(file.stdout);
    expect(JSON.parse(piped.stdout)).toHaveLength(2);
  });

  it("an endless standard input (/dev/zero) is refused at the limit with LIN1206, exit 2", async () => {
    const repo = fileURLToPath(new URL("../../", import.meta.url));
    const script = `import { open } from "node:fs/promises";
const { main } = await import(${JSON.stringify(join(repo, "src/cli/main.ts"))});
const { readProcessStdin } = await import(${JSON.stringify(join(repo, "src/cli/spec_input.ts"))});
let err = "";
const code = await main(["check", "-"], { stdout: () => {}, stderr: (t) => (err += t), cwd: process.cwd(), readStdin: () => readProcessStdin() });
process.stdout.write(JSON.stringify({ code, err }));
process.exit(0);`;
    writeFileSync(join(dir, "zero.mts"), script);
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile(join(repo, "node_modules", ".bin", "tsx"), [join(dir, "zero.mts")], { cwd: dir, maxBuffer: 1 << 20 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
      child.stdin?.on("error", () => undefined);
      // An endless stream: keep writing until the child stops reading.
      const chunk = Buffer.alloc(1 << 16);
      const pump = (): void => {
        while (child.stdin?.writable === true && child.stdin.write(chunk));
        if (child.stdin?.writable === true) child.stdin.once("drain", pump);
      };
      pump();
    });
    const r = JSON.parse(out) as { code: number; err: string };
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error[LIN1206]: the spec on standard input is longer than ${STDIN_LIMIT_BYTES} bytes`);
  });
});
