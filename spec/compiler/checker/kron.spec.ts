// kron(A, B) in the checker: its shape is [A.rows·B.rows, A.cols·B.cols] from the factors' known shapes
// (LIN0410 when one is unknown); a map whose spaces it does not fit is LIN0401 on the call; a
// time-conditioned factor is LIN0316. Each rule has a control that passes.
import { describe, expect, it } from "vitest";
import { checkSource, codesOf, marked } from "../helpers.js";

const prelude = "space X = R^6;\nspace Y = R^4;\noperator P[2, 2] = dense;\noperator Q[3, 3] = orthogonal;\noperator M[2, 3] = dense;\n";
const codes = (body: string): string[] => codesOf(checkSource(prelude + body).diagnostics);

describe("kron(A, B)", () => {
  it("accepts kron(P, Q) as a 6×6 map and infers the shape of the declared operator", () => {
    const out = checkSource(prelude + "map f : X -> X = kron(P, Q);\noperator K = kron(P, Q);\nentry e(x : X) = f(x);");
    expect(codesOf(out.diagnostics)).toEqual([]);
  });

  it("infers a rectangular shape: kron(M, P) is [4, 6] and fits X -> Y; control: kron(P, M) is [4, 6] too but kron(Q, M) is not", () => {
    expect(codes("map f : X -> Y = kron(M, P);")).toEqual([]);
    expect(codes("map f : X -> Y = kron(P, M);")).toEqual([]);
    expect(codes("map f : X -> Y = kron(Q, M);")).toEqual(["LIN0401"]);
  });

  it("rejects a kron that does not fit the map's spaces with LIN0401 on the call", () => {
    const src = marked(prelude + "map f : Y -> Y = ⟦kron(P, Q)⟧;");
    const out = checkSource(src.text);
    expect(codesOf(out.diagnostics)).toEqual(["LIN0401"]);
    const d = out.diagnostics[0];
    const lines = src.text.split("\n");
    const offset = (line: number, ch: number): number => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + ch;
    expect(offset(d.range.start.line, d.range.start.character)).toBe(src.start);
    expect(offset(d.range.end.line, d.range.end.character)).toBe(src.end);
  });

  it("feeds products and sums with its shape: kron(P, Q) * K needs K with 6 rows (LIN0402; control: 6 rows checks)", () => {
    expect(codes("operator K[4, 6] = dense;\nmap f : X -> X = kron(P, Q) * K;")).toEqual(["LIN0402"]);
    expect(codes("operator K[6, 6] = dense;\nmap f : X -> X = kron(P, Q) * K;")).toEqual([]);
  });

  it("refuses a time-conditioned factor with LIN0316; control: the factor fixed with at(·, t) checks", () => {
    const tc = "operator T[2, 2] = time_conditioned(rank = 1);\n";
    expect(codes(tc + "map f : X -> X = kron(T, Q);")).toEqual(["LIN0316"]);
    expect(codes(tc + "map f : X -> X = kron(Q, T);")).toEqual(["LIN0316"]);
    expect(codes(tc + "map f : X -> X = kron(at(T, 0.5), Q);")).toEqual([]);
  });

  it("needs the factors' shapes (LIN0410); control: the same factor with a shape written checks", () => {
    expect(codes("operator U = dense;\nmap f : X -> X = kron(U, Q);")).toContain("LIN0410");
    expect(codes("operator U[2, 2] = dense;\nmap f : X -> X = kron(U, Q);")).toEqual([]);
  });

  it("refuses non-operator arguments and a wrong argument count", () => {
    expect(codes("map g : X -> X = dense;\nmap f : X -> X = kron(g, Q);")).toEqual(["LIN0312"]);
    expect(codes("map f : X -> X = kron(P);")).toEqual(["LIN0313"]);
  });
});
