import { describe, expect, it } from "vitest";
import { emptyRange } from "../../src/ast/source.js";
import { closest } from "../../src/compiler/checker/suggest.js";
import { describeSpace, sameSpace, type NetworkId, type SpaceType } from "../../src/compiler/checker/types.js";

const net = (name: string, uri = "/p/a.lin"): NetworkId => ({ name, uri, location: { uri, range: emptyRange } });
const induced = (n: NetworkId, tag?: number): SpaceType => ({ kind: "Induced", network: n, tag, shape: [784] });

describe("space equality", () => {
  it("induced spaces are equal by network declaration and tag only", () => {
    expect(sameSpace(induced(net("G"), 1), induced(net("G"), 1))).toBe(true);
    expect(sameSpace(induced(net("G"), 1), induced(net("G"), 0))).toBe(false);
    expect(sameSpace(induced(net("G")), induced(net("H")))).toBe(false);
    expect(sameSpace(induced(net("G")), induced(net("G", "/p/b.lin")))).toBe(false);
    expect(sameSpace(induced(net("G")), { kind: "Euclidean", shape: [784] })).toBe(false);
  });

  it("Euclidean spaces are equal by shape, not by dimension", () => {
    expect(sameSpace({ kind: "Euclidean", shape: [2, 2] }, { kind: "Euclidean", shape: [2, 2] })).toBe(true);
    expect(sameSpace({ kind: "Euclidean", shape: [4] }, { kind: "Euclidean", shape: [2, 2] })).toBe(false);
  });

  it("describes provenance", () => {
    expect(describeSpace(induced(net("G"), 1))).toBe("induced G[1] (induced by G tag 1)");
    expect(describeSpace({ kind: "Euclidean", shape: [1, 28, 28] })).toBe("R[1, 28, 28]");
  });
});

describe("suggestions", () => {
  it("proposes a close name and nothing for a distant one", () => {
    expect(closest("acnorm", ["actnorm", "squeeze"])).toBe("actnorm");
    expect(closest("zzz", ["actnorm", "squeeze"])).toBeUndefined();
  });
});
