// `linea check` as a user runs it: a child process through tsx, exit codes 0/1/2, --json output.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const tsx = join(repo, "node_modules", ".bin", "tsx");
const cli = join(repo, "src", "cli", "main.ts");

function linea(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [cli, ...args], { cwd }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "linea-cli-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(join(dir, "good.lin"), "space X = R^2;\nmap f : X -> X = dense;\nlet g = f * f;\n");
writeFileSync(join(dir, "bad.lin"), "space X = R^2;\nspace Y = R^3;\nmap f : X -> Y = dense;\nlet g = f * f;\nlet z = nope;\n");

// The child processes start together (tsx start-up dominates), and each test awaits its own.
const runs = {
  good: linea(["check", "good.lin"], dir),
  both: linea(["check", "good.lin", "bad.lin"], dir),
  json: linea(["check", "--json", "bad.lin"], dir),
  missing: linea(["check", "missing.lin"], dir),
};

describe("linea check", { timeout: 120_000 }, () => {
  it("exits 0 on a clean file", async () => {
    const r = await runs.good;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("no problems");
  });

  it("exits 1 with rendered diagnostics on stderr (stdout stays empty) when a file has errors", async () => {
    const r = await runs.both;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[LIN0301]");
    expect(r.stderr).toContain("error[LIN0201]");
    expect(r.stderr).toContain("bad.lin:4:9");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe("");
  });

  it("prints LSP-shaped diagnostics with --json: 0-based positions, file:// URIs", async () => {
    const r = await runs.json;
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      diagnostics: { code: string; severity: number; source: string; uri: string; range: { start: { line: number; character: number } } }[];
    };
    expect(doc.ok).toBe(false);
    const list = doc.diagnostics;
    expect(list.map((d) => d.code)).toEqual(["LIN0301", "LIN0201"]);
    expect(list.every((d) => d.severity === 1 && d.source === "linea")).toBe(true);
    // `let g = f * f;` is line 4, column 9 in the text (1-based): 3 and 8 in LSP's convention.
    expect(list[0].range.start).toEqual({ line: 3, character: 8 });
    expect(list[0].uri).toBe(pathToFileURL(join(dir, "bad.lin")).href);
  });

  it("exits 2 for a file that cannot be read, without a stack trace", async () => {
    const r = await runs.missing;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read missing.lin");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

// The other usage errors, in-process (main does not run itself when imported), to keep CI fast.
describe("linea usage errors", () => {
  const run = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = "";
    let err = "";
    const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: dir });
    return { code, out, err };
  };

  it("exits 2 for an unknown option, no file, no command or an unknown command", async () => {
    for (const args of [["check", "--jsno", "good.lin"], ["check"], [], ["frobnicate"]]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err + r.out).toMatch(/usage/);
    }
  });

  it("exits 0 for --help, and the in-process check agrees with the child process (control)", async () => {
    expect((await run(["--help"])).code).toBe(0);
    expect((await run(["check", "--help"])).out).toContain("linea check FILE");
    expect((await run(["check", "good.lin"])).code).toBe(0);
    expect((await run(["check", "bad.lin"])).code).toBe(1);
  });
});
