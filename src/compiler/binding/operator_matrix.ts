// An operator's values given as a matrix (`--operator A=a.npy`): a user with a numpy matrix feeds it
// directly, without writing a safetensors file or the networks' weights. The matrix is kept in float64
// for the host algebra (SVD, pinv, collapse); the declared operator fixes its kind and shape.
import { FormatError } from "../../runtime/io/index.js";
import { matrix } from "../../runtime/linalg/index.js";
import { dense, diagonal, type LeafDescription, type LinearOperator } from "../../runtime/operator/index.js";

/** A matrix for one operator, by its weights-file name (`A`, `nets.A` for an import's). */
export interface OperatorMatrix {
  /** The file it came from, for errors. */
  readonly file: string;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/**
 * The operator `name` (declared as `description`) with the given values: a dense operator takes its
 * [rows, cols] matrix (y = M·x), a diagonal one its diagonal [min(rows, cols)] (or the square diagonal
 * matrix itself). Anything else is LIN1117.
 */
export function operatorFromMatrix(name: string, description: LeafDescription, m: OperatorMatrix): LinearOperator {
  const at = { file: m.file };
  const shape = `(${m.shape.join(", ")})`;
  switch (description.kind) {
    case "dense": {
      const { rows, cols } = description;
      if (m.shape.length !== 2 || m.shape[0] !== rows || m.shape[1] !== cols) {
        throw new FormatError("LIN1117", `operator ${name} is dense [${rows}, ${cols}]: the matrix must have shape (${rows}, ${cols}), got ${shape}`, at);
      }
      return dense(matrix(rows, cols, m.data));
    }
    case "diagonal": {
      const { rows, cols } = description;
      const n = Math.min(rows, cols);
      if (m.shape.length === 1 && m.shape[0] === n) return diagonal(m.data, rows, cols);
      if (m.shape.length === 2 && m.shape[0] === rows && m.shape[1] === cols) {
        const d = Float64Array.from({ length: n }, (_, i) => m.data[i * cols + i]);
        const offDiagonal = m.data.findIndex((v, k) => v !== 0 && Math.floor(k / cols) !== k % cols);
        if (offDiagonal >= 0) {
          throw new FormatError(
            "LIN1117",
            `operator ${name} is diagonal, but the matrix has ${m.data[offDiagonal]} at [${Math.floor(offDiagonal / cols)}, ${offDiagonal % cols}]`,
            at,
          );
        }
        return diagonal(d, rows, cols);
      }
      throw new FormatError("LIN1117", `operator ${name} is diagonal [${rows}, ${cols}]: give its diagonal, shape (${n},), or the (${rows}, ${cols}) matrix; got ${shape}`, at);
    }
    default:
      throw new FormatError(
        "LIN1117",
        `operator ${name} is ${description.kind}: --operator sets dense and diagonal operators (a matrix does not determine a ${description.kind}'s parameters); give its tensors in --weights`,
        at,
      );
  }
}
