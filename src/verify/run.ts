// Runs a law check with fast-check: `runs` samples from the check's arbitrary under a seed; on a
// failure fast-check shrinks the sample to a small counterexample and reports the path that, with the
// same seed, replays it. The worst error over all samples is kept for the report.
import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import { Scope, type Check, type CheckResult, type CheckSpec, type Measurement, type RunOptions } from "./law.js";

async function measured<T>(spec: CheckSpec<T>, sample: T, override: number | undefined): Promise<Measurement> {
  const scope = new Scope();
  // An engine scope frees the loose tensors a measurement makes (tf.tidy cannot wrap async code). The
  // samples of a check, and the checks, run one after another, so no other scope interleaves with it.
  tf.engine().startScope();
  try {
    const m = await spec.measure(sample, scope);
    return override === undefined ? m : { error: m.error, tolerance: override };
  } finally {
    tf.engine().endScope();
    scope.dispose();
  }
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A measurement passes when its error is at most its tolerance (NaN never passes). */
export const within = (m: Measurement): boolean => m.error <= m.tolerance;

/** A Check from a spec: seeded samples, the worst measurement kept as the counterexample. */
export function makeCheck<T>(spec: CheckSpec<T>): Check {
  return {
    law: spec.law,
    property: spec.property,
    subject: spec.subject,
    async run(options: RunOptions): Promise<CheckResult> {
      let worst: Measurement | undefined;
      const property = fc.asyncProperty(spec.arbitrary, async (sample) => {
        const m = await measured(spec, sample, options.tolerance);
        if (worst === undefined || !(m.error / m.tolerance < worst.error / worst.tolerance)) worst = m;
        return within(m);
      });
      const details = await fc.check(property, {
        numRuns: options.runs,
        seed: options.seed,
        ...(options.path === undefined ? {} : { path: options.path }),
      });
      const note = spec.summary?.();
      const base = {
        law: spec.law,
        property: spec.property,
        subject: spec.subject,
        runs: details.numRuns,
        seed: details.seed,
        ...(note === undefined ? {} : { note }),
      };
      if (!details.failed) {
        return { ...base, passed: true, worstError: worst?.error ?? 0, tolerance: worst?.tolerance ?? Number.NaN };
      }
      const counter = details.counterexample?.[0];
      let counterMeasurement: Measurement | undefined;
      let failure: string | undefined;
      if (counter !== undefined) {
        try {
          counterMeasurement = await measured(spec, counter, options.tolerance);
        } catch (e) {
          failure = message(e);
        }
      }
      if (details.errorInstance !== null && details.errorInstance !== undefined) failure = message(details.errorInstance);
      return {
        ...base,
        passed: false,
        worstError: worst?.error ?? Number.NaN,
        tolerance: worst?.tolerance ?? Number.NaN,
        ...(counter === undefined ? {} : { counterexample: spec.show(counter) }),
        ...(counterMeasurement === undefined ? {} : { counterexampleError: counterMeasurement.error, counterexampleTolerance: counterMeasurement.tolerance }),
        ...(details.counterexamplePath === null ? {} : { path: details.counterexamplePath }),
        ...(failure === undefined ? {} : { failure }),
      };
    },
  };
}

/** Runs every check, one after another, and returns the results in order; `progress` hears each one as it completes. */
export async function runChecks(checks: readonly Check[], options: RunOptions, progress?: (r: CheckResult) => void): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const c of checks) {
    const r = await c.run(options);
    progress?.(r);
    results.push(r);
  }
  return results;
}
