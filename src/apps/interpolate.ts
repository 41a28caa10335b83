// Modular interpolation (paper §1.7). Two maps between the same spaces combine as maps: the compiler
// folds α·f₁ + (1−α)·f₂ into ONE operator αA₁ + (1−α)A₂ between the shared charts, and by linearity its
// output equals the induced interpolation α ⊙ f₁(x) ⊕ (1−α) ⊙ f₂(x) of the two outputs. interpolateMaps
// compiles the mixed map for every α (as generated `let`s appended to the spec), runs it, computes the
// induced interpolation independently (through the codomain's chart), and measures how far apart they
// are, next to the ordinary (pixel) interpolation, which is not the same thing.
import * as tf from "@tensorflow/tfjs-core";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { describeType, sameSpace, type Type } from "../compiler/checker/types.js";
import { compile, type CompileOptions } from "../compiler/execute/program.js";
import { ExecuteError } from "../compiler/execute/errors.js";
import { mapNormalForm } from "../compiler/execute/inspect.js";
// The one apps → cli import, until the checker checks the mixes against the checked module.
import { binary, call, letDecl, nameRef, numberLit } from "../ast/build.js";
import type { LetDecl } from "../ast/nodes.js";
import { spanRanges } from "../ast/source.js";
import { extendSpec, type SpecText } from "./spec_text.js";
import { takeValues } from "./read.js";

/** One α: the compiled map's label and how far its output is from the two interpolations. */
export interface InterpolationFrame {
  readonly alpha: number;
  /** The mixed map's optimised operator, e.g. `[0.25·A1 + 0.75·A2]`: one operator, not two. */
  readonly operator: string;
  /** Operator steps in the mixed map's plan (1: the two maps were folded into one). */
  readonly operatorSteps: number;
  /** max |compiled(x) − (α ⊙ f₁(x) ⊕ (1−α) ⊙ f₂(x))| over all rows and coordinates. */
  readonly inducedMaxDiff: number;
  /** max |compiled(x) − (α·f₁(x) + (1−α)·f₂(x))|: ordinary arithmetic on the outputs (not linear here). */
  readonly pixelMaxDiff: number;
}

export interface InterpolationOptions extends CompileOptions {
  /** Called once the program is compiled, before the inputs are read. */
  readonly onCompiled?: (backend: string) => void;
}

/** What `interpolateMaps` computed: per α, the compiled α·f1 + (1−α)·f2 against the induced interpolation of the outputs. */
export interface InterpolationResult {
  readonly maps: readonly [string, string];
  readonly alphas: readonly number[];
  readonly rows: number;
  /** Values per output row. */
  readonly dim: number;
  /** The shape of one output row. */
  readonly outShape: readonly number[];
  /** The result space of f1's plan (as named in its plan). */
  readonly space: string;
  /** The codomain space of f1's normal form. */
  readonly codomainSpace: string;
  readonly frames: readonly InterpolationFrame[];
  /** The mixed map's output for each α, [rows, dim] row-major. */
  readonly outputs: readonly Float32Array[];
  /** f1(x) and f2(x): the outputs at α = 1 and α = 0. */
  readonly f1Output: Float32Array;
  readonly f2Output: Float32Array;
}

/** A name for the generated lets that the spec does not use. */
function freshPrefix(text: string): string {
  let prefix = "linea_mix_";
  while (text.includes(prefix)) prefix = `${prefix}x_`;
  return prefix;
}

/**
 * `let p0 = α * f1 + (1 − α) * f2;` for each α, as syntax over the entry module of `program` (each name
 * at its declaration, the rest spanning both, for diagnostics); maps it does not declare get its range.
 */
export function mixLets(program: CheckedProgram, prefix: string, f1: string, f2: string, alphas: readonly number[]): LetDecl[] {
  const module = program.modules.get(program.entry);
  const whole = module?.program.range ?? { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } };
  const r1 = module?.symbols.get(f1)?.nameRange ?? whole;
  const r2 = module?.symbols.get(f2)?.nameRange ?? whole;
  const both = spanRanges(r1, r2);
  return alphas.map((a, k) =>
    letDecl(`${prefix}${k}`, binary("+", binary("*", numberLit(a, r1), nameRef(f1, r1), r1), binary("*", numberLit(1 - a, r2), nameRef(f2, r2), r2), both), both),
  );
}

/** Why f1 and f2 cannot be mixed (not maps of the entry module, or not between the same spaces), if they cannot. */
export function mapsProblem(program: CheckedProgram, f1: string, f2: string): string | undefined {
  const symbols = program.modules.get(program.entry)?.symbols;
  const typeOf = (name: string): Type | undefined => symbols?.get(name)?.type;
  for (const name of [f1, f2]) {
    const t = typeOf(name);
    if (t === undefined) return `no declaration named ${name} in ${program.entry}`;
    if (t.kind !== "Map") return `${name} is a ${describeType(t)}, not a map`;
  }
  const [a, b] = [typeOf(f1), typeOf(f2)];
  if (a?.kind !== "Map" || b?.kind !== "Map") return undefined;
  if (!sameSpace(a.domain, b.domain) || !sameSpace(a.codomain, b.codomain)) {
    return `${f1} is a ${describeType(a)} and ${f2} a ${describeType(b)}: they do not share their spaces; α·${f1} + (1−α)·${f2} needs the same domain and the same codomain (induced by the same networks and tags)`;
  }
  return undefined;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return m;
}

/**
 * Compiles α·f1 + (1−α)·f2 for each α, runs f1, f2 and every mix on the rows `input(dim)` gives for
 * f1's domain, and compares each mix with the induced and the pixel interpolation of f1(x) and f2(x).
 * Throws ExecuteError LIN0805 when the two cannot be mixed, GeneratedDeclarationsError when
 * the mixes do not check.
 */
export async function interpolateMaps(
  spec: SpecText,
  f1: string,
  f2: string,
  alphas: readonly number[],
  input: (dim: number) => Promise<Float32Array>,
  options: InterpolationOptions = {},
): Promise<InterpolationResult> {
  const { onCompiled, ...compileOptions } = options;
  const problem = mapsProblem(spec.program, f1, f2);
  if (problem !== undefined) throw new ExecuteError("LIN0805", problem);
  // The mixed maps are ordinary `let`s of the same module, so the checker types them (two maps
  // between different spaces are rejected here, with the usual diagnostics) and the compiler folds them.
  const prefix = freshPrefix(spec.text);
  const augmented = extendSpec(spec, mixLets(spec.program, prefix, f1, f2, alphas));
  const mixNames = alphas.map((_, k) => `${prefix}${k}`);
  const compiled = await compile(augmented, { ...compileOptions, targets: [f1, f2, ...mixNames] });
  try {
    onCompiled?.(compiled.backend.description);
    const form = mapNormalForm(compiled, f1);
    const plan = compiled.planOf(f1);
    const outShape = plan.result.kind === "vector" ? plan.result.shape : [];
    const dim = form.codomain.dim;
    const x = await input(form.domain.dim);
    const rows = x.length / form.domain.dim;
    const y1 = await takeValues(await compiled.runAsync(f1, x));
    const y2 = await takeValues(await compiled.runAsync(f2, x));
    const chart = form.codomain.chart;
    // Coordinates of the two outputs, once: the induced interpolation is a combination in them.
    const [c1, c2] =
      chart === undefined
        ? [y1, y2]
        : [await takeValues(tf.tidy(() => chart.forward(tf.tensor2d(y1, [rows, dim])))), await takeValues(tf.tidy(() => chart.forward(tf.tensor2d(y2, [rows, dim]))))];
    const frames: InterpolationFrame[] = [];
    const mixed: Float32Array[] = [];
    for (const [k, alpha] of alphas.entries()) {
      const name = mixNames[k] ?? "";
      const y = await takeValues(await compiled.runAsync(name, x));
      mixed.push(y);
      const coords = c1.map((v, i) => alpha * v + (1 - alpha) * (c2[i] ?? NaN));
      const induced = chart === undefined ? coords : await takeValues(tf.tidy(() => chart.inverse(tf.tensor2d(coords, [rows, dim]))));
      const pixel = y1.map((v, i) => alpha * v + (1 - alpha) * (y2[i] ?? NaN));
      const mixForm = mapNormalForm(compiled, name);
      frames.push({
        alpha,
        operator: mixForm.label,
        operatorSteps: compiled.planOf(name).steps.filter((s) => s.kind === "operator").length,
        inducedMaxDiff: maxAbsDiff(y, induced),
        pixelMaxDiff: maxAbsDiff(y, pixel),
      });
    }
    return {
      maps: [f1, f2],
      alphas: [...alphas],
      rows,
      dim,
      outShape,
      space: plan.result.kind === "vector" ? plan.result.space : "",
      codomainSpace: form.codomain.space,
      frames,
      outputs: mixed,
      f1Output: y1,
      f2Output: y2,
    };
  } finally {
    compiled.dispose();
  }
}

/** Why `map` has no styles s1 and s2 to mix (not an indexed map of the entry module, or a style out of range), if it has not. */
export function stylesProblem(program: CheckedProgram, map: string, styles: readonly [number, number]): string | undefined {
  const t = program.modules.get(program.entry)?.symbols.get(map)?.type;
  if (t === undefined) return `no declaration named ${map} in ${program.entry}`;
  if (t.kind !== "Map" || t.styles === undefined) {
    return `${map} is a ${describeType(t)}, not an indexed map: --styles mixes the styles of a map whose operator is depthwise_conv(…, styles = n)`;
  }
  const count = t.styles;
  const bad = styles.find((s) => !Number.isInteger(s) || s < 0 || s >= count);
  return bad === undefined ? undefined : `${map} has ${count} styles (0…${count - 1}); style ${bad} is not one of them`;
}

/**
 * Operator interpolation between two styles of an indexed map (paper §1.7): α·at(f, s₁) + (1−α)·at(f, s₂)
 * compiled as one map per α (a depthwise convolution of α·k₁ + (1−α)·k₂ between the shared charts), run
 * and compared with the induced interpolation of the two styles' outputs as interpolateMaps does. The
 * reference instead feeds its kernel MLP the index (1−α)·s₁ + α·s₂, which is not this (paper-notes §2.8).
 */
export async function interpolateStyles(
  spec: SpecText,
  map: string,
  styles: readonly [number, number],
  alphas: readonly number[],
  input: (dim: number) => Promise<Float32Array>,
  options: InterpolationOptions = {},
): Promise<InterpolationResult> {
  const problem = stylesProblem(spec.program, map, styles);
  if (problem !== undefined) throw new ExecuteError("LIN0805", problem);
  // Each style as a generated `let` of the entry module, so that the two mix as named maps.
  const module = spec.program.modules.get(spec.program.entry);
  const range = module?.symbols.get(map)?.nameRange ?? module?.program.range ?? { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } };
  const prefix = `${freshPrefix(spec.text)}style_`;
  const [first, second] = [`${prefix}a`, `${prefix}b`];
  const lets = styles.map((s, k) => letDecl(k === 0 ? first : second, call("at", [nameRef(map, range), numberLit(s, range)], {}, range), range));
  const extended: SpecText = { ...spec, program: extendSpec(spec, lets), text: `${spec.text}\n// ${prefix}` };
  const result = await interpolateMaps(extended, first, second, alphas, input, options);
  return { ...result, maps: [`at(${map}, ${styles[0]})`, `at(${map}, ${styles[1]})`] };
}
