// 16 kB of repeated bad tokens (issue 10: 48 MB of diagnostics before) print a bounded report: at most
// --max-diagnostics per file (default 100), then one line with the count of the rest.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "linea-flood-"));
writeFileSync(join(dir, "linea.json"), "{}");
// 16 kB: each `let = $$ ;` (10 bytes) is a missing name and two bad characters.
const text = `space X = R^2;\n${"let = $$ ;".repeat(1600)}\n`;
writeFileSync(join(dir, "flood.lin"), text);
const linea = lineaIn(dir);

// Each drawn diagnostic is under 1 kB here (a message, a location, a frame of one ≤ 120-column line and
// notes); 100 of them and the count line stay under 100 kB, against 48 MB before.
const BOUND = 100 * 1024;

describe("a flood of diagnostics", { timeout: 120_000 }, () => {
  it("prints 100 per file, then how many more, in bounded output", async () => {
    expect(text.length).toBeGreaterThanOrEqual(16_000);
    const r = await linea("check", "flood.lin");
    expect(r.code).toBe(1);
    expect(r.stderr.length).toBeLessThan(BOUND);
    expect(r.stderr.match(/^error\[/gm)).toHaveLength(100);
    const more = /… and (\d+) more diagnostics in flood\.lin/.exec(r.stderr);
    expect(Number(more?.[1])).toBeGreaterThan(1000);
  });

  it("--max-diagnostics N shows N; --json caps the list the same way and says how many it left out", async () => {
    const five = await linea("check", "flood.lin", "--max-diagnostics", "5");
    expect(five.stderr.match(/^error\[/gm)).toHaveLength(5);
    const json = await linea("check", "flood.lin", "--json", "--max-diagnostics=7");
    const doc = JSON.parse(json.stdout) as { diagnostics: unknown[]; omitted: number };
    expect(doc.diagnostics).toHaveLength(7);
    const all = Number(/(\d+) errors/.exec(five.stderr)?.[1]);
    expect(doc.omitted).toBe(all - 7);
    const bad = await linea("check", "flood.lin", "--max-diagnostics", "0");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error[LIN1201]: --max-diagnostics needs an integer ≥ 1, got '0'");
  });
});
