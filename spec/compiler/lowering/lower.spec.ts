// Lowering checked programs to the IR: every example lowers; maps become normal forms; compositions
// fuse through the shared network; samplers collapse when weights are bound.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { checkText, memoryFileHost } from "../../../src/index.js";
import { lower, type OperatorLeafInfo } from "../../../src/compiler/lowering/lower.js";
import { materialiseExpr } from "../../../src/compiler/ir/evaluate.js";
import { TOLERANCE, relativeError } from "../passes/support.js";
import { optimiseMap, explainOptimisation, mapApplications } from "../../../src/compiler/passes/optimise.js";
import { randomTimeConditioned } from "../../../src/runtime/operator/timeConditioned.js";
import { randomDense, randomDiagonal, randomIdentityPlusLowRank } from "../../../src/runtime/operator/init.js";
import { dense, materialise, pinv, product, svd } from "../../../src/runtime/operator/index.js";
import { matmul } from "../../../src/runtime/linalg/index.js";
import { evaluateOperator } from "../../../src/compiler/ir/evaluate.js";
import type { LinearOperator } from "../../../src/runtime/operator/kinds.js";
import type { CheckedProgram } from "../../../src/compiler/checker/checked.js";

const examples = join(import.meta.dirname, "../../../examples");

function checked(text: string, files: Record<string, string> = {}): CheckedProgram {
  const uri = "/proj/main.lin";
  const result = checkText(text, uri, { host: memoryFileHost({ ...files, [uri]: text }), root: "/proj" });
  if (E.isLeft(result)) throw new Error(result.left.map((d) => `${d.code} ${d.message}`).join("\n"));
  return result.right;
}

/** Small seeded weights for the builtins the tests use. */
function bind(leaf: OperatorLeafInfo): LinearOperator | undefined {
  const declared = leaf.args.get("rank");
  const rank = typeof declared === "number" ? declared : 1;
  switch (leaf.builtin) {
    case "dense":
      return randomDense(leaf.rows, leaf.cols, leaf.name.length);
    case "diagonal":
      return randomDiagonal(leaf.rows, 3);
    case "identity_plus_lowrank":
      return randomIdentityPlusLowRank(leaf.rows, rank, 5);
    case "time_conditioned":
      return randomTimeConditioned({ n: leaf.rows, rank, embedDim: 8, hidden: 8 }, 7);
    default:
      return undefined;
  }
}

describe("lowering the examples", () => {
  for (const file of readdirSync(examples).filter((f) => f.endsWith(".lin"))) {
    it(`${file} lowers and optimises`, () => {
      const path = join(examples, file);
      const result = checkText(readFileSync(path, "utf8"), path);
      expect(E.isRight(result)).toBe(true);
      if (E.isLeft(result)) return;
      const program = lower(result.right);
      for (const [name, m] of program.maps) {
        const o = optimiseMap(m);
        expect(explainOptimisation(name, o)).toContain(`== ${name}: after`);
        expect(mapApplications(o.after)).toBeLessThanOrEqual(mapApplications(o.before));
      }
    });
  }
});

const header = `
space Img = R^8;
network G : Img tagged { additive_coupling(hidden = 8); permute(reverse); }
space Noise = induced G[0];
space Data = induced G[1];
space Z = induced G[0];
`;

describe("project(f)", () => {
  /** A dense 20×20 of rank 7 whose range is ill-conditioned (σ₁/σ₇ ≈ 10³), built in float64. */
  function illConditionedRank7(): LinearOperator {
    const [n, r] = [20, 7];
    const a = materialise(randomDense(n, r, 1));
    const b = materialise(randomDense(r, n, 2));
    for (let j = 0; j < r; j++) for (let i = 0; i < n; i++) a.data[i * r + j] *= 1e3 ** (-j / (r - 1));
    return dense(matmul(a, b));
  }

  it("is Q·Qᵀ from the SVD with the rank cut-off: rank 7 for a rank-7 map, singular values exactly 1 and 0 (A·A⁺ gave rank 9)", () => {
    const A = illConditionedRank7();
    const program = lower(checked("space X = R^20;\noperator A[20, 20] = dense;\nmap f : X -> X = A;\nlet p : X -> X = project(f);"), {
      bind: (leaf) => (leaf.name === "A" ? A : undefined),
    });
    const p = program.maps.get("p");
    if (p === undefined) throw new Error("no map p");
    const after = optimiseMap(p).after;
    if (after.kind !== "normal") throw new Error("p is not a normal form");
    const op = evaluateOperator(after.op);
    expect(op.kind).toBe("projector");
    const d = svd(op);
    expect(d.rank).toBe(7);
    // An orthonormal Q: the spectrum is 1 (seven times, to float64 rounding of QᵀQ) and exactly 0.
    expect(Math.max(...Array.from(d.s.slice(0, 7), (s) => Math.abs(s - 1)))).toBeLessThan(1e-13);
    // Control, the old lowering A·A⁺: its rounding lifts two more singular values over the cut-off.
    expect(svd(dense(materialise(product(A, pinv(A).operator)))).rank).toBeGreaterThan(7);
  });
});

describe("constant exponents", () => {
  it("f ^ k with k a scalar let or a constant expression lowers to the power f ^ 2 lowers to", () => {
    const program = lower(checked("space X = R^3;\nmap f : X -> X = dense;\nlet k = 2;\nlet a = f ^ 2;\nlet b = f ^ k;\nlet c = f ^ (1 + 1);"));
    const exponent = (name: string): number | undefined => {
      const m = program.maps.get(name);
      return m?.kind === "normal" && m.op.kind === "power" ? m.op.exponent : undefined;
    };
    expect(["a", "b", "c"].map(exponent)).toEqual([2, 2, 2]);
  });
});

describe("lowering with bound weights", () => {
  it("a sampler lowers to a normal form whose operator collapses to one constant", () => {
    const program = lower(
      checked(`${header}
operator A = time_conditioned(rank = 1, embed = 8, hidden = 8);
map v : Noise -> Data = A;
let B = sampler(v, method = rk4, steps = 6);
entry sample(x : Noise) = B(x);
`),
      { bind },
    );
    const b = program.maps.get("B");
    expect(b?.kind).toBe("normal");
    if (b === undefined) return;
    const o = optimiseMap(b);
    expect(o.fired.map((f) => f.rule)).toContain("collapse-sampler");
    expect(mapApplications(o.before)).toBe(2 + 5 * 4);
    expect(mapApplications(o.after)).toBe(3);
    const entry = program.entries.get("sample");
    expect(entry?.body.kind).toBe("vector");
    expect(entry?.params.map((p) => p.space.name)).toEqual(["Noise"]);
  });

  it("a k-fold composition through one network lowers to a chain that fuses to one operator", () => {
    const program = lower(
      checked(`${header}
operator M = identity_plus_lowrank(rank = 1);
map f : Z -> Z = M;
let h4 = f * f * f * f;
let p5 = f ^ 5;
`),
      { bind },
    );
    for (const name of ["h4", "p5"]) {
      const m = program.maps.get(name);
      if (m === undefined) throw new Error(`${name} not lowered`);
      const o = optimiseMap(m);
      expect(mapApplications(o.after)).toBe(3);
    }
    const h4 = program.maps.get("h4");
    expect(h4?.kind).toBe("chain");
    if (h4 !== undefined) expect(optimiseMap(h4).fired.map((f) => f.rule)).toContain("compose-shared-network");
  });

  it("the svd factors recompose to the map (U·S·Vt folds to the operator of f)", () => {
    const program = lower(
      checked(`${header}
operator N[8, 8] = dense;
map f : Noise -> Data = N;
let d = svd(f);
let factors : Noise -> Data = d.U * d.S * d.Vt;
let top : Data = d.left[0];
entry probe(x : Noise) = inner(f(x), top);
`),
      { bind },
    );
    const factors = program.maps.get("factors");
    if (factors === undefined) throw new Error("factors not lowered");
    const f = program.maps.get("f");
    const o = optimiseMap(factors);
    expect(o.after.kind).toBe("normal");
    if (o.after.kind !== "normal" || f?.kind !== "normal") throw new Error("expected normal forms");
    // U·diag(s)·Vᵀ of an 8×8 dense matrix in float64: backward-stable SVD, error ≤ c·n·ε·‖N‖ (support.ts TOLERANCE covers n ≤ 8).
    expect(relativeError(materialiseExpr(o.after.op), materialiseExpr(f.op))).toBeLessThanOrEqual(TOLERANCE);
    expect(program.entries.get("probe")?.body.kind).toBe("scalar");
  });
});

describe("lowering reads what the checker resolved", () => {
  it("builtins come from the checker: a declaration named like a builtin is that declaration", () => {
    const leaves: OperatorLeafInfo[] = [];
    const p = checked("space X = R^3;\noperator diagonal = dense(init = identity);\nmap f : X -> X = diagonal;\nlet g = pinv(f);\n");
    const ir = lower(p, { bind: (leaf) => (leaves.push(leaf), undefined) });
    // `diagonal` names the declaration (a dense leaf), not the diagonal builtin.
    expect(leaves.map((l) => [l.name, l.builtin, l.key, Object.fromEntries(l.args)])).toEqual([["diagonal", "dense", "/proj/main.lin#diagonal", { init: "identity" }]]);
    const g = ir.maps.get("g");
    expect(g?.kind === "normal" ? g.op.kind : undefined).toBe("pinv");
    // Control: the builtin itself lowers to a diagonal leaf.
    const q = checked("space X = R^3;\noperator D = diagonal;\nmap f : X -> X = D;\n");
    const seen: string[] = [];
    lower(q, { bind: (leaf) => (seen.push(leaf.builtin), undefined) });
    expect(seen).toEqual(["diagonal"]);
  });
});
