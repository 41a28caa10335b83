import { describe, expect, it } from "vitest";
import { Dim } from "../../src/compiler/checker/dims.js";

describe("Dim unification", () => {
  it("an unknown takes the value of what it is unified with, through chains", () => {
    const a = Dim.unknown();
    const b = Dim.unknown();
    const c = Dim.unknown();
    expect(Dim.unify(a, b).ok).toBe(true);
    expect(Dim.unify(b, c).ok).toBe(true);
    expect(a.value).toBeUndefined();
    expect(Dim.unify(c, Dim.of(7, { reason: "map f" })).ok).toBe(true);
    expect([a.value, b.value, c.value]).toEqual([7, 7, 7]);
    expect(a.why?.reason).toBe("map f");
  });

  it("two different known values do not unify, and nothing changes (control)", () => {
    const a = Dim.unknown();
    Dim.unify(a, Dim.of(3, { reason: "declared [3, 3]" }));
    const r = Dim.unify(a, Dim.of(4, { reason: "map g" }));
    expect(r).toEqual({ ok: false, left: 3, right: 4, leftWhy: { reason: "declared [3, 3]" }, rightWhy: { reason: "map g" } });
    expect(a.value).toBe(3);
    expect(Dim.unify(Dim.of(5), Dim.of(5)).ok).toBe(true);
  });

  it("long chains stay correct (path compression)", () => {
    const dims = Array.from({ length: 10_000 }, () => Dim.unknown());
    for (let i = 1; i < dims.length; i++) Dim.unify(dims[i - 1], dims[i]);
    Dim.unify(dims[0], Dim.of(2));
    expect(dims[dims.length - 1].value).toBe(2);
    expect(Dim.unify(dims[5000], Dim.of(3)).ok).toBe(false);
  });
});
