// The checker never throws: on arbitrary syntax trees (the parser's generator, mostly ill-typed) and on
// mutated examples (which the parser recovers from), it returns diagnostics with registered codes and
// ranges inside the text.
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCodes, syntaxCodes } from "../../src/diagnostics/codes.js";
import { print } from "../../src/parser/index.js";
import { programArb } from "../parser/arbitraries.js";
import { checkSource, mainUri } from "./helpers.js";

const known = new Set<string>([...checkCodes, ...syntaxCodes].map((c) => c.code));
const examplesDir = new URL("../../examples/", import.meta.url).pathname;
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".lin"))
  .map((f) => readFileSync(examplesDir + f, "utf8"));

function assertWellFormed(text: string): void {
  const out = checkSource(text);
  for (const d of out.diagnostics) {
    expect(known.has(d.code), d.code).toBe(true);
    if (d.uri !== mainUri) continue;
    expect(d.range.start.offset).toBeGreaterThanOrEqual(0);
    expect(d.range.end.offset).toBeGreaterThanOrEqual(d.range.start.offset);
    expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
    expect(d.message).not.toContain("\n");
  }
}

describe("checker robustness", () => {
  it("arbitrary programs: no throw, registered codes, valid ranges", () => {
    fc.assert(
      fc.property(programArb, (program) => assertWellFormed(print(program))),
      { numRuns: 200 },
    );
  });

  it("a coupling whose conditioner is not one of the choices is reported, not a crash (found by the mutations below)", () => {
    const text = "space X = R[4, 8, 8];\nnetwork N : X { affine_coupling(conditioner = unte, channels = 8, mask = channel); }\n";
    const out = checkSource(text);
    expect(out.diagnostics.length).toBeGreaterThan(0);
    assertWellFormed(text);
    // Control: the same block with a real conditioner checks clean.
    expect(checkSource(text.replace("unte", "resnet")).diagnostics).toEqual([]);
  });

  it("examples with random deletions and duplications of lines and characters", () => {
    const mutation = fc.record({
      example: fc.nat({ max: examples.length - 1 }),
      cuts: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.boolean()), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(mutation, ({ example, cuts }) => {
        let text = examples[example];
        for (const [at, len, duplicate] of cuts) {
          const i = at % Math.max(1, text.length);
          text = duplicate ? text.slice(0, i + len) + text.slice(i, i + len) + text.slice(i + len) : text.slice(0, i) + text.slice(i + len);
        }
        assertWellFormed(text);
      }),
      { numRuns: 150 },
    );
  });
});
