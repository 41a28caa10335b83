// The spectrum of a map f = g_y⁻¹ ∘ A ∘ g_x (paper §2.3): the SVD of its optimised operator A in float64
// (exactly from the structure where the structure gives it, else densely), its rank and conditioning,
// and the top K singular vectors decoded through the map's networks (ṽᵢ = g_x⁻¹(vᵢ), ũᵢ = g_y⁻¹(uᵢ), so
// f(ṽᵢ) = σᵢ ⊙ ũᵢ).
import * as tf from "@tensorflow/tfjs-core";
import { mapNormalForm, type MapEnd } from "../compiler/execute/inspect.js";
import type { CompiledProgram } from "../compiler/execute/program.js";
import { forEachOperator } from "../compiler/binding/leaves.js";
import { boundPinvOperand, evaluateOperator, formatExpr, type OpExpr } from "../compiler/ir/index.js";
import { MACHINE_EPSILON, decompositionRoute, leadingSvd, type DecompositionMethod, type LeadingSvd, type Precision, type RouteChoice } from "../runtime/operator/index.js";
import type { Matrix } from "../runtime/linalg/index.js";

/** float32 machine epsilon, 2⁻²³. */
const FLOAT32_EPS = 2 ** -23;
/**
 * Above this condition number a float32 pseudo-inverse is unreliable: solving loses about log10(cond)
 * digits and float32 carries about 7, so at cond ≈ 1/√ε₃₂ ≈ 2.9e3 half of them are gone.
 */
export const FLOAT32_PINV_CONDITION = 1 / Math.sqrt(FLOAT32_EPS);

/** Rank, cut-off and conditioning of a spectrum (values descending, padded with the structural zeros). */
export interface SpectrumSummary {
  readonly rows: number;
  readonly cols: number;
  readonly rank: number;
  /** σ_max·max(m, n)·ε, ε of `precision`. */
  readonly cutoff: number;
  /** The precision the operator's weights were stored in, whose ε the cut-off uses (float32 for a weights file's F32 tensors). */
  readonly precision: Precision;
  /** σ_max / σ_min over all min(m, n) values: ∞ when rank-deficient. */
  readonly condition: number;
  /** σ_max / σ_rank: the conditioning of the pseudo-inverse on the kept subspace. */
  readonly rangeCondition: number;
  /**
   * Whether all min(m, n) values were known. When not (a matrix-free top-k SVD), rank counts the known
   * values above the cut-off (a lower bound) and both condition numbers are NaN: unknown.
   */
  readonly complete: boolean;
}

/** Rank (cut-off max(m, n)·ε·σ_max, ε of `precision`), condition number and extremes of singular values, descending. */
export function summarise(values: Float64Array, rows: number, cols: number, precision: Precision = "float64", complete = true): SpectrumSummary {
  const max = values[0] ?? 0;
  const cutoff = max * Math.max(rows, cols) * MACHINE_EPSILON[precision];
  let rank = 0;
  for (const s of values) if (s > cutoff) rank++;
  const min = values[Math.min(rows, cols) - 1] ?? 0;
  if (!complete) return { rows, cols, rank, cutoff, precision, condition: Number.NaN, rangeCondition: Number.NaN, complete };
  return {
    complete,
    rows,
    cols,
    rank,
    cutoff,
    precision,
    condition: rank < Math.min(rows, cols) || min <= 0 ? Infinity : max / min,
    rangeCondition: rank === 0 ? Infinity : max / (values[rank - 1] ?? max),
  };
}

/** Columns 0 … k−1 of a float64 matrix as k float32 rows (coordinates of k points). */
function columnsAsRows(m: Matrix, k: number): Float32Array {
  const out = new Float32Array(k * m.rows);
  for (let j = 0; j < k; j++) for (let i = 0; i < m.rows; i++) out[j * m.rows + i] = m.data[i * m.cols + j] ?? 0;
  return out;
}

/** Data points g⁻¹(z) of k coordinate rows (the rows themselves for a Euclidean space). */
async function decode(end: MapEnd, coords: Float32Array, k: number): Promise<Float32Array> {
  if (end.chart === undefined || k === 0) return coords;
  const chart = end.chart;
  const points = tf.tidy(() => chart.inverse(tf.tensor2d(coords, [k, end.dim], "float32")));
  try {
    return Float32Array.from(await points.data());
  } finally {
    points.dispose();
  }
}

/** One end of the map: its space and the shape of one point. */
export interface SpectrumEnd {
  readonly space: string;
  readonly shape: readonly number[];
}

/** What `spectrumOf` computed: a map's singular values and vectors, and their summary. */
export interface Spectrum {
  readonly map: string;
  /** The optimised operator's label. */
  readonly operator: string;
  readonly method: DecompositionMethod;
  readonly rows: number;
  readonly cols: number;
  readonly domain: SpectrumEnd;
  readonly codomain: SpectrumEnd;
  /** All min(m, n) singular values, descending. */
  readonly values: Float64Array;
  readonly summary: SpectrumSummary;
  /** Matrix-free only: what certifies the top values (each within errorBound of a distinct true singular value). */
  readonly certificate?: LeadingSvd["certificate"];
  /** How many singular vectors were decoded: min(top, the nonzero values the SVD returned). */
  readonly k: number;
  /** The right singular vectors ṽᵢ as k data points of the domain, [k, …domain shape]. */
  readonly right: Float32Array;
  /** The left singular vectors ũᵢ as k data points of the codomain, [k, …codomain shape]. */
  readonly left: Float32Array;
}

/** The spectrum of `map` in a program compiled with it among its targets, with its top `top` singular vectors decoded. */
export async function spectrumOf(compiled: CompiledProgram, map: string, top: number): Promise<Spectrum> {
  const form = mapNormalForm(compiled, map);
  const { rows, cols } = form.operator;
  // The leading `top` triplets only: at image scale the full SVD's factors would be n×n.
  const result = leadingSvd(form.operator, top);
  const values = result.values;
  const k = Math.min(top, result.s.length);
  return {
    map,
    operator: form.label,
    method: result.method,
    rows,
    cols,
    domain: { space: form.domain.space, shape: form.domain.shape },
    codomain: { space: form.codomain.space, shape: form.codomain.shape },
    values,
    summary: summarise(values, rows, cols, result.precision, result.complete),
    ...(result.certificate === undefined ? {} : { certificate: result.certificate }),
    k,
    right: await decode(form.domain, columnsAsRows(result.v, k), k),
    left: await decode(form.codomain, columnsAsRows(result.u, k), k),
  };
}

/** A pseudo-inverse a target applies: pinv(A)'s A, with A's rank, cut-off and conditioning. */
export interface PinvSummary {
  /** A as written (formatExpr). */
  readonly label: string;
  /** Undefined on the matrix-free route, where A⁺ is applied by LSQR and no spectrum is computed. */
  readonly summary: SpectrumSummary | undefined;
  /** How pinv(A) is computed, and why (runtime/operator/route.ts). */
  readonly route: RouteChoice;
}

/**
 * Every pinv(A) with a time-free bound A that `target` reaches in the program as bound (before
 * optimisation folds it away), once per A: what `linea run` reports, as `linea svd` does for a map.
 */
export function pinvSummaries(compiled: CompiledProgram, target: string): PinvSummary[] {
  const found = new Map<string, OpExpr>();
  forEachOperator(compiled.bound.ir, [target], (e) => {
    const inner = boundPinvOperand(e);
    if (inner !== undefined) found.set(formatExpr(inner), inner);
  });
  return [...found].map(([label, inner]) => {
    const op = evaluateOperator(inner);
    const route = decompositionRoute(op, "pinv");
    if (route.route === "matrix-free") return { label, summary: undefined, route };
    const result = leadingSvd(op, 0);
    return { label, summary: summarise(result.values, inner.rows, inner.cols, result.precision, result.complete), route };
  });
}
