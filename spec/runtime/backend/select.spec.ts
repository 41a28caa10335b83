import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { BackendError } from "../../../src/runtime/backend/errors.js";
import { BACKEND_ENV_VAR, resolveBackendName, selectBackend } from "../../../src/runtime/backend/select.js";

describe("resolveBackendName", () => {
  it("prefers the argument, then LINEA_BACKEND, then auto = wasm", () => {
    expect(resolveBackendName("cpu", { [BACKEND_ENV_VAR]: "webgpu" })).toBe("cpu");
    expect(resolveBackendName(undefined, { [BACKEND_ENV_VAR]: "webgpu" })).toBe("webgpu");
    expect(resolveBackendName(undefined, {})).toBe("wasm");
    expect(resolveBackendName("auto", { [BACKEND_ENV_VAR]: "cpu" })).toBe("wasm");
    expect(resolveBackendName(undefined, { [BACKEND_ENV_VAR]: "" })).toBe("wasm");
  });

  it("rejects an unknown name with a stable code, naming where it came from", () => {
    const fromArg = () => resolveBackendName("cuda", {});
    expect(fromArg).toThrow(BackendError);
    expect(fromArg).toThrow(/unknown backend "cuda"/);
    try {
      resolveBackendName(undefined, { [BACKEND_ENV_VAR]: "gpu" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BackendError);
      expect((e as BackendError).code).toBe("LIN1081");
      expect((e as BackendError).message).toContain(BACKEND_ENV_VAR);
    }
  });
});

describe("selectBackend", () => {
  it("starts wasm and cpu and reports which one runs", async () => {
    const handlers = () => process.listeners("uncaughtException").length + process.listeners("unhandledRejection").length;
    const before = handlers();
    const wasm = await selectBackend("wasm");
    // Emscripten's rethrowing process handlers (which print the whole minified glue file on any
    // uncaught error) are removed again after the backend starts.
    expect(handlers()).toBe(before);
    expect(wasm.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(wasm.description).toMatch(/^wasm \((SIMD|no SIMD)/);
    const cpu = await selectBackend("cpu");
    expect(cpu.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    // and the computation really runs there
    expect(Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync())).toEqual([2, 3]);
  });

  it("an absent tensorflow backend is a clear error, not a fallback", async () => {
    await selectBackend("cpu");
    const err = await selectBackend("tensorflow").catch((e: unknown) => e);
    // tfjs-node is an optional peer; this machine does not have it.
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).code).toBe("LIN1082");
    expect((err as BackendError).message).toMatch(/tfjs-node.*CUDA 11\.2/s);
    expect(tf.getBackend()).toBe("cpu"); // unchanged
  });

  it("webgpu either reports its adapter or fails with LIN1083 (no adapter)", async () => {
    const r = await selectBackend("webgpu").catch((e: unknown) => e);
    if (r instanceof BackendError) {
      expect(r.code).toBe("LIN1083");
    } else {
      expect((r as { description: string }).description).toMatch(/^webgpu \(adapter: /);
    }
  });
});
