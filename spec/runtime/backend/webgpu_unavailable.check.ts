// The WebGPU suite's only file where no adapter exists (vitest.webgpu.config.ts includes it then, and
// only then; its name is not *.spec.ts, so the main suite never runs it): one skipped test whose title
// gives the reason, so the skip shows in the reporter and the JSON report, never as a silent pass.
import { describe, it } from "vitest";

const reason = process.env.LINEA_WEBGPU_SKIP_REASON ?? "no WebGPU adapter";
describe.skip(`WebGPU suite SKIPPED: ${reason}`, () => {
  it("needs a WebGPU adapter", () => undefined);
});
