// The progress display: plain lines after the first step and every 10% off a terminal (counted from a resumed step), one
// redrawn line on a terminal, and readable durations.
import { describe, expect, it, vi } from "vitest";
import { formatDuration, progressLine, progressReporter } from "../../src/train/index.js";

const at = (step: number, total = 100, start = 0) => ({ step, total, start, loss: 0.5, stepsPerSecond: 2, etaSeconds: (total - step) / 2 });

describe("progress", () => {
  it("prints a line every 10% when stderr is not a terminal", () => {
    const lines: string[] = [];
    const r = progressReporter((t) => lines.push(t), false);
    for (let s = 1; s <= 100; s++) r.update(at(s));
    r.finish();
    // The first step (training has started), then every 10%.
    expect(lines).toHaveLength(11);
    expect(lines[0]).toContain("step 1/100");
    expect(lines[1]).toContain("step 10/100");
    expect(lines[10]).toContain("step 100/100");
    expect(lines.every((l) => l.endsWith("\n") && !l.includes("\r"))).toBe(true);
  });

  it("counts from the resumed step", () => {
    const lines: string[] = [];
    const r = progressReporter((t) => lines.push(t), false);
    for (let s = 45; s <= 100; s++) r.update(at(s, 100, 44));
    expect(lines[0]).toContain("step 45/100");
    expect(lines[1]).toContain("step 50/100");
    expect(lines).toHaveLength(7);
  });

  it("redraws one line on a terminal and ends it", () => {
    // A fake clock: with the real one a descheduled process (a busy CI machine) let 100 ms pass between
    // the first two updates, drew the second, and failed the length check once in a thousand runs.
    vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
    try {
      const out: string[] = [];
      const r = progressReporter((t) => out.push(t), true);
      r.update(at(1));
      vi.advanceTimersByTime(99);
      r.update(at(2)); // within 100 ms of the first: skipped
      vi.advanceTimersByTime(1);
      r.update(at(3)); // 100 ms after the first: drawn
      r.update(at(100)); // the last step is always drawn
      r.finish();
      expect(out).toHaveLength(4);
      expect(out[0].startsWith("\r")).toBe(true);
      expect(out[1]).toContain("step 3/100");
      expect(out[2]).toContain("step 100/100");
      expect(out[3]).toBe("\n");
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the loss, rate and ETA", () => {
    expect(progressLine(at(50))).toMatch(/\[#{12}-{12}\] step 50\/100 {2}loss 0\.5000 {2}2\.0 steps\/s {2}ETA 25s/);
    expect(formatDuration(3725)).toBe("1h02m");
    expect(formatDuration(65)).toBe("1m05s");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("?");
  });
});
