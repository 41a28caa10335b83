// safetensors read/write, written here rather than taken from npm: the format is tiny (8-byte LE
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {…}}, then raw
// little-endian data) and the npm "safetensors" package is unmaintained. Files written here load with
// Hugging Face's safetensors (header padded with spaces to 8 bytes, offsets contiguous, names sorted).
// Reading checks the header length against the bound and the file's size, refuses duplicate names,
// and checks the data's size before reading it; F16 and BF16 are widened to F32 (exactly), U16 to I32,
// U32 to F64 (elements.ts). A PyTorch file is recognised by its first bytes and named as such.

import { writeFileAtomic } from "./atomic.js";
import { decodeElements, hostDtypeOf, type FileElement } from "./elements.js";
import { FormatError } from "./errors.js";
import { type HostTensor, bytesOf, elementCount } from "./host_tensor.js";
import { firstDuplicateKey } from "./json_keys.js";
import { openForReading } from "./read_file.js";

/** A decoded safetensors file: its tensors by name and its string metadata. */
export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, HostTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const MAX_HEADER_BYTES = 100_000_000; // the reference implementation's own limit

/** Encodes tensors (and string metadata) as safetensors bytes, in chunks to write in order. */
export function encodeSafetensors(tensors: ReadonlyMap<string, HostTensor>, metadata: Record<string, string> = {}): Uint8Array[] {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const sorted = [...tensors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const [name, t] of sorted) {
    if (t.data.length !== elementCount(t.shape)) {
      throw new FormatError("LIN1108", `${t.data.length} values for shape [${t.shape.join(", ")}]`, { tensor: name });
    }
    const bytes = bytesOf(t);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  return [len, headerBytes, ...chunks];
}

/** The dtypes of the safetensors format this reader decodes, as file element types. */
const FILE_DTYPES: Readonly<Record<string, FileElement>> = {
  F64: { kind: "float", bytes: 8 },
  F32: { kind: "float", bytes: 4 },
  F16: { kind: "float", bytes: 2 },
  BF16: { kind: "bfloat", bytes: 2 },
  I64: { kind: "int", bytes: 8 },
  I32: { kind: "int", bytes: 4 },
  I16: { kind: "int", bytes: 2 },
  I8: { kind: "int", bytes: 1 },
  U32: { kind: "uint", bytes: 4 },
  U16: { kind: "uint", bytes: 2 },
  U8: { kind: "uint", bytes: 1 },
  BOOL: { kind: "bool", bytes: 1 },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isIndexArray(v: unknown, length?: number): v is number[] {
  return Array.isArray(v) && (length === undefined || v.length === length) && v.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/**
 * LIN1116 when the first bytes are those of a PyTorch file: torch.save's zip archive (PK\x03\x04) or a
 * pickle (protocol 2–5 opcode \x80 then the protocol number: the legacy torch.save and pickled state dicts).
 * Asked only once the bytes fail as a header length: a valid safetensors length can start \x80\x02 (640).
 */
function refusePyTorch(first: Uint8Array, file: string | undefined): void {
  const zip = first[0] === 0x50 && first[1] === 0x4b && first[2] === 0x03 && first[3] === 0x04;
  const pickle = first[0] === 0x80 && (first[1] ?? 0) >= 2 && (first[1] ?? 0) <= 5;
  if (zip || pickle) {
    throw new FormatError(
      "LIN1116",
      `this looks like a PyTorch ${zip ? "zip archive (torch.save)" : "pickle"}, not safetensors; convert it with ` +
        `safetensors.torch.save_file(torch.load("${file ?? "model.pt"}"), "model.safetensors") (renaming tensors as docs/runtime.md shows)`,
      { file },
    );
  }
}

/** Where each tensor lies in the data section, once the header has been read and checked. */
interface Layout {
  readonly metadata: Record<string, string>;
  readonly entries: readonly { readonly name: string; readonly element: FileElement; readonly shape: number[]; readonly begin: number; readonly end: number }[];
  readonly dataStart: number;
  readonly dataBytes: number;
}

/** The header length from the first 8 bytes, checked against the bound and the file's size. */
function headerLengthOf(first: Uint8Array, size: number, file: string | undefined): number {
  const at = { file };
  if (size < 8) {
    refusePyTorch(first, file);
    throw new FormatError("LIN1101", `${size} bytes, shorter than the 8-byte header length`, at);
  }
  const n = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    refusePyTorch(first, file);
    throw new FormatError("LIN1102", `header length ${n} is more than safetensors allows (${MAX_HEADER_BYTES} bytes)`, at);
  }
  const headerLength = Number(n);
  if (8 + headerLength > size) {
    refusePyTorch(first, file);
    throw new FormatError("LIN1101", `header says ${headerLength} bytes, file has ${size - 8} after the length`, at);
  }
  return headerLength;
}

function layoutOf(headerBytes: Uint8Array, size: number, file: string | undefined): Layout {
  const at = { file };
  let text: string;
  let header: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
    header = JSON.parse(text);
  } catch (e) {
    throw new FormatError("LIN1102", `header is not valid JSON: ${(e as Error).message}`, at);
  }
  if (!isRecord(header)) throw new FormatError("LIN1102", "header is not a JSON object", at);
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) throw new FormatError("LIN1115", `the header names "${duplicate}" twice; a name must be unique`, at);
  const metadata: Record<string, string> = {};
  const entries: Layout["entries"][number][] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!isRecord(v) || !Object.values(v).every((s) => typeof s === "string")) {
        throw new FormatError("LIN1102", "__metadata__ must map strings to strings", at);
      }
      Object.assign(metadata, v);
      continue;
    }
    const where = { file, tensor: name };
    if (!isRecord(v) || typeof v.dtype !== "string" || !isIndexArray(v.shape) || !isIndexArray(v.data_offsets, 2)) {
      throw new FormatError("LIN1102", "entry needs dtype, shape and data_offsets [begin, end]", where);
    }
    const element = FILE_DTYPES[v.dtype];
    if (element === undefined) throw new FormatError("LIN1104", `dtype ${v.dtype} (supported: ${Object.keys(FILE_DTYPES).join(", ")})`, where);
    entries.push({ name, element, shape: v.shape, begin: v.data_offsets[0], end: v.data_offsets[1] });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataStart = 8 + headerBytes.length;
  const available = size - dataStart;
  let cursor = 0;
  for (const e of entries) {
    const where = { file, tensor: e.name };
    const nbytes = elementCount(e.shape) * e.element.bytes;
    if (e.begin !== cursor || e.end < e.begin || e.end - e.begin !== nbytes) {
      throw new FormatError("LIN1103", `data_offsets [${e.begin}, ${e.end}] do not fit: expected [${cursor}, ${cursor + nbytes}] for [${e.shape.join(", ")}]`, where);
    }
    if (e.end > available) throw new FormatError("LIN1101", `data ends at byte ${available}, tensor needs up to ${e.end}`, where);
    cursor = e.end;
  }
  if (cursor !== available) throw new FormatError("LIN1103", `${available - cursor} bytes after the last tensor`, at);
  return { metadata, entries, dataStart, dataBytes: cursor };
}

function tensorsOf(layout: Layout, data: Uint8Array): SafetensorsFile {
  const tensors = new Map<string, HostTensor>();
  for (const e of layout.entries) {
    const values = decodeElements(e.element, data.subarray(e.begin, e.end), true);
    tensors.set(e.name, { dtype: hostDtypeOf(e.element), shape: e.shape, data: values } as HostTensor);
  }
  return { tensors, metadata: layout.metadata };
}

/** Decodes safetensors bytes (header bounded and checked, duplicate names refused, F16/BF16 cast); `file` names the source in errors. */
export function decodeSafetensors(bytes: Uint8Array, file?: string): SafetensorsFile {
  const headerLength = headerLengthOf(bytes.subarray(0, 8), bytes.length, file);
  const layout = layoutOf(bytes.subarray(8, 8 + headerLength), bytes.length, file);
  return tensorsOf(layout, bytes.subarray(layout.dataStart));
}

/** Writes tensors as a safetensors file, atomically. */
export async function saveSafetensors(file: string, tensors: ReadonlyMap<string, HostTensor>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/** Reads a safetensors file: length, header, then (once the tensors' sizes add up to the file's) the data. */
export async function loadSafetensors(file: string): Promise<SafetensorsFile> {
  const f = await openForReading(file);
  try {
    const headerLength = headerLengthOf(await f.read(0, Math.min(8, f.size)), f.size, file);
    const layout = layoutOf(await f.read(8, headerLength), f.size, file);
    return tensorsOf(layout, await f.read(layout.dataStart, layout.dataBytes));
  } finally {
    await f.close().catch(() => undefined);
  }
}
