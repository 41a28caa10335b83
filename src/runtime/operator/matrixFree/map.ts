// A linear map known only through its products A·M and Aᵀ·M (an operator's view: asMatrixFree in
// hostApply.ts, beside multiplyHost, which applies iterative_pinv with these algorithms), for operators too large to materialise
// (a float64 D×D at D = 196,608 is 309 GB). The algorithms of this folder (topSvd, lsqr, cg) see an
// operator only through this interface, so anything that can multiply a block of columns — a
// LinearOperator through multiplyHost, a GPU kernel, a test double — can be decomposed.
import { OperatorError } from "../errors.js";
import type { Matrix } from "../host.js";

/** A rows×cols linear map A given by its products with blocks of columns (row-major float64). */
export interface MatrixFreeMap {
  readonly rows: number;
  readonly cols: number;
  /** A·M for M of shape [cols, r]; returns [rows, r]. */
  times(m: Matrix): Matrix;
  /** Aᵀ·M for M of shape [rows, r]; returns [cols, r]. */
  transposeTimes(m: Matrix): Matrix;
}

/** Aᵀ as a map: the products swapped. */
export function transposeMap(map: MatrixFreeMap): MatrixFreeMap {
  return { rows: map.cols, cols: map.rows, times: (m) => map.transposeTimes(m), transposeTimes: (m) => map.times(m) };
}

/** The Gram map AᵀA (cols×cols, symmetric positive semidefinite): two products per application. For A·Aᵀ use gramMap(transposeMap(A)). */
export function gramMap(map: MatrixFreeMap): MatrixFreeMap {
  const times = (m: Matrix): Matrix => map.transposeTimes(map.times(m));
  return { rows: map.cols, cols: map.cols, times, transposeTimes: times };
}

/**
 * A map that counts its products and checks that each returns the shape it must: a map whose product
 * has the wrong shape is a programming error the iterations would otherwise turn into garbage.
 */
export class CountingMap {
  /** Calls of times or transposeTimes so far (one per block, whatever its width). */
  products = 0;
  constructor(
    readonly map: MatrixFreeMap,
    private readonly what: string,
  ) {}

  times(m: Matrix): Matrix {
    return this.checked(this.map.times(m), this.map.rows, m.cols, "A·M");
  }

  transposeTimes(m: Matrix): Matrix {
    return this.checked(this.map.transposeTimes(m), this.map.cols, m.cols, "Aᵀ·M");
  }

  private checked(out: Matrix, rows: number, cols: number, which: string): Matrix {
    this.products++;
    if (out.rows !== rows || out.cols !== cols || out.data.length !== rows * cols) {
      throw new OperatorError("LIN1001", `${this.what}: ${which} of a ${this.map.rows}×${this.map.cols} map returned ${out.rows}×${out.cols}, not ${rows}×${cols}`);
    }
    return out;
  }
}

/** Refuses a right-hand side whose row count is not `rows` (LIN1001). */
export function requireRows(what: string, b: Matrix, rows: number): void {
  if (b.rows !== rows) throw new OperatorError("LIN1001", `${what}: a ${rows}-row map cannot take a ${b.rows}×${b.cols} right-hand side`);
}

/** Refuses an option that is not a finite number in [min, max] (or an integer there, for counts): LIN1009. */
export function requireOption(what: string, name: string, value: number, min: number, max = Infinity, integer = false): void {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new OperatorError("LIN1009", `${what}: ${name} must be ${integer ? "an integer" : "a finite number"} ${range}, got ${value}`);
  }
}

/** Column j of m as a vector. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** Writes v into column j of m. */
export function setColumn(m: Matrix, j: number, v: Float64Array): void {
  for (let i = 0; i < m.rows; i++) m.data[i * m.cols + j] = v[i];
}

/** v as an n×1 matrix (sharing its storage). */
export const asColumn = (v: Float64Array): Matrix => ({ rows: v.length, cols: 1, data: v });

/** ‖v‖₂, scaled so that large or tiny entries neither overflow nor underflow. */
export function norm2(v: Float64Array): number {
  let scale = 0;
  for (const x of v) scale = Math.max(scale, Math.abs(x));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  for (const x of v) sum += (x / scale) ** 2;
  return scale * Math.sqrt(sum);
}

/** The Euclidean norm of each column of m. */
export function columnNorms(m: Matrix): Float64Array {
  const out = new Float64Array(m.cols);
  for (let j = 0; j < m.cols; j++) out[j] = norm2(column(m, j));
  return out;
}
