// How `linea verify` shows results: one line per law check as it completes, the shrunk counterexample
// and the replay command under a failure, a summary line; or one JSON document.
import type { Location } from "../ast/source.js";
import type { CheckResult } from "./law.js";

export interface TargetReport {
  readonly label: string;
  readonly location?: Location;
  readonly problem?: string;
  readonly results: readonly CheckResult[];
}

const num = (x: number): string => (Number.isFinite(x) ? x.toExponential(2) : String(x));

export function formatLocation(l: Location | undefined, relative: (uri: string) => string): string {
  return l === undefined ? "" : `  (${relative(l.uri)}:${l.range.start.line + 1}:${l.range.start.character + 1})`;
}

/** One check: status, law, equation, worst error against tolerance; on failure the counterexample and replay. */
export function formatResult(r: CheckResult, replay: string): string {
  const mark = r.passed ? "✓" : "✗";
  const head = `  ${mark} ${r.law}: ${r.property}  worst ${num(r.worstError)} ${r.passed ? "≤" : ">"} tolerance ${num(r.tolerance)}  (${r.runs} run${r.runs === 1 ? "" : "s"})`;
  const lines = [head];
  if (r.note !== undefined) lines.push(`      ${r.note}`);
  if (r.passed) return lines.join("\n");
  if (r.counterexample !== undefined) {
    const err = r.counterexampleError === undefined ? "" : `  (error ${num(r.counterexampleError)}, tolerance ${num(r.counterexampleTolerance ?? Number.NaN)})`;
    lines.push(`      counterexample: ${r.counterexample}${err}`);
  }
  if (r.failure !== undefined && !/returning false/.test(r.failure)) lines.push(`      raised: ${r.failure.split("\n")[0]}`);
  lines.push(`      replay: ${replay} --seed ${r.seed}`);
  return lines.join("\n");
}

export function failedCount(reports: readonly TargetReport[]): number {
  return reports.reduce((n, t) => n + (t.problem === undefined ? 0 : 1) + t.results.filter((r) => !r.passed).length, 0);
}

export function formatSummary(reports: readonly TargetReport[]): string {
  const total = reports.reduce((n, t) => n + t.results.length, 0);
  const failed = failedCount(reports);
  const unchecked = reports.filter((t) => t.problem !== undefined).length;
  return `${total} law check${total === 1 ? "" : "s"}: ${total - (failed - unchecked)} passed, ${failed - unchecked} failed${unchecked > 0 ? `; ${unchecked} statement${unchecked === 1 ? "" : "s"} could not be checked` : ""}`;
}

/** The report as one JSON value; `locate` writes a statement's location (the CLI's one convention: a URI and LSP's 0-based range). */
export function toJson(file: string, reports: readonly TargetReport[], locate: (l: Location) => unknown): Record<string, unknown> {
  return {
    file,
    passed: failedCount(reports) === 0,
    targets: reports.map((t) => ({
      label: t.label,
      ...(t.location === undefined ? {} : { location: locate(t.location) }),
      ...(t.problem === undefined ? {} : { problem: t.problem }),
      results: t.results.map((r) => ({
        ...r,
        worstError: Number.isFinite(r.worstError) ? r.worstError : String(r.worstError),
        tolerance: Number.isFinite(r.tolerance) ? r.tolerance : String(r.tolerance),
      })),
    })),
  };
}
