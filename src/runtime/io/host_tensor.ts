// A tensor on the host, as read from or written to a file: dtype in safetensors' names, row-major
// (C order) data in the matching typed array.

import os from "node:os";
import { FormatError } from "./errors.js";

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

export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = { F64: 8, F32: 4, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** A tensor in host memory: dtype, shape and row-major data of the matching typed array. */
export type HostTensor = { [D in Dtype]: { readonly dtype: D; readonly shape: readonly number[]; readonly data: DtypeArrays[D] } }[Dtype];

export function isDtype(s: string): s is Dtype {
  return Object.prototype.hasOwnProperty.call(DTYPE_BYTES, s);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Copies little-endian bytes into a fresh typed array of the dtype (copy: file offsets need not be aligned). */
export function typedFromBytes(dtype: Dtype, bytes: Uint8Array): DtypeArrays[Dtype] {
  if (os.endianness() !== "LE") throw new FormatError("LIN1104", "big-endian hosts are not supported");
  const buf = bytes.slice().buffer;
  switch (dtype) {
    case "F64":
      return new Float64Array(buf);
    case "F32":
      return new Float32Array(buf);
    case "I64":
      return new BigInt64Array(buf);
    case "I32":
      return new Int32Array(buf);
    case "I16":
      return new Int16Array(buf);
    case "I8":
      return new Int8Array(buf);
    case "U8":
    case "BOOL":
      return new Uint8Array(buf);
  }
}

export function bytesOf(t: HostTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}
