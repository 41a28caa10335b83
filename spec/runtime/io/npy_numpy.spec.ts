// .npy files as numpy writes and reads them: every dtype and layout a numpy user has is read as numpy
// reads it, and every header numpy refuses is refused (plus duplicate keys, which numpy resolves
// silently to the last one). Fixtures are written by numpy in the test (numpy.ts).
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormatError } from "../../../src/runtime/io/errors.js";
import { numbersOf } from "../../../src/runtime/io/host_tensor.js";
import { decodeNpy, encodeNpy, loadNpy } from "../../../src/runtime/io/npy.js";
import { numpyMissing, python } from "./numpy.js";

let dir = "";
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "linea-npy-numpy-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "no error";
  } catch (e) {
    return e instanceof FormatError ? e.code : `not a FormatError: ${String(e)}`;
  }
}

describe.skipIf(numpyMissing !== undefined)(`.npy against numpy${numpyMissing === undefined ? "" : ` (skipped: ${numpyMissing})`}`, () => {
  it("reads every dtype, byte order, layout and format version numpy writes, with numpy's values and shape", async () => {
    // Values are exact in every dtype (small integers and binary fractions), so equality is exact.
    const cases = python<Record<string, { shape: number[]; values: number[] }>>(
      dir,
      `
base = np.arange(24).reshape(2, 3, 4)
arrays = {
  "f4": (base / 4).astype("<f4"), "f8": (base / 8).astype("<f8"), "f2": (base / 2).astype("<f2"),
  "i8": (base - 12).astype("<i8"), "i4": (base - 12).astype("<i4"), "i2": (base - 12).astype("<i2"), "i1": (base - 12).astype("|i1"),
  "u1": base.astype("|u1"), "u2": (base * 1000).astype("<u2"), "u4": (base * 100000).astype("<u4"), "b1": (base % 3 == 0),
  "be_f4": (base / 4).astype(">f4"), "be_f8": (base / 8).astype(">f8"), "be_i8": (base - 12).astype(">i8"), "be_f2": (base / 2).astype(">f2"),
  "fortran_f8": np.asfortranarray(base / 8), "fortran_2d": np.asfortranarray((base.reshape(4, 6) / 2).astype("<f4")),
  "scalar": np.float64(2.5), "vector": np.arange(5, dtype="<f8"), "empty": np.zeros((0, 3), "<f4"),
}
out = {}
for name, a in arrays.items():
    np.save(f"{d}/{name}.npy", a)
for v in [(1, 0), (2, 0), (3, 0)]:
    with open(f"{d}/v{v[0]}.npy", "wb") as f:
        np.lib.format.write_array(f, (base / 4).astype("<f4"), version=v)
    arrays[f"v{v[0]}"] = None
for name in arrays:
    a = np.load(f"{d}/{name}.npy")
    out[name] = {"shape": list(a.shape), "values": a.astype(float).ravel(order="C").tolist()}
print(json.dumps(out))
`,
    );
    expect(Object.keys(cases).length).toBe(23);
    for (const [name, want] of Object.entries(cases)) {
      const got = await loadNpy(path.join(dir, `${name}.npy`));
      expect(got.shape, name).toEqual(want.shape);
      expect(Array.from(numbersOf(got)), name).toEqual(want.values);
    }
    // control: the Fortran file's bytes are not in C order, so reading them as C order would differ
    const f = await loadNpy(path.join(dir, "fortran_f8.npy"));
    const raw = await fs.readFile(path.join(dir, "fortran_f8.npy"));
    const asC = new Float64Array(raw.buffer.slice(raw.length - 24 * 8));
    expect(Array.from(asC)).not.toEqual(Array.from(numbersOf(f)));
  });

  it("refuses each header numpy refuses, and duplicate keys (numpy silently keeps the last)", async () => {
    // Each file is a well-formed (2, 3) <f4 array with one thing changed; numpy's verdict comes with it.
    const verdicts = python<Record<string, boolean>>(
      dir,
      `
data = (np.arange(6) / 4).astype("<f4").tobytes()
def write(name, header, data=data, version=(1, 0), length=None):
    h = header.encode("latin1")
    h += b" " * ((64 - (10 + len(h) + 1) % 64) % 64) + b"\\n"
    n = len(h) if length is None else length
    pre = b"\\x93NUMPY" + bytes(version) + (struct.pack("<H", n) if version[0] == 1 else struct.pack("<I", n))
    open(f"{d}/{name}.npy", "wb").write(pre + h + data)
good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
write("good", good)
write("duplicate", "{'descr': '<f4', 'fortran_order': False, 'fortran_order': True, 'shape': (2, 3), }")
write("missing", "{'descr': '<f4', 'shape': (2, 3), }")
write("extra", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1, }")
write("negative", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }")
write("not_tuple", "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }")
write("float_dim", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3.0), }")
write("order_str", "{'descr': '<f4', 'fortran_order': 'False', 'shape': (2, 3), }")
write("version_1_1", good, version=(1, 1))
write("version_4", good, version=(4, 0))
write("header_past_end", good, length=4000)
write("short_data", good, data=data[:-4])
write("long_data", good, data=data + b"\\0\\0\\0\\0")
write("not_a_dict", "['descr', '<f4']")
out = {}
for name in ["good", "duplicate", "missing", "extra", "negative", "not_tuple", "float_dim", "order_str", "version_1_1", "version_4", "header_past_end", "short_data", "long_data", "not_a_dict"]:
    try:
        np.load(f"{d}/{name}.npy")
        out[name] = True
    except Exception:
        out[name] = False
print(json.dumps(out))
`,
    );
    expect(verdicts.good).toBe(true); // control: the unchanged file reads in numpy …
    expect(await codeOf(loadNpy(path.join(dir, "good.npy")))).toBe("no error"); // … and here
    // numpy reads a duplicated fortran_order as its last value (Fortran order); Linea refuses the ambiguity.
    expect(verdicts.duplicate).toBe(true);
    expect(await codeOf(loadNpy(path.join(dir, "duplicate.npy")))).toBe("LIN1115");
    const expected: Record<string, string> = {
      missing: "LIN1102",
      extra: "LIN1102",
      negative: "LIN1102",
      not_tuple: "LIN1102",
      float_dim: "LIN1102",
      order_str: "LIN1102",
      version_1_1: "LIN1102",
      version_4: "LIN1102",
      header_past_end: "LIN1101",
      short_data: "LIN1101",
      not_a_dict: "LIN1102",
    };
    for (const [name, code] of Object.entries(expected)) {
      expect(verdicts[name], `numpy refuses ${name}`).toBe(false);
      expect(await codeOf(loadNpy(path.join(dir, `${name}.npy`))), name).toBe(code);
    }
    // numpy reads trailing bytes without a word (np.fromfile stops at the shape); Linea calls them corrupt.
    expect(await codeOf(loadNpy(path.join(dir, "long_data.npy")))).toBe("LIN1102");
  });

  it("what Linea writes numpy reads back exactly, in every dtype it writes", async () => {
    const arrays = [
      { dtype: "F64", shape: [2, 2], data: Float64Array.of(Math.PI, -0.1, 1e-300, 6.000000000000001) },
      { dtype: "F32", shape: [1, 4, 1], data: Float32Array.of(0.5, -1.25, 3, 7) },
      { dtype: "I64", shape: [2], data: BigInt64Array.of(-(2n ** 62n), 5n) },
      { dtype: "U8", shape: [3], data: Uint8Array.of(0, 128, 255) },
      { dtype: "BOOL", shape: [2], data: Uint8Array.of(1, 0) },
    ] as const;
    for (const [i, a] of arrays.entries()) await fs.writeFile(path.join(dir, `w${i}.npy`), Buffer.concat(encodeNpy(a)));
    const back = python<{ dtype: string; shape: number[]; values: string[] }[]>(
      dir,
      `print(json.dumps([{"dtype": str(a.dtype), "shape": list(a.shape), "values": [repr(v) for v in a.ravel().tolist()]} for a in (np.load(f"{d}/w{i}.npy") for i in range(${arrays.length}))]))`,
    );
    expect(back.map((b) => b.dtype)).toEqual(["float64", "float32", "int64", "uint8", "bool"]);
    expect(back.map((b) => b.shape)).toEqual(arrays.map((a) => [...a.shape]));
    // Python's repr of a float64 is its shortest round-trip decimal, as JavaScript's String is.
    expect(back[0]?.values).toEqual(Array.from(arrays[0].data, String));
    expect(back[2]?.values).toEqual(["-4611686018427387904", "5"]);
    expect(back[4]?.values).toEqual(["True", "False"]);
  });
});

describe(".npy header bounds (no numpy needed)", () => {
  it("a shape whose data the file cannot hold is refused from the header, before the data is read", () => {
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }";
    const h = new TextEncoder().encode(header + " ".repeat((64 - ((10 + header.length + 1) % 64)) % 64) + "\n");
    const bytes = new Uint8Array(10 + h.length + 8);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, h.length, true);
    bytes.set(h, 10);
    expect(() => decodeNpy(bytes)).toThrow(/needs more than the 8 data bytes/);
  });
});
