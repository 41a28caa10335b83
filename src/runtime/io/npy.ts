// NumPy .npy read/write (format versions 1, 2 and 3; dtypes '<f4', '<f8', '<i4'; C order). Written
// here because the format is a 10-line header and no maintained npm reader covers writing too.

import { writeFileAtomic, readFileOrThrow } from "./atomic.js";
import { FormatError } from "./errors.js";
import { type HostTensor, elementCount, typedFromBytes, bytesOf } from "./host_tensor.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR = { "<f4": "F32", "<f8": "F64", "<i4": "I32" } as const;
type Descr = keyof typeof DESCR;
/** An array as `.npy` holds it here: float32, float64 or int32, row-major. */
export type NpyArray = Extract<HostTensor, { dtype: "F32" | "F64" | "I32" }>;

function descrOf(dtype: NpyArray["dtype"]): Descr {
  return dtype === "F32" ? "<f4" : dtype === "F64" ? "<f8" : "<i4";
}

/** Encodes an array as `.npy` bytes (version 1.0 when the header fits), in chunks to write in order. */
export function encodeNpy(array: NpyArray): Uint8Array[] {
  if (array.data.length !== elementCount(array.shape)) {
    throw new FormatError("LIN1108", `${array.data.length} values for shape [${array.shape.join(", ")}]`);
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  let dict = `{'descr': '${descrOf(array.dtype)}', 'fortran_order': False, 'shape': ${shape}, }`;
  const v1 = dict.length + 1 + 10 <= 65535;
  const prefix = v1 ? 10 : 12;
  dict += " ".repeat((64 - ((prefix + dict.length + 1) % 64)) % 64) + "\n";
  const head = new Uint8Array(prefix);
  head.set(MAGIC);
  head[6] = v1 ? 1 : 2;
  head[7] = 0;
  const dv = new DataView(head.buffer);
  if (v1) dv.setUint16(8, dict.length, true);
  else dv.setUint32(8, dict.length, true);
  return [head, new TextEncoder().encode(dict), bytesOf(array)];
}

/** Decodes `.npy` bytes; `FormatError` for what numpy would refuse or this reader does not handle. */
export function decodeNpy(bytes: Uint8Array, file?: string): NpyArray {
  const at = { file };
  if (bytes.length < 10) throw new FormatError("LIN1101", "shorter than a .npy header", at);
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new FormatError("LIN1102", "not a .npy file (bad magic)", at);
  const major = bytes[6];
  if (major < 1 || major > 3) throw new FormatError("LIN1102", `unknown .npy version ${major}.${bytes[7]}`, at);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) throw new FormatError("LIN1101", "shorter than a .npy header", at);
  const headerLength = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (prefix + headerLength > bytes.length) throw new FormatError("LIN1101", `header needs ${headerLength} bytes`, at);
  const dict = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(prefix, prefix + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(dict)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(dict)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new FormatError("LIN1102", `header dict lacks descr, fortran_order or shape: ${dict.trim()}`, at);
  }
  if (fortran === "True") throw new FormatError("LIN1105", "array is in Fortran order; save it with np.ascontiguousarray", at);
  if (!(descr in DESCR)) throw new FormatError("LIN1104", `dtype '${descr}' (supported: ${Object.keys(DESCR).join(", ")})`, at);
  const parts = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (!parts.every((s) => /^\d+$/.test(s))) throw new FormatError("LIN1102", `bad shape (${shapeText})`, at);
  const shape = parts.map(Number);
  const dtype = DESCR[descr as Descr];
  const nbytes = elementCount(shape) * (dtype === "F64" ? 8 : 4);
  const data = bytes.subarray(prefix + headerLength);
  if (data.length < nbytes) throw new FormatError("LIN1101", `data has ${data.length} bytes, shape [${shape.join(", ")}] needs ${nbytes}`, at);
  if (data.length > nbytes) throw new FormatError("LIN1102", `${data.length - nbytes} bytes after the data`, at);
  return { dtype, shape, data: typedFromBytes(dtype, data) } as NpyArray;
}

/** Writes an array as a `.npy` file, atomically. */
export async function saveNpy(file: string, array: NpyArray): Promise<void> {
  await writeFileAtomic(file, encodeNpy(array));
}

/** Reads a `.npy` file. */
export async function loadNpy(file: string): Promise<NpyArray> {
  return decodeNpy(await readFileOrThrow(file), file);
}
