// fast-check arbitraries for WELL-TYPED Linea programs: the parser's arbitraries
// (spec/parser/arbitraries.ts) generate any syntax; these narrow generation to programs the checker
// must accept, by building them from a stream of choices (spec/compiler/well-typed.ts). Shrinking the
// choices shrinks the program.
import fc from "fast-check";
import type { Program } from "../../src/ast/nodes.js";
import { WellTypedBuilder } from "./well-typed.js";

export { withoutRanges } from "../parser/arbitraries.js";

/** A well-typed program of up to `maxItems` steps (a step may add a few items that belong together). */
export function wellTypedProgram(maxItems = 30): fc.Arbitrary<Program> {
  return fc.tuple(fc.integer({ min: 1, max: maxItems }), fc.array(fc.nat({ max: 1 << 20 }), { minLength: 1, maxLength: 400 })).map(([steps, choices]) => {
    let i = 0;
    // Past the end of the stream every choice is the first option, which is always allowed.
    const builder = new WellTypedBuilder((n) => (i < choices.length ? choices[i++] % n : 0));
    for (let s = 0; s < steps; s++) builder.step();
    return builder.program("/proj/gen.lin");
  });
}
