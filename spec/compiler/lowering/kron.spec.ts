// kron(P, Q) lowered: the IR node is `kron`, and the map applied to a batch is the row-major Kronecker
// product of the bound factors, (P⊗Q)·vec(X) = vec(P·X·Qᵀ), checked against that host formula in float64.
// Controls: kron(Q, P) and the column-major convention vec(Qᵀ·… ) differ on the same batch.
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { checkText, memoryFileHost } from "../../../src/index.js";
import { lower, type OperatorLeafInfo } from "../../../src/compiler/lowering/lower.js";
import { applyHost, evaluateOperator } from "../../../src/compiler/ir/evaluate.js";
import type { OpExpr } from "../../../src/compiler/ir/expr.js";
import type { MapExpr } from "../../../src/compiler/ir/map.js";
import { optimiseMap } from "../../../src/compiler/passes/optimise.js";
import { FLOAT64_EPS, matmul, matrix, transpose, type Matrix } from "../../../src/runtime/linalg/index.js";
import { materialise, multiplyHost } from "../../../src/runtime/operator/index.js";
import { randomDense, randomHouseholder } from "../../../src/runtime/operator/init.js";
import type { LinearOperator } from "../../../src/runtime/operator/kinds.js";

const source = `space X = R^6;
operator P[2, 2] = dense;
operator Q[3, 3] = orthogonal;
map f : X -> X = kron(P, Q);
map h : X -> X = kron(Q, P);
operator K = kron(P, Q);
map k : X -> X = 2 * K;
entry e(x : X) = f(x);
`;

function bind(leaf: OperatorLeafInfo): LinearOperator | undefined {
  if (leaf.builtin === "dense") return randomDense(leaf.rows, leaf.cols, 11);
  if (leaf.builtin === "orthogonal") return randomHouseholder(leaf.rows, 13);
  return undefined;
}

function lowered(): { f: OpExpr; h: OpExpr; k: OpExpr; map: MapExpr } {
  const uri = "/proj/main.lin";
  const result = checkText(source, uri, { host: memoryFileHost({ [uri]: source }), root: "/proj" });
  if (E.isLeft(result)) throw new Error(result.left.map((d) => `${d.code} ${d.message}`).join("\n"));
  const program = lower(result.right, { bind });
  const op = (name: string): OpExpr => {
    const m = program.maps.get(name);
    if (m?.kind !== "normal") throw new Error(`${name} is not a normal form`);
    return m.op;
  };
  const map = program.maps.get("f");
  if (map === undefined) throw new Error("no map f");
  return { f: op("f"), h: op("h"), k: op("k"), map };
}

/** A batch of `b` columns vec(Xₖ), Xₖ a 2×3 matrix with entries from a fixed sequence. */
function batch(b: number): Matrix {
  const data = Array.from({ length: 6 * b }, (_, i) => Math.sin(1.3 * i + 0.7));
  return matrix(6, b, data);
}

type Order = "row" | "column";

/** Offset of element (i, j) of an r×c matrix in its vec, row-major or column-major. */
const at = (order: Order, i: number, j: number, r: number, c: number): number => (order === "row" ? i * c + j : j * r + i);

/** Column k of `m` read as the vec of a 2×3 matrix. */
function unvec(m: Matrix, k: number, order: Order): Matrix {
  const out = matrix(2, 3);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) out.data[i * 3 + j] = m.data[at(order, i, j, 2, 3) * m.cols + k];
  return out;
}

/** The batch whose column k is the vec of conv(Xₖ), Xₖ = unvec(x, k). */
function mapped(x: Matrix, order: Order, conv: (xk: Matrix) => Matrix): Matrix {
  const out = matrix(6, x.cols);
  for (let k = 0; k < x.cols; k++) {
    const y = conv(unvec(x, k, order));
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) out.data[at(order, i, j, 2, 3) * x.cols + k] = y.data[i * 3 + j];
  }
  return out;
}

const maxAbs = (a: Matrix, b: Matrix): number => Math.max(...a.data.map((x, i) => Math.abs(x - b.data[i])));

describe("lowering kron(P, Q)", () => {
  const { f, h, k, map } = lowered();
  const [p, q] = f.kind === "kron" ? [materialise(evaluateOperator(f.a)), materialise(evaluateOperator(f.b))] : [matrix(0, 0), matrix(0, 0)];
  const x = batch(5);
  const pxq = (xk: Matrix): Matrix => matmul(matmul(p, xk), transpose(q));
  // vec(P·X·Qᵀ) per column: the host formula of the row-major convention.
  const rowMajor = mapped(x, "row", pxq);
  // Each output entry is a sum of 2·3 = 6 products p·x·q with |x| ≤ 1, formed in two stages (inner lengths 2 and 3):
  // float64 error ≤ (2 + 3)·ε₆₄·6·max|P|·max|Q| for each of the two evaluations compared, so their gap is at most
  // twice that; ×4 headroom. The controls differ by O(max|P|·max|Q|), far above it.
  const tolerance = 4 * 2 * (2 + 3) * 6 * FLOAT64_EPS * Math.max(...p.data.map(Math.abs)) * Math.max(...q.data.map(Math.abs));

  it("lowers to a kron node of shape [6, 6] over the two leaves, also through an operator declaration", () => {
    expect(k.kind === "scale" ? [k.inner.kind, k.inner.rows] : k.kind).toEqual(["kron", 6]);
    expect(f.kind).toBe("kron");
    expect([f.rows, f.cols]).toEqual([6, 6]);
    if (f.kind === "kron") expect([f.a.kind, f.b.kind, f.a.rows, f.b.rows]).toEqual(["leaf", "leaf", 2, 3]);
  });

  it("applies as vec(P·X·Qᵀ) on a batch in float64: node by node, through the runtime kronecker kind, and after optimisation", () => {
    expect(evaluateOperator(f).kind).toBe("kronecker");
    expect(maxAbs(applyHost(f, x), rowMajor)).toBeLessThanOrEqual(tolerance);
    expect(maxAbs(multiplyHost(evaluateOperator(f), x), rowMajor)).toBeLessThanOrEqual(tolerance);
    const optimisation = optimiseMap(map);
    // Bound factors fold into one constant, still the factored kronecker kind (never multiplied out).
    expect(optimisation.fired.map((r) => r.rule)).toContain("fold-kron");
    const optimised = optimisation.after;
    if (optimised.kind === "normal") expect(optimised.op.kind === "leaf" ? optimised.op.operator?.kind : optimised.op.kind).toBe("kronecker");
    expect(optimised.kind).toBe("normal");
    if (optimised.kind === "normal") expect(maxAbs(applyHost(optimised.op, x), rowMajor)).toBeLessThanOrEqual(tolerance);
  });

  it("controls: kron(Q, P) and the column-major convention vecᶜ(P·X·Qᵀ) give other values on the same batch", () => {
    expect(maxAbs(applyHost(h, x), rowMajor)).toBeGreaterThan(1e6 * tolerance);
    // Column-major vec is the row-major (Q⊗P): it agrees with kron(Q, P), so the control itself is sound.
    const colMajor = mapped(x, "column", pxq);
    expect(maxAbs(applyHost(f, x), colMajor)).toBeGreaterThan(1e6 * tolerance);
    expect(maxAbs(applyHost(h, x), colMajor)).toBeLessThanOrEqual(tolerance);
  });
});
