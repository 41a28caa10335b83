// A dense float64 matrix on the host, row-major. tfjs has no float64, so everything that needs
// precision (SVD, pinv, solves, oracles in tests) runs on this type and converts at the boundary.

/** A dense float64 matrix, row-major. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: element (i, j) is data[i * cols + j]. */
  readonly data: Float64Array;
}

/** A rows×cols matrix of zeros, or of `data` (row-major, copied). */
export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`matrix: bad shape [${rows}, ${cols}]`);
  }
  const out = new Float64Array(rows * cols);
  if (data !== undefined) {
    if (data.length !== rows * cols) {
      throw new RangeError(`matrix: ${data.length} values for shape [${rows}, ${cols}]`);
    }
    out.set(data);
  }
  return { rows, cols, data: out };
}

/** The n×n identity. */
export function identityMatrix(n: number): Matrix {
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/** diag(d): the square matrix with d on its diagonal. */
export function diagonalMatrix(d: ArrayLike<number>): Matrix {
  const out = matrix(d.length, d.length);
  for (let i = 0; i < d.length; i++) out.data[i * d.length + i] = d[i];
  return out;
}

/** A float64 copy of tfjs-style float32 data (row-major), e.g. from `tensor.dataSync()`. */
export function fromFloat32(rows: number, cols: number, data: Float32Array): Matrix {
  return matrix(rows, cols, data);
}

/** The matrix as float32 row-major data, for handing back to tfjs. */
export function toFloat32(a: Matrix): Float32Array {
  return Float32Array.from(a.data);
}

/** A matrix from nested rows, e.g. `fromRows([[1, 2], [3, 4]])`; every row must have the same length. */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const out = matrix(rows.length, cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`fromRows: row ${i} has ${row.length} values, row 0 has ${cols}`);
    out.data.set(row, i * cols);
  });
  return out;
}

/** Element (i, j). */
export function at(a: Matrix, i: number, j: number): number {
  return a.data[i * a.cols + j];
}
