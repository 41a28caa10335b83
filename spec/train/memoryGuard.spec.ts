// A training step that exhausts the backend's memory is a coded error (LIN0943) naming the batch, not an
// internal error: tfjs-wasm traps with a WebAssembly RuntimeError "memory access out of bounds" when a
// step's saved activations pass its 4 GiB heap (docs/benchmarks.md, conv-network at batch 16).
import { describe, expect, it } from "vitest";
import { TrainError } from "../../src/train/errors.js";
import { backendMemoryError, backendMemoryGuard } from "../../src/train/trainer.js";

function caught(body: () => unknown): unknown {
  try {
    body();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("backendMemoryGuard", () => {
  it("turns wasm's heap trap and other allocation failures into LIN0943 naming step and batch", () => {
    const trap = caught(() =>
      backendMemoryGuard(6, 16, () => {
        throw new WebAssembly.RuntimeError("memory access out of bounds");
      }),
    );
    expect(trap).toBeInstanceOf(TrainError);
    expect((trap as TrainError).code).toBe("LIN0943");
    expect((trap as TrainError).message).toMatch(/step 7 .*lower batch \(now 16\)/);
    const range = caught(() =>
      backendMemoryGuard(0, 4, () => {
        throw new RangeError("Array buffer allocation failed");
      }),
    );
    expect((range as TrainError).code).toBe("LIN0943");
    // emscripten's abort when malloc cannot grow the heap (measured: a 256×256 style-transfer step at batch 4)
    const aborted = caught(() =>
      backendMemoryGuard(0, 4, () => {
        throw new WebAssembly.RuntimeError("Aborted(). Build with -sASSERTIONS for more info.");
      }),
    );
    expect((aborted as TrainError).code).toBe("LIN0943");
  });

  it("names binding as what ran out when ActNorm's first batch does (backendMemoryError)", () => {
    const e = backendMemoryError(new WebAssembly.RuntimeError("Aborted(). Build with -sASSERTIONS for more info."), "binding the model", 8);
    expect(e?.code).toBe("LIN0943");
    expect(e?.message).toMatch(/^binding the model ran out .*lower batch \(now 8\)/);
    expect(backendMemoryError(new Error("a shape mismatch"), "binding the model", 8)).toBeUndefined(); // control
  });

  it("passes every other failure through unchanged, and the value of a step that fits", () => {
    const other = new Error("a shape mismatch");
    expect(
      caught(() =>
        backendMemoryGuard(0, 4, () => {
          throw other;
        }),
      ),
    ).toBe(other);
    // control: a WebAssembly trap that is not about memory is not relabelled
    const unreachable = new WebAssembly.RuntimeError("unreachable");
    expect(
      caught(() =>
        backendMemoryGuard(0, 4, () => {
          throw unreachable;
        }),
      ),
    ).toBe(unreachable);
    expect(backendMemoryGuard(0, 4, () => 42)).toBe(42);
  });
});
