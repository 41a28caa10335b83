// depthwise_conv(padding = …) in the language: the checker takes same (the default) and circular and
// refuses any other value; lowering and binding turn padding = circular into a circulant_conv runtime
// operator (the periodic convolution of the same k×k taps) and the default into a depthwise_conv.
// Controls: padding = reflect is refused; styles with padding = circular is refused at binding.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { isLeft } from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { checkText } from "../../../src/index.js";
import { OperatorBinder } from "../../../src/compiler/binding/operators.js";
import { compile } from "../../../src/compiler/execute/program.js";
import { lower } from "../../../src/compiler/lowering/lower.js";
import { materialise, multiplyHost, operatorParameters, svd, type LinearOperator } from "../../../src/runtime/operator/index.js";
import { matrix } from "../../../src/runtime/linalg/index.js";
import { checkSource, codesOf } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "linea-circulant-"));

const program = (padding: string, extra = ""): string => `space X = R[2, 4, 6];
operator K = depthwise_conv(kernel = 3, height = 4, channels = 2${padding}${extra});
map f : X -> X = K;
entry e(x : X) = f(x);
`;

function checked(text: string) {
  const r = checkText(text, join(dir, "spec.lin"));
  if (isLeft(r)) throw new Error(r.left.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return r.right;
}

function bound(text: string): LinearOperator {
  const program = checked(text);
  const binder = new OperatorBinder(program, 3);
  lower(program, { bind: binder.bind });
  const [op] = [...binder.bound.values()].map((b) => b.operator);
  return op;
}

describe("depthwise_conv(padding = …)", () => {
  it("checks padding = same and padding = circular; control: padding = reflect is refused", () => {
    expect(codesOf(checkSource(program(", padding = circular")).diagnostics)).toEqual([]);
    expect(codesOf(checkSource(program(", padding = same")).diagnostics)).toEqual([]);
    expect(codesOf(checkSource(program(", padding = reflect")).diagnostics).length).toBeGreaterThan(0);
  });

  it("binds padding = circular to a circulant_conv of the same seeded taps, the default to a depthwise_conv", () => {
    const circular = bound(program(", padding = circular"));
    const same = bound(program(""));
    expect(circular.kind).toBe("circulant_conv");
    expect(same.kind).toBe("depthwise_conv");
    expect(bound(program(", padding = same")).kind).toBe("depthwise_conv");
    if (circular.kind !== "circulant_conv" || same.kind !== "depthwise_conv") return;
    // One seed, one set of taps: the circular leaf saves exactly the zero-padded leaf's kernel.
    expect(operatorParameters(circular).get("kernel")?.data).toEqual(same.kernel);
    // Control: the two matrices differ (wrap-around), and the circulant's SVD is the structured one.
    const a = materialise(circular).data;
    const b = materialise(same).data;
    expect(a.some((x, i) => x !== b[i])).toBe(true);
    expect(svd(circular).method).toBe("structured");
    expect(svd(same).method).toBe("dense");
  });

  it("control: styles with padding = circular is refused when bound (LIN1171)", () => {
    expect(() => bound(program(", padding = circular", ", styles = 2").replace("entry e(x : X) = f(x);\n", ""))).toThrow(/LIN1171|padding = same/);
  });
});

describe("a compiled program with a circular convolution", () => {
  it("runs the entry as the host operator does, and saves and reloads its taps; control: the zero-padded program differs", async () => {
    const text = program(", padding = circular");
    const compiled = await compile(checked(text), { backend: "cpu", seed: 3 });
    const zeroPadded = await compile(checked(program("")), { backend: "cpu", seed: 3 });
    try {
      const op = bound(text);
      const x = Float32Array.from({ length: 2 * 48 }, (_, i) => Math.sin(0.37 * i + 0.1));
      const got = compiled.run("e", tf.tensor2d(x, [2, 48])).dataSync();
      const other = zeroPadded.run("e", tf.tensor2d(x, [2, 48])).dataSync();
      const want = multiplyHost(
        op,
        matrix(
          48,
          2,
          Float64Array.from({ length: 96 }, (_, i) => x[(i % 2) * 48 + Math.floor(i / 2)]),
        ),
      );
      let worst = 0;
      let gap = 0;
      for (let r = 0; r < 2; r++)
        for (let i = 0; i < 48; i++) {
          worst = Math.max(worst, Math.abs(got[r * 48 + i] - want.data[i * 2 + r]));
          gap = Math.max(gap, Math.abs(other[r * 48 + i] - want.data[i * 2 + r]));
        }
      // float32: 9 taps (|w| ≲ 1.3 for this seed's near-identity kernel) on |x| ≤ 1: ≤ 10·ε₃₂·Σ|w·x| < 1e-5.
      expect(worst).toBeLessThan(1e-5);
      expect(gap).toBeGreaterThan(1e-3);
      const file = join(dir, "circular.safetensors");
      await compiled.saveWeights(file);
      const reloaded = await compile(checked(text), { backend: "cpu", seed: 99, weights: file });
      try {
        const again = reloaded.run("e", tf.tensor2d(x, [2, 48])).dataSync();
        expect(Math.max(...Array.from(again, (v, i) => Math.abs(v - got[i])))).toBeLessThan(1e-6);
      } finally {
        reloaded.dispose();
      }
    } finally {
      compiled.dispose();
      zeroPadded.dispose();
    }
  });
});
