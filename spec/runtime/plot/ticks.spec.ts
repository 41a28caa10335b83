// Axis ticks: 1-2-5 steps inside the range, integer steps for index axes, powers of ten on log axes.
// Each law has a control that breaks it (a non-nice step, a fractional tick, a non-power tick).
import { describe, expect, it } from "vitest";
import { formatPower, formatStepped, linearTicks, logTicks, niceStep } from "../../../src/runtime/plot/index.js";

/** Whether `step` is 1, 2 or 5 times a power of ten (to 1e-9 relative, well above float64 rounding). */
function isNice(step: number): boolean {
  const p = 10 ** Math.floor(Math.log10(step) + 1e-12);
  return [1, 2, 5, 10].some((m) => Math.abs(step / p - m) < 1e-9);
}

describe("niceStep", () => {
  it("rounds span / target to 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(1, 5)).toBeCloseTo(0.2, 15);
    expect(niceStep(31, 5)).toBe(5);
    expect(niceStep(7e-13, 7)).toBeCloseTo(1e-13, 27);
    for (const span of [0.013, 3.7, 42, 999, 1.23e7]) for (const target of [3, 5, 8]) expect(isNice(niceStep(span, target))).toBe(true);
    // Control: the law's checker rejects a step that is not 1-2-5.
    expect(isNice(0.3)).toBe(false);
  });
});

describe("linearTicks", () => {
  it("puts ticks at multiples of a nice step inside the range, labelled to the step's precision", () => {
    const ticks = linearTicks(-0.07, 1.03, 5);
    expect(ticks.map((t) => t.label)).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    const steps = ticks.slice(1).map((t, i) => t.at - ticks[i].at);
    for (const s of steps) expect(isNice(Number(s.toPrecision(12)))).toBe(true);
    for (const t of ticks) expect(t.at >= -0.07 && t.at <= 1.03).toBe(true);
    expect(linearTicks(1, 1, 5)).toEqual([]);
  });

  it("keeps index axes on integers; the same range without the flag gets fractional ticks (control)", () => {
    const index = linearTicks(0.94, 3.06, 10, true);
    expect(index.map((t) => t.at)).toEqual([1, 2, 3]);
    expect(index.map((t) => t.label)).toEqual(["1", "2", "3"]);
    const plain = linearTicks(0.94, 3.06, 10, false);
    expect(plain.some((t) => !Number.isInteger(t.at))).toBe(true);
    expect(linearTicks(0.07, 32.9, 5, true).map((t) => t.at)).toEqual([5, 10, 15, 20, 25, 30]);
  });

  it("prints very small and very large steps in exponent form", () => {
    expect(formatStepped(2.5e-6, 5e-7)).toBe("2.5e-6");
    expect(formatStepped(300000, 100000)).toBe("3e5");
    expect(formatStepped(0.3, 0.1)).toBe("0.3");
  });
});

describe("logTicks", () => {
  it("puts ticks at powers of ten over many decades, thinned to about the target", () => {
    const ticks = logTicks(Math.log10(2.1e-15), Math.log10(5.12), 6);
    for (const t of ticks) expect(Number.isInteger(t.at)).toBe(true);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks.length).toBeLessThanOrEqual(12);
    expect(ticks.map((t) => t.label)).toContain("1e-14");
    // Control: [2, 4] holds no power of ten and only one 1-2-5 value, so it falls back to linear values.
    const narrow = logTicks(Math.log10(2), Math.log10(4), 6);
    expect(narrow.map((t) => t.label)).toEqual(["2.0", "2.5", "3.0", "3.5", "4.0"]);
    for (const t of narrow) expect(t.at >= Math.log10(2) - 1e-12 && t.at <= Math.log10(4) + 1e-12).toBe(true);
  });

  it("adds 2 and 5 between powers over up to three decades", () => {
    const ticks = logTicks(Math.log10(0.06), Math.log10(2.4), 6);
    expect(ticks.map((t) => t.label)).toEqual(["0.1", "0.2", "0.5", "1", "2"]);
    // One power of ten in range (the spectrum of v_mid, 0.29 … 2.98).
    expect(logTicks(Math.log10(0.29), Math.log10(2.98), 6).map((t) => t.label)).toEqual(["0.5", "1", "2"]);
  });

  it("writes short powers plainly and long ones as 1eK", () => {
    expect([-3, -1, 0, 2, 3, 4, -15].map(formatPower)).toEqual(["0.001", "0.1", "1", "100", "1000", "1e4", "1e-15"]);
  });
});
