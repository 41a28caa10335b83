// The CLI's one error mapper: every LineaError, whatever stage threw it, is printed as
// `linea CMD: error[CODE]: message` (with the spec location when it has one), never with a stack trace, and
// exits 1 (2 for a backend that cannot be chosen or started, or an unreadable file). A LinalgError from a
// real command is the case the per-command mappers used to miss.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";
import { ExitCode, reportFailure, UsageError, type CommandIO } from "../../src/cli/command.js";
import { LowerError } from "../../src/compiler/lowering/lower.js";
import { LineaError } from "../../src/diagnostics/error.js";
import { BackendError } from "../../src/runtime/backend/errors.js";
import { FormatError } from "../../src/runtime/io/errors.js";
import { LinalgError } from "../../src/runtime/linalg/errors.js";
import { useLinalg } from "../../src/runtime/linalg/index.js";
import { OperatorError } from "../../src/runtime/operator/errors.js";
import { TrainError } from "../../src/train/errors.js";

const dir = mkdtempSync(join(tmpdir(), "linea-failures-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(join(dir, "spec.lin"), "space X = R^3;\noperator A[3, 3] = dense;\nmap f : X -> X = A;\n");
const linea = lineaIn(dir);

function captured(): { io: CommandIO; err: () => string } {
  let err = "";
  return { io: { stdout: () => undefined, stderr: (t) => (err += t), cwd: dir }, err: () => err };
}

describe("the CLI error mapper", { timeout: 120_000 }, () => {
  afterEach(() => {
    delete process.env.LINEA_LINALG;
    useLinalg(undefined);
  });

  it("prints a LinalgError raised inside `linea svd` with its code, on one line, without a stack", async () => {
    const good = await linea("svd", "spec.lin", "--map", "f", "--out", "ok", "--backend", "cpu");
    expect(good.code, good.stderr).toBe(0); // control: the same command succeeds with a valid LINEA_LINALG
    process.env.LINEA_LINALG = "bogus";
    useLinalg(undefined);
    const r = await linea("svd", "spec.lin", "--map", "f", "--out", "bad", "--backend", "cpu");
    expect(r.code).toBe(ExitCode.Errors);
    expect(r.stderr).toContain("linea svd: error[LIN1048]: LINEA_LINALG=bogus: expected js, native or auto\n");
    expect(r.stderr).not.toContain("LIN1048: LINEA_LINALG"); // the code is shown once, not repeated from the message
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain("internal error");
  });

  it("maps every error class through the one function, with the location when there is one", () => {
    const location = { uri: "/p/spec.lin", range: { start: { line: 2, character: 4, offset: 20 }, end: { line: 2, character: 7, offset: 23 } } };
    const cases: [LineaError, string, number][] = [
      [new LinalgError("LIN1043", "lu: the matrix is singular"), "error[LIN1043]: lu: the matrix is singular", ExitCode.Errors],
      [new OperatorError("LIN1001", "product of [2, 3] and [4, 1]"), "error[LIN1001]: product of [2, 3] and [4, 1]", ExitCode.Errors],
      [new LowerError("LIN0701", "svd factors are not lowered", location), "error[LIN0701]: svd factors are not lowered (/p/spec.lin:3:5)", ExitCode.Errors],
      [new TrainError("LIN0906", "loss is NaN\nat step 3"), "error[LIN0906]: loss is NaN at step 3", ExitCode.Errors],
      [new FormatError("LIN1111", "not found", { file: "w.npy" }), "error[LIN1111]: w.npy: not found", ExitCode.Usage],
      [new BackendError("LIN1081", "nonesuch", "unknown backend nonesuch"), "error[LIN1081]: unknown backend nonesuch", ExitCode.Usage],
      [new BackendError("LIN1082", "tensorflow", "install @tensorflow/tfjs-node"), "error[LIN1082]: install @tensorflow/tfjs-node", ExitCode.Usage],
    ];
    for (const [e, line, exit] of cases) {
      const c = captured();
      expect(reportFailure("run", c.io, e), e.name).toBe(exit);
      expect(c.err()).toBe(`linea run: ${line}\n`);
    }
  });

  it("shows a location in the working directory relative (1-based), and with --json as a file:// URI and a 0-based range", () => {
    const location = { uri: "/p/spec.lin", range: { start: { line: 2, character: 4, offset: 20 }, end: { line: 2, character: 7, offset: 23 } } };
    const e = new LowerError("LIN0701", "svd factors are not lowered", location);
    let err = "";
    reportFailure("run", { stdout: () => undefined, stderr: (t) => (err += t), cwd: "/p" }, e);
    expect(err).toBe("linea run: error[LIN0701]: svd factors are not lowered (spec.lin:3:5)\n");
    let out = "";
    const json = { json: true, color: false, maxDiagnostics: 100 };
    expect(reportFailure("run", { stdout: (t) => (out += t), stderr: () => undefined, cwd: "/p", output: json }, e)).toBe(ExitCode.Errors);
    expect(JSON.parse(out)).toEqual({
      ok: false,
      error: { code: "LIN0701", message: "svd factors are not lowered", uri: "file:///p/spec.lin", range: { start: { line: 2, character: 4 }, end: { line: 2, character: 7 } } },
    });
  });

  it("control: a usage error and a genuine bug are passed on, not printed as a code", () => {
    const c = captured();
    const usage = new UsageError("--rows needs an integer");
    expect(usage).toBeInstanceOf(LineaError);
    expect(usage.code).toBe("LIN1201");
    expect(() => reportFailure("run", c.io, usage)).toThrow(usage);
    const bug = new TypeError("undefined is not a function");
    expect(() => reportFailure("run", c.io, bug)).toThrow(bug);
    expect(c.err()).toBe("");
  });
});
