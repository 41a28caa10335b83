// compile(): kernel plans whose size does not grow with composition depth, weights that save and load
// (and fail clearly when a tensor is missing, extra or misshapen), input checks, compileFile's diagnostics.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkText } from "../../../src/index.js";
import { compile, compileFile, type CompiledProgram } from "../../../src/compiler/execute/program.js";
import { ExecuteError } from "../../../src/compiler/execute/errors.js";
import { loadSafetensors, saveSafetensors } from "../../../src/runtime/io/index.js";
import { selectBackend } from "../../../src/runtime/backend/index.js";
import { directProgram } from "../../e2e/direct.js";

const dir = mkdtempSync(join(tmpdir(), "linea-compile-"));

/** f composed k times through one network. */
function composition(k: number): string {
  return `space X = R^8;
network N : X { additive_coupling(hidden = 8); }
space Z = induced N;
operator M[8] = identity_plus_lowrank(rank = 2);
map f : Z -> Z = M;
let chain : Z -> Z = ${Array.from({ length: k }, () => "f").join(" * ")};
entry e(x : Z) = chain(x);
`;
}

function checked(text: string, name = "spec.lin") {
  const r = checkText(text, join(dir, name));
  if (isLeft(r)) throw new Error(r.left.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return r.right;
}

/** Kernels tfjs runs for one call (tf.profile counts every kernel dispatch). */
async function kernels(c: CompiledProgram, name: string, x: tf.Tensor2D): Promise<number> {
  c.run(name, x).dispose(); // first run uploads the constant factors
  const info = await tf.profile(() => c.run(name, x));
  if (info.result instanceof tf.Tensor) info.result.dispose();
  return info.kernels.length;
}

function maxDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  return Math.max(...Array.from(got, (g, i) => Math.abs(g - (want[i] ?? Number.NaN))));
}

/**
 * Operators live in float64 and are saved as float32 (docs/operators.md), so each parameter is rounded
 * once (relative 2⁻²⁴). Through the ≲ 12 float32 stages of an encode/operator/decode path with
 * Lipschitz constants ≈ 1 (couplings initialised near the identity) that stays below 2⁻²⁴·12 relative
 * per stage; 2⁻²⁴·64·max|y| bounds it with margin.
 */
function savedTolerance(want: ArrayLike<number>): number {
  return 2 ** -24 * 64 * Math.max(1, ...Array.from(want, Math.abs));
}

const compiledPrograms: CompiledProgram[] = [];
async function compiled(text: string, options: Parameters<typeof compile>[1] = {}): Promise<CompiledProgram> {
  const c = await compile(checked(text), { backend: "cpu", seed: 3, ...options });
  compiledPrograms.push(c);
  return c;
}

beforeAll(async () => {
  await selectBackend("cpu");
});
afterAll(() => compiledPrograms.forEach((c) => c.dispose()));

describe("kernel count of a k-fold composition", () => {
  it("does not grow with k through a shared network (k = 1, 10, 100)", async () => {
    const x = tf.randomNormal([2, 8], 0, 1, "float32", 1) as tf.Tensor2D;
    const counts: number[] = [];
    const steps: number[] = [];
    for (const k of [1, 10, 100]) {
      const c = await compiled(composition(k), { targets: ["e"] });
      counts.push(await kernels(c, "e", x));
      steps.push(c.planOf("e").steps.length);
    }
    expect(new Set(counts).size).toBe(1);
    expect(steps).toEqual([3, 3, 3]); // encode, one operator, decode
  });

  it("control: the counter sees growth in the unfused evaluation of the same compositions", async () => {
    const x = tf.randomNormal([2, 8], 0, 1, "float32", 1) as tf.Tensor2D;
    const count = async (k: number): Promise<number> => {
      const direct = await directProgram(checked(composition(k)), 3, ["e"]);
      direct.run("e", [x]);
      const info = await tf.profile(() => {
        direct.run("e", [x]);
      });
      direct.dispose();
      return info.kernels.length;
    };
    expect(await count(4)).toBeGreaterThan(await count(1));
  });
});

describe("running", () => {
  it("leaks no tensors and checks its inputs", async () => {
    const c = await compiled(composition(3));
    const x = tf.randomNormal([4, 8], 0, 1, "float32", 2);
    c.run("e", x).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) c.run("e", x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    // A flat Float32Array of b·dim values is the same input.
    const flat = c.run("e", x.dataSync() as Float32Array);
    const viaTensor = c.run("e", x);
    expect(Array.from(flat.dataSync())).toEqual(Array.from(viaTensor.dataSync()));
    flat.dispose();
    viaTensor.dispose();
    expect(() => c.run("e", new Float32Array(7))).toThrow(expect.objectContaining({ code: "LIN0802" }));
    expect(() => c.run("e")).toThrow(expect.objectContaining({ code: "LIN0802" }));
    expect(() => c.run("nope", x)).toThrow(expect.objectContaining({ code: "LIN0801" }));
    expect(c.explain()).toContain("compose-shared-network");
    expect(c.dot().startsWith("digraph")).toBe(true);
  });

  it("an entry that returns its parameter gives the caller a tensor of its own", async () => {
    const c = await compiled("space X = R^3;\nentry e(x : X) = x;\nentry twice(x : X) = x + x;\n");
    const values = Float32Array.of(1, -2, 3, 0.5, 0, -1);
    // From a flat array: run() copies it into a tensor, disposes that copy, and the result outlives it.
    const y = c.run("e", values);
    expect(Array.from(await y.data())).toEqual(Array.from(values));
    // From the caller's own tensor: disposing the input leaves the result readable, and vice versa.
    const x = tf.tensor2d(values, [2, 3]);
    const z = c.run("e", x);
    expect(z).not.toBe(x);
    x.dispose();
    expect(Array.from(await z.data())).toEqual(Array.from(values));
    // Control: an entry that computes something still returns its value (2x), not the input.
    const w = c.run("twice", values);
    expect(Array.from(await w.data())).toEqual(Array.from(values, (v) => 2 * v));
    for (const t of [y, z, w]) t.dispose();
  });

  it("a time-conditioned map alone cannot run, and says why; its at() and sampler can", async () => {
    const c = await compiled(`space X = R^4;
network N : X tagged { additive_coupling(hidden = 4); }
space A = induced N[0];
space B = induced N[1];
operator V = time_conditioned(rank = 1, embed = 4, hidden = 4);
map v : A -> B = V;
let mid : A -> B = at(v, 0.5);
let s = sampler(v, method = euler, steps = 5);
`);
    const x = tf.randomNormal([2, 4], 0, 1, "float32", 3);
    expect(() => c.run("v", x)).toThrow(expect.objectContaining({ code: "LIN0803" }));
    expect(c.run("mid", x).shape).toEqual([2, 4]);
    expect(c.run("s", x).shape).toEqual([2, 4]);
  });
});

describe("weights", () => {
  const text = composition(2);

  it("saved weights load back to the same program (a different seed then makes no difference)", async () => {
    const a = await compiled(text, { seed: 1 });
    const file = join(dir, "w.safetensors");
    await a.saveWeights(file);
    const b = await compiled(text, { seed: 99, weights: file });
    const other = await compiled(text, { seed: 99 });
    const x = tf.randomNormal([3, 8], 0, 1, "float32", 4);
    const ya = a.run("e", x).dataSync();
    // Saved as float32 (docs/operators.md): see savedTolerance.
    expect(maxDiff(b.run("e", x).dataSync(), ya)).toBeLessThanOrEqual(savedTolerance(ya));
    // Control: without the weights, seed 99 gives another program.
    expect(maxDiff(other.run("e", x).dataSync(), ya)).toBeGreaterThan(savedTolerance(ya));
  });

  it("a missing, unexpected or misshapen tensor is an error naming it", async () => {
    const a = await compiled(text, { seed: 1 });
    const file = join(dir, "full.safetensors");
    await a.saveWeights(file);
    const { tensors } = await loadSafetensors(file);
    expect([...tensors.keys()]).toContain("M.u");
    expect([...tensors.keys()].some((n) => n.startsWith("N.blocks.0."))).toBe(true);

    const missing = new Map(tensors);
    missing.delete("M.u");
    await saveSafetensors(join(dir, "missing.safetensors"), missing);
    await expect(compile(checked(text), { backend: "cpu", weights: join(dir, "missing.safetensors") })).rejects.toMatchObject({ code: "LIN0804", tensor: "M.u" });

    const netMissing = new Map(tensors);
    const netName = [...tensors.keys()].find((n) => n.startsWith("N.blocks.0."));
    if (netName === undefined) throw new Error("no network tensor");
    netMissing.delete(netName);
    await saveSafetensors(join(dir, "netmissing.safetensors"), netMissing);
    await expect(compile(checked(text), { backend: "cpu", weights: join(dir, "netmissing.safetensors") })).rejects.toMatchObject({ code: "LIN0804", tensor: netName });

    const extra = new Map(tensors);
    extra.set("Q.weight", { dtype: "F32", shape: [1], data: Float32Array.of(1) });
    await saveSafetensors(join(dir, "extra.safetensors"), extra);
    await expect(compile(checked(text), { backend: "cpu", weights: join(dir, "extra.safetensors") })).rejects.toMatchObject({ code: "LIN0804", tensor: "Q.weight" });

    const wrong = new Map(tensors);
    wrong.set("M.u", { dtype: "F32", shape: [8, 3], data: new Float32Array(24) });
    await saveSafetensors(join(dir, "wrong.safetensors"), wrong);
    const err = await compile(checked(text), { backend: "cpu", weights: join(dir, "wrong.safetensors") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecuteError);
    expect(String((err as ExecuteError).message)).toContain("M.u");
  });
});

describe("weights of an imported module", () => {
  it("are named by the import alias and load back (examples/toy2d.lin imports nets.lin)", async () => {
    const toy = fileURLToPath(new URL("../../../examples/toy2d.lin", import.meta.url));
    const first = await compileFile(toy, { backend: "cpu", seed: 4, targets: ["push"] });
    if (isLeft(first)) throw new Error("toy2d did not check");
    compiledPrograms.push(first.right);
    const file = join(dir, "toy.safetensors");
    await first.right.saveWeights(file);
    const names = [...(await loadSafetensors(file)).tensors.keys()];
    expect(names.some((n) => n.startsWith("nets.Flow.blocks."))).toBe(true);
    expect(names.some((n) => n.startsWith("H.blocks."))).toBe(true);
    const again = await compileFile(toy, { backend: "cpu", seed: 8, weights: file, targets: ["push"] });
    if (isLeft(again)) throw new Error("toy2d did not check");
    compiledPrograms.push(again.right);
    const x = tf.randomNormal([3, 2], 0, 1, "float32", 6);
    const want = first.right.run("push", x).dataSync();
    expect(maxDiff(again.right.run("push", x).dataSync(), want)).toBeLessThanOrEqual(savedTolerance(want));
    // Control: the seed-8 program without the weights is another program.
    const unweighted = await compileFile(toy, { backend: "cpu", seed: 8, targets: ["push"] });
    if (isLeft(unweighted)) throw new Error("toy2d did not check");
    compiledPrograms.push(unweighted.right);
    expect(maxDiff(unweighted.right.run("push", x).dataSync(), want)).toBeGreaterThan(savedTolerance(want));
  });
});

describe("compileFile", () => {
  it("returns the diagnostics of an ill-typed spec, and a program for a well-typed one", async () => {
    const bad = join(dir, "bad.lin");
    writeFileSync(bad, "space X = R^2;\nspace Y = R^3;\nmap f : X -> Y = dense;\nlet g = f * f;\n");
    const r = await compileFile(bad, { backend: "cpu" });
    expect(isLeft(r) && r.left.length > 0).toBe(true);
    const good = join(dir, "good.lin");
    writeFileSync(good, composition(1));
    const ok = await compileFile(good, { backend: "cpu" });
    expect(isRight(ok)).toBe(true);
    if (isRight(ok)) {
      compiledPrograms.push(ok.right);
      expect(ok.right.backend.name).toBe("cpu");
    }
  });
});
