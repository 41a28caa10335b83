// onnxruntime-node is an optional dependency: when it cannot be imported, --backend onnx is LIN1086 with
// the exact install line, raised before anything is bound. The package is made unimportable here with
// vi.mock; onnxRuntime.spec.ts is the control, where it imports and runs an exported graph.
import { describe, expect, it, vi } from "vitest";
import { createOnnxRunner, loadOnnxRuntime } from "../../../src/runtime/backend/onnxRuntime.js";
import { startBackend } from "../../../src/compiler/execute/program.js";

vi.mock("onnxruntime-node", () => {
  throw new Error("Cannot find package 'onnxruntime-node'");
});

const install = "ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.31";

describe("the onnx backend without onnxruntime-node", () => {
  it("loading it is LIN1086 naming what to install", async () => {
    await expect(loadOnnxRuntime()).rejects.toMatchObject({ code: "LIN1086", message: expect.stringContaining(install) });
  });

  it("a session cannot be made either (same code, not a crash)", async () => {
    await expect(createOnnxRunner(new Uint8Array(8), 1)).rejects.toMatchObject({ code: "LIN1086" });
  });

  it("compile's backend start reports it before binding anything", async () => {
    await expect(startBackend({ backend: "onnx" })).rejects.toMatchObject({ code: "LIN1086" });
  });
});
