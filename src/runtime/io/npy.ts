// NumPy .npy read/write. Reads format versions 1.0, 2.0 and 3.0 with the header dict parsed strictly
// (npy_header.ts); dtypes f2/f4/f8, i1/i2/i4/i8, u1/u2/u4 and b1 in either byte order; C or Fortran order
// (Fortran data is transposed to C order on read). Every size is checked against the file's before the
// data is read: the header is bounded as numpy bounds it, the data must be exactly what the shape needs.
// Writes little-endian C order, version 1.0. Written here because no maintained npm reader covers both
// reading strictly and writing.

import { writeFileAtomic } from "./atomic.js";
import { decodeElements, hostDtypeOf, type FileElement } from "./elements.js";
import { FormatError } from "./errors.js";
import { type Dtype, type HostTensor, bytesOf, elementCount } from "./host_tensor.js";
import { parseNpyHeader, type NpyHeader } from "./npy_header.js";
import { openForReading } from "./read_file.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy's own bound on a header it reads (np.load's max_header_size, 10000 since numpy 1.24). */
export const MAX_NPY_HEADER_BYTES = 10_000;
/** Enough bytes for the magic, the version and the longest length field. */
const PREAMBLE_BYTES = 12;

/** An array as a `.npy` file holds it: any dtype the reader takes, row-major (C order) after reading. */
export type NpyArray = HostTensor;

const WRITTEN_DESCR: Readonly<Record<Dtype, string>> = { F64: "<f8", F32: "<f4", I64: "<i8", I32: "<i4", I16: "<i2", I8: "|i1", U8: "|u1", BOOL: "|b1" };

/** A dtype description ('<f4', '>f8', '|u1', '|b1') as a file element type and byte order; undefined if unsupported. */
function elementOf(descr: string): { element: FileElement; littleEndian: boolean } | undefined {
  const m = /^([<>|=])([fiub])([0-9]+)$/.exec(descr);
  if (m === null) return undefined;
  const [, order, kind, size] = m;
  const bytes = Number(size);
  // '=' is native order; Linea runs on little-endian hosts only (typed arrays would be big-endian otherwise).
  const littleEndian = order !== ">";
  if (bytes > 1 && order === "|") return undefined;
  const element: FileElement | undefined =
    kind === "f" && (bytes === 2 || bytes === 4 || bytes === 8)
      ? { kind: "float", bytes }
      : kind === "i" && (bytes === 1 || bytes === 2 || bytes === 4 || bytes === 8)
        ? { kind: "int", bytes }
        : kind === "u" && (bytes === 1 || bytes === 2 || bytes === 4)
          ? { kind: "uint", bytes }
          : kind === "b" && bytes === 1
            ? { kind: "bool", bytes }
            : undefined;
  return element === undefined ? undefined : { element, littleEndian };
}

const SUPPORTED = "f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, b1 in either byte order";

/** Encodes an array as `.npy` bytes (version 1.0 when the header fits, little-endian, C order), in chunks to write in order. */
export function encodeNpy(array: NpyArray): Uint8Array[] {
  if (array.data.length !== elementCount(array.shape)) {
    throw new FormatError("LIN1108", `${array.data.length} values for shape [${array.shape.join(", ")}]`);
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  let dict = `{'descr': '${WRITTEN_DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
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

/** What the first bytes say: where the header dict is and how to decode it. */
interface Preamble {
  readonly major: 1 | 2 | 3;
  readonly headerStart: number;
  readonly headerLength: number;
}

function preambleOf(first: Uint8Array, size: number, file: string | undefined): Preamble {
  const at = { file };
  if (size < 10) throw new FormatError("LIN1101", `${size} bytes, shorter than a .npy header`, at);
  if (!MAGIC.every((b, i) => first[i] === b)) throw new FormatError("LIN1102", "not a .npy file (bad magic)", at);
  const major = first[6];
  const minor = first[7];
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    throw new FormatError("LIN1102", `unknown .npy format version ${major}.${minor} (numpy writes 1.0, 2.0 and 3.0)`, at);
  }
  const headerStart = major === 1 ? 10 : 12;
  if (size < headerStart) throw new FormatError("LIN1101", `${size} bytes, shorter than a version ${major}.0 .npy header`, at);
  const dv = new DataView(first.buffer, first.byteOffset, first.byteLength);
  const headerLength = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (headerLength > MAX_NPY_HEADER_BYTES) {
    throw new FormatError("LIN1102", `header length ${headerLength} is more than numpy reads (${MAX_NPY_HEADER_BYTES} bytes)`, at);
  }
  if (headerStart + headerLength > size) throw new FormatError("LIN1101", `header needs ${headerLength} bytes, the file has ${size - headerStart} after the preamble`, at);
  return { major, headerStart, headerLength };
}

/** The parsed header with its element type and the byte count the data must have. */
interface Layout {
  readonly header: NpyHeader;
  readonly element: FileElement;
  readonly littleEndian: boolean;
  readonly dataBytes: number;
}

function layoutOf(headerBytes: Uint8Array, p: Preamble, size: number, file: string | undefined): Layout {
  const at = { file };
  let text: string;
  try {
    text = new TextDecoder(p.major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(headerBytes);
  } catch {
    throw new FormatError("LIN1102", "header is not valid UTF-8", at);
  }
  const header = parseNpyHeader(text, file);
  const type = elementOf(header.descr);
  if (type === undefined) throw new FormatError("LIN1104", `dtype '${header.descr}' (supported: ${SUPPORTED})`, at);
  const available = size - p.headerStart - p.headerLength;
  // The product is compared as it grows, so absurd dimensions never overflow into a small number.
  let count = header.shape.includes(0) ? 0 : 1;
  for (const d of header.shape) {
    count *= d;
    if (count * type.element.bytes > available) {
      throw new FormatError("LIN1101", `shape (${header.shape.join(", ")}) of ${header.descr} needs more than the ${available} data bytes the file has`, at);
    }
  }
  const dataBytes = count * type.element.bytes;
  if (available > dataBytes) throw new FormatError("LIN1102", `${available - dataBytes} bytes after the data of shape (${header.shape.join(", ")})`, at);
  return { header, ...type, dataBytes };
}

/** C-order values from Fortran-order ones (column-major: the first index varies fastest). */
function fortranToC<A extends { length: number; [i: number]: number | bigint; slice(): A }>(values: A, shape: readonly number[]): A {
  if (shape.length < 2) return values;
  const out = values.slice();
  const strides: number[] = [];
  let s = 1;
  for (const d of shape) {
    strides.push(s);
    s *= d;
  }
  const index = new Array<number>(shape.length).fill(0);
  let source = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = values[source] as A[number];
    // Advance the C-order multi-index (last axis fastest), keeping the Fortran offset in step.
    for (let k = shape.length - 1; k >= 0; k--) {
      index[k]++;
      source += strides[k];
      if (index[k] < shape[k]) break;
      source -= strides[k] * shape[k];
      index[k] = 0;
    }
  }
  return out;
}

function arrayOf(layout: Layout, data: Uint8Array): NpyArray {
  const dtype = hostDtypeOf(layout.element);
  const decoded = decodeElements(layout.element, data, layout.littleEndian);
  const shape = [...layout.header.shape];
  const values = layout.header.fortranOrder ? fortranToC(decoded, shape) : decoded;
  return { dtype, shape, data: values } as NpyArray;
}

/** Decodes a whole .npy file held in memory. */
export function decodeNpy(bytes: Uint8Array, file?: string): NpyArray {
  const p = preambleOf(bytes.subarray(0, PREAMBLE_BYTES), bytes.length, file);
  const dataStart = p.headerStart + p.headerLength;
  const layout = layoutOf(bytes.subarray(p.headerStart, dataStart), p, bytes.length, file);
  return arrayOf(layout, bytes.subarray(dataStart, dataStart + layout.dataBytes));
}

/** Writes an array as a `.npy` file, atomically. */
export async function saveNpy(file: string, array: NpyArray): Promise<void> {
  await writeFileAtomic(file, encodeNpy(array));
}

/** Reads a .npy file: preamble, then header, then (once its size is checked against the file's) the data. */
export async function loadNpy(file: string): Promise<NpyArray> {
  const f = await openForReading(file);
  try {
    const p = preambleOf(await f.read(0, Math.min(PREAMBLE_BYTES, f.size)), f.size, file);
    const dataStart = p.headerStart + p.headerLength;
    const layout = layoutOf(await f.read(p.headerStart, p.headerLength), p, f.size, file);
    return arrayOf(layout, await f.read(dataStart, layout.dataBytes));
  } finally {
    await f.close().catch(() => undefined);
  }
}
