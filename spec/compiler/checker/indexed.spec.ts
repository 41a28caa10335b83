// Indexed operators in the checker: `depthwise_conv(styles = n)` makes an operator (and the maps of it)
// indexed; at(K, s) takes a whole-number style below n (LIN0360), not a time, and the count survives
// the combinations a mix is written with; samplers refuse indexed maps (LIN0361). Each rule has a control.
import { describe, expect, it } from "vitest";
import { checkSource, codesOf } from "../helpers.js";

const prelude = `space X = R[3, 4, 4];
operator K = depthwise_conv(kernel = 2, styles = 4);
map f : X -> X = K;
`;
const codes = (body: string): string[] => codesOf(checkSource(prelude + body).diagnostics);

describe("at(K, s) of an indexed operator", () => {
  it("accepts every style 0…n−1 of a map and of the operator, and their linear combinations", () => {
    expect(codes("let a : X -> X = at(f, 3);\noperator B = at(K, 0);\nlet m : X -> X = 0.35 * at(f, 0) + 0.65 * at(f, 3);\nentry e(x : X) = m(x);")).toEqual([]);
  });

  it("refuses a fractional style, a style n and a negative style (LIN0360); control: a time-conditioned map takes t = 0.5", () => {
    for (const s of ["0.5", "4", "-1"]) expect(codes(`let a : X -> X = at(f, ${s});`)).toEqual(["LIN0360"]);
    expect(codesOf(checkSource("space X = R^2;\noperator A = time_conditioned(rank = 1);\nmap v : X -> X = A;\nlet a : X -> X = at(v, 0.5);").diagnostics)).toEqual([]);
  });

  it("keeps the style count through sums and compositions (at(f + f, 4) is still LIN0360; control: at(f + f, 1) checks)", () => {
    expect(codes("let a : X -> X = at(f + f, 4);")).toEqual(["LIN0360"]);
    expect(codes("let a : X -> X = at(f * f, 4);")).toEqual(["LIN0360"]);
    expect(codes("let a : X -> X = at(f + f, 1);")).toEqual([]);
  });

  it("an indexed map is not applied without a style; control: at(f, 2)(x) is", () => {
    expect(codes("entry e(x : X) = f(x);").length).toBeGreaterThan(0);
    expect(codes("entry e(x : X) = at(f, 2)(x);")).toEqual([]);
  });

  it("without styles, depthwise_conv is a plain operator (applied directly; at() on it is refused)", () => {
    const plain = "space X = R[3, 4, 4];\noperator C = depthwise_conv(kernel = 3);\nmap g : X -> X = C;\n";
    expect(codesOf(checkSource(`${plain}entry e(x : X) = g(x);`).diagnostics)).toEqual([]);
    expect(codesOf(checkSource(`${plain}let a : X -> X = at(g, 0);`).diagnostics)).toEqual(["LIN0316"]);
  });
});

describe("samplers of an indexed map", () => {
  it("sampler(f) and verify one_step(f) are LIN0361; control: sampler of a time-conditioned map checks", () => {
    expect(codes("let s = sampler(f, steps = 4);")).toEqual(["LIN0361"]);
    expect(codes("verify one_step(f);")).toEqual(["LIN0361"]);
    expect(codesOf(checkSource("space X = R^2;\noperator A = time_conditioned(rank = 1);\nmap v : X -> X = A;\nlet s = sampler(v, steps = 4);").diagnostics)).toEqual([]);
  });
});

describe("memory estimate", () => {
  it("counts the kernel table, not rows × cols: a 256×256 RGB convolution fits the default budget", () => {
    expect(codesOf(checkSource("space X = R[3, 256, 256];\noperator K = depthwise_conv(kernel = 4, styles = 4);\nmap f : X -> X = K;").diagnostics)).toEqual([]);
    // Control: a dense operator of that size is over the budget.
    expect(codesOf(checkSource("space X = R[3, 256, 256];\nmap f : X -> X = dense;").diagnostics)).toContain("LIN0330");
  });
});
