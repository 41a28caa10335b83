// `webgpu` and `@tensorflow/tfjs-backend-webgpu` are optional peers of linea: when they cannot be
// imported, --backend webgpu is LIN1082 with the exact npm install line. The packages are made
// unimportable here with vi.mock; select.spec.ts is the control, where they import and either an
// adapter is found or LIN1083 (no adapter) is reported.
import { describe, expect, it, vi } from "vitest";
import { importWebGpuBackend, probeWebGpuAdapter } from "../../../src/runtime/backend/webgpu.js";

vi.mock("webgpu", () => {
  throw new Error("Cannot find package 'webgpu'");
});
vi.mock("@tensorflow/tfjs-backend-webgpu", () => {
  throw new Error("Cannot find package '@tensorflow/tfjs-backend-webgpu'");
});

const install = "npm install webgpu @tensorflow/tfjs-backend-webgpu@^4.22";

describe("webgpu without its optional packages", () => {
  it("Dawn missing is LIN1082 naming what to install", async () => {
    await expect(probeWebGpuAdapter()).rejects.toMatchObject({ code: "LIN1082", message: expect.stringContaining(install) });
  });

  it("tfjs's WebGPU backend missing is LIN1082 naming what to install", async () => {
    await expect(importWebGpuBackend()).rejects.toMatchObject({ code: "LIN1082", message: expect.stringContaining(install) });
  });
});
