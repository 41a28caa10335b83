// What users bring as safetensors: half and bfloat16 weights (widened exactly), duplicate names
// (refused: JSON.parse would keep the last silently), PyTorch files (named as such), header lengths
// beyond the bound or the file. Half-precision bytes are written by numpy (numpy.ts).
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormatError } from "../../../src/runtime/io/errors.js";
import { firstDuplicateKey } from "../../../src/runtime/io/json_keys.js";
import { numbersOf } from "../../../src/runtime/io/host_tensor.js";
import { decodeSafetensors, loadSafetensors } from "../../../src/runtime/io/safetensors.js";
import { numpyMissing, python } from "./numpy.js";

function file(header: string, data: Uint8Array, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  return new Uint8Array(Buffer.concat([len, json, data]));
}

function failure(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof FormatError) return { code: e.code, message: e.message };
    return { code: "not a FormatError", message: String(e) };
  }
  return { code: "no error", message: "" };
}

let dir = "";
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "linea-st-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe.skipIf(numpyMissing !== undefined)(`safetensors F16 and BF16 against numpy${numpyMissing === undefined ? "" : ` (skipped: ${numpyMissing})`}`, () => {
  it("widens F16 and BF16 to F32 with the values numpy gives", () => {
    // numpy has float16; bfloat16 is the top 16 bits of a float32, made here from numpy's float32 bits.
    const got = python<{ f16: string; bf16: string; f16values: number[]; bf16values: number[] }>(
      dir,
      `
import base64
x = np.array([0.0, -1.5, 65504.0, 6.1e-05, 5.96e-08, 3.140625, -0.0, 1e-3], dtype="<f4")
h = x.astype("<f2")
b = (x.view("<u4") >> 16).astype("<u2")
print(json.dumps({"f16": base64.b64encode(h.tobytes()).decode(), "bf16": base64.b64encode(b.tobytes()).decode(),
  "f16values": h.astype(float).tolist(), "bf16values": (b.astype("<u4") << 16).view("<f4").astype(float).tolist()}))
`,
    );
    const f16 = Buffer.from(got.f16, "base64");
    const bf16 = Buffer.from(got.bf16, "base64");
    const header = JSON.stringify({ a: { dtype: "F16", shape: [8], data_offsets: [0, 16] }, b: { dtype: "BF16", shape: [2, 4], data_offsets: [16, 32] } });
    const decoded = decodeSafetensors(file(header, new Uint8Array(Buffer.concat([f16, bf16]))));
    const a = decoded.tensors.get("a");
    const b = decoded.tensors.get("b");
    expect(a?.dtype).toBe("F32");
    expect(b?.shape).toEqual([2, 4]);
    expect(Array.from(a === undefined ? [] : numbersOf(a))).toEqual(got.f16values);
    expect(Array.from(b === undefined ? [] : numbersOf(b))).toEqual(got.bf16values);
  });
});

describe("safetensors inputs", () => {
  const one = new Uint8Array(Float32Array.of(1).buffer);

  it("refuses a tensor named twice, naming it (control: JSON.parse alone keeps the last)", () => {
    const header = '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    expect(Object.keys(JSON.parse(header) as object)).toEqual(["w"]);
    const f = failure(() => decodeSafetensors(file(header, one)));
    expect(f.code).toBe("LIN1115");
    expect(f.message).toContain('"w" twice');
    expect(failure(() => decodeSafetensors(file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', one))).code).toBe("no error");
  });

  it("finds duplicate keys at any depth, and none in strings or arrays", () => {
    expect(firstDuplicateKey('{"a":1,"b":{"c":2,"c":3}}')).toBe("c");
    expect(firstDuplicateKey('{"a":"a","b":["a","a"],"c":{"a":1},"d":{"a":2}}')).toBeUndefined();
    expect(firstDuplicateKey('{"x\\"y":1,"x\\"y":2}')).toBe('x"y');
    expect(firstDuplicateKey('{"\\u0061":1,"a":2}')).toBe("a");
  });

  it("names a PyTorch zip archive or pickle and says how to convert it", () => {
    const zip = Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0);
    const pickle = Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20);
    for (const [bytes, what] of [
      [zip, "zip archive"],
      [pickle, "pickle"],
    ] as const) {
      const f = failure(() => decodeSafetensors(bytes, "model.pt"));
      expect(f.code).toBe("LIN1116");
      expect(f.message).toContain(what);
      expect(f.message).toContain("safetensors.torch.save_file(");
    }
  });

  it("control: a valid header of 640 bytes (its length starts 0x80 0x02, like a pickle) is read as safetensors", () => {
    const entry = '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
    const header = `${entry},"__metadata__":{"pad":"${"x".repeat(640 - entry.length - 27)}"}}`;
    expect(header.length).toBe(640);
    const bytes = file(header, one);
    expect([bytes[0], bytes[1]]).toEqual([0x80, 0x02]);
    expect(failure(() => decodeSafetensors(bytes)).code).toBe("no error");
  });

  it("bounds the header length by the reference's 100 MB and by the file", () => {
    expect(failure(() => decodeSafetensors(file("{}", new Uint8Array(0), 100_000_001n))).code).toBe("LIN1102");
    expect(failure(() => decodeSafetensors(file("{}", new Uint8Array(0), 2n ** 63n))).code).toBe("LIN1102");
    expect(failure(() => decodeSafetensors(file("{}", new Uint8Array(0), 50n))).code).toBe("LIN1101");
    expect(failure(() => decodeSafetensors(file("{}", new Uint8Array(0)))).code).toBe("no error");
  });

  it("a file's data must be the size the header says before it is read (from disk too)", async () => {
    const header = '{"w":{"dtype":"F64","shape":[1000000,1000000],"data_offsets":[0,8000000000000]}}';
    const p = path.join(dir, "huge-header.safetensors");
    await fs.writeFile(p, file(header, one));
    const err = await loadSafetensors(p).catch((e: unknown) => e);
    expect((err as FormatError).code).toBe("LIN1101");
  });
});
