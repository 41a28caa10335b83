// The warning `linea svd`, `linea invert` and `linea run` print when a float32 pseudo-inverse of an
// operator is unreliable (its own module: run and svd both use it, and svd imports run's flag helpers).
import { FLOAT32_PINV_CONDITION, type SpectrumSummary } from "../apps/spectrum.js";
import { formatValue as fmt } from "./format.js";

/** The WARNING line when a float32 pinv of the operator is unreliable (also `linea invert`'s); else undefined. */
export function pinvWarning(name: string, s: SpectrumSummary): string | undefined {
  const c = s.rangeCondition;
  if (!(c > FLOAT32_PINV_CONDITION)) return undefined; // NaN: unknown (top-k values only)
  return `WARNING: ${name} is ill-conditioned (σ_1/σ_${s.rank} = ${fmt(c)} > 1/√ε_float32 ≈ ${FLOAT32_PINV_CONDITION.toFixed(0)}): a float32 pinv(${name}) is unreliable (about ${Math.min(7, Math.log10(c)).toFixed(1)} of float32's ~7 digits are lost)`;
}
