// Rank cut-offs in the precision an operator's values were stored in (src/runtime/operator/precision.ts):
// a rank-7 matrix rounded to float32 has 13 more singular values at the float32 rounding level, ~σ₁·10⁻⁷,
// far above a float64 cut-off σ₁·n·2⁻⁵² ≈ σ₁·4·10⁻¹⁵, far below the float32 one σ₁·n·2⁻²³ ≈ σ₁·2.4·10⁻⁶.
import { describe, expect, it } from "vitest";
import { matmul, matrix } from "../../../src/runtime/linalg/index.js";
import {
  dense,
  materialise,
  pinv,
  precisionOf,
  product,
  randomDense,
  rangeProjector,
  scale,
  storedIn,
  svd,
  transpose,
  MACHINE_EPSILON,
} from "../../../src/runtime/operator/index.js";

/** A 20×20 matrix of rank 7, rounded to float32 as a weights file stores it. */
function rank7InFloat32() {
  const product7 = matmul(materialise(randomDense(20, 7, 1)), materialise(randomDense(7, 20, 2)));
  const m = matrix(20, 20);
  m.data.set(Float32Array.from(product7.data));
  return dense(m);
}

describe("rank cut-off in the stored precision", () => {
  it("a rank-7 matrix stored in float32 has rank 7 with ε₃₂, and its pinv inverts no rounding noise", () => {
    const a = storedIn(rank7InFloat32(), "float32");
    const d = svd(a);
    expect(d.precision).toBe("float32");
    expect(d.rank).toBe(7);
    expect(d.cutoff).toBeCloseTo((d.s[0] ?? 0) * 20 * MACHINE_EPSILON.float32, 12);
    const p = pinv(a);
    expect([p.rank, p.precision]).toEqual([7, "float32"]);
    // ‖A⁺‖ = 1/σ₇, not 1/σ₂₀ ≈ 10⁷·‖A‖⁻¹: the largest singular value of the pinv is that of A's range.
    expect(svd(p.operator, "float64").s[0]).toBeCloseTo(1 / (d.s[6] ?? 1), 6);
    expect(svd(rangeProjector(a), "float64").s.length).toBe(7);
  });

  it("control: the same values unmarked (float64) count the rounding as rank 20, as before", () => {
    const a = rank7InFloat32();
    expect(precisionOf(a)).toBe("float64");
    expect(svd(a).rank).toBe(20);
    expect(pinv(a).rank).toBe(20);
  });

  it("a lazy product, scaling or transpose with a float32 part is float32", () => {
    const a = storedIn(rank7InFloat32(), "float32");
    const b = randomDense(20, 20, 3);
    expect(precisionOf(product(b, a))).toBe("float32");
    expect(precisionOf(scale(2, a))).toBe("float32");
    expect(precisionOf(transpose(a))).toBe("float32");
    expect(precisionOf(b)).toBe("float64");
  });
});
