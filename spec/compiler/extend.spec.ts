// extendModule: `let`s built as syntax (src/ast/build.ts) checked in the final scope of a checked
// module, without re-parsing or re-checking it; the program extended stays as it was.
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { binary, call, letDecl, nameRef, numberLit } from "../../src/ast/build.js";
import type { Range } from "../../src/ast/source.js";
import type { CheckedProgram } from "../../src/compiler/checker/checked.js";
import { extendModule } from "../../src/compiler/checker/extend.js";
import { lower } from "../../src/compiler/lowering/lower.js";
import { checkSource, mainUri } from "./helpers.js";

const SPEC = `space Plane = R^2;
network G : Plane tagged { affine_coupling(hidden = 8); permute(reverse); }
space Noise = induced G[0];
space Data = induced G[1];
operator A = time_conditioned(rank = 2);
operator P = dense;
operator Q = dense;
map v : Noise -> Data = A;
map f : Data -> Data = P;
map g : Data -> Data = Q;
map k : Noise -> Noise = Q;
`;

function checked(): CheckedProgram {
  const outcome = checkSource(SPEC);
  if (outcome.program === undefined || outcome.diagnostics.some((d) => d.severity === 1)) throw new Error("SPEC checks");
  return outcome.program;
}

const rangeOf = (p: CheckedProgram, name: string): Range => {
  const r = p.modules.get(mainUri)?.symbols.get(name)?.nameRange;
  if (r === undefined) throw new Error(`no ${name}`);
  return r;
};

describe("extendModule", () => {
  it("checks new lets below every declaration and lists them in a new program; the original is unchanged", () => {
    const p = checked();
    const at = rangeOf(p, "v");
    const sampler = call("sampler", [nameRef("v", at)], { method: "rk4", steps: 8 }, at);
    const mix = binary("+", binary("*", numberLit(0.25, at), nameRef("f", at), at), binary("*", numberLit(0.75, at), nameRef("g", at), at), at);
    const lets = [letDecl("B", sampler, at), letDecl("m", mix, at)];
    const extended = extendModule(p, mainUri, lets);
    if (E.isLeft(extended)) throw new Error(extended.left.map((d) => d.message).join("; "));
    const q = extended.right;
    const before = p.modules.get(mainUri);
    const after = q.modules.get(mainUri);
    expect(after?.program.items.slice(-2)).toEqual(lets);
    expect(after?.program.items.length).toBe((before?.program.items.length ?? 0) + 2);
    expect(after?.symbols.get("B")?.type).toMatchObject({ kind: "Map", timeConditioned: false });
    expect(after?.symbols.get("m")?.type.kind).toBe("Map");
    expect(q.typeOf(sampler)).toMatchObject({ kind: "Map" });
    expect(q.builtinOf(sampler)).toEqual({ kind: "value", name: "sampler" });
    expect(Object.fromEntries(q.argumentsOf(sampler))).toEqual({ "#0": "v", method: "rk4", steps: 8 });
    // Declarations of the original module keep their types in the new program.
    expect(q.modules.get(mainUri)?.symbols.get("f")?.type).toBe(before?.symbols.get("f")?.type);
    // The original program has none of it.
    expect(before?.symbols.has("B")).toBe(false);
    expect(before?.program.items.includes(lets[0] as never)).toBe(false);
    expect(p.typeOf(sampler)).toBeUndefined();
    expect(p.builtinOf(sampler)).toBeUndefined();
    // lower() picks the lets up as maps of the entry module.
    const ir = lower(q);
    expect([...ir.maps.keys()]).toContain("B");
    expect([...ir.maps.keys()]).toContain("m");
    expect([...lower(p).maps.keys()]).not.toContain("m");
  });

  it("extends an extended program again; names of earlier extensions are in scope", () => {
    const p = checked();
    const at = rangeOf(p, "f");
    const first = extendModule(p, mainUri, [letDecl("h", binary("*", nameRef("f", at), nameRef("g", at), at), at)]);
    if (E.isLeft(first)) throw new Error("first extension checks");
    const second = extendModule(first.right, mainUri, [letDecl("h2", binary("*", nameRef("h", at), nameRef("h", at), at), at)]);
    expect(E.isRight(second) && second.right.modules.get(mainUri)?.symbols.get("h2")?.type.kind).toBe("Map");
    expect(first.right.modules.get(mainUri)?.symbols.has("h2")).toBe(false);
  });

  it("reports errors of the new lets at the ranges they carry, and nothing of the module", () => {
    const p = checked();
    const at = rangeOf(p, "k");
    // f : Data -> Data after k : Noise -> Noise does not compose.
    const bad = extendModule(p, mainUri, [letDecl("bad", binary("*", nameRef("f", at), nameRef("k", at), at), at)]);
    expect(E.isLeft(bad)).toBe(true);
    if (E.isRight(bad)) return;
    expect(bad.left.map((d) => d.code)).toEqual(["LIN0301"]);
    expect(bad.left[0]?.range).toEqual(at);
    expect(bad.left[0]?.uri).toBe(mainUri);
    // A name clash with a declaration is a duplicate, as it would be in the file.
    const clash = extendModule(p, mainUri, [letDecl("f", nameRef("g", at), at)]);
    expect(E.isLeft(clash) && clash.left.map((d) => d.code)).toEqual(["LIN0202"]);
    // Control: a module the program does not have cannot be extended.
    expect(E.isLeft(extendModule(p, "/proj/elsewhere.lin", []))).toBe(true);
  });
});
