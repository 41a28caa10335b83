// docs/compiler.md documents every rule the optimiser has, with the statement and side condition the
// code carries (the table rows are generated from the rule records, so they must match exactly).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { structuralRules } from "../../../src/compiler/passes/rules/algebra.js";
import { mapRules } from "../../../src/compiler/passes/rules/compose.js";
import { foldingRules } from "../../../src/compiler/passes/rules/fold.js";

const doc = readFileSync(join(import.meta.dirname, "../../../docs/compiler.md"), "utf8");
const row = (r: { name: string; statement: string; sideCondition: string }): string =>
  `| \`${r.name}\` | ${r.statement.replace(/\|/g, "\\|")} | ${r.sideCondition.replace(/\|/g, "\\|")} |`;

describe("docs/compiler.md", () => {
  const rules = [...mapRules, ...structuralRules, ...foldingRules];
  it("has one row per rule, matching its statement and side condition", () => {
    for (const r of rules) expect(doc).toContain(row(r));
  });
  it("rule names are unique, and the check would catch a missing row", () => {
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    expect(doc).not.toContain(row({ name: "no-such-rule", statement: "x", sideCondition: "y" }));
  });
});
