// Reproducible initialisation: the same seed gives bit-for-bit the same parameters whichever dense
// linear-algebra backend is active (LAPACK addon or TypeScript), because init's QR is the TypeScript
// one with diag(R) > 0. The native half is skipped, with the reason in its title, without the addon.
import { afterEach, describe, expect, it } from "vitest";
import { matmul, maxAbs, nativeLinalg, subtract, identityMatrix, transpose, useLinalg, type LinalgChoice } from "../../../src/runtime/linalg/index.js";
import { operatorParameters, randomDense, randomSvdFactored, type LinearOperator } from "../../../src/runtime/operator/index.js";
import { EPS64 } from "./support.js";

/** The initialisers whose weights go through a QR (the others never touch linalg). */
const initialisers: ReadonlyArray<readonly [string, (seed: number) => LinearOperator]> = [
  ["dense orthogonal, tall 9×4", (seed) => randomDense(9, 4, seed, "orthogonal")],
  ["dense orthogonal, wide 3×8", (seed) => randomDense(3, 8, seed, "orthogonal")],
  ["svd_factored 7×6 rank 3", (seed) => randomSvdFactored(7, 6, 3, seed)],
];

/** Every parameter of the operator built under the given active backend, as name → plain numbers. */
function parametersUnder(choice: LinalgChoice, build: (seed: number) => LinearOperator, seed: number): Record<string, number[]> {
  useLinalg(choice);
  return Object.fromEntries([...operatorParameters(build(seed))].map(([name, p]) => [name, Array.from(p.data)]));
}

afterEach(() => {
  useLinalg(undefined); // back to LINEA_LINALG for the other spec files
});

describe("operator initialisation is independent of the linalg backend", () => {
  const native = nativeLinalg();
  const nativeIt = "linalg" in native ? it : it.skip;
  const nativeNote = "linalg" in native ? "" : ` — skipped: ${"reason" in native ? native.reason : ""}`;

  for (const [name, build] of initialisers) {
    nativeIt(`${name}: identical parameters under LINEA_LINALG=js and =native${nativeNote}`, () => {
      // Exact equality: init never calls the active backend, so no rounding difference is allowed.
      expect(parametersUnder("native", build, 11)).toEqual(parametersUnder("js", build, 11));
    });

    it(`${name}: the same seed repeats and another seed differs (control)`, () => {
      const first = parametersUnder("js", build, 11);
      expect(parametersUnder("js", build, 11)).toEqual(first);
      expect(parametersUnder("js", build, 12)).not.toEqual(first);
    });
  }

  it("orthogonal init has orthonormal columns (rows ≥ cols) or rows (rows < cols)", () => {
    // Householder QR in float64: ‖QᵀQ − I‖_max ≤ c·m·n·ε; 10·m·n·ε leaves a wide margin and still
    // catches a sign fix that scaled instead of flipped a column.
    for (const [rows, cols] of [
      [9, 4],
      [3, 8],
    ] as const) {
      const w = operatorParameters(randomDense(rows, cols, 5, "orthogonal")).get("weight");
      expect(w).toBeDefined();
      if (w === undefined) return;
      const m = { rows, cols, data: w.data };
      const gram = rows >= cols ? matmul(transpose(m), m) : matmul(m, transpose(m));
      expect(maxAbs(subtract(gram, identityMatrix(Math.min(rows, cols))))).toBeLessThan(10 * rows * cols * EPS64);
    }
  });
});
