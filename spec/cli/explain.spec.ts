// `linea explain CODE`: the registry's title, stage and summary and the docs/errors.md section of the code.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { catalogueSection } from "../../src/cli/explain.js";
import { diagnosticCodes } from "../../src/diagnostics/codes.js";
import { lineaIn } from "./support.js";

const linea = lineaIn(tmpdir());
const catalogue = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");

describe("linea explain", () => {
  it("prints the entry of a check code: title, stage, summary, the failing spec and its fix", async () => {
    const r = await linea("explain", "LIN0201");
    expect(r.code).toBe(0);
    const info = diagnosticCodes.find((c) => c.code === "LIN0201");
    expect(r.stdout.split("\n")[0]).toBe(`LIN0201 — ${info?.title} (stage: check)`);
    expect(r.stdout).toContain(info?.summary);
    expect(r.stdout).toContain("```lin fix");
    // The section ends before the next code's heading.
    expect(r.stdout).not.toContain("### LIN0202");
  });

  it("accepts lower case and bare digits, and --json gives the same entry", async () => {
    const r = await linea("explain", "1111", "--json");
    const doc = JSON.parse(r.stdout) as { ok: boolean; code: string; stage: string; raisedBy: string; text: string };
    expect(doc).toMatchObject({ ok: true, code: "LIN1111", stage: "io", raisedBy: "FormatError" });
    expect(doc.text).toBe(catalogueSection(catalogue, "LIN1111"));
    expect((await linea("explain", "lin1111")).stdout).toContain("LIN1111 — file system error");
  });

  it("an unknown code is LIN1205 with the nearest code, exit 2", async () => {
    const r = await linea("explain", "LIN0219");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^linea explain: error\[LIN1205\]: unknown diagnostic code 'LIN0219'; did you mean 'LIN\d{4}'\?\n/);
  });

  it("the section reader skips headings inside code blocks (control: a fenced '## ' line is kept)", () => {
    const md = "### LIN9998 — a\n\ntext\n\n```text\n## not a heading\n```\n\n### LIN9999 — b\n\nother\n";
    expect(catalogueSection(md, "LIN9998")).toBe("text\n\n```text\n## not a heading\n```");
    expect(catalogueSection(md, "LIN9999")).toBe("other");
    expect(catalogueSection(md, "LIN0000")).toBeUndefined();
  });
});
