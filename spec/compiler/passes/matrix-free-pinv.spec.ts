// pinv(K) of a zero-padded depthwise convolution at R[3, 40, 40] (D = 4800, past the dense limit): the
// compiler folds it to an iterative_pinv (never a 4800×4800 matrix), `--emit explain` says so and why,
// and the compiled program's f(h(x)) returns x. The forward convolution alone is the control.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { isLeft } from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { checkText } from "../../../src/index.js";
import { compile } from "../../../src/compiler/execute/program.js";

const EPS32 = 2 ** -23;
const dir = mkdtempSync(join(tmpdir(), "linea-mf-pinv-"));
const text = `space X = R[3, 40, 40];
operator K = depthwise_conv(kernel = 3, channels = 3, height = 40);
map f : X -> X = K;
map h : X -> X = pinv(K);
entry fwd(x : X) = f(x);
entry back(x : X) = h(x);
`;

describe("pinv of a convolution past the dense limit", { timeout: 120_000 }, () => {
  it("folds to an iterative_pinv that explain names, and f(h(x)) = x", async () => {
    const checked = checkText(text, join(dir, "spec.lin"));
    if (isLeft(checked)) throw new Error(checked.left.map((d) => d.message).join("\n"));
    const compiled = await compile(checked.right, { backend: "cpu", seed: 3 });
    try {
      const explain = compiled.explain();
      expect(explain).toMatch(/pinv\(K\) \[4800×4800\]: matrix-free — no structured pinv for depthwise_conv and a dense 4800×4800 float64 matrix is 175\.8 MiB/);
      expect(explain).toContain("iterative_pinv");
      const d = 4800;
      const x = Float32Array.from({ length: 2 * d }, (_, i) => Math.sin(0.37 * i + 0.1));
      const y = compiled.run("back", tf.tensor2d(x, [2, d]));
      // The LSQR run of the last application is reported: one column per row, each converged.
      const [solved] = compiled.iterativeSolves();
      expect(solved?.label).toBe("[pinv(K)]");
      expect(solved?.solve?.columns.length).toBe(2);
      expect(solved?.solve?.converged).toBe(true);
      expect(solved?.solve?.columns.every((c) => c.iterations > 0)).toBe(true);
      const back = compiled.run("fwd", y);
      const got = back.dataSync();
      const alone = compiled.run("fwd", tf.tensor2d(x, [2, d])).dataSync();
      let err = 0;
      let gap = 0;
      let norm = 0;
      for (let i = 0; i < x.length; i++) {
        err += (got[i] - x[i]) ** 2;
        gap += (alone[i] - x[i]) ** 2;
        norm += x[i] ** 2;
      }
      // h(x) is LSQR's float64 solve (1e-12 relative) rounded once to float32; f applies 9 taps in
      // float32 (≤ 10·ε₃₂ relative per output, on near-identity taps of ‖K‖ ≲ 1.5) to that rounded y,
      // whose rounding K carries: ‖f(h(x)) − x‖ ≤ (10 + 1.5)·ε₃₂·‖K‖·‖y‖ with ‖y‖ ≤ κ·‖x‖, κ ≲ 3 for this seed.
      const tol = 11.5 * EPS32 * 1.5 * 3;
      expect(Math.sqrt(err / norm)).toBeLessThanOrEqual(tol);
      // Control: f alone moves x far more than that.
      expect(Math.sqrt(gap / norm)).toBeGreaterThan(1e3 * tol);
      tf.dispose([y, back]);
    } finally {
      compiled.dispose();
    }
  });
});
