import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FormatError } from "../../../src/runtime/io/errors.js";
import type { HostTensor } from "../../../src/runtime/io/host_tensor.js";
import { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors } from "../../../src/runtime/io/safetensors.js";

const concat = (chunks: Uint8Array[]) => new Uint8Array(Buffer.concat(chunks));

/** A file assembled by hand from the format description (8-byte LE length, JSON, data). */
function handMade(header: object | string, data: Uint8Array, lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  return concat([len, json, data]);
}

function failure(f: () => unknown): { code: string; tensor?: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof FormatError) return { code: e.code, tensor: e.tensor };
    return { code: `not a FormatError: ${String(e)}` };
  }
  return { code: "no error" };
}

/** The values of a host tensor as a plain array (number or bigint). */
function values(t: HostTensor | undefined): (number | bigint)[] {
  if (t === undefined) return [];
  const out: (number | bigint)[] = [];
  for (const v of t.data) out.push(v);
  return out;
}

const f32 = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

describe("safetensors", () => {
  it("reads a hand-made file (independent of the writer)", () => {
    const file = handMade(
      { __metadata__: { who: "test" }, b: { dtype: "I32", shape: [2], data_offsets: [8, 16] }, a: { dtype: "F32", shape: [1, 2], data_offsets: [0, 8] } },
      concat([f32(1.5, -2), new Uint8Array(Int32Array.from([7, -9]).buffer)]),
    );
    const { tensors, metadata } = decodeSafetensors(file);
    expect(metadata).toEqual({ who: "test" });
    const a = tensors.get("a");
    expect(a?.dtype).toBe("F32");
    expect(a?.shape).toEqual([1, 2]);
    expect(values(a)).toEqual([1.5, -2]);
    expect(values(tensors.get("b"))).toEqual([7, -9]);
  });

  it("round-trips every dtype, writes the layout Hugging Face expects", () => {
    const tensors = new Map<string, HostTensor>([
      ["w", { dtype: "F32", shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
      ["d", { dtype: "F64", shape: [2], data: Float64Array.from([Math.PI, -1e-300]) }],
      ["i", { dtype: "I32", shape: [], data: Int32Array.of(-5) }],
      ["l", { dtype: "I64", shape: [2], data: BigInt64Array.from([1n, -(2n ** 40n)]) }],
      ["h", { dtype: "I16", shape: [1], data: Int16Array.of(-300) }],
      ["c", { dtype: "I8", shape: [1], data: Int8Array.of(-3) }],
      ["u", { dtype: "U8", shape: [3], data: Uint8Array.of(0, 128, 255) }],
      ["b", { dtype: "BOOL", shape: [2], data: Uint8Array.of(1, 0) }],
      ["empty", { dtype: "F32", shape: [0, 4], data: new Float32Array(0) }],
    ]);
    const bytes = concat(encodeSafetensors(tensors, { format: "pt" }));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0); // header padded to 8 bytes
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { data_offsets: number[] }>;
    const names = Object.keys(header).filter((k) => k !== "__metadata__");
    expect(names).toEqual([...names].sort());
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: "pt" });
    for (const [name, t] of tensors) {
      const r = back.tensors.get(name);
      expect(r?.dtype).toBe(t.dtype);
      expect(r?.shape).toEqual(t.shape);
      expect(values(r)).toEqual(values(t));
    }
  });

  it("saves atomically and loads from disk", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "linea-st-"));
    const file = path.join(dir, "w.safetensors");
    await fs.writeFile(file, "old contents");
    await saveSafetensors(file, new Map([["x", { dtype: "F32", shape: [1], data: Float32Array.of(2) }]]));
    expect(values((await loadSafetensors(file)).tensors.get("x"))).toEqual([2]);
    expect(await fs.readdir(dir)).toEqual(["w.safetensors"]);
    await fs.rm(dir, { recursive: true });
  });

  it("each corruption gives its code and names the tensor", () => {
    const data = f32(1, 2);
    const entry = { dtype: "F32", shape: [2], data_offsets: [0, 8] };
    const good = handMade({ w: entry }, data);
    expect(failure(() => decodeSafetensors(good)).code).toBe("no error"); // control
    expect(failure(() => decodeSafetensors(good.subarray(0, 5))).code).toBe("LIN1101");
    expect(failure(() => decodeSafetensors(good.subarray(0, 20))).code).toBe("LIN1101"); // inside the header
    expect(failure(() => decodeSafetensors(good.subarray(0, good.length - 1)))).toEqual({ code: "LIN1101", tensor: "w" });
    expect(failure(() => decodeSafetensors(handMade("{not json", data))).code).toBe("LIN1102");
    expect(failure(() => decodeSafetensors(handMade("[1, 2]", data))).code).toBe("LIN1102");
    expect(failure(() => decodeSafetensors(handMade({ w: entry }, data, 2n ** 62n))).code).toBe("LIN1102");
    expect(failure(() => decodeSafetensors(handMade({ w: { dtype: "F32", shape: [2] } }, data)))).toEqual({ code: "LIN1102", tensor: "w" });
    expect(failure(() => decodeSafetensors(handMade({ __metadata__: { n: 1 }, w: entry }, data))).code).toBe("LIN1102");
    expect(failure(() => decodeSafetensors(handMade({ w: { ...entry, dtype: "F8_E4M3" } }, data)))).toEqual({ code: "LIN1104", tensor: "w" });
    expect(failure(() => decodeSafetensors(handMade({ w: { ...entry, shape: [3] } }, data)))).toEqual({ code: "LIN1103", tensor: "w" });
    expect(failure(() => decodeSafetensors(handMade({ w: entry, v: { ...entry, data_offsets: [4, 12] } }, f32(1, 2, 3))))).toEqual({ code: "LIN1103", tensor: "v" });
    expect(failure(() => decodeSafetensors(handMade({ w: entry }, concat([data, f32(3)])))).code).toBe("LIN1103");
  });
});
