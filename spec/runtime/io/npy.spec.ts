import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FormatError } from "../../../src/runtime/io/errors.js";
import { type NpyArray, decodeNpy, encodeNpy, loadNpy, saveNpy } from "../../../src/runtime/io/npy.js";
import { numbersOf } from "../../../src/runtime/io/host_tensor.js";

// Written by numpy 2.4.6 (np.save), base64: an independent implementation to compare against.
const NUMPY = {
  f4_2x3:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPgAAAD8AAEA/AACAPwAAoD8=",
  f8_2: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAALA",
  i4_2x3x4:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMsIDQpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAQAAAAIAAAADAAAABAAAAAUAAAAGAAAABwAAAAgAAAAJAAAACgAAAAsAAAAMAAAADQAAAA4AAAAPAAAAEAAAABEAAAASAAAAEwAAABQAAAAVAAAAFgAAABcAAAA=",
  f4_scalar:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAGBA",
  f4_fortran:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABAQAAAgD8AAIBAAAAAQAAAoEA=",
  i2_3: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAEAAgA=",
};
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, "base64"));
const concat = (chunks: Uint8Array[]) => new Uint8Array(Buffer.concat(chunks));

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof FormatError ? e.code : `not a FormatError: ${String(e)}`;
  }
  return "no error";
}

describe(".npy", () => {
  it("reads numpy's files", () => {
    const a = decodeNpy(bytes(NUMPY.f4_2x3));
    expect(a.dtype).toBe("F32");
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(numbersOf(a))).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    const b = decodeNpy(bytes(NUMPY.f8_2));
    expect(b.dtype).toBe("F64");
    expect(Array.from(numbersOf(b))).toEqual([1.5, -2.25]);
    const c = decodeNpy(bytes(NUMPY.i4_2x3x4));
    expect(c.shape).toEqual([2, 3, 4]);
    expect(Array.from(numbersOf(c))).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const d = decodeNpy(bytes(NUMPY.f4_scalar));
    expect(d.shape).toEqual([]);
    expect(Array.from(numbersOf(d))).toEqual([3.5]);
  });

  it("writes byte-for-byte what numpy writes", () => {
    const cases: [NpyArray, string][] = [
      [{ dtype: "F32", shape: [2, 3], data: Float32Array.from([0, 0.25, 0.5, 0.75, 1, 1.25]) }, NUMPY.f4_2x3],
      [{ dtype: "F64", shape: [2], data: Float64Array.from([1.5, -2.25]) }, NUMPY.f8_2],
      [{ dtype: "I32", shape: [2, 3, 4], data: Int32Array.from({ length: 24 }, (_, i) => i) }, NUMPY.i4_2x3x4],
      [{ dtype: "F32", shape: [], data: Float32Array.of(3.5) }, NUMPY.f4_scalar],
    ];
    for (const [array, b64] of cases) expect(Buffer.from(concat(encodeNpy(array))).toString("base64")).toBe(b64);
  });

  it("round-trips through a file, atomically (no temp file left), and v2 headers for huge shapes", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "linea-npy-"));
    const file = path.join(dir, "a.npy");
    const a: NpyArray = { dtype: "F64", shape: [3, 2], data: Float64Array.from([1e-300, -0, Math.PI, 1e300, -7, 0.1]) };
    await saveNpy(file, a);
    await saveNpy(file, a); // over an existing file
    const back = await loadNpy(file);
    expect(back.shape).toEqual([3, 2]);
    expect(Array.from(numbersOf(back))).toEqual(Array.from(numbersOf(a)));
    expect(await fs.readdir(dir)).toEqual(["a.npy"]);
    // a header over 65535 bytes needs format 2.0
    const many = Array.from({ length: 25000 }, () => 1);
    const big = concat(encodeNpy({ dtype: "I32", shape: many, data: Int32Array.of(7) }));
    expect(big[6]).toBe(2);
    // numpy refuses to read a header over 10000 bytes (np.load's max_header_size); so does Linea.
    expect(codeOf(() => decodeNpy(big))).toBe("LIN1102");
    await fs.rm(dir, { recursive: true });
  });

  it("reads Fortran order transposed to C order, and int16 (numpy's np.asfortranarray(np.arange(6.).reshape(2, 3)), np.arange(3, dtype='<i2'))", () => {
    const f = decodeNpy(bytes(NUMPY.f4_fortran));
    expect(f.shape).toEqual([2, 3]);
    expect(Array.from(numbersOf(f))).toEqual([0, 1, 2, 3, 4, 5]);
    const i = decodeNpy(bytes(NUMPY.i2_3));
    expect(i.dtype).toBe("I16");
    expect(Array.from(numbersOf(i))).toEqual([0, 1, 2]);
  });

  it("each corruption gives its code", () => {
    const good = bytes(NUMPY.f4_2x3);
    const unsupported = Uint8Array.from(bytes(NUMPY.i2_3));
    unsupported.set(new TextEncoder().encode("<c8"), 21); // the descr '<i2' as complex64
    expect(codeOf(() => decodeNpy(unsupported))).toBe("LIN1104");
    expect(codeOf(() => decodeNpy(good.subarray(0, good.length - 1)))).toBe("LIN1101");
    expect(codeOf(() => decodeNpy(good.subarray(0, 50)))).toBe("LIN1101");
    expect(codeOf(() => decodeNpy(good.subarray(0, 5)))).toBe("LIN1101");
    expect(codeOf(() => decodeNpy(concat([good, Uint8Array.of(0)])))).toBe("LIN1102");
    const badMagic = Uint8Array.from(good);
    badMagic[1] = 0x41;
    expect(codeOf(() => decodeNpy(badMagic))).toBe("LIN1102");
    const badVersion = Uint8Array.from(good);
    badVersion[6] = 9;
    expect(codeOf(() => decodeNpy(badVersion))).toBe("LIN1102");
    const noShape = Uint8Array.from(good);
    noShape.set(new TextEncoder().encode("'shapX'"), 51); // the offset of 'shape' in numpy's header
    expect(codeOf(() => decodeNpy(noShape))).toBe("LIN1102");
    // control: the untouched file reads
    expect(codeOf(() => decodeNpy(good))).toBe("no error");
  });

  it("a missing file is a LIN1111 (file system error) naming the file", async () => {
    const err = await loadNpy("/nonexistent/x.npy").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).code).toBe("LIN1111");
    expect((err as FormatError).message).toContain("/nonexistent/x.npy");
    const werr = await saveNpy("/nonexistent/dir/x.npy", { dtype: "F32", shape: [1], data: Float32Array.of(1) }).catch((e: unknown) => e);
    expect((werr as FormatError).code).toBe("LIN1111");
  });
});
