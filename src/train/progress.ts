// The progress display on stderr: on a terminal one line redrawn in place (at most 10 times a
// second) with a bar, the step, the loss, steps/s and the ETA; elsewhere (logs, CI) a plain line
// after the run's first step (so a log shows at once that training started, and its rate) and every
// `percent` % of the run.
import type { Progress } from "./trainer.js";

/** Seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(sec).padStart(2, "0")}s` : `${sec}s`;
}

/** One progress line: a bar, the step, the loss, the rate and the time left. */
export function progressLine(p: Progress, width = 24): string {
  const filled = Math.round((width * p.step) / Math.max(1, p.total));
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  return `${bar} step ${p.step}/${p.total}  loss ${p.loss.toPrecision(4)}  ${p.stepsPerSecond.toFixed(1)} steps/s  ETA ${formatDuration(p.etaSeconds)}`;
}

export interface ProgressReporter {
  update(p: Progress): void;
  /** Ends the in-place line (before other output). */
  finish(): void;
}

/** Writes progress lines: redrawn in place on a TTY, every `percent` % otherwise. */
export function progressReporter(write: (text: string) => void, tty: boolean, percent = 10): ProgressReporter {
  let last = 0;
  let drawn = false;
  let nextMark = -1;
  return {
    update(p) {
      if (tty) {
        const now = Date.now();
        if (now - last < 100 && p.step !== p.total) return;
        last = now;
        write(`\r${progressLine(p)}\x1b[K`);
        drawn = true;
        return;
      }
      const every = Math.max(1, Math.round((p.total * percent) / 100));
      if (nextMark < 0) nextMark = (Math.floor(p.start / every) + 1) * every;
      if (p.step === p.start + 1 || p.step >= nextMark || p.step === p.total) {
        write(`${progressLine(p)}\n`);
        while (nextMark <= p.step) nextMark += every;
      }
    },
    finish() {
      if (drawn) write("\n");
      drawn = false;
    },
  };
}
