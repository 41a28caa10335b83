// Named parameters: the documented names and shapes of every kind (docs/operators.md), and the
// rebuild from them (what loading a safetensors file does), with errors naming the tensor.
import { describe, expect, it } from "vitest";
import { frobeniusNorm, subtract } from "../../../src/runtime/linalg/index.js";
import {
  at,
  materialise,
  operatorFromParameters,
  operatorParameters,
  randomTimeConditioned,
  type LeafDescription,
  type LinearOperator,
} from "../../../src/runtime/operator/index.js";
import { makeOperator } from "./support.js";

const N = 5;
const M = 3;
const R = 2;

const cases: ReadonlyArray<readonly [LinearOperator, LeafDescription, Record<string, readonly number[]>]> = [
  [makeOperator("dense", N, M, R, 1), { kind: "dense", rows: N, cols: M }, { weight: [N, M] }],
  [makeOperator("diagonal", N, N, R, 2), { kind: "diagonal", rows: N, cols: N }, { diag: [N] }],
  [makeOperator("identity", N, N, R, 3), { kind: "identity", n: N }, {}],
  [makeOperator("scaled_identity", N, N, R, 4), { kind: "scaled_identity", n: N }, { scale: [] }],
  [makeOperator("lowrank", N, M, R, 5), { kind: "lowrank", rows: N, cols: M, rank: R }, { u: [N, R], v: [M, R] }],
  [makeOperator("identity_plus_lowrank", N, N, R, 6), { kind: "identity_plus_lowrank", n: N, rank: R }, { alpha: [], u: [N, R], v: [N, R] }],
  [makeOperator("householder", N, N, R, 7), { kind: "orthogonal", n: N, param: "householder" }, { vectors: [N, N] }],
  [makeOperator("cayley", N, N, R, 8), { kind: "orthogonal", n: N, param: "cayley" }, { weight: [N, N] }],
  [makeOperator("svd_factored", N, M, R, 9), { kind: "svd_factored", rows: N, cols: M, rank: R }, { u: [N, R], s: [R], v: [M, R] }],
  [makeOperator("projector", N, N, R, 10), { kind: "projector", n: N, rank: R }, { basis: [N, R] }],
  [makeOperator("diagonal", N, M, R, 11), { kind: "diagonal", rows: N, cols: M }, { diag: [M] }],
];

describe("operator parameters", () => {
  it("have the documented names and shapes, and rebuild the same operator", () => {
    for (const [op, description, shapes] of cases) {
      const params = operatorParameters(op, "A.");
      expect(Object.fromEntries([...params].map(([k, p]) => [k, [...p.shape]]))).toEqual(Object.fromEntries(Object.entries(shapes).map(([k, s]) => [`A.${k}`, [...s]])));
      const rebuilt = operatorFromParameters(description, params, "A.");
      expect(rebuilt.kind).toBe(op.kind);
      // Exact: the rebuild uses the same float64 values (Householder rows are re-normalised: ≤ n·ε).
      expect(frobeniusNorm(subtract(materialise(rebuilt), materialise(op)))).toBeLessThanOrEqual(N * 2 ** -52 * N);
    }
  });

  it("time_conditioned: u.{0,1,2}.{weight,bias} and v.… in PyTorch layout, plus alpha", () => {
    const op = randomTimeConditioned({ n: 4, rank: 2, embedDim: 6, hidden: 5 }, 2);
    const params = operatorParameters(op);
    expect(params.get("u.0.weight")?.shape).toEqual([5, 6]);
    expect(params.get("u.1.weight")?.shape).toEqual([5, 5]);
    expect(params.get("v.2.weight")?.shape).toEqual([8, 5]);
    expect(params.get("v.2.bias")?.shape).toEqual([8]);
    expect(params.size).toBe(13);
    const rebuilt = operatorFromParameters({ kind: "time_conditioned", n: 4, rank: 2, embedDim: 6, hidden: 5 }, params);
    expect(frobeniusNorm(subtract(materialise(at(rebuilt, 0.3)), materialise(at(op, 0.3))))).toBe(0);
  });

  it("a missing tensor or a wrong shape is an error naming the tensor (control: the intact map loads)", () => {
    const [op, description] = cases[4];
    const params = new Map(operatorParameters(op, "A."));
    expect(() => operatorFromParameters(description, params, "A.")).not.toThrow();
    const missing = new Map(params);
    missing.delete("A.v");
    expect(() => operatorFromParameters(description, missing, "A.")).toThrow(/LIN1004.*'A\.v'/);
    const wrong = new Map(params);
    wrong.set("A.u", { shape: [N, R + 1], data: new Float64Array(N * (R + 1)) });
    expect(() => operatorFromParameters(description, wrong, "A.")).toThrow(/'A\.u' has shape \[5, 3\], expected \[5, 2\]/);
  });
});
