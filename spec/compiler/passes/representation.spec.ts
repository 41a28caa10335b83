// How constants are held: recompression keeps the value and drops redundant factor columns; the
// cheapest form follows the cost model and never keeps a lazy kind.
import { describe, expect, it } from "vitest";
import { materialise } from "../../../src/runtime/operator/hostApply.js";
import { concatColumns } from "../../../src/runtime/operator/host.js";
import { randomIdentityPlusLowRank, randomDense } from "../../../src/runtime/operator/init.js";
import { identityPlusLowRank, type LinearOperator } from "../../../src/runtime/operator/kinds.js";
import { cheapestForm, recompress } from "../../../src/compiler/passes/representation.js";
import { TOLERANCE, relativeError } from "./support.js";

const rankOf = (op: LinearOperator): number => (op.kind === "identity_plus_lowrank" || op.kind === "lowrank" ? op.u.cols : -1);

describe("recompress", () => {
  it("drops duplicated factor columns and keeps the value (float64, support.ts tolerance)", () => {
    const base = randomIdentityPlusLowRank(12, 2, 1);
    const doubled = identityPlusLowRank(concatColumns(base.u, base.u), concatColumns(base.v, base.v), base.alpha);
    const out = recompress(doubled);
    expect(rankOf(doubled)).toBe(4);
    expect(rankOf(out)).toBe(2);
    expect(relativeError(materialise(out), materialise(doubled))).toBeLessThanOrEqual(TOLERANCE);
  });

  it("control: independent columns are left alone", () => {
    const op = randomIdentityPlusLowRank(12, 3, 2);
    expect(recompress(op)).toBe(op);
  });
});

describe("cheapestForm", () => {
  it("keeps identity + low-rank while 4nr + 2n < 2n², densifies beyond", () => {
    expect(cheapestForm(randomIdentityPlusLowRank(16, 2, 3)).kind).toBe("identity_plus_lowrank"); // 160 < 512
    expect(cheapestForm(randomIdentityPlusLowRank(16, 8, 3)).kind).toBe("dense"); // 544 > 512
  });

  it("never keeps a lazy product", () => {
    const a = randomDense(4, 4, 1);
    const lazy: LinearOperator = { kind: "product", rows: 4, cols: 4, factors: [a, a] };
    const out = cheapestForm(lazy);
    expect(out.kind).toBe("dense");
    expect(relativeError(materialise(out), materialise(lazy))).toBeLessThanOrEqual(TOLERANCE);
  });
});
