// Helpers every benchmark shares: command-line flags, the median, and timing a tfjs call with its
// read-back (so the device work is inside the measurement). A helper module, not a benchmark
// (bench/run.ts lists only bench/*.ts).
import { execFileSync } from "node:child_process";
import type * as tf from "@tensorflow/tfjs-core";

/** The value after `--name`, or undefined when the flag is absent. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function flag(argv: readonly string[], name: string, fallback: string): string {
  return flagValue(argv, name) ?? fallback;
}

/** The median (the mean of the two middle values for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** Wall time of one call, reading its result back. */
export async function timed(body: () => tf.Tensor): Promise<number> {
  const t0 = performance.now();
  const y = body();
  await y.data();
  const ms = performance.now() - t0;
  y.dispose();
  return ms;
}

/** Median wall time of `runs` calls after `warmup` untimed ones. */
export async function medianTime(runs: number, body: () => tf.Tensor, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await timed(body);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(body));
  return median(times);
}

/**
 * A Python that can import `module` (torch, numpy): LINEA_TORCH_PYTHON, Debian's /usr/bin/python3
 * (python3-torch, python3-numpy), or python3 on the PATH; undefined when none can.
 */
export function pythonWith(module: string): string | undefined {
  for (const p of [process.env.LINEA_TORCH_PYTHON, "/usr/bin/python3", "python3"]) {
    if (p === undefined || p === "") continue;
    try {
      execFileSync(p, ["-c", `import ${module}`], { stdio: "ignore" });
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}
