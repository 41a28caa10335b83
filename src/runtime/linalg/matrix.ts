// A dense float64 matrix on the host, row-major. tfjs has no float64, so everything that needs
// precision (SVD, pinv, solves, oracles in tests) runs on this type and converts at the boundary.

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: element (i, j) is data[i * cols + j]. */
  readonly data: Float64Array;
}

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

export function identityMatrix(n: number): Matrix {
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}
