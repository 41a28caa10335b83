// depthwise_conv(padding = …) in the language: the checker takes same (the default) and circular and
// refuses any other value; lowering and binding turn padding = circular into a circulant_conv runtime
// operator (the periodic convolution of the same k×k taps) and the default into a depthwise_conv.
// Controls: padding = reflect is refused; styles with padding = circular is refused at binding.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { checkText } from "../../../src/index.js";
import { OperatorBinder } from "../../../src/compiler/binding/operators.js";
import { lower } from "../../../src/compiler/lowering/lower.js";
import { materialise, operatorParameters, svd, type LinearOperator } from "../../../src/runtime/operator/index.js";
import { checkSource, codesOf } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "linea-circulant-"));

const program = (padding: string, extra = ""): string => `space X = R[2, 4, 6];
operator K = depthwise_conv(kernel = 3, height = 4, channels = 2${padding}${extra});
map f : X -> X = K;
entry e(x : X) = f(x);
`;

function bound(text: string): LinearOperator {
  const r = checkText(text, join(dir, "spec.lin"));
  if (isLeft(r)) throw new Error(r.left.map((d) => `${d.code}: ${d.message}`).join("\n"));
  const binder = new OperatorBinder(r.right, 3);
  lower(r.right, { bind: binder.bind });
  const [op] = [...binder.bound.values()].map((b) => b.operator);
  return op;
}

describe("depthwise_conv(padding = …)", () => {
  it("checks padding = same and padding = circular; control: padding = reflect is refused", () => {
    expect(codesOf(checkSource(program(", padding = circular")).diagnostics)).toEqual([]);
    expect(codesOf(checkSource(program(", padding = same")).diagnostics)).toEqual([]);
    expect(codesOf(checkSource(program(", padding = reflect")).diagnostics).length).toBeGreaterThan(0);
  });

  it("binds padding = circular to a circulant_conv of the same seeded taps, the default to a depthwise_conv", () => {
    const circular = bound(program(", padding = circular"));
    const same = bound(program(""));
    expect(circular.kind).toBe("circulant_conv");
    expect(same.kind).toBe("depthwise_conv");
    expect(bound(program(", padding = same")).kind).toBe("depthwise_conv");
    if (circular.kind !== "circulant_conv" || same.kind !== "depthwise_conv") return;
    // One seed, one set of taps: the circular leaf saves exactly the zero-padded leaf's kernel.
    expect(operatorParameters(circular).get("kernel")?.data).toEqual(same.kernel);
    // Control: the two matrices differ (wrap-around), and the circulant's SVD is the structured one.
    const a = materialise(circular).data;
    const b = materialise(same).data;
    expect(a.some((x, i) => x !== b[i])).toBe(true);
    expect(svd(circular).method).toBe("structured");
    expect(svd(same).method).toBe("dense");
  });

  it("control: styles with padding = circular is refused when bound (LIN1171)", () => {
    expect(() => bound(program(", padding = circular", ", styles = 2").replace("entry e(x : X) = f(x);\n", ""))).toThrow(/LIN1171|padding = same/);
  });
});
