// planToOnnx: a compiled Plan (src/compiler/execute/plan.ts) as one ONNX graph that computes what runPlan
// computes. Inputs are the plan's, by name, as flat float32 rows ["batch", dim] (CompiledProgram.run's
// layout); the one output "y" (or "y_out" if a parameter is named y) is ["batch", dim] points of the result space, or ["batch"] for a scalar
// entry. Every step becomes a subgraph: encode and decode are the chart's network forward and inverse
// (src/runtime/onnx/network.ts, reshaped to the space's shape and back), an operator step its structured
// subgraph (src/runtime/onnx/operator.ts), the arithmetic steps one or two ONNX ops. See docs/onnx.md.
import { ExportError } from "../../runtime/onnx/errors.js";
import { BATCH_DIM, OnnxGraph, type EncodeOptions, type OnnxExport } from "../../runtime/onnx/graph.js";
import { emitBlock } from "../../runtime/onnx/network.js";
import { emitOperator } from "../../runtime/onnx/operator.js";
import type { Chart } from "../../runtime/space/index.js";
import type { Plan, Step } from "../execute/plan.js";

/** The output's name in an exported plan (unless a parameter has it: see planOutputName). */
export const PLAN_OUTPUT = "y";

/** The exported plan's output name: "y", or "y_out" (then "y_out_1", …) when a parameter is named y. */
export function planOutputName(plan: Plan): string {
  const taken = new Set(plan.inputs.map((p) => p.name));
  if (!taken.has(PLAN_OUTPUT)) return PLAN_OUTPUT;
  let name = `${PLAN_OUTPUT}_out`;
  for (let k = 1; taken.has(name); k++) name = `${PLAN_OUTPUT}_out_${k}`;
  return name;
}

/** How a plan is exported: weights embedded (the default) or external. */
export interface PlanExportOptions {
  /** Write tensors of ≥ 1 KiB as ONNX external data to a side file at this location (relative to the model). */
  readonly externalWeights?: { readonly location: string };
}

function emitChart(g: OnnxGraph, chart: Chart, x: string, inverse: boolean, space: string): string {
  const source = chart.source;
  if (source === undefined) return g.op("Identity", [x]);
  const { block, tag } = source;
  const shape = inverse ? block.outputShape : block.inputShape;
  const y = emitBlock(g, block, g.reshape(x, [-1, ...shape]), tag, inverse, `g_${space}${inverse ? "⁻¹" : ""}`);
  return g.reshape(y, [-1, chart.dim]);
}

/** The batch size of the first input as an int64 [1] tensor, for steps that make values from nothing. */
function batchOf(g: OnnxGraph, first: string): string {
  return g.slice(g.op("Shape", [first]), 0, 0, 1);
}

function emitStep(g: OnnxGraph, step: Step, r: (i: number) => string, batch: () => string): string {
  switch (step.kind) {
    case "encode":
      return emitChart(g, step.chart, r(step.from), false, step.space);
    case "decode":
      return emitChart(g, step.chart, r(step.from), true, step.space);
    case "operator":
      return emitOperator(g, step.operator, r(step.from));
    case "combine":
      return step.terms.map((t) => (t.coeff === 1 ? r(t.from) : g.op("Mul", [r(t.from), g.scalar(t.coeff)]))).reduce((a, b) => g.op("Add", [a, b]));
    case "constant": {
      const row = g.floats(step.label, step.values, [1, step.values.length]);
      return g.op("Expand", [row, g.op("Concat", [batch(), g.ints("width", [step.values.length])], { axis: 0 })]);
    }
    case "zero":
      return g.op("ConstantOfShape", [g.op("Concat", [batch(), g.ints("width", [step.dim])], { axis: 0 })]);
    case "scalar":
      return g.op("Expand", [g.floats("scalar", [step.value], [1, 1]), g.op("Concat", [batch(), g.ints("width", [1])], { axis: 0 })]);
    case "inner":
      return g.op("ReduceSum", [g.op("Mul", [r(step.left), r(step.right)]), g.ints("axes", [1])], { keepdims: 1 });
    case "norm": {
      const x = r(step.from);
      return g.op("Sqrt", [g.op("ReduceSum", [g.op("Mul", [x, x]), g.ints("axes", [1])], { keepdims: 1 })]);
    }
    case "arith":
      return g.op({ "+": "Add", "-": "Sub", "*": "Mul", "/": "Div" }[step.op], [r(step.left), r(step.right)]);
    case "negate":
      return g.op("Neg", [r(step.from)]);
    case "rowscale":
      return g.op("Mul", [r(step.from), r(step.by)]);
  }
}

/**
 * The plan as an ONNX model (opset 17, IR 8, dynamic batch): inputs named as the plan's inputs, float32
 * ["batch", dim]; output "y" (planOutputName: "y_out" when a parameter is named y), ["batch", dim] (a
 * vector result) or ["batch"] (a scalar entry). With
 * externalWeights, tensors of ≥ 1 KiB go to `external`, to be written at that location beside the model.
 * Throws ExportError LIN1180 for an operator with no fixed graph (iterative_pinv, an operator needing a
 * time), LIN1181 for a network it cannot export, LIN1182 for a plan without inputs.
 */
export function planToOnnx(plan: Plan, options: PlanExportOptions = {}): OnnxExport {
  const first = plan.inputs[0];
  if (first === undefined) throw new ExportError("LIN1182", `${plan.name} has no inputs, so the exported graph would have no batch size: give it a parameter`);
  const g = new OnnxGraph();
  const regs: string[] = plan.inputs.map((p) => g.input(p.name, [BATCH_DIM, p.dim]));
  const r = (i: number): string => {
    const v = regs[i];
    // Plans write every register before reading it; a miss is a compiler bug, as in runPlan.
    if (v === undefined) throw new Error(`plan register ${i} read before it was written`);
    return v;
  };
  let batch: string | undefined;
  const batchSize = (): string => (batch ??= batchOf(g, first.name));
  for (const step of plan.steps) regs[step.to] = emitStep(g, step, r, batchSize);
  const out = r(plan.output);
  const name = planOutputName(plan);
  if (plan.result.kind === "scalar") g.output(g.reshape(out, [-1]), name, [BATCH_DIM]);
  else g.output(out, name, [BATCH_DIM, plan.result.dim]);
  const encode: EncodeOptions = { name: plan.name, doc: `linea plan ${plan.name}`, ...(options.externalWeights === undefined ? {} : { externalWeights: options.externalWeights }) };
  return g.encode(encode);
}
