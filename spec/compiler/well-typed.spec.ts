// Generated well-typed programs check clean, and print/parse round-trips them; a mutation that
// breaks a typing rule (retargeting a composition through another network's space) is caught.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, print } from "../../src/parser/index.js";
import { checkSource } from "./helpers.js";
import { wellTypedProgram, withoutRanges } from "./arbitraries.js";
import { WellTypedBuilder, seededChoose } from "./well-typed.js";

const runs = 300;

describe("well-typed generated specs", () => {
  it("check clean", () => {
    fc.assert(
      fc.property(wellTypedProgram(), (program) => {
        const text = print(program);
        const out = checkSource(text);
        expect(
          out.diagnostics.map((d) => `${d.code} ${d.message}`),
          text,
        ).toEqual([]);
      }),
      { numRuns: runs },
    );
  });

  it("round-trip through the printer: parse(print(ast)) ≡ ast", () => {
    fc.assert(
      fc.property(wellTypedProgram(), (program) => {
        const parsed = parse(print(program), program.uri);
        expect(parsed.diagnostics).toEqual([]);
        expect(withoutRanges(parsed.program)).toEqual(withoutRanges(program));
      }),
      { numRuns: runs },
    );
  });

  it("control: the generator is not vacuous, and the checker rejects a space swapped for an equal-dimension one", () => {
    const b = new WellTypedBuilder(seededChoose(7));
    for (let i = 0; i < 400; i++) b.step();
    const text = print(b.program("/proj/gen.lin"));
    expect(text).toMatch(/\* /);
    expect(text).toMatch(/induced/);
    expect(checkSource(text).diagnostics).toEqual([]);
    // Appending a composition through two distinct induced spaces of one network must fail.
    const bad = `${text}\nnetwork Zn : R^3 tagged { actnorm; }\nspace Za = induced Zn[0];\nspace Zb = induced Zn[1];\nmap Zf : Za -> Za = dense;\nmap Zg : Zb -> Zb = dense;\nlet Zh = Zg * Zf;\n`;
    expect(checkSource(bad).diagnostics.map((d) => d.code)).toEqual(["LIN0301"]);
  });
});
