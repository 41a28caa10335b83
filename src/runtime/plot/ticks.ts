// Axis ticks at "nice" values: steps of 1, 2 or 5 times a power of ten (Heckbert, "Nice numbers for
// graph labels", Graphics Gems 1990), integer steps for index axes, and powers of ten on log axes.
// Labels are formatted from the step, so that neighbouring ticks differ in their printed digits.

export interface Tick {
  /** Position in axis coordinates (log10 of the value on a log axis). */
  readonly at: number;
  readonly label: string;
}

/** The 1-2-5 step closest to `span / target`. */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const mantissa = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
  return mantissa * power;
}

/** `v` printed to the precision that `step` resolves; exponent form for very large or small numbers. */
export function formatStepped(v: number, step: number): string {
  if (v === 0) return "0";
  const stepDigit = Math.floor(Math.log10(step) + 1e-9);
  if (Math.abs(v) >= 1e5 || stepDigit < -4) {
    const digits = Math.max(0, Math.floor(Math.log10(Math.abs(v)) + 1e-9) - stepDigit);
    return v.toExponential(Math.min(digits, 6)).replace("e+", "e");
  }
  return v.toFixed(Math.max(0, -stepDigit));
}

/** Ticks at multiples of a 1-2-5 step inside [lo, hi], about `target` of them; `integer` keeps steps ≥ 1. */
export function linearTicks(lo: number, hi: number, target = 5, integer = false): Tick[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) return [];
  let step = niceStep(hi - lo, target);
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: Tick[] = [];
  for (let k = first; k <= last; k++) {
    // k·step, not a running sum, and rounded to 12 digits so that 3 × 0.1 prints as 0.3.
    const at = Number((k * step).toPrecision(12));
    ticks.push({ at, label: formatStepped(at, step) });
  }
  return ticks;
}

/** "1e-15", "0.01", "1", "1000", "1e5": a power of ten, plain while short. */
export function formatPower(k: number): string {
  return Math.abs(k) <= 3 ? formatStepped(10 ** k, 10 ** Math.min(k, 0)) : `1e${k}`;
}

/**
 * Ticks for a log axis spanning [lo, hi] in log10 units: at powers of ten (every 1, 2, 5, 10, …
 * decades, about `target` of them) when the range spans more than three; else at 1, 2 and 5 times the
 * powers of ten, if that gives two ticks or more; otherwise (a range as narrow as [2, 4]) at 1-2-5
 * values of the linear range, which such a range needs to show more than one tick.
 */
export function logTicks(lo: number, hi: number, target = 6): Tick[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) return [];
  const first = Math.ceil(lo - 1e-9);
  const last = Math.floor(hi + 1e-9);
  if (last - first < 3) {
    // Up to three decades: 1, 2 and 5 in each, else the few powers leave the axis nearly bare.
    const ticks: Tick[] = [];
    for (let k = first - 1; k <= last; k++) {
      for (const m of [1, 2, 5]) {
        const at = Math.log10(m) + k;
        if (at >= lo - 1e-9 && at <= hi + 1e-9) ticks.push({ at, label: formatStepped(m * 10 ** k, 10 ** Math.min(k, 0)) });
      }
    }
    if (ticks.length >= 2) return ticks;
  }
  if (last - first >= 1) {
    const every = Math.max(1, Math.round(niceStep(last - first, target)));
    const ticks: Tick[] = [];
    for (let k = first; k <= last; k++) if (k % every === 0) ticks.push({ at: k, label: formatPower(k) });
    return ticks;
  }
  return linearTicks(10 ** lo, 10 ** hi, Math.min(target, 4))
    .filter((t) => t.at > 0)
    .map((t) => ({ at: Math.log10(t.at), label: t.label }));
}
