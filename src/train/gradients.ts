// Gradients for the kernels training differentiates through. tfjs-core ships its gradient configs
// only as extension-less ESM files (dist/gradients/*.js) that plain Node and tsx cannot import, and
// its Node bundle registers none; so the few this project needs are written here with the public ops,
// following tfjs-core's own definitions (src/gradients/*_grad.ts). GatherNd has no gradient in tfjs at
// all: its adjoint is scatterND. Registering is idempotent and global (tfjs's registry is global).
import * as tf from "@tensorflow/tfjs-core";
import { installWasmMatMulTranspose } from "./wasmMatMul.js";

type Attrs = tf.NamedAttrMap;

/** Sums dy over the axes that broadcasting added or stretched, so it has `shape` again. */
function reduceTo(dy: tf.Tensor, shape: readonly number[]): tf.Tensor {
  let g = dy;
  const lead = g.rank - shape.length;
  if (lead > 0)
    g = tf.sum(
      g,
      Array.from({ length: lead }, (_, i) => i),
    );
  const axes: number[] = [];
  shape.forEach((d, i) => {
    if (d === 1 && g.shape[i] !== 1) axes.push(i);
  });
  if (axes.length > 0) g = tf.sum(g, axes, true);
  return tf.reshape(g, [...shape]);
}

function numAttr(attrs: Attrs, name: string): number {
  const v = attrs[name];
  if (typeof v !== "number") throw new Error(`gradient: attribute ${name} is not a number`);
  return v;
}

function axesAttr(attrs: Attrs, name: string, rank: number): number[] {
  const v = attrs[name];
  if (v === undefined || v === null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(v) ? v : [v];
  return list.map((a) => {
    if (typeof a !== "number") throw new Error(`gradient: attribute ${name} is not a list of numbers`);
    return a < 0 ? a + rank : a;
  });
}

function numbers(attrs: Attrs, name: string): number[] {
  const v = attrs[name];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "number")) throw new Error(`gradient: attribute ${name} is not a list of numbers`);
  return v as number[];
}

/** dy of a reduction, broadcast back over the reduced axes of x. */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axes: readonly number[]): tf.Tensor {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return tf.mul(tf.reshape(dy, kept), tf.onesLike(x));
}

const configs: tf.GradConfig[] = [
  { kernelName: "Add", inputsToSave: ["a", "b"], gradFunc: (dy, [a, b]) => ({ a: () => reduceTo(dy as tf.Tensor, a.shape), b: () => reduceTo(dy as tf.Tensor, b.shape) }) },
  { kernelName: "AddN", saveAllInputs: true, gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [String(i), () => tf.clone(dy as tf.Tensor)])) },
  { kernelName: "Sub", inputsToSave: ["a", "b"], gradFunc: (dy, [a, b]) => ({ a: () => reduceTo(dy as tf.Tensor, a.shape), b: () => tf.neg(reduceTo(dy as tf.Tensor, b.shape)) }) },
  {
    kernelName: "Multiply",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceTo(tf.mul(dy as tf.Tensor, tf.cast(b, "float32")), a.shape),
      b: () => reduceTo(tf.mul(dy as tf.Tensor, tf.cast(a, "float32")), b.shape),
    }),
  },
  {
    kernelName: "RealDiv",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceTo(tf.div(dy as tf.Tensor, b), a.shape),
      b: () => reduceTo(tf.neg(tf.div(tf.mul(dy as tf.Tensor, a), tf.square(b))), b.shape),
    }),
  },
  {
    kernelName: "SquaredDifference",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceTo(tf.mul(dy as tf.Tensor, tf.mul(tf.sub(a, b), 2)), a.shape),
      b: () => reduceTo(tf.mul(dy as tf.Tensor, tf.mul(tf.sub(b, a), 2)), b.shape),
    }),
  },
  { kernelName: "Neg", gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }) },
  { kernelName: "Square", inputsToSave: ["x"], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(x, 2)) }) },
  { kernelName: "Sqrt", inputsToSave: ["x"], gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as tf.Tensor, tf.mul(tf.sqrt(x), 2)) }) },
  { kernelName: "Exp", outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as tf.Tensor, y) }) },
  { kernelName: "Log", inputsToSave: ["x"], gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as tf.Tensor, x) }) },
  { kernelName: "Tanh", outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(y))) }) },
  { kernelName: "Sigmoid", outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(1, y))) }) },
  { kernelName: "Sin", inputsToSave: ["x"], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.cos(x)) }) },
  { kernelName: "Cos", inputsToSave: ["x"], gradFunc: (dy, [x]) => ({ x: () => tf.neg(tf.mul(dy as tf.Tensor, tf.sin(x))) }) },
  {
    kernelName: "Erf",
    inputsToSave: ["x"],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(tf.exp(tf.neg(tf.square(x))), 2 / Math.sqrt(Math.PI))) }),
  },
  { kernelName: "Relu", inputsToSave: ["x"], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.greater(x, 0), "float32")) }) },
  {
    kernelName: "LeakyRelu",
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs) => ({ x: () => tf.where(tf.greater(x, 0), dy as tf.Tensor, tf.mul(dy as tf.Tensor, numAttr(attrs, "alpha"))) }),
  },
  { kernelName: "Cast", gradFunc: (dy) => ({ x: () => tf.clone(dy as tf.Tensor) }) },
  { kernelName: "Identity", gradFunc: (dy) => ({ x: () => tf.cast(dy as tf.Tensor, "float32") }) },
  { kernelName: "Sum", inputsToSave: ["x"], gradFunc: (dy, [x], attrs) => ({ x: () => expandReduced(dy as tf.Tensor, x, axesAttr(attrs, "axis", x.rank)) }) },
  {
    kernelName: "Mean",
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs) => {
      const axes = axesAttr(attrs, "axis", x.rank);
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      return { x: () => tf.div(expandReduced(dy as tf.Tensor, x, axes), count) };
    },
  },
  { kernelName: "Reshape", inputsToSave: ["x"], gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as tf.Tensor, x.shape) }) },
  {
    kernelName: "Transpose",
    gradFunc: (dy, saved, attrs) => {
      const perm = numbers(attrs, "perm");
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => (inverse[p] = i));
      return { x: () => tf.transpose(dy as tf.Tensor, inverse) };
    },
  },
  {
    kernelName: "BatchMatMul",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b], attrs) => {
      const ta = attrs.transposeA === true;
      const tb = attrs.transposeB === true;
      const d = dy as tf.Tensor;
      const mm = (x: tf.Tensor, y: tf.Tensor, tx: boolean, ty: boolean): tf.Tensor => tf.matMul(x, y, tx, ty);
      if (!ta && !tb) return { a: () => reduceTo(mm(d, b, false, true), a.shape), b: () => reduceTo(mm(a, d, true, false), b.shape) };
      if (!ta && tb) return { a: () => reduceTo(mm(d, b, false, false), a.shape), b: () => reduceTo(mm(d, a, true, false), b.shape) };
      if (ta && !tb) return { a: () => reduceTo(mm(b, d, false, true), a.shape), b: () => reduceTo(mm(a, d, false, false), b.shape) };
      return { a: () => reduceTo(mm(b, d, true, true), a.shape), b: () => reduceTo(mm(d, a, true, true), b.shape) };
    },
  },
  {
    kernelName: "Slice",
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs) => {
      // tfjs passes begin as given: a number means [begin, 0, 0, …].
      const b = attrs.begin;
      const begin = typeof b === "number" ? x.shape.map((_, i) => (i === 0 ? b : 0)) : numbers(attrs, "begin");
      const size = (dy as tf.Tensor).shape;
      const paddings = x.shape.map((d, i): [number, number] => [begin[i], d - begin[i] - size[i]]);
      return { x: () => tf.pad(dy as tf.Tensor, paddings) };
    },
  },
  {
    kernelName: "Concat",
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = numAttr(attrs, "axis");
      const d = dy as tf.Tensor;
      const ax = axis < 0 ? axis + d.rank : axis;
      const parts = tf.split(
        d,
        saved.map((t) => t.shape[ax]),
        ax,
      );
      return Object.fromEntries(parts.map((p, i) => [String(i), () => p]));
    },
  },
  {
    kernelName: "SplitV",
    gradFunc: (dy, saved, attrs) => ({ x: () => tf.concat(dy as tf.Tensor[], numAttr(attrs, "axis")) }),
  },
  { kernelName: "Reverse", gradFunc: (dy, saved, attrs) => ({ x: () => tf.reverse(dy as tf.Tensor, axesAttr(attrs, "dims", (dy as tf.Tensor).rank)) }) },
  {
    kernelName: "GatherNd",
    inputsToSave: ["params", "indices"],
    gradFunc: (dy, [params, indices]) => ({
      params: () => tf.scatterND(indices, dy as tf.Tensor, params.shape),
      indices: () => tf.zeros(indices.shape, "float32"),
    }),
  },
  {
    kernelName: "Select",
    inputsToSave: ["condition"],
    gradFunc: (dy, [condition]) => ({
      condition: () => tf.zeros(condition.shape, "float32"),
      t: () => tf.mul(dy as tf.Tensor, tf.cast(condition, "float32")),
      e: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.cast(condition, "float32"))),
    }),
  },
  {
    // Only the 1-D case (a vector to a diagonal matrix) occurs in the networks here.
    kernelName: "Diag",
    inputsToSave: ["x"],
    gradFunc: (dy, [x]) => {
      if (x.rank !== 1) throw new Error("gradient: Diag is differentiated only for a vector input");
      return { x: () => tf.sum(tf.mul(dy as tf.Tensor, tf.eye(x.shape[0])), 1) };
    },
  },
  {
    kernelName: "Tile",
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs) => {
      const reps = numbers(attrs, "reps");
      const shape = x.shape.flatMap((d, i) => [reps[i], d]);
      return {
        x: () =>
          tf.sum(
            tf.reshape(dy as tf.Tensor, shape),
            x.shape.map((_, i) => 2 * i),
          ),
      };
    },
  },
];

// Comparisons are piecewise constant: zero gradient (they sit on the tape when a mask depends on x).
for (const kernelName of ["Greater", "GreaterEqual", "Less", "LessEqual", "Equal"]) {
  configs.push({ kernelName, inputsToSave: ["a", "b"], gradFunc: (dy, [a, b]) => ({ a: () => tf.zeros(a.shape), b: () => tf.zeros(b.shape) }) });
}

let registered = false;

/** Registers the gradients above (once per process), and the faster wasm matMul (wasmMatMul.ts). */
export function registerTrainingGradients(): void {
  installWasmMatMulTranspose();
  if (registered) return;
  for (const c of configs) tf.registerGradient(c);
  registered = true;
}
