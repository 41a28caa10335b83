// The reference semantics of the IR, evaluated in float64 on the host with the runtime operator algebra.
// It is deliberately naive: a sampler runs step by step, a power applies its base k times. The
// optimiser's tests compare the rewritten tree against this interpreter on the unrewritten one.
import { add as addMatrices, identityMatrix, scale as scaleBy, type Matrix } from "../../runtime/linalg/index.js";
import {
  at as operatorAt,
  dense,
  kronecker as operatorKronecker,
  materialise,
  multiplyHost,
  pinv as operatorPinv,
  power as operatorPower,
  product as operatorProduct,
  scale as operatorScale,
  storedIn,
  sum as operatorSum,
  transpose as operatorTranspose,
  type LinearOperator,
} from "../../runtime/operator/index.js";
import { IrError } from "./errors.js";
import { exprPrecision, type OpExpr } from "./expr.js";
import type { MapExpr } from "./map.js";
import { runSampler, type StepAlgebra } from "./sampler.js";
import type { IrSpace } from "./space.js";

const scaleMatrix = (c: number, m: Matrix): Matrix => scaleBy(m, c);

function leafOperator(e: OpExpr & { kind: "leaf" }): LinearOperator {
  if (e.operator === undefined) throw new IrError("LIN0824", `operator ${e.name} has no value bound (weights not loaded)`);
  return e.operator;
}

function requireTime(e: OpExpr, time: number | undefined): void {
  if (e.timeConditioned && time === undefined) {
    throw new IrError("LIN0825", `${e.kind}[${e.rows}×${e.cols}] is time-conditioned: fix it with at(·, t) or use it in a sampler`);
  }
}

/**
 * The runtime operator of e (at time `time` for time-conditioned parts), built with the structured
 * algebra, marked with the precision its leaves' values were stored in (for later rank cut-offs).
 */
export function evaluateOperator(e: OpExpr, time?: number): LinearOperator {
  return storedIn(evaluated(e, time), exprPrecision(e));
}

function evaluated(e: OpExpr, time?: number): LinearOperator {
  requireTime(e, time);
  switch (e.kind) {
    case "leaf": {
      const op = leafOperator(e);
      return e.timeConditioned && time !== undefined ? operatorAt(op, time) : op;
    }
    case "identity":
      return { kind: "identity", rows: e.rows, cols: e.cols };
    case "product":
      return e.factors.map((f) => evaluateOperator(f, time)).reduce((a, b) => operatorProduct(a, b));
    case "sum":
      return e.terms.map((t) => operatorScale(t.coeff, evaluateOperator(t.expr, time))).reduce((a, b) => operatorSum(a, b));
    case "scale":
      return operatorScale(e.scale, evaluateOperator(e.inner, time));
    case "transpose":
      return operatorTranspose(evaluateOperator(e.inner, time));
    case "pinv":
      return operatorPinv(evaluateOperator(e.inner, time), exprPrecision(e.inner)).operator;
    case "power":
      return operatorPower(evaluateOperator(e.inner, time), e.exponent);
    case "kron":
      return operatorKronecker(evaluateOperator(e.a, time), evaluateOperator(e.b, time));
    case "at":
      return evaluateOperator(e.inner, e.time);
    case "sampler":
      // Reference semantics: the step-by-step sampler applied to the columns of I.
      return dense(applyHost(e, identityMatrix(e.cols)));
  }
}

/** The float64 step algebra on batches of column vectors, with A(t) given by `predict`. */
export function matrixStepAlgebra(predict: (t: number, z: Matrix) => Matrix): StepAlgebra<Matrix> {
  return { add: addMatrices, scale: scaleMatrix, predict };
}

/** e·X for X of shape [cols, b] (column vectors), evaluated node by node. */
export function applyHost(e: OpExpr, x: Matrix, time?: number): Matrix {
  if (x.rows !== e.cols) throw new IrError("LIN0821", `${e.kind}[${e.rows}×${e.cols}] cannot apply to ${x.rows}×${x.cols}`);
  requireTime(e, time);
  switch (e.kind) {
    case "leaf": {
      const op = leafOperator(e);
      return multiplyHost(e.timeConditioned && time !== undefined ? operatorAt(op, time) : op, x);
    }
    case "identity":
      return x;
    case "product":
      return e.factors.reduceRight((z, f) => applyHost(f, z, time), x);
    case "sum":
      return e.terms.map((t) => scaleMatrix(t.coeff, applyHost(t.expr, x, time))).reduce(addMatrices);
    case "scale":
      return scaleMatrix(e.scale, applyHost(e.inner, x, time));
    case "transpose":
    case "pinv":
    case "kron":
      return multiplyHost(evaluateOperator(e, time), x);
    case "power": {
      let z = x;
      for (let i = 0; i < e.exponent; i++) z = applyHost(e.inner, z, time);
      return z;
    }
    case "at":
      return applyHost(e.inner, x, e.time);
    case "sampler": {
      const inner = e.inner;
      return runSampler(
        matrixStepAlgebra((t, z) => applyHost(inner, z, t)),
        e.method,
        e.steps,
        x,
      );
    }
  }
}

/** The dense float64 matrix of e by the reference semantics. */
export function materialiseExpr(e: OpExpr, time?: number): Matrix {
  return e.kind === "sampler" ? applyHost(e, identityMatrix(e.cols)) : materialise(evaluateOperator(e, time));
}

/** The networks as the host sees them: g(x) and g⁻¹(z) of an induced space (network and tag), on column batches. */
export interface HostCodec {
  encode(space: IrSpace, x: Matrix): Matrix;
  decode(space: IrSpace, z: Matrix): Matrix;
}

/** m(x) for column batches: encode with g_x, apply A, decode with g_y⁻¹; a chain applies its maps right to left. */
export function applyMapHost(m: MapExpr, x: Matrix, codec: HostCodec): Matrix {
  if (m.kind === "chain") return m.maps.reduceRight((z, inner) => applyMapHost(inner, z, codec), x);
  const z = m.domain.network === undefined ? x : codec.encode(m.domain, x);
  const y = applyHost(m.op, z);
  return m.codomain.network === undefined ? y : codec.decode(m.codomain, y);
}
