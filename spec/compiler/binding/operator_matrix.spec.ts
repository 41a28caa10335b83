// Which operators a matrix sets (`--operator A=a.npy`) and how: dense from its [rows, cols] matrix,
// diagonal from its diagonal or its diagonal matrix; the values stay float64; anything else is LIN1117.
import { describe, expect, it } from "vitest";
import { operatorFromMatrix } from "../../../src/compiler/binding/operator_matrix.js";
import { FormatError } from "../../../src/runtime/io/index.js";
import { materialise } from "../../../src/runtime/operator/index.js";

const m = (shape: number[], values: number[]) => ({ file: "a.npy", shape, data: Float64Array.from(values) });

function code(f: () => unknown): string {
  try {
    f();
    return "no error";
  } catch (e) {
    return e instanceof FormatError ? `${e.code}: ${e.message}` : String(e);
  }
}

describe("operatorFromMatrix", () => {
  it("sets a dense operator to the matrix itself, in float64", () => {
    const values = [1, 2, 3, 4, 5, 6.000000000000001];
    const op = operatorFromMatrix("A", { kind: "dense", rows: 2, cols: 3 }, m([2, 3], values));
    expect(Array.from(materialise(op).data)).toEqual(values);
    expect(code(() => operatorFromMatrix("A", { kind: "dense", rows: 2, cols: 3 }, m([3, 2], values)))).toContain("LIN1117: a.npy: operator A is dense [2, 3]");
  });

  it("sets a diagonal operator from its diagonal or its diagonal matrix, and refuses off-diagonal entries", () => {
    const d = { kind: "diagonal", rows: 2, cols: 2 } as const;
    // + 0 turns the −0 of 0·(−0.5) into 0: the sign of a zero is not what is tested.
    const dense = (values: Float64Array) => Array.from(values, (v) => v + 0);
    expect(dense(materialise(operatorFromMatrix("D", d, m([2], [3, -0.5]))).data)).toEqual([3, 0, 0, -0.5]);
    expect(dense(materialise(operatorFromMatrix("D", d, m([2, 2], [3, 0, 0, -0.5]))).data)).toEqual([3, 0, 0, -0.5]);
    expect(code(() => operatorFromMatrix("D", d, m([2, 2], [3, 1, 0, -0.5])))).toContain("operator D is diagonal, but the matrix has 1 at [0, 1]");
  });

  it("refuses the kinds a matrix does not determine", () => {
    expect(code(() => operatorFromMatrix("L", { kind: "lowrank", rows: 2, cols: 2, rank: 1 }, m([2, 2], [1, 0, 0, 1])))).toContain(
      "LIN1117: a.npy: operator L is lowrank: --operator sets dense and diagonal operators",
    );
  });
});
