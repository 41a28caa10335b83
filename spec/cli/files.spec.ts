// File formats and inputs through the command line: outputs in the result space's shape and the
// dtype asked for, non-regular files refused at once with exit 2, non-finite values refused on load
// with the first bad index, weights in F64/F16 cast and I32 called the wrong dtype, PyTorch files
// named, and a user's own float64 matrix in (`--operator A=a.npy`) and out (`svd --matrix-out`).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bindProgram } from "../../src/compiler/binding/program.js";
import { checkWith } from "../../src/compiler/checker/check.js";
import { nodeFileHost } from "../../src/compiler/checker/node_host.js";
import { encodeSafetensors, type HostTensor } from "../../src/runtime/io/index.js";
import { numpyMissing, python } from "../runtime/io/numpy.js";
import { lineaIn } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "linea-files-"));
writeFileSync(join(dir, "linea.json"), "{}");
const SPEC = `space X = R^4;
network G : X { actnorm; additive_coupling(hidden = 8); }
space Z = induced G;
operator A = identity_plus_lowrank(rank = 2);
map f : Z -> Z = A;
entry go(x : Z) = f(x);
space Img = R[1, 4, 4];
operator D[16] = dense;
map img : Img -> Img = D;
entry picture(x : Img) = img(x);
space P = R^3;
space Q = R^2;
operator M[2, 3] = dense;
operator L = lowrank(rank = 1);
map m : P -> Q = M;
map l : P -> P = L;
entry apply(x : P) = m(x);
`;
writeFileSync(join(dir, "spec.lin"), SPEC);
const linea = lineaIn(dir);

/** The program's seeded tensors, as `linea train` would save them (names: docs/compiler.md). */
async function seededTensors(): Promise<Map<string, HostTensor>> {
  const path = join(dir, "spec.lin");
  const checked = checkWith({ uri: path, text: SPEC }, { host: nodeFileHost }).program;
  if (checked === undefined) throw new Error("spec does not check");
  const bound = await bindProgram(checked, { targets: ["go"] });
  try {
    return new Map([...(await bound.tensors())].filter(([name]) => name.startsWith("G.") || name.startsWith("A.")));
  } finally {
    bound.dispose();
  }
}

function writeWeights(name: string, tensors: ReadonlyMap<string, HostTensor>): string {
  writeFileSync(join(dir, name), Buffer.concat(encodeSafetensors(tensors)));
  return name;
}

const X4 = JSON.stringify([
  [0.5, -1, 2, 0.25],
  [1, 0, -0.25, 3],
]);
writeFileSync(join(dir, "x4.json"), X4);

describe.skipIf(numpyMissing !== undefined)(`linea and numpy files${numpyMissing === undefined ? "" : ` (skipped: ${numpyMissing})`}`, { timeout: 120_000 }, () => {
  it("run writes the result space's shape, float64 on --dtype float64, as numpy reads it", async () => {
    python(dir, `np.save(f"{d}/img.npy", (np.arange(80).reshape(5, 1, 4, 4) / 8).astype("<f4")); print("null")`);
    const r = await linea("run", "spec.lin", "--entry", "picture", "--input", "img.npy", "--output", "y32.npy", "--backend", "cpu");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/picture: \[5, 1, 4, 4\] -> \[5, 1, 4, 4\] in/);
    const r64 = await linea("run", "spec.lin", "--entry", "picture", "--input", "img.npy", "--output", "y64.npy", "--dtype", "float64", "--backend", "cpu");
    expect(r64.code, r64.stderr).toBe(0);
    const read = python<{ shape: number[]; dtype: string; shape64: number[]; dtype64: string; same: boolean }>(
      dir,
      `a = np.load(f"{d}/y32.npy"); b = np.load(f"{d}/y64.npy")
print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "shape64": list(b.shape), "dtype64": str(b.dtype), "same": bool(np.array_equal(a.astype("<f8"), b))}))`,
    );
    // Before: (5, 16) float32 whatever the space.
    expect(read).toEqual({ shape: [5, 1, 4, 4], dtype: "float32", shape64: [5, 1, 4, 4], dtype64: "float64", same: true });
    expect((await linea("run", "spec.lin", "--entry", "picture", "--input", "img.npy", "--dtype", "float16", "--backend", "cpu")).code).toBe(2);
  });

  it("refuses NaN and infinities in a .npy input, naming the first bad index", async () => {
    python(dir, `a = np.ones((3, 4), "<f8"); a[1, 2] = np.nan; a[2, 0] = np.inf; np.save(f"{d}/nan.npy", a); print("null")`);
    const r = await linea("run", "spec.lin", "--entry", "go", "--input", "nan.npy", "--backend", "cpu");
    expect(r.code).toBe(1); // before: exit 0, `null` in the output
    expect(r.stderr).toContain("error[LIN1114]: nan.npy: non-finite value NaN at index [1, 2] (flat index 6)");
    expect(r.stdout).toBe("");
  });

  it("--operator A=a.npy sets a dense operator from a float64 matrix; svd --matrix-out writes it back bit for bit", async () => {
    // 6.000000000000001 is not a float32: only a float64 path brings it back unchanged.
    python(dir, `np.save(f"{d}/M.npy", np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.000000000000001]])); np.save(f"{d}/Mt.npy", np.zeros((3, 2))); print("null")`);
    const s = await linea("svd", "spec.lin", "--map", "m", "--operator", "M=M.npy", "--matrix-out", "out.npy", "--out", "svd", "--backend", "cpu");
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain("wrote out.npy (the 2×3 operator matrix of m, float64)");
    const back = python<{ dtype: string; equal: boolean }>(
      dir,
      `a = np.load(f"{d}/out.npy"); print(json.dumps({"dtype": str(a.dtype), "equal": bool(np.array_equal(a, np.load(f"{d}/M.npy")))}))`,
    );
    expect(back).toEqual({ dtype: "float64", equal: true });
    // control: without --operator the seeded M is written, which is not the file's
    const seeded = await linea("svd", "spec.lin", "--map", "m", "--matrix-out", "seeded.npy", "--out", "svd", "--backend", "cpu");
    expect(seeded.code).toBe(0);
    expect(python<boolean>(dir, `print(json.dumps(bool(np.array_equal(np.load(f"{d}/seeded.npy"), np.load(f"{d}/M.npy")))))`)).toBe(false);
    // run applies it: y = M·x for x = e_1, e_2, e_3 gives the columns of M
    writeFileSync(
      join(dir, "eye.json"),
      JSON.stringify([1, 0, 0, 0, 1, 0, 0, 0, 1].reduce<number[][]>((rows, v, i) => (i % 3 === 0 ? [...rows, [v]] : (rows[rows.length - 1]?.push(v), rows)), [])),
    );
    const run = await linea("run", "spec.lin", "--entry", "apply", "--operator", "M=M.npy", "--input", "eye.json", "--backend", "cpu");
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const wrong = await linea("run", "spec.lin", "--entry", "apply", "--operator", "M=Mt.npy", "--random", "1", "--backend", "cpu");
    expect(wrong.stderr).toContain("error[LIN1117]: Mt.npy: operator M is dense [2, 3]: the matrix must have shape (2, 3), got (3, 2)");
    const unknown = await linea("run", "spec.lin", "--entry", "apply", "--operator", "Z=M.npy", "--random", "1", "--backend", "cpu");
    expect(unknown.stderr).toContain("the program declares no operator Z");
    const lowrank = await linea("svd", "spec.lin", "--map", "l", "--operator", "L=M.npy", "--out", "svd", "--backend", "cpu");
    expect(lowrank.stderr).toContain("operator L is lowrank: --operator sets dense and diagonal operators");
  });
});

describe("linea and weights files", { timeout: 120_000 }, () => {
  it("F64 weights are cast to the parameters' F32 and give the F32 file's result", async () => {
    const first = await linea("run", "spec.lin", "--entry", "go", "--input", "x4.json", "--backend", "cpu");
    expect(first.code, first.stderr).toBe(0);
    const tensors = await seededTensors();
    writeWeights("w32.safetensors", tensors);
    const f64 = new Map([...tensors].map(([n, t]): [string, HostTensor] => [n, t.dtype === "F32" ? { dtype: "F64", shape: t.shape, data: Float64Array.from(t.data) } : t]));
    writeWeights("w64.safetensors", f64);
    const r32 = await linea("run", "spec.lin", "--entry", "go", "--input", "x4.json", "--weights", "w32.safetensors", "--backend", "cpu");
    const r64 = await linea("run", "spec.lin", "--entry", "go", "--input", "x4.json", "--weights", "w64.safetensors", "--backend", "cpu");
    expect(r32.code, r32.stderr).toBe(0);
    expect(r64.code, r64.stderr).toBe(0); // before: LIN1109 expected F32, got F64
    expect(r64.stdout).toBe(r32.stdout); // float32 → float64 → float32 is exact
  });

  it("F16 weights load (widened exactly), under the tensor's own name", async () => {
    const tensors = await seededTensors();
    // 0.75 and 0.5 are exact in float16, so the F16 file holds the same values as the F32 one.
    const alpha = { dtype: "F32", shape: [], data: Float32Array.of(0.75) } as const;
    writeWeights("a32.safetensors", new Map([...tensors, ["A.alpha", alpha]]));
    const half = new Uint8Array(Uint16Array.of(0x3a00).buffer); // 0.75 as IEEE binary16
    const f16 = encodeSafetensors(new Map([...tensors, ["A.alpha", alpha]]));
    // Rewrite A.alpha's entry as F16 by hand: the writer has no F16 (Linea never writes half precision).
    const header = JSON.parse(Buffer.from(f16[1] ?? new Uint8Array()).toString("utf8")) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const names = Object.keys(header).filter((n) => n !== "__metadata__");
    const chunks: Uint8Array[] = [];
    let offset = 0;
    const rewritten: Record<string, unknown> = {};
    names.forEach((n, i) => {
      const bytes = n === "A.alpha" ? half : (f16[2 + i] ?? new Uint8Array());
      rewritten[n] = { dtype: n === "A.alpha" ? "F16" : header[n]?.dtype, shape: header[n]?.shape, data_offsets: [offset, offset + bytes.length] };
      offset += bytes.length;
      chunks.push(bytes);
    });
    const json = Buffer.from(JSON.stringify(rewritten));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(join(dir, "a16.safetensors"), Buffer.concat([len, json, ...chunks]));
    const r32 = await linea("run", "spec.lin", "--entry", "go", "--input", "x4.json", "--weights", "a32.safetensors", "--backend", "cpu");
    const r16 = await linea("run", "spec.lin", "--entry", "go", "--input", "x4.json", "--weights", "a16.safetensors", "--backend", "cpu");
    expect(r32.code, r32.stderr).toBe(0);
    expect(r16.code, r16.stderr).toBe(0); // before: LIN1104 dtype F16
    expect(r16.stdout).toBe(r32.stdout);
  });

  it("an integer tensor for a float parameter is the wrong dtype, naming both; NaN weights are refused", async () => {
    const tensors = await seededTensors();
    const u = tensors.get("A.u");
    if (u === undefined || u.dtype !== "F32") throw new Error("A.u missing");
    writeWeights("i32.safetensors", new Map([...tensors, ["A.u", { dtype: "I32", shape: u.shape, data: new Int32Array(u.data.length) }]]));
    const r = await linea("run", "spec.lin", "--entry", "go", "--random", "1", "--weights", "i32.safetensors", "--backend", "cpu");
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("missing tensor"); // before: "missing tensor 'A.u'"
    expect(r.stderr).toMatch(/tensor "A.u": LIN1109: wrong dtype: operator parameters are F32 or F64.*the file's tensor is I32/);
    const bias = tensors.get("G.blocks.0.bias");
    if (bias === undefined || bias.dtype !== "F32") throw new Error("G.blocks.0.bias missing");
    const nan = Float32Array.from(bias.data);
    nan[2] = NaN;
    writeWeights("nan.safetensors", new Map([...tensors, ["G.blocks.0.bias", { dtype: "F32", shape: bias.shape, data: nan }]]));
    const n = await linea("run", "spec.lin", "--entry", "go", "--random", "1", "--weights", "nan.safetensors", "--backend", "cpu");
    expect(n.code).toBe(1); // before: exit 0 and `null`s
    expect(n.stderr).toContain('tensor "G.blocks.0.bias": LIN1114: non-finite value NaN at index [2]');
  });

  it("a PyTorch file is named as one, with the conversion to run", async () => {
    writeFileSync(join(dir, "model.pt"), Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0));
    const r = await linea("run", "spec.lin", "--entry", "go", "--random", "1", "--weights", "model.pt", "--backend", "cpu");
    expect(r.stderr).toContain("LIN1116: this looks like a PyTorch zip archive (torch.save), not safetensors; convert it with safetensors.torch.save_file(");
  });
});

describe("non-regular files", { timeout: 60_000 }, () => {
  it.skipIf(!existsSync("/dev/zero"))("/dev/zero as --input, --weights or the spec is refused at once with exit 2", async () => {
    symlinkSync("/dev/zero", join(dir, "zero.npy"));
    symlinkSync("/dev/zero", join(dir, "zero.json"));
    symlinkSync("/dev/zero", join(dir, "zero.safetensors"));
    for (const args of [
      ["--input", "zero.npy"],
      ["--input", "zero.json"],
      ["--random", "1", "--weights", "zero.safetensors"],
    ]) {
      const r = await linea("run", "spec.lin", "--entry", "go", ...args, "--backend", "cpu");
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("error[LIN1112]");
      expect(r.stderr).toContain("a character device, not a regular file");
    }
  });

  it("a spec beyond the 16 MiB bound is refused with its size, not read (control: a small one checks)", async () => {
    writeFileSync(join(dir, "big.lin"), "space X = R^2;\n");
    expect((await linea("check", "big.lin")).code).toBe(0);
    truncateSync(join(dir, "big.lin"), 17 * 1024 * 1024); // sparse: no disk used
    const r = await linea("check", "big.lin");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("it is larger than a spec may be (17825792 bytes, at most 16777216)");
  });

  it("a FIFO as --input or as the spec does not hang: refused, exit 2", async (context) => {
    if (spawnSync("mkfifo", [join(dir, "pipe.npy")]).status !== 0 || spawnSync("mkfifo", [join(dir, "pipe.lin")]).status !== 0) context.skip();
    const r = await linea("run", "spec.lin", "--entry", "go", "--input", "pipe.npy", "--backend", "cpu");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[LIN1112\]: \S*pipe\.npy: a FIFO \(named pipe\), not a regular file/);
    const c = await linea("check", "pipe.lin");
    expect(c.code).toBe(2);
  });
});
