// Nested application: f(g(x)) with cod g = dom f lowers to the composition (f ∘ g)(x), one chain the
// optimiser fuses and folds in float64, instead of g's float32 result being fed to f (issue 10:
// pinv(f)(f(x)) lost float32 × cond(f), 1e-2 at cond 10⁶–10⁷, while (pinv(f) * f)(x) was exact).
import * as tf from "@tensorflow/tfjs-core";
import { isLeft } from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { checkText } from "../../../src/index.js";
import { compile, type CompiledProgram } from "../../../src/compiler/execute/program.js";
import { lower } from "../../../src/compiler/lowering/lower.js";
import type { CheckedProgram } from "../../../src/compiler/checker/checked.js";

/** f = P·D⁸·Q is ill-conditioned (cond ≈ 1.4·10⁷ at seed 0: D's spread to the 8th power). */
const SPEC = `space X = R^20;
space Y = R^20;
network G : Y { additive_coupling(hidden = 8); }
space Z = induced G;
operator P[20, 20] = dense;
operator D[20, 20] = diagonal;
operator Q[20, 20] = dense;
map f : X -> Y = P * D ^ 8 * Q;
map h : Y -> Z = Q;
let b : Y -> X = pinv(f);
let bf : X -> X = b * f;
let y = zero(Y);
entry nested(x : X) = b(f(x));
entry folded(x : X) = bf(x);
entry sum(x : X) = b(f(x) + f(x));
entry through(x : X) = h(f(x));
`;

function checked(text: string): CheckedProgram {
  const r = checkText(text, "/proj/nested.lin");
  if (isLeft(r)) throw new Error(r.left.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return r.right;
}

const opened: CompiledProgram[] = [];
afterAll(() => opened.forEach((p) => p.dispose()));

describe("nested application", () => {
  it("f(g(x)) lowers to (f ∘ g)(x) when cod g is dom f; an argument that is not an application stays as written", () => {
    const ir = lower(checked(SPEC));
    const body = (name: string) => {
      const e = ir.entries.get(name);
      if (e?.body.kind !== "vector") throw new Error(`no vector entry ${name}`);
      return e.body.value;
    };
    const nested = body("nested");
    expect(nested.kind === "apply" && nested.arg.kind).toBe("param");
    expect(nested.kind === "apply" && nested.map.kind === "chain" && nested.map.maps.length).toBe(2);
    // Through another network's space: still cod f = dom h, so still one chain.
    const through = body("through");
    expect(through.kind === "apply" && through.arg.kind).toBe("param");
    // Control: b applied to a combination is not a nested application.
    const sum = body("sum");
    expect(sum.kind === "apply" && sum.arg.kind).toBe("combine");
  });

  it("pinv(f)(f(x)) is as accurate as (pinv(f) * f)(x) at cond ≈ 10⁷", async () => {
    const program = await compile(checked(SPEC), { backend: "cpu", seed: 0, targets: ["nested", "folded"] });
    opened.push(program);
    const x = tf.randomNormal([4, 20], 0, 1, "float32", 3) as tf.Tensor2D;
    const error = (name: string): number => {
      const y = program.run(name, x);
      const e = tf.max(tf.abs(tf.sub(y, x))).dataSync()[0] / Math.max(1, tf.max(tf.abs(x)).dataSync()[0]);
      y.dispose();
      return e;
    };
    // B·A folded in float64 is I + δ, ‖δ‖ ≲ n·ε₆₄·cond ≈ 20·2.2e-16·1.4e7 ≈ 6e-8, rounded once to
    // float32 and applied in float32 (√n·u ≈ 3e-7 relative): 1e-5 leaves a 30× margin. Unfused, the
    // float32 f(x) carries ~u·‖f‖‖x‖ that pinv(f) amplifies by cond: ≈ 6e-8 · 1.4e7 ≈ 0.8 (0.09 seen).
    expect(error("folded")).toBeLessThan(1e-5);
    expect(error("nested")).toBeLessThan(1e-5);
    x.dispose();
  });
});
