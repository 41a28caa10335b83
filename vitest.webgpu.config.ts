// The runtime's WebGPU suite (`npm run test:webgpu`): the runtime conformance specs with every backend
// switch set to webgpu, on whatever adapter Dawn finds (Mesa's lavapipe in CI, the real GPU on a GPU
// machine). No adapter → the suite is SKIPPED, exit 0: one skipped test whose title gives the reason
// (spec/runtime/backend/webgpu_unavailable.check.ts); LINEA_WEBGPU_REQUIRED=1 turns that into a failure
// (for machines that must have one). An adapter and a failing test → exit 1.

import { execFileSync } from "node:child_process";
import { defineConfig } from "vitest/config";

// Everything here reads results with await t.data(): tfjs-webgpu's synchronous read needs
// OffscreenCanvas, which Node lacks.
const SPECS = [
  "spec/runtime/backend/**/*.spec.ts",
  "spec/runtime/network/**/*.spec.ts",
  "spec/runtime/io/**/*.spec.ts",
  "spec/runtime/operator/**/*.spec.ts",
  "spec/runtime/space/**/*.spec.ts",
  // `linea verify --backend webgpu` on a small spec, with a false claim that must still be caught
  "spec/cli/verify_backends.spec.ts",
  // a few steps of `linea train` (flow matching) on webgpu, with checkpoint and resume
  "spec/train/backends.spec.ts",
];
const UNAVAILABLE = "spec/runtime/backend/webgpu_unavailable.check.ts";

type Probe = { ok: true; adapter: string; software: boolean } | { ok: false; reason: string };

/**
 * Asks for an adapter in a child process, through the same code the runtime uses: Dawn stays out of
 * vitest's main process, and a driver that crashes while probing reads as "no adapter", with its output.
 */
function probeAdapter(): Probe {
  const script = `
    import { probeWebGpuAdapter } from "./src/runtime/backend/webgpu.js";
    try {
      const a = await probeWebGpuAdapter();
      const name = [a.vendor, a.architecture, a.device, a.description].filter((s) => s !== "").join(" / ");
      console.log(JSON.stringify({ ok: true, adapter: name || "unnamed", software: a.software }));
    } catch (e) {
      console.log(JSON.stringify({ ok: false, reason: (e.code ? e.code + ": " : "") + e.message }));
    }`;
  try {
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    const last = out.trim().split("\n").pop() ?? "";
    return JSON.parse(last) as Probe;
  } catch (e) {
    const err = e as { message: string; stderr?: string };
    return { ok: false, reason: `the adapter probe failed: ${(err.stderr ?? err.message).trim().split("\n").slice(-3).join(" | ")}` };
  }
}

const probe = probeAdapter();
const required = process.env.LINEA_WEBGPU_REQUIRED === "1";
if (probe.ok) {
  console.log(`[webgpu suite] adapter: ${probe.adapter}${probe.software ? " (software)" : ""}`);
} else if (required) {
  throw new Error(`[webgpu suite] LINEA_WEBGPU_REQUIRED=1 but there is no WebGPU adapter: ${probe.reason}`);
} else {
  console.log(`[webgpu suite] SKIPPED: no WebGPU adapter here (${probe.reason})`);
}

export default defineConfig({
  test: {
    include: probe.ok ? SPECS : [UNAVAILABLE],
    // That spec makes the WebGPU packages unimportable with vi.mock; this suite's setup file has
    // already loaded them, so the mock cannot take. It is about their absence, so it runs in `npm test`.
    exclude: ["spec/runtime/backend/webgpu_optional.spec.ts", "**/node_modules/**"],
    // describeOnBackends (network, io, backend, cli verify) reads LINEA_TEST_BACKENDS; operator and space read LINEA_BACKEND.
    env: { LINEA_TEST_BACKENDS: "webgpu", LINEA_BACKEND: "webgpu", LINEA_WEBGPU_SKIP_REASON: probe.ok ? "" : probe.reason },
    setupFiles: ["spec/support/fast-check-seed.ts", ...(probe.ok ? ["spec/runtime/backend/webgpu_setup.ts"] : [])],
    // one worker per file (tfjs backends are process-global); two because CI has two cores
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
