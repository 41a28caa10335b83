// An executable plan: a fixed sequence of steps over numbered registers, each step a handful of tfjs
// kernels (a network pass, one operator application, a linear combination). Running a plan is one
// tf.tidy over the steps, so nothing but the result outlives it. Plans are built once at compile time
// from the optimised IR; the number of steps (and of kernels) depends on the program's structure only,
// never on how many maps were composed into one operator.
import * as tf from "@tensorflow/tfjs-core";
import { apply as applyOperator, shapeOf, type LinearOperator } from "../../runtime/operator/index.js";
import type { Chart } from "../../runtime/space/index.js";

export type ArithOp = "+" | "-" | "*" | "/";

/** One step of a plan: encode, decode, apply an operator, or arithmetic on registers. */
export type Step =
  /** Coordinates g(x) of data points (a network forward with its tag). */
  | { readonly kind: "encode"; readonly space: string; readonly chart: Chart; readonly from: number; readonly to: number }
  /** Data points g⁻¹(z) of coordinates (a network inverse). */
  | { readonly kind: "decode"; readonly space: string; readonly chart: Chart; readonly from: number; readonly to: number }
  /** One (optimised, possibly structured) operator applied to a row batch: X·Aᵀ. */
  | { readonly kind: "operator"; readonly label: string; readonly operator: LinearOperator; readonly from: number; readonly to: number }
  /** Σ cᵢ·rᵢ in coordinates (the induced ⊕ and ⊙). */
  | { readonly kind: "combine"; readonly terms: readonly { readonly coeff: number; readonly from: number }[]; readonly to: number }
  /** A vector known at compile time (a singular vector's coordinates), repeated over the batch. */
  | { readonly kind: "constant"; readonly label: string; readonly values: Float32Array; readonly to: number }
  /** The induced zero: zero coordinates. */
  | { readonly kind: "zero"; readonly dim: number; readonly to: number }
  /** Per-row scalars [b, 1]. */
  | { readonly kind: "scalar"; readonly value: number; readonly to: number }
  | { readonly kind: "inner"; readonly left: number; readonly right: number; readonly to: number }
  | { readonly kind: "norm"; readonly from: number; readonly to: number }
  | { readonly kind: "arith"; readonly op: ArithOp; readonly left: number; readonly right: number; readonly to: number }
  | { readonly kind: "negate"; readonly from: number; readonly to: number }
  /** A vector batch times a per-row scalar. */
  | { readonly kind: "rowscale"; readonly by: number; readonly from: number; readonly to: number };

export interface PlanInput {
  readonly name: string;
  readonly space: string;
  readonly dim: number;
  /** The space's declared shape ([C, H, W] for images). */
  readonly shape: readonly number[];
}

/** The kernel plan of one entry or map: registers, steps and the output. */
export interface Plan {
  readonly name: string;
  /** Inputs are registers 0 … inputs.length − 1, data points [b, dim]. */
  readonly inputs: readonly PlanInput[];
  readonly steps: readonly Step[];
  readonly output: number;
  /** A vector entry or map returns points [b, dim]; a scalar entry one value per row, [b]. */
  readonly result: { readonly kind: "vector"; readonly space: string; readonly dim: number; readonly shape: readonly number[] } | { readonly kind: "scalar" };
}

function execute(step: Step, regs: readonly tf.Tensor2D[], batch: number): tf.Tensor2D {
  const r = (i: number): tf.Tensor2D => {
    const t = regs[i];
    // Plans are built so every register is written before it is read; a miss is a compiler bug.
    if (t === undefined) throw new Error(`plan register ${i} read before it was written`);
    return t;
  };
  switch (step.kind) {
    case "encode":
      return step.chart.forward(r(step.from));
    case "decode":
      return step.chart.inverse(r(step.from));
    case "operator":
      return applyOperator(step.operator, r(step.from));
    case "combine":
      return step.terms.map((t) => (t.coeff === 1 ? r(t.from) : tf.mul<tf.Tensor2D>(r(t.from), t.coeff))).reduce((a, b) => tf.add<tf.Tensor2D>(a, b));
    case "constant":
      return tf.tile(tf.tensor2d(step.values, [1, step.values.length]), [batch, 1]);
    case "zero":
      return tf.zeros([batch, step.dim]);
    case "scalar":
      return tf.fill([batch, 1], step.value);
    case "inner":
      return tf.sum(tf.mul(r(step.left), r(step.right)), 1, true);
    case "norm":
      return tf.sqrt<tf.Tensor2D>(tf.sum<tf.Tensor2D>(tf.square(r(step.from)), 1, true));
    case "arith": {
      const [a, b] = [r(step.left), r(step.right)];
      return step.op === "+" ? tf.add<tf.Tensor2D>(a, b) : step.op === "-" ? tf.sub<tf.Tensor2D>(a, b) : step.op === "*" ? tf.mul<tf.Tensor2D>(a, b) : tf.div<tf.Tensor2D>(a, b);
    }
    case "negate":
      return tf.neg(r(step.from));
    case "rowscale":
      return tf.mul(r(step.from), r(step.by));
  }
}

/** Runs a plan on row batches of data points (one per input); the caller owns the result. */
export function runPlan(plan: Plan, inputs: readonly tf.Tensor2D[]): tf.Tensor {
  const batch = inputs[0]?.shape[0] ?? 1;
  return tf.tidy(() => {
    const regs: tf.Tensor2D[] = [...inputs];
    for (const step of plan.steps) regs[step.to] = execute(step, regs, batch);
    const out = regs[plan.output];
    if (out === undefined) throw new Error(`plan ${plan.name} has no output register`);
    // An entry that returns a parameter unchanged (`entry e(x : X) = x;`) would hand the input itself
    // back, which the caller (or run(), for the copies it made) then disposes: the result is a copy.
    if (plan.result.kind === "vector" && inputs.includes(out)) return tf.clone(out);
    return plan.result.kind === "scalar" ? tf.reshape(out, [out.shape[0]]) : out;
  });
}

function describeStep(s: Step): string {
  switch (s.kind) {
    case "encode":
      return `r${s.to} = g_${s.space}(r${s.from})`;
    case "decode":
      return `r${s.to} = g_${s.space}⁻¹(r${s.from})`;
    case "operator":
      return `r${s.to} = ${s.label} · r${s.from}   (${shapeOf(s.operator)})`;
    case "combine":
      return `r${s.to} = ${s.terms.map((t) => `${t.coeff}·r${t.from}`).join(" + ")}`;
    case "constant":
      return `r${s.to} = const ${s.label} [${s.values.length}]`;
    case "zero":
      return `r${s.to} = 0 [${s.dim}]`;
    case "scalar":
      return `r${s.to} = ${s.value}`;
    case "inner":
      return `r${s.to} = ⟨r${s.left}, r${s.right}⟩`;
    case "norm":
      return `r${s.to} = ‖r${s.from}‖`;
    case "arith":
      return `r${s.to} = r${s.left} ${s.op} r${s.right}`;
    case "negate":
      return `r${s.to} = −r${s.from}`;
    case "rowscale":
      return `r${s.to} = r${s.by} · r${s.from}`;
  }
}

/** The plan as text: its inputs, one line per step, the output register. */
export function formatPlan(plan: Plan): string {
  const inputs = plan.inputs.map((p, i) => `r${i} = ${p.name} : ${p.space}`).join(", ");
  const result = plan.result.kind === "scalar" ? "scalar per row" : `points of ${plan.result.space}`;
  return [`plan ${plan.name}(${inputs}) -> ${result}, ${plan.steps.length} steps`, ...plan.steps.map((s) => `  ${describeStep(s)}`), `  return r${plan.output}`].join("\n");
}
