// docs/tutorial.md's spec is the one its commands ran on: it checks clean, and the misspelt copy the
// page shows (`Dta` for `Data` in the map's type) reports exactly the LIN0201 the page quotes. Control:
// the misspelt copy is not clean, so the first check does read the spec.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { checkAll, checkText } from "../../src/index.js";

const page = readFileSync(join(import.meta.dirname, "../../docs/tutorial.md"), "utf8");
const spec = /```lin\n([\s\S]*?)```/.exec(page)?.[1] ?? "";

describe("the tutorial's spec", () => {
  it("checks clean", () => {
    expect(spec).toContain("train flow");
    expect(checkAll({ uri: "/tutorial/flow.lin", text: spec }).diagnostics).toEqual([]);
  });

  it("misspelt as on the page, is LIN0201 at 15:18 with the page's help", () => {
    const typo = spec.replace("map v : Noise -> Data = A;", "map v : Noise -> Dta = A;");
    const r = checkText(typo, "/tutorial/typo.lin");
    expect(isLeft(r)).toBe(true);
    const first = isLeft(r) ? r.left[0] : undefined;
    expect(first?.code).toBe("LIN0201");
    expect([first?.range.start.line, first?.range.start.character]).toEqual([14, 17]);
    expect(page).toContain(" --> typo.lin:15:18");
    expect(page).toContain("= help: did you mean `Data`?");
  });
});
