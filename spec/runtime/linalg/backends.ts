// Runs a test body against each dense linear-algebra backend, so both paths meet the same assertions.
import { describe } from "vitest";
import { jsLinalg, nativeLinalg, type Linalg } from "../../../src/runtime/linalg/index.js";

/** Runs `body` once per backend; the native block is skipped, with its reason in the title, when the addon is absent. */
export function describeEachBackend(title: string, body: (linalg: Linalg) => void): void {
  describe(`${title} [js]`, () => body(jsLinalg));
  const native = nativeLinalg();
  if ("linalg" in native) {
    describe(`${title} [native]`, () => body(native.linalg));
  } else {
    describe.skip(`${title} [native] — skipped: ${native.reason}`, () => body(jsLinalg));
  }
}
