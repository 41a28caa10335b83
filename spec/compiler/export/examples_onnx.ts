// Shared by the onnx_examples_*.spec.ts files (split so each stays under ~20 s on one core): every entry
// and map of an example is compiled on wasm, exported with planToOnnx, passed through the ONNX checker,
// run on onnxruntime-node (1 thread) and compared with CompiledProgram.run on the same rows.
//
// Tolerance. Both engines evaluate the same plan in float32 (ε = 2⁻²³) from the same float32 constants
// (the operators folded in float64 and rounded once, the same network weights), so unlike the e2e suite
// (folded vs factor-by-factor, spec/e2e/examples.spec.ts) they differ only in rounding: summation order
// inside MatMul/Conv (ORT's MLAS vs XNNPACK), and exp/tanh (tfjs-wasm computes them from sigmoids,
// elementwise.ts: relative error ≤ 4e-7 ≈ 3ε). A float32 stage whose outputs are dot products of length
// n has a rounding error of about √n·ε relative to the size of the values (random-walk accumulation; n·ε
// is the worst case, never approached by Gaussian data), and each engine makes its own, so the two differ
// by up to 2·√n·ε per stage. Errors of `depth` stages in series add up, each carried through what
// follows with gain ≈ 1 (the example networks start near the identity, output gain ≪ 1). Hence
//     tol = 2 · ε · depth · √width · (1 + max|y|),
// depth = plan steps + blocks of every network the plan passes through, width = the largest dimension
// (a bound on every dot product's length), 1 + max|y| the scale of the values.
// CONTROL: the same plan with every operator scaled by 1 + 10⁻² and every tagged chart's tag flipped (a
// 1 % weight error, a wrong tag), or with no operator its networks dropped (a forgotten chart), is
// exported too, and its ORT output must differ from run's by more than tol.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, expect, it } from "vitest";
import { checkAll, hasErrors } from "../../../src/index.js";
import { planToOnnx, planOutputName } from "../../../src/compiler/export/onnx.js";
import { compile, type CompiledProgram } from "../../../src/compiler/execute/program.js";
import type { Plan, Step } from "../../../src/compiler/execute/plan.js";
import { lower } from "../../../src/compiler/lowering/lower.js";
import { Stack } from "../../../src/runtime/network/stack.js";
import { ExportError } from "../../../src/runtime/onnx/index.js";
import { blockChart, identityChart } from "../../../src/runtime/space/index.js";
import { checkAndRun, maxAbs, maxAbsDifference } from "../../runtime/onnx/ort.js";

/** The examples folder. */
export const examplesDir = fileURLToPath(new URL("../../../examples/", import.meta.url));
const examples = examplesDir;
const SEED = 5;
const ROWS = 3;
const EPS32 = 2 ** -23;

/** As spec/e2e/examples.spec.ts: targets too expensive to compile here (each says why there). */
export const EXPENSIVE: Readonly<Record<string, readonly string[]>> = {
  "reference_mnist.lin": ["sample"],
  "mnist_conv.lin": ["sample"],
  "deconvolution.lin": ["unblur", "round_trip"],
};

/** Targets that cannot be exported, with the code they must fail with (and why). */
export const NOT_EXPORTABLE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // K⁺ at D = 12,288 is applied by LSQR per row (decomposition route matrix-free): no fixed graph.
  "deconvolution.lin": { sharpen: "LIN1180" },
};

/** Examples only checked (binding alone takes about a minute: see spec/e2e/examples.spec.ts). */
export const CHECK_ONLY = new Set(["reference_celeba.lin"]);

/** Every example file. */
export const exampleFiles = readdirSync(examples)
  .filter((f) => f.endsWith(".lin"))
  .sort();

function networkDepth(plan: Plan): number {
  let n = 0;
  for (const s of plan.steps) {
    if (s.kind !== "encode" && s.kind !== "decode") continue;
    const block = s.chart.source?.block;
    n += block instanceof Stack ? block.blocks.length : 1;
  }
  return n;
}

/** The derived tolerance (header) for a plan's output of magnitude maxY. */
export function planTolerance(plan: Plan, maxY: number): number {
  const width = Math.max(...plan.inputs.map((p) => p.dim), plan.result.kind === "vector" ? plan.result.dim : 1);
  const depth = plan.steps.length + networkDepth(plan);
  return 2 * EPS32 * Math.max(depth, 1) * Math.sqrt(width) * (1 + maxY);
}

/**
 * The control plan: every operator scaled by 1 + 1e-2 and every tagged chart's tag flipped; a plan with no
 * operator has its charts dropped instead (the network forgotten). Undefined when it has neither.
 */
function controlPlan(plan: Plan): Plan | undefined {
  const operators = plan.steps.some((s) => s.kind === "operator");
  let changed = false;
  const steps = plan.steps.map((s): Step => {
    if (s.kind === "operator") {
      changed = true;
      const o = s.operator;
      return { ...s, operator: { kind: "scaled", rows: o.rows, cols: o.cols, scale: 1 + 1e-2, inner: o } };
    }
    if ((s.kind === "encode" || s.kind === "decode") && s.chart.source !== undefined) {
      const { block, tag } = s.chart.source;
      if (!operators) {
        changed = true;
        return { ...s, chart: identityChart(s.chart.dim) };
      }
      if (tag !== undefined) {
        changed = true;
        return { ...s, chart: blockChart(block, 1 - tag) };
      }
    }
    return s;
  });
  return changed ? { ...plan, steps } : undefined;
}

/** Seeded Gaussian rows for each input, as flat float32 arrays. */
function rowsOf(plan: Plan): Float32Array[] {
  return plan.inputs.map((p, i) => tf.tidy(() => tf.randomNormal([ROWS, p.dim], 0, 1, "float32", SEED + i).dataSync() as Float32Array));
}

/** What one target's comparison measured. */
export interface TargetResult {
  readonly target: string;
  readonly diff: number;
  readonly tol: number;
  readonly control: number | undefined;
  readonly bytes: number;
}

async function compareTarget(compiled: CompiledProgram, name: string): Promise<TargetResult> {
  const plan = compiled.planOf(name);
  const inputs = rowsOf(plan);
  const expected = compiled.run(name, ...inputs);
  const want = expected.dataSync() as Float32Array;
  expected.dispose();
  const feeds = Object.fromEntries(plan.inputs.map((p, i) => [p.name, { data: inputs[i] ?? new Float32Array(0), dims: [ROWS, p.dim] }]));
  const out = planOutputName(plan);
  const exported = planToOnnx(plan);
  const { outputs } = await checkAndRun(exported, feeds);
  const got = outputs[out];
  if (got === undefined) throw new Error(`${name}: no output ${out}`);
  expect([...got.dims]).toEqual(plan.result.kind === "scalar" ? [ROWS] : [ROWS, plan.result.dim]);
  const diff = maxAbsDifference(got.data, want);
  const tol = planTolerance(plan, maxAbs(want));
  const control = controlPlan(plan);
  let controlDiff: number | undefined;
  if (control !== undefined) {
    const c = await checkAndRun(planToOnnx(control), feeds);
    controlDiff = maxAbsDifference(c.outputs[out]?.data ?? new Float32Array(want.length), want);
  }
  return { target: name, diff, tol, control: controlDiff, bytes: exported.model.length };
}

const opened: CompiledProgram[] = [];

/** Defines one test per example file: every exportable target agrees with run, every other fails with its code. */
export function exportExamples(files: readonly Example[]): void {
  afterAll(() => opened.splice(0).forEach((c) => c.dispose()));
  for (const example of files) {
    const file = typeof example === "string" ? example : example.file;
    const only = typeof example === "string" ? undefined : new Set(example.only);
    const what = only === undefined ? "every entry and map" : [...only].join(", ");
    it(`${file}: ${what} export, check, and run on ORT like run on wasm`, { timeout: 120_000 }, async () => {
      const outcome = checkAll(join(examples, file));
      expect(hasErrors(outcome.diagnostics)).toBe(false);
      const checked = outcome.program;
      if (checked === undefined) throw new Error(`${file} did not check`);
      const symbolic = lower(checked);
      const excluded = new Set(EXPENSIVE[file] ?? []);
      const targets = [...symbolic.entries.keys(), ...symbolic.maps.keys()].filter((t) => !excluded.has(t) && (only === undefined || only.has(t)));
      const compiled = await compile(checked, { backend: "wasm", seed: SEED, targets });
      opened.push(compiled);
      const refused = NOT_EXPORTABLE[file] ?? {};
      const results: TargetResult[] = [];
      for (const name of compiled.targets) {
        const code = refused[name];
        if (code !== undefined) {
          let caught: unknown;
          try {
            planToOnnx(compiled.planOf(name));
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(ExportError);
          expect((caught as ExportError).code).toBe(code);
          continue;
        }
        results.push(await compareTarget(compiled, name));
      }
      // Printed for docs/onnx.md's table of measured differences.
      console.log(JSON.stringify({ file, results }));
      for (const r of results) {
        expect(r.diff, `${r.target}: |ORT − run| = ${r.diff}, tol ${r.tol}`).toBeLessThanOrEqual(r.tol);
        if (r.control !== undefined) expect(r.control, `${r.target}: control ${r.control} not caught by tol ${r.tol}`).toBeGreaterThan(r.tol);
      }
      expect(results.length + Object.keys(refused).length).toBe(compiled.targets.length);
    });
  }
}

/** An example file, or some of its targets (a file too slow to compile whole in one spec file). */
export type Example = string | { readonly file: string; readonly only: readonly string[] };

/** style_mix's targets, in two halves: those through its 3072² operators, and the induced arithmetic alone. */
export const STYLE_MIX = {
  operators: ["interpolate", "to_style", "restyle", "mix"],
  arithmetic: ["average", "contrast", "negate", "similarity"],
} as const;

/** The examples each onnx_examples_*.spec.ts file takes (together: every example but the check-only ones). */
export const GROUPS = {
  small: ["deconvolution.lin", "flow_nll_train.lin", "gsvd.lin", "idempotent.lin", "idempotent_mnist.lin", "idempotent_train.lin", "nets.lin"],
  toy: ["spectrum.lin", "style_transfer.lin", "toy2d.lin", "toy2d_train.lin"],
  mnist: ["mnist_conv.lin", "mnist_train.lin"],
  one_step: ["one_step_mnist.lin"],
  reference: ["reference_mnist.lin"],
  style: [{ file: "style_mix.lin", only: STYLE_MIX.operators }],
  style_arithmetic: [{ file: "style_mix.lin", only: STYLE_MIX.arithmetic }],
} as const;
