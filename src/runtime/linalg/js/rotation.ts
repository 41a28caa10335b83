// The plane (Givens/Jacobi) rotation both Jacobi methods apply: one rotation step, written once.

/**
 * (x, y) ← (c·x − s·y, s·x + c·y) for x = buf[xStart + k·stride], y = buf[yStart + k·stride],
 * k = 0 … count − 1: two rows (stride 1) or two columns (stride = row length) of a row-major buffer.
 */
export function rotatePair(buf: Float64Array, xStart: number, yStart: number, stride: number, count: number, c: number, s: number): void {
  for (let k = 0; k < count; k++) {
    const xi = xStart + k * stride;
    const yi = yStart + k * stride;
    const x = buf[xi];
    const y = buf[yi];
    buf[xi] = c * x - s * y;
    buf[yi] = s * x + c * y;
  }
}
