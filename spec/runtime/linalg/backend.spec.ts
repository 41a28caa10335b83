import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  LinalgError,
  activeLinalg,
  debugLinalgLogger,
  debugRequested,
  linalgStatus,
  loadNativeKernelsFrom,
  selectLinalg,
  setLinalgLogger,
  useLinalg,
} from "../../../src/runtime/linalg/index.js";

describe("backend selection", () => {
  const saved = process.env.LINEA_LINALG;
  afterEach(() => {
    if (saved === undefined) delete process.env.LINEA_LINALG;
    else process.env.LINEA_LINALG = saved;
    useLinalg(undefined);
    setLinalgLogger(debugLinalgLogger);
  });

  it("LINEA_LINALG=js selects the TypeScript path", () => {
    process.env.LINEA_LINALG = "js";
    useLinalg(undefined);
    expect(activeLinalg().backend).toBe("js");
  });

  it("auto without the addon falls back to js with exactly one notice line through the logger", () => {
    const lines: string[] = [];
    setLinalgLogger((line) => lines.push(line));
    const chosen = selectLinalg("auto", { reason: "addon not built (test)" });
    expect(chosen.backend).toBe("js");
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    expect(lines[0]).toContain("addon not built (test)");
  });

  it("native without the addon is LIN1047, not a silent fallback", () => {
    expect(() => selectLinalg("native", { reason: "addon not built (test)" })).toThrow(/LIN1047/);
  });

  it("an unknown LINEA_LINALG value is LIN1048", () => {
    process.env.LINEA_LINALG = "lapack";
    useLinalg(undefined);
    expect(() => activeLinalg()).toThrow(LinalgError);
    expect(() => activeLinalg()).toThrow(/LIN1048/);
  });

  it("a missing or broken addon file is reported with its reason, never thrown", () => {
    const missing = loadNativeKernelsFrom(undefined);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.reason).toMatch(/not built/);
    const broken = loadNativeKernelsFrom("/nonexistent/linea_linalg.node");
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.reason).toMatch(/does not load/);
  });

  it("LINEA_DEBUG asks for notices: set and not 0/false", () => {
    expect(debugRequested({})).toBe(false);
    expect(debugRequested({ LINEA_DEBUG: "0" })).toBe(false);
    expect(debugRequested({ LINEA_DEBUG: "false" })).toBe(false);
    expect(debugRequested({ LINEA_DEBUG: "1" })).toBe(true);
  });

  it("linalgStatus says which backend runs and, without the addon, why", () => {
    delete process.env.LINEA_LINALG;
    expect(linalgStatus({ reason: "addon not built (test)" })).toBe(
      "linear algebra: TypeScript; native linear algebra unavailable: addon not built (test) (build it with npx linea-build-native)",
    );
    process.env.LINEA_LINALG = "js";
    expect(linalgStatus({ reason: "addon not built (test)" })).toBe("linear algebra: TypeScript (LINEA_LINALG=js)");
  });
});

// The library in a process of its own, the addon made unloadable: an SVD falls back to TypeScript and
// writes nothing to stderr unless LINEA_DEBUG asks (control: with LINEA_DEBUG=1 the notice appears, so
// the first run really took the fallback path).
describe("the fallback notice", () => {
  const root = join(import.meta.dirname, "../../..");
  const script = 'import { svd, matrix } from "./src/runtime/linalg/index.ts";' + "const r = svd(matrix(2, 2, [3, 0, 0, 4]));" + 'process.stdout.write(r.s.join(","));';
  const run = (extra: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, LINEA_LINALG: "auto", LINEA_LINALG_ADDON: "/nonexistent/linea_linalg.node", LINEA_DEBUG: "", ...extra },
    });

  it("is silent by default and printed under LINEA_DEBUG", () => {
    const quiet = run({});
    expect(quiet.stdout).toBe("4,3");
    expect(quiet.stderr).toBe("");
    const loud = run({ LINEA_DEBUG: "1" });
    expect(loud.stdout).toBe("4,3");
    expect(loud.stderr).toMatch(/^linea: native linear algebra unavailable: .*; using the TypeScript fallback\n$/);
  });
});
