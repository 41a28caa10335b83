// Flat chains of any length print back to their text: the printer walks a chain's left operands in a
// loop. The chains are 100,000 terms long; the recursive printer overflowed the stack from about 3,900
// terms (measured once, Node 20 with its default stack, for both `+` and `*`), and each test's control
// shows the tree is too deep for a recursive walk.
import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/ast/nodes.js";
import { parse, print } from "../../src/parser/index.js";

const terms = 100_000;

/** Recurses down the left operands as the old printer did. */
function recursiveDepth(e: Expr): number {
  return e.kind === "Binary" ? 1 + recursiveDepth(e.left) : 0;
}

function letValue(text: string): Expr {
  const { program, diagnostics } = parse(text);
  expect(diagnostics).toEqual([]);
  const [item] = program.items;
  if (item?.kind !== "LetDecl") throw new Error("expected one let");
  return item.value;
}

describe("printing long flat chains", () => {
  for (const op of ["+", "*", "-", "/"]) {
    it(`a ${terms}-term '${op}' chain prints back to its text`, () => {
      const text = `let c = ${Array.from({ length: terms }, () => "1").join(` ${op} `)};\n`;
      const value = letValue(text);
      expect(() => recursiveDepth(value)).toThrow(RangeError);
      expect(print(parse(text).program)).toBe(text);
    });
  }

  it("mixed precedence keeps exactly the brackets it needs, at any length", () => {
    const unit = "a - b * c / (d + e) + -f ^ 2 * (g - h)";
    const text = `let c = ${Array.from({ length: 20_000 }, () => unit).join(" + ")};\n`;
    expect(print(parse(text).program)).toBe(text);
    // Control: a bracket precedence needs is kept, one it does not need is dropped.
    expect(print(parse("let c = (a + b) * c - (d - e) + (f * g);").program)).toBe("let c = (a + b) * c - (d - e) + f * g;\n");
  });
});
