// The one non-finite rule: the first NaN or infinity, by multi-index and flat index, naming the file
// and tensor; integers (no NaN possible) and finite floats pass.
import { describe, expect, it } from "vitest";
import { FormatError } from "../../../src/runtime/io/errors.js";
import { requireFinite } from "../../../src/runtime/io/finite.js";

function message(values: ArrayLike<number | bigint>, shape: number[]): string {
  try {
    requireFinite(values, shape, { file: "w.safetensors", tensor: "A.u" });
    return "no error";
  } catch (e) {
    return e instanceof FormatError ? `${e.code} ${e.message}` : String(e);
  }
}

describe("requireFinite", () => {
  it("names the first bad value with its index in the shape", () => {
    const v = new Float64Array(24);
    v[17] = -Infinity;
    v[20] = NaN;
    // flat 17 in shape [2, 3, 4] is [1, 1, 1]
    expect(message(v, [2, 3, 4])).toBe(
      'LIN1114 w.safetensors: tensor "A.u": non-finite value -Infinity at index [1, 1, 1] (flat index 17); Linea refuses NaN and infinities on load',
    );
    expect(message(Float32Array.of(NaN), [])).toContain("non-finite value NaN (flat index 0)");
  });

  it("passes finite floats, the largest float64 and integer arrays (control)", () => {
    expect(message(Float64Array.of(0, -0, Number.MAX_VALUE, Number.MIN_VALUE), [4])).toBe("no error");
    expect(message(BigInt64Array.of(-1n, 2n ** 62n), [2])).toBe("no error");
    expect(message(Int32Array.of(7), [1])).toBe("no error");
  });
});
