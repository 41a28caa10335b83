// Float64 application A·M on the host, factor by factor (never forming A unless A is dense). This is
// what the structured rules use to build new factors exactly (e.g. Bᵀ·V in (U·Vᵀ)·B = U·(Bᵀ·V)ᵀ), and
// materialise() is A·I.
import { OperatorError } from "./errors.js";
import { addMatrices, identityMatrix, matmul, matrix, scaleColumns, scaleMatrix, scaleRows, transposeMatrix, transposeTimes, type Matrix } from "./host.js";
import { circulantMatrix, circulantTimes } from "./circulantConv.js";
import { kroneckerMatrix, swapLeadingAxes } from "./kronecker.js";
import { convMatrix, convTimes } from "./depthwiseConv.js";
import { cachedWyFactor, wyMaterialise, wyTimes } from "./householder.js";
import { shapeOf, type LinearOperator } from "./kinds.js";
import { transpose } from "./transpose.js";
import type { MatrixFreeMap } from "./matrixFree/map.js";
import { pinvApply, type PinvApplyResult } from "./matrixFree/lsqr.js";

/**
 * (H₁⋯H_k)·M one reflector at a time (H_k first): ~4·k·n·cols scalar flops, no set-up. Only worth it
 * for narrow M on reflectors whose WY factor T is not built yet, since T costs ~2·k²·n once.
 */
function reflectorByReflector(vectors: Matrix, m: Matrix): Matrix {
  const out = matrix(m.rows, m.cols, m.data);
  const n = vectors.cols;
  const w = new Float64Array(m.cols);
  for (let i = vectors.rows - 1; i >= 0; i--) {
    const v = vectors.data.subarray(i * n, (i + 1) * n);
    // H·M = M − 2·v·(vᵀ·M)
    w.fill(0);
    for (let r = 0; r < n; r++) {
      const vr = v[r];
      if (vr === 0) continue;
      for (let c = 0; c < m.cols; c++) w[c] += vr * out.data[r * m.cols + c];
    }
    for (let r = 0; r < n; r++) {
      const vr = 2 * v[r];
      if (vr === 0) continue;
      for (let c = 0; c < m.cols; c++) out.data[r * m.cols + c] -= vr * w[c];
    }
  }
  return out;
}

/** (H₁⋯H_k)·M: compact WY (matmuls) unless M is narrow and T would have to be built for it alone. */
function householderTimes(vectors: Matrix, m: Matrix): Matrix {
  const wyPays = cachedWyFactor(vectors) !== undefined || 2 * m.cols >= vectors.rows;
  return wyPays ? wyTimes(vectors, m) : reflectorByReflector(vectors, m);
}

/** D·M for a rows×cols diagonal D (d of length min(rows, cols)): row i is dᵢ·Mᵢ for i < len(d), else 0. */
function rectangularDiagonalTimes(d: Float64Array, rows: number, m: Matrix): Matrix {
  const out = matrix(rows, m.cols);
  for (let i = 0; i < d.length; i++) {
    for (let j = 0; j < m.cols; j++) out.data[i * m.cols + j] = d[i] * m.data[i * m.cols + j];
  }
  return out;
}

/** A·M in float64, M of shape [A.cols, k]. */
export function multiplyHost(op: LinearOperator, m: Matrix): Matrix {
  if (m.rows !== op.cols) {
    throw new OperatorError("LIN1001", `${shapeOf(op)} cannot multiply a ${m.rows}×${m.cols} matrix`);
  }
  switch (op.kind) {
    case "dense":
      return matmul(op.matrix, m);
    case "diagonal":
      return op.rows === op.cols ? scaleRows(op.diag, m) : rectangularDiagonalTimes(op.diag, op.rows, m);
    case "identity":
      return matrix(m.rows, m.cols, m.data);
    case "scaled_identity":
      return scaleMatrix(op.scale, m);
    case "lowrank":
      return matmul(op.u, transposeTimes(op.v, m));
    case "identity_plus_lowrank":
      return addMatrices(scaleMatrix(op.alpha, m), matmul(op.u, transposeTimes(op.v, m)));
    case "orthogonal":
      return op.form.type === "householder" ? householderTimes(op.form.vectors, m) : matmul(op.form.q, m);
    case "svd_factored":
      return matmul(op.u, scaleRows(op.s, transposeTimes(op.v, m)));
    case "projector":
      return matmul(op.q, transposeTimes(op.q, m));
    case "time_conditioned":
      throw new OperatorError("LIN1007", `${shapeOf(op)} needs a time: evaluate at(op, t) first`);
    case "indexed_depthwise_conv":
      throw new OperatorError("LIN1007", `${shapeOf(op)} needs a style index: evaluate at(op, s) first`);
    case "depthwise_conv":
      return convTimes(op, m);
    case "circulant_conv":
      return circulantTimes(op, m);
    case "iterative_pinv": {
      const solved = pinvApply(asMatrixFree(op.inner), m);
      lastSolves.set(op, solved);
      return solved.x;
    }
    case "kronecker": {
      // M [a.cols·b.cols, k] is [a.cols, b.cols·k] row-major: A acts on the first axis in one product,
      // then the axes swap so that B acts on the second, and swap back: vec(A·X·Bᵀ) per column.
      const { a, b } = op;
      const k = m.cols;
      const left = multiplyHost(a, matrix(a.cols, b.cols * k, m.data)); // [a.rows, b.cols·k]
      const right = multiplyHost(b, swapLeadingAxes(left.data, a.rows, b.cols, k)); // [b.rows, a.rows·k]
      const out = swapLeadingAxes(right.data, b.rows, a.rows, k); // [a.rows, b.rows·k]
      return matrix(op.rows, k, out.data);
    }
    case "product": {
      let out = m;
      for (let i = op.factors.length - 1; i >= 0; i--) out = multiplyHost(op.factors[i], out);
      return out;
    }
    case "sum": {
      let out = multiplyHost(op.terms[0], m);
      for (let i = 1; i < op.terms.length; i++) out = addMatrices(out, multiplyHost(op.terms[i], m));
      return out;
    }
    case "scaled":
      return scaleMatrix(op.scale, multiplyHost(op.inner, m));
    case "transposed":
      return multiplyHost(transpose(op.inner), m);
  }
}

/** The dense float64 matrix of op. */
export function materialise(op: LinearOperator): Matrix {
  switch (op.kind) {
    case "dense":
      return op.matrix;
    case "lowrank":
      return matmul(op.u, transposeMatrix(op.v));
    case "svd_factored":
      return matmul(scaleColumns(op.u, op.s), transposeMatrix(op.v));
    case "depthwise_conv":
      return convMatrix(op);
    case "circulant_conv":
      return circulantMatrix(op);
    case "kronecker":
      return kroneckerMatrix(materialise(op.a), materialise(op.b));
    case "orthogonal":
      return op.form.type === "householder" ? wyMaterialise(op.form.vectors) : matmul(op.form.q, identityMatrix(op.cols));
    default:
      return multiplyHost(op, identityMatrix(op.cols));
  }
}

/**
 * The matrix-free view of a time-free operator: multiplyHost(op, M) and multiplyHost(transpose(op), M),
 * factor by factor, never forming A (unless A is dense already). A time-conditioned or indexed operator
 * throws LIN1007 at the first product: evaluate at(op, t) first.
 */
export function asMatrixFree(op: LinearOperator): MatrixFreeMap {
  const adjoint = transpose(op);
  return {
    rows: op.rows,
    cols: op.cols,
    times: (m) => multiplyHost(op, m),
    transposeTimes: (m) => multiplyHost(adjoint, m),
  };
}

/** The last LSQR run of each iterative_pinv (weakly held): what `lastSolve` reports. */
const lastSolves = new WeakMap<LinearOperator, PinvApplyResult>();

/** The LSQR report of op's last application (iterations, residuals, stop reasons per column), if any. */
export function lastSolve(op: LinearOperator): PinvApplyResult | undefined {
  return lastSolves.get(op);
}
