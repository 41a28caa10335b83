// The bound program: one per checked program, shared by compile, verify and train. The weights file is
// read and decoded once however many networks and operators take tensors from it, the program is lowered
// once (with targets too: a symbolic lowering whose used leaves are bound afterwards), and what targets
// bind is exactly what a bound lowering of the used leaves gives.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { isLeft } from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { checkText } from "../../../src/index.js";
import { OperatorBinder } from "../../../src/compiler/binding/operators.js";
import { usedLeaves, withFactorSources } from "../../../src/compiler/binding/leaves.js";
import { bindProgram, type BoundProgram } from "../../../src/compiler/binding/program.js";
import type { WeightsReader } from "../../../src/compiler/binding/weightsFile.js";
import { compile, type CompiledProgram } from "../../../src/compiler/execute/program.js";
import { explainExpr, explainMap, type OpExpr } from "../../../src/compiler/ir/index.js";
import { lower, type IrProgram } from "../../../src/compiler/lowering/lower.js";
import { loadSafetensors } from "../../../src/runtime/io/index.js";

const dir = mkdtempSync(join(tmpdir(), "linea-binding-"));

/** Two networks and four operators, all of whose tensors come from one weights file. */
const SPEC = `space X = R^6;
space Y = R^4;
network Gx : X { additive_coupling(hidden = 8); actnorm; }
network Gy : Y { additive_coupling(hidden = 8); }
space U = induced Gx;
space V = induced Gy;
operator A[4, 6] = lowrank(rank = 2);
operator B[4, 6] = dense;
operator P[6] = orthogonal;
operator Q[4] = diagonal;
map f : U -> V = A + B;
map g : U -> U = P;
map h : V -> V = Q;
entry e(x : U) = h(f(g(x)));
`;

/** The same maps, and the SVD factors of f, which lowering turns into constants only when f is bound. */
const SVD_SPEC = `${SPEC}let d = svd(f);
let factors : U -> V = d.U * d.S * d.Vt;
`;

function checked(text: string) {
  const r = checkText(text, join(dir, "spec.lin"));
  if (isLeft(r)) throw new Error(r.left.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return r.right;
}

/** A reader that counts its calls (each one reads and decodes the whole file). */
function countingReader(): { read: WeightsReader; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    read: (file) => {
      calls.push(file);
      return loadSafetensors(file);
    },
  };
}

/** Every operator, map and entry of a lowered program as text: leaves show their structure and whether bound. */
function irText(ir: IrProgram): string {
  const ops = [...ir.operators].flatMap(([name, e]) => [`operator ${name}`, ...explainExpr(e, 1)]);
  const maps = [...ir.maps].flatMap(([name, m]) => explainMap(name, m));
  return [...ops, ...maps, JSON.stringify([...ir.entries.keys()])].join("\n");
}

const owned: { dispose(): void }[] = [];
const keep = <T extends CompiledProgram | BoundProgram>(p: T): T => {
  owned.push(p);
  return p;
};
afterAll(() => owned.forEach((p) => p.dispose()));

async function savedWeights(): Promise<string> {
  const file = join(dir, `weights-${owned.length}.safetensors`);
  const source = keep(await compile(checked(SPEC), { backend: "cpu", seed: 3 }));
  await source.saveWeights(file);
  return file;
}

describe("the weights file", () => {
  it("is read and decoded once for two networks and four operators, and loads every one of them", async () => {
    const file = await savedWeights();
    const reader = countingReader();
    const program = keep(await compile(checked(SPEC), { backend: "cpu", seed: 99, weights: file, readWeights: reader.read }));
    expect(reader.calls).toEqual([file]);
    expect(program.bound.networks.size).toBe(2);
    expect(program.bound.operators.size).toBe(4);
    // The values are the file's: seed 99 with the file runs as seed 3 without it.
    const want = keep(await compile(checked(SPEC), { backend: "cpu", seed: 3 }));
    const x = tf.randomNormal([5, 6], 0, 1, "float32", 7) as tf.Tensor2D;
    const [got, expected, otherOut] = [program, want, keep(await compile(checked(SPEC), { backend: "cpu", seed: 99 }))].map((p) => p.run("e", x));
    const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => {
      const [u, v] = [a.dataSync(), b.dataSync()];
      return Math.max(...Array.from(u, (ui, i) => Math.abs(ui - (v[i] ?? Number.NaN))));
    };
    expect(maxDiff(got, expected)).toBeLessThan(1e-4);
    // Control: seed 99 without the file is another program.
    expect(maxDiff(otherOut, expected)).toBeGreaterThan(1e-3);
    tf.dispose([x, got, expected, otherOut]);
  });

  it("is read once with targets too, and not at all without a file", async () => {
    const file = await savedWeights();
    const reader = countingReader();
    keep(await compile(checked(SPEC), { backend: "cpu", weights: file, targets: ["g"], readWeights: reader.read }));
    expect(reader.calls).toEqual([file]);
    const none = countingReader();
    keep(await bindProgram(checked(SPEC), { readWeights: none.read }));
    expect(none.calls).toEqual([]);
  });
});

describe("lowering", () => {
  it("runs once for compile, with and without targets", async () => {
    expect(keep(await compile(checked(SPEC), { backend: "cpu" })).bound.lowerings).toBe(1);
    expect(keep(await compile(checked(SPEC), { backend: "cpu", targets: ["g"] })).bound.lowerings).toBe(1);
    expect(keep(await compile(checked(SPEC), { backend: "cpu", targets: ["e"] })).bound.lowerings).toBe(1);
  });

  it("with targets binds only the leaves they reach, as a lowering with those leaves bound does", async () => {
    const program = checked(SPEC);
    const bound = keep(await bindProgram(program, { seed: 5, targets: ["g", "h"] }));
    expect([...bound.operators.keys()].map((k) => k.replace(/^.*#/, ""))).toEqual(["P", "Q"]);
    const binder = new OperatorBinder(program, 5);
    const reference = lower(program, { bind: (leaf) => (leaf.name === "P" || leaf.name === "Q" ? binder.bind(leaf) : undefined) });
    const text = irText(bound.ir);
    expect(text).toBe(irText(reference));
    // Control: the text tells bound from unbound leaves, so binding every leaf would differ.
    expect(text).not.toBe(irText(lower(program, { bind: new OperatorBinder(program, 5).bind })));
    const leafOf = (ir: IrProgram, name: string) => {
      const e = ir.operators.get(name);
      return e?.kind === "leaf" ? e.operator : undefined;
    };
    expect(leafOf(bound.ir, "P")).toEqual(leafOf(reference, "P"));
    expect(leafOf(bound.ir, "A")).toBeUndefined();
  });

  it("shares one map object between a map and the entries that apply it, as lowering does", async () => {
    const bound = keep(await bindProgram(checked(SPEC), { targets: ["e"] }));
    const e = bound.ir.entries.get("e");
    const applied = e?.body.kind === "vector" && e.body.value.kind === "apply" ? e.body.value.map : undefined;
    // h(f(g(x))) is the composition h ∘ (f ∘ g) (nested applications fold): its outer map is h's object.
    expect(applied?.kind === "chain" ? applied.maps[0] : applied).toBe(bound.ir.maps.get("h"));
  });

  it("gives, for every choice of targets, the IR of a symbolic lowering followed by a bound one", async () => {
    // The reference is how compile bound targets before: lower symbolically to find the used leaves,
    // then lower again binding those. SPEC takes the one-lowering path, SVD_SPEC the second lowering.
    const cases: [string, number, string[][]][] = [
      [SPEC, 1, [["g"], ["g", "h"], ["e"], ["f"], ["A"]]],
      [SVD_SPEC, 2, [["g"], ["e"], ["factors"], ["factors", "f"]]],
    ];
    for (const [text, lowerings, targetSets] of cases) {
      const program = checked(text);
      for (const targets of targetSets) {
        const binder = new OperatorBinder(program, 2);
        // svd(f) factors need f's leaves bound: the used set is closed under the factors' sources.
        const sources = new Map<string, OpExpr>();
        const used = withFactorSources(usedLeaves(lower(program, { symbolicFactor: (name, source) => sources.set(name, source) }), targets), sources);
        const reference = lower(program, { bind: (leaf) => (used.has(leaf.name) ? binder.bind(leaf) : undefined) });
        const bound = keep(await bindProgram(program, { seed: 2, targets }));
        expect(irText(bound.ir), targets.join(",")).toBe(irText(reference));
        expect([...bound.operators.keys()], targets.join(",")).toEqual([...binder.bound.keys()]);
        expect(bound.lowerings, targets.join(",")).toBe(lowerings);
      }
    }
  });

  it("lowers a second time when a used leaf name stands for operators of two modules, and binds both", async () => {
    writeFileSync(join(dir, "lib.lin"), "space X = R^4;\noperator A[4] = diagonal;\nmap m : X -> X = A;\n");
    const main = `import "./lib.lin" as lib;
operator A[4] = dense;
map g : lib.X -> lib.X = A;
let both : lib.X -> lib.X = g * lib.m;
`;
    const program = checked(main);
    const both = keep(await bindProgram(program, { targets: ["both"] }));
    expect(both.lowerings).toBe(2);
    expect([...both.operators.values()].map((o) => `${o.prefix}${o.operator.kind}`).sort()).toEqual(["A.dense", "lib.A.diagonal"]);
    // Each A in the IR holds its own module's operator, as the symbolic-then-bound lowering gives.
    const binder = new OperatorBinder(program, 0);
    const reference = lower(program, { bind: (leaf) => (leaf.name === "A" ? binder.bind(leaf) : undefined) });
    expect(irText(both.ir)).toBe(irText(reference));
    expect(irText(both.ir)).toContain("leaf A : diagonal");
  });

  it("binds f's operators for a target that uses only svd(f).U, .S and .Vt, so it runs and equals f (issue 10)", async () => {
    const text = `${SVD_SPEC}let u_only : R^4 -> V = d.U;\n`;
    const factors = keep(await compile(checked(text), { backend: "cpu", seed: 3, targets: ["factors"] }));
    // The factors are constants computed from A + B: both bound, nothing else.
    expect([...factors.bound.operators.values()].map((o) => o.prefix).sort()).toEqual(["A.", "B."]);
    const f = keep(await compile(checked(text), { backend: "cpu", seed: 3, targets: ["f"] }));
    const x = tf.randomNormal([3, 6], 0, 1, "float32", 4) as tf.Tensor2D;
    const [got, want] = [factors.run("factors", x), f.run("f", x)];
    const scale = Math.max(1, ...Array.from(want.dataSync(), Math.abs));
    // Both float32 through the same networks; the operators differ only by float64 rounding of the SVD
    // (U·S·Vᵀ = A + B to ~1e-15) and the float32 products: a few ε₃₂·√6 per stage, 1e-5 with margin.
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] / scale).toBeLessThan(1e-5);
    [x, got, want].forEach((t) => t.dispose());
    const u = keep(await compile(checked(text), { backend: "cpu", targets: ["u_only"] }));
    const r = u.run("u_only", tf.eye(4) as tf.Tensor2D);
    expect(r.shape).toEqual([4, 4]);
    r.dispose();
  });

  it("runs a second time, with targets, only for a program with svd(f) factors, which are constants when f is bound", async () => {
    const program = keep(await compile(checked(SVD_SPEC), { backend: "cpu", targets: ["factors", "f"] }));
    expect(program.bound.lowerings).toBe(2);
    expect(program.targets).toEqual(["factors", "f"]);
    expect(keep(await compile(checked(SVD_SPEC), { backend: "cpu" })).bound.lowerings).toBe(1);
    expect(keep(await compile(checked(SPEC), { backend: "cpu", targets: ["f"] })).bound.lowerings).toBe(1);
  });
});

describe("seeds", () => {
  /** Every tensor of a bound program, by its name in a weights file. */
  async function valuesAt(uri: string, seed: number): Promise<Map<string, Float32Array>> {
    const r = checkText(SPEC, uri);
    if (isLeft(r)) throw new Error(r.left.map((d) => `${d.code}: ${d.message}`).join("\n"));
    const bound = await bindProgram(r.right, { seed });
    try {
      const out = new Map<string, Float32Array>();
      for (const [name, t] of await bound.tensors()) out.set(name, Float32Array.from(t.data as ArrayLike<number>));
      return out;
    } finally {
      bound.dispose();
    }
  }

  it("follow a declaration's name, not where the spec lies on disk; another program seed is caught", async () => {
    const here = await valuesAt(join(dir, "spec.lin"), 3);
    const elsewhere = await valuesAt(join(dir, "elsewhere", "deeper", "copy.lin"), 3);
    const reseeded = await valuesAt(join(dir, "spec.lin"), 4);
    expect([...elsewhere.keys()].sort()).toEqual([...here.keys()].sort());
    // Same seeds draw bit-identical float32 values: compared exactly, not within a tolerance.
    for (const [name, v] of here) expect(elsewhere.get(name), name).toEqual(v);
    // Control: a different program seed changes every randomly initialised tensor (ActNorm's too).
    const changed = [...here].filter(([name, v]) => {
      const w = reseeded.get(name);
      return w !== undefined && v.some((x, i) => x !== w[i]);
    });
    expect(changed.length).toBeGreaterThan(here.size / 2);
  });
});
