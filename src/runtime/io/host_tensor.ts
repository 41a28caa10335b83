// A tensor on the host, as read from or written to a file: dtype in safetensors' names, row-major
// (C order) data in the matching typed array.

export interface DtypeArrays {
  F64: Float64Array;
  F32: Float32Array;
  I64: BigInt64Array;
  I32: Int32Array;
  I16: Int16Array;
  I8: Int8Array;
  U8: Uint8Array;
  BOOL: Uint8Array;
}
/** A safetensors dtype name (`F32`, `F64`, `I64`, …). */
export type Dtype = keyof DtypeArrays;

/** A tensor in host memory: dtype, shape and row-major data of the matching typed array. */
export type HostTensor = { [D in Dtype]: { readonly dtype: D; readonly shape: readonly number[]; readonly data: DtypeArrays[D] } }[Dtype];

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function bytesOf(t: HostTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** The values of a tensor as float64 numbers (int64 beyond 2^53 rounds, as numpy's astype(float) does). */
export function numbersOf(t: HostTensor): Float64Array {
  return t.dtype === "I64" ? Float64Array.from(t.data, Number) : Float64Array.from(t.data);
}
