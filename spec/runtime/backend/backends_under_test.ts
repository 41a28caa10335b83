// The backends the runtime suites run on (test helper). To add one in CI, extend the default list or
// set LINEA_TEST_BACKENDS=wasm,cpu,webgpu. A listed backend that cannot start here (no WebGPU
// adapter) shows up as a skipped suite whose title gives the reason, never as a silent pass.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, it } from "vitest";
import { BackendError } from "../../../src/runtime/backend/errors.js";
import { type ConcreteBackend, resolveBackendName, selectBackend } from "../../../src/runtime/backend/select.js";

export const DEFAULT_BACKENDS_UNDER_TEST = "wasm,cpu";

export interface ProbedBackend {
  readonly name: ConcreteBackend;
  readonly available: boolean;
  /** The backend's description when available, the reason when not. */
  readonly detail: string;
}

export function backendsUnderTest(): ConcreteBackend[] {
  const list = process.env.LINEA_TEST_BACKENDS ?? DEFAULT_BACKENDS_UNDER_TEST;
  return list.split(",").map((s) => resolveBackendName(s.trim()));
}

/** Starts each backend once; the last one started stays active until a suite selects its own. */
export async function probeBackends(): Promise<ProbedBackend[]> {
  const out: ProbedBackend[] = [];
  for (const name of backendsUnderTest()) {
    try {
      const b = await selectBackend(name);
      out.push({ name, available: true, detail: b.description });
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      out.push({ name, available: false, detail: `${e.code}: ${e.message}` });
    }
  }
  return out;
}

/** describe() per backend under test, with the backend selected before the suite's tests run. */
export function describeOnBackends(title: string, probed: readonly ProbedBackend[], body: (backend: ConcreteBackend) => void): void {
  for (const b of probed) {
    if (!b.available) {
      describe.skip(`${title} [${b.name}] SKIPPED: ${b.detail}`, () => {
        it("needs the backend", () => undefined);
      });
      continue;
    }
    describe(`${title} [${b.name}]`, () => {
      beforeAll(async () => {
        await selectBackend(b.name);
        // tfjs-webgpu runs small ops on the CPU by default; the tests' tensors are small, and the
        // point is to test the GPU kernels.
        if (b.name === "webgpu") tf.env().set("WEBGPU_CPU_FORWARD", false);
      });
      body(b.name);
    });
  }
}
