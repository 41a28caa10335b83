// `--memory-budget` and LINEA_MEMORY_BUDGET through main(): a spec over the budget is LIN0330 (exit 1)
// for check and compile, a bad size is a usage error (exit 2), and the variable is restored after the
// run. Before, there was no budget: `compile` of the 10⁶×10⁶ spec allocated until V8 aborted.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "linea-memory-budget-"));
writeFileSync(join(dir, "linea.json"), "{}");
// 1000 × 1000 parameters at 12 bytes: 11.4 MiB.
writeFileSync(join(dir, "small.lin"), "space X = R^1000;\nmap f : X -> X = dense;\n");
writeFileSync(join(dir, "huge.lin"), "space X = R^1000000;\nmap f : X -> X = dense;\n");
const linea = lineaIn(dir);

describe("linea --memory-budget", { timeout: 60_000 }, () => {
  it("refuses what does not fit, with the size; control: a larger budget checks clean", async () => {
    const tight = await linea("check", "small.lin", "--memory-budget", "1M");
    expect(tight.code).toBe(1);
    expect(tight.stderr).toContain("error[LIN0330]: the dense operator [1000×1000] needs 11.4 MiB once compiled, more than the memory budget of 1 MiB");
    const roomy = await linea("check", "small.lin", "--memory-budget=1G");
    expect([roomy.code, roomy.stdout]).toEqual([0, "1 file checked: no problems\n"]);
    expect(process.env.LINEA_MEMORY_BUDGET).toBeUndefined();
  });

  it("compile of a 10⁶×10⁶ dense map is LIN0330 before anything is allocated", async () => {
    const r = await linea("compile", "huge.lin", "--emit", "ir", "--backend", "cpu", "--memory-budget", "16G");
    expect(r.code).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toContain("needs 10.9 TiB once compiled, more than the memory budget of 16 GiB");
  });

  it("a size that is not one is a usage error", async () => {
    const r = await linea("check", "small.lin", "--memory-budget", "lots");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--memory-budget must be a size such as 16G");
  });
});
