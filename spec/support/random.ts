// Seeded test matrices from the runtime's one generator (src/runtime/random.ts), shared by the
// runtime and compiler specs.
import { matrix, type Matrix } from "../../src/runtime/linalg/index.js";
import { Rng } from "../../src/runtime/random.js";

/** A rows×cols matrix of independent N(0, 1) entries, the same for the same seed. */
export function gaussianMatrix(rows: number, cols: number, seed: number): Matrix {
  return matrix(rows, cols, new Rng(seed).normalArray(rows * cols));
}
