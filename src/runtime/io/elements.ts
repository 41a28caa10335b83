// Raw element bytes of a file's dtype as one of the host dtypes (host_tensor.ts): either byte order,
// and the dtypes the host has no typed array for widened exactly (float16 and bfloat16 to float32,
// uint16 to int32, uint32 to float64). Used by the .npy and safetensors readers alike.

import type { Dtype, DtypeArrays } from "./host_tensor.js";

/** An element type as stored in a file: its kind, bytes per element, and the host dtype it is read as. */
export type FileElement =
  | { readonly kind: "float"; readonly bytes: 2 | 4 | 8 }
  | { readonly kind: "bfloat"; readonly bytes: 2 }
  | { readonly kind: "int"; readonly bytes: 1 | 2 | 4 | 8 }
  | { readonly kind: "uint"; readonly bytes: 1 | 2 | 4 }
  | { readonly kind: "bool"; readonly bytes: 1 };

/** The host dtype an element type is read into. */
export function hostDtypeOf(e: FileElement): Dtype {
  switch (e.kind) {
    case "float":
      return e.bytes === 8 ? "F64" : "F32";
    case "bfloat":
      return "F32";
    case "int":
      return e.bytes === 8 ? "I64" : e.bytes === 4 ? "I32" : e.bytes === 2 ? "I16" : "I8";
    case "uint":
      return e.bytes === 4 ? "F64" : e.bytes === 2 ? "I32" : "U8";
    case "bool":
      return "BOOL";
  }
}

/** IEEE 754 binary16 bits as a number (exact: every half is a float32). */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** `count` elements of type `e` from `bytes` (a copy, aligned), in the host dtype hostDtypeOf(e). */
export function decodeElements(e: FileElement, bytes: Uint8Array, littleEndian: boolean): DtypeArrays[Dtype] {
  const count = bytes.length / e.bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fill = <A extends { [i: number]: number | bigint }>(out: A, at: (offset: number) => number | bigint): A => {
    for (let i = 0; i < count; i++) out[i] = at(i * e.bytes);
    return out;
  };
  switch (e.kind) {
    case "float":
      if (e.bytes === 8) return fill(new Float64Array(count), (o) => view.getFloat64(o, littleEndian));
      if (e.bytes === 4) return fill(new Float32Array(count), (o) => view.getFloat32(o, littleEndian));
      return fill(new Float32Array(count), (o) => halfToNumber(view.getUint16(o, littleEndian)));
    case "bfloat": {
      // bfloat16 is the top half of a float32.
      const word = new DataView(new ArrayBuffer(4));
      return fill(new Float32Array(count), (o) => {
        word.setUint32(0, view.getUint16(o, littleEndian) << 16);
        return word.getFloat32(0);
      });
    }
    case "int":
      if (e.bytes === 8) return fill(new BigInt64Array(count), (o) => view.getBigInt64(o, littleEndian));
      if (e.bytes === 4) return fill(new Int32Array(count), (o) => view.getInt32(o, littleEndian));
      if (e.bytes === 2) return fill(new Int16Array(count), (o) => view.getInt16(o, littleEndian));
      return fill(new Int8Array(count), (o) => view.getInt8(o));
    case "uint":
      if (e.bytes === 4) return fill(new Float64Array(count), (o) => view.getUint32(o, littleEndian));
      if (e.bytes === 2) return fill(new Int32Array(count), (o) => view.getUint16(o, littleEndian));
      return bytes.slice();
    case "bool":
      return bytes.slice();
  }
}
