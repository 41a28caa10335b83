// Embeddings in the checker (docs/gsvd.md): `embedding φ : X -> E` is one-sided — left_inverse(φ) : E -> X
// composes on its left (the identity on X) and never on its right (LIN0373), pinv and adjoint are refused;
// W * φ with a time-free head into a Euclidean space has a typed gsvd whose fields live in K, E and X;
// c·φ is a plain map again. Each rule has a control that is accepted or refused the other way.
import { describe, expect, it } from "vitest";
import { parse } from "../../../src/parser/index.js";
import { print } from "../../../src/parser/printer.js";
import { checkSource, codesOf } from "../helpers.js";

const prelude = `space X = R^4;
network G : X { additive_coupling(hidden = 4); }
space Z = induced G;
space E = R^6;
space K = R^3;
network H : E { additive_coupling(hidden = 4); }
embedding phi : Z -> E = isometric;
embedding ext : Z -> E = extend(H, isometric);
map W : E -> K = dense;
`;
const codes = (body: string): string[] => codesOf(checkSource(prelude + body).diagnostics);

describe("embedding φ : X -> E", () => {
  it("checks with an isometric, a dense or an extended lift, and its left inverse composes on the left", () => {
    expect(
      codes("embedding d : Z -> E = dense;\nlet back : Z -> Z = left_inverse(phi) * phi;\nlet b2 : Z -> Z = left_inverse(ext) * ext;\nentry e(x : Z) = left_inverse(phi)(phi(x));"),
    ).toEqual([]);
  });

  it("types left_inverse(φ) as E -> X: applying it to a vector of X is an error (control: to a vector of E)", () => {
    expect(codes("entry e(x : Z) = left_inverse(phi)(x);")).not.toEqual([]);
    expect(codes("entry e(y : E) = left_inverse(phi)(y);")).toEqual([]);
  });

  it("refuses φ * left_inverse(φ), pinv(φ) and adjoint(φ) (LIN0373); control: the same on a Linearizer", () => {
    expect(codes("let p = phi * left_inverse(phi);")).toEqual(["LIN0373"]);
    expect(codes("let p = pinv(phi);")).toEqual(["LIN0373"]);
    expect(codes("let p = adjoint(phi);")).toEqual(["LIN0373"]);
    expect(codes("map f : Z -> E = dense;\nlet p = f * pinv(f);\nlet q = adjoint(f);")).toEqual([]);
  });

  it("left_inverse needs a declared embedding: of a Linearizer or of 2·φ it is LIN0372", () => {
    expect(codes("map f : Z -> E = dense;\nlet g = left_inverse(f);")).toEqual(["LIN0372"]);
    expect(codes("let g = left_inverse(2 * phi);")).toEqual(["LIN0372"]);
  });

  it("refuses an induced E (LIN0370), a smaller E (LIN0371), and a time-conditioned lift (LIN0371)", () => {
    expect(codes("embedding a : Z -> Z = isometric;")).toEqual(["LIN0370"]);
    expect(codes("space S = R^3;\nembedding a : Z -> S = isometric;")).toEqual(["LIN0371"]);
    expect(codes("operator T = time_conditioned(rank = 1);\nspace F = R^4;\nembedding a : Z -> F = T;")).toEqual(["LIN0371"]);
  });

  it("refuses extend outside an embedding, with a non-network, or a network on another space (LIN0375)", () => {
    expect(codes("let a = extend(H, isometric);")).toEqual(["LIN0375"]);
    expect(codes("embedding a : Z -> E = extend(W, isometric);")).toEqual(["LIN0375"]);
    expect(codes("space F = R^8;\nembedding a : Z -> F = extend(H, isometric);")).toEqual(["LIN0375"]);
  });
});

describe("gsvd(W * φ)", () => {
  it("types U in K, V in E and the decoded directions in X, through a let and an annotation", () => {
    const body = "let h : Z -> K = W * phi;\nentry u() = gsvd(h).left[0];\nentry v() = gsvd(h).right[2];\nentry d() = gsvd(h).decoded[1];\nentry s() = gsvd(W * ext).values[0];";
    expect(codes(body)).toEqual([]);
    // A decoded direction is a vector of Z, not of E (control: the right singular vector is one of E).
    expect(codes("let h = W * phi;\nentry d(y : E) = gsvd(h).decoded[0] + y;")).not.toEqual([]);
    expect(codes("let h = W * phi;\nentry d(y : E) = gsvd(h).right[0] + y;")).toEqual([]);
  });

  it("bounds the indices by min(k, dim E) = 3 (control: index 2)", () => {
    expect(codes("let h = W * phi;\nentry d() = gsvd(h).decoded[3];")).not.toEqual([]);
    expect(codes("let h = W * phi;\nentry d() = gsvd(h).decoded[2];")).toEqual([]);
  });

  it("needs a head after an embedding: of a Linearizer, of (W * φ) * 2 or of a head into an induced space it is LIN0374", () => {
    expect(codes("map f : Z -> K = dense;\nlet s = gsvd(f);")).toEqual(["LIN0374"]);
    expect(codes("let s = gsvd((W * phi) * 2);")).toEqual(["LIN0374"]);
    expect(codes("map V : E -> Z = dense;\nlet s = gsvd(V * phi);")).toEqual(["LIN0374"]);
  });
});

describe("verify left_inverse and norm_preserving", () => {
  it("take an embedding and a band [a, b] with 0 ≤ a ≤ b", () => {
    expect(codes("verify left_inverse(phi);\nverify norm_preserving(phi) with band = [0.9, 1.1], metric = euclidean;")).toEqual([]);
  });

  it("refuse left_inverse of a Linearizer (LIN0372), a reversed or one-sided band, and band on another law (LIN0602)", () => {
    expect(codes("verify left_inverse(W);")).toEqual(["LIN0372"]);
    expect(codes("verify norm_preserving(phi) with band = [1.1, 0.9];")).toEqual(["LIN0602"]);
    expect(codes("verify norm_preserving(phi) with band = [1];")).toEqual(["LIN0602"]);
    expect(codes("verify linear(W) with band = [0.9, 1.1];")).toEqual(["LIN0602"]);
  });

  it("a list outside an option is no value (LIN0310)", () => {
    expect(codes("let a = [1, 2];")).toEqual(["LIN0310"]);
  });
});

describe("the printer", () => {
  it("writes embeddings and bands back as parsed (print ∘ parse is a fixed point)", () => {
    const text = `${prelude}verify norm_preserving(phi) with band = [0.9, 1.1];\n`;
    const once = print(parse(text, "/virtual/a.lin").program);
    expect(once).toContain("embedding phi : Z -> E = isometric;");
    expect(once).toContain("band = [0.9, 1.1]");
    expect(print(parse(once, "/virtual/a.lin").program)).toBe(once);
  });
});
