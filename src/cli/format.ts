// Number and path formatting shared by the commands that print an application's results.
import { displayPath } from "../diagnostics/display_path.js";

/** JSON has no ∞: an exact agreement's PSNR (or a rank-deficient condition number) is written as null. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** A PSNR for a table: "∞" for exact agreement. */
export function formatDb(x: number): string {
  return Number.isFinite(x) ? x.toFixed(1) : "∞";
}

/** Four significant digits, "∞" for an infinite condition number. */
export function formatValue(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : "∞";
}

/** An output folder as a `wrote …` line names it: relative to the working directory unless it lies outside. */
export function shownDir(cwd: string, dir: string): string {
  return displayPath(dir, cwd, ".");
}
