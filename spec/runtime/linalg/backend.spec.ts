import { afterEach, describe, expect, it } from "vitest";
import { LinalgError, activeLinalg, loadNativeKernelsFrom, selectLinalg, setLinalgLogger, useLinalg } from "../../../src/runtime/linalg/index.js";

describe("backend selection", () => {
  const saved = process.env.LINEA_LINALG;
  afterEach(() => {
    if (saved === undefined) delete process.env.LINEA_LINALG;
    else process.env.LINEA_LINALG = saved;
    useLinalg(undefined);
    setLinalgLogger((line) => process.stderr.write(`${line}\n`));
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
});
