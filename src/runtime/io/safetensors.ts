// safetensors read/write, written here rather than taken from npm: the format is tiny (8-byte LE
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {…}}, then raw
// little-endian data) and the npm "safetensors" package is unmaintained. Files written here load with
// Hugging Face's safetensors (header padded with spaces to 8 bytes, offsets contiguous, names sorted).

import { writeFileAtomic, readFileOrThrow } from "./atomic.js";
import { FormatError } from "./errors.js";
import { DTYPE_BYTES, type HostTensor, bytesOf, elementCount, isDtype, typedFromBytes } from "./host_tensor.js";

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

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isIndexArray(v: unknown, length?: number): v is number[] {
  return Array.isArray(v) && (length === undefined || v.length === length) && v.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/** Decodes safetensors bytes; `FormatError` for a malformed header, offsets or dtype (`file` names it). */
export function decodeSafetensors(bytes: Uint8Array, file?: string): SafetensorsFile {
  const at = { file };
  if (bytes.length < 8) throw new FormatError("LIN1101", `${bytes.length} bytes, shorter than the 8-byte header length`, at);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new FormatError("LIN1102", `header length ${n} is implausible`, at);
  const headerLength = Number(n);
  if (8 + headerLength > bytes.length) throw new FormatError("LIN1101", `header says ${headerLength} bytes, file has ${bytes.length - 8}`, at);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    throw new FormatError("LIN1102", `header is not valid JSON: ${(e as Error).message}`, at);
  }
  if (!isRecord(header)) throw new FormatError("LIN1102", "header is not a JSON object", at);
  const data = bytes.subarray(8 + headerLength);
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!isRecord(v) || !Object.values(v).every((s) => typeof s === "string")) {
        throw new FormatError("LIN1102", "__metadata__ must map strings to strings", at);
      }
      Object.assign(metadata, v);
      continue;
    }
    if (!isRecord(v) || typeof v.dtype !== "string" || !isIndexArray(v.shape) || !isIndexArray(v.data_offsets, 2)) {
      throw new FormatError("LIN1102", "entry needs dtype, shape and data_offsets [begin, end]", { file, tensor: name });
    }
    entries.push({ name, dtype: v.dtype, shape: v.shape, begin: v.data_offsets[0], end: v.data_offsets[1] });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const tensors = new Map<string, HostTensor>();
  let cursor = 0;
  for (const e of entries) {
    const where = { file, tensor: e.name };
    if (!isDtype(e.dtype)) throw new FormatError("LIN1104", `dtype ${e.dtype} (supported: ${Object.keys(DTYPE_BYTES).join(", ")})`, where);
    const nbytes = elementCount(e.shape) * DTYPE_BYTES[e.dtype];
    if (e.begin !== cursor || e.end < e.begin || e.end - e.begin !== nbytes) {
      throw new FormatError("LIN1103", `data_offsets [${e.begin}, ${e.end}] do not fit: expected [${cursor}, ${cursor + nbytes}] for ${e.dtype} [${e.shape.join(", ")}]`, where);
    }
    if (e.end > data.length) throw new FormatError("LIN1101", `data ends at byte ${data.length}, tensor needs up to ${e.end}`, where);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: typedFromBytes(e.dtype, data.subarray(e.begin, e.end)) } as HostTensor);
    cursor = e.end;
  }
  if (cursor !== data.length) throw new FormatError("LIN1103", `${data.length - cursor} bytes after the last tensor`, at);
  return { tensors, metadata };
}

/** Writes tensors as a safetensors file, atomically. */
export async function saveSafetensors(file: string, tensors: ReadonlyMap<string, HostTensor>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/** Reads a safetensors file. */
export async function loadSafetensors(file: string): Promise<SafetensorsFile> {
  return decodeSafetensors(await readFileOrThrow(file), file);
}
