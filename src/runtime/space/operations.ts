// The induced vector-space operations, computed in coordinates (paper-notes §1.1):
//   x ⊕ y = g⁻¹(g(x) + g(y)),  a ⊙ x = g⁻¹(a·g(x)),  ⊖x = g⁻¹(−g(x)),  0 = g⁻¹(0),
//   ⟨x, y⟩ = ⟨g(x), g(y)⟩,  ‖x‖ = ‖g(x)‖.
// Results are returned in coordinates only; g⁻¹ runs when (and if) their points are read. A linear
// combination Σ aᵢ ⊙ xᵢ thus costs one g per input (cached on the input) and one g⁻¹ in total.
import * as tf from "@tensorflow/tfjs-core";
import { SpaceError } from "./errors.js";
import { requireSameSpace, type Space } from "./space.js";
import { Vector } from "./vector.js";

function requireCompatible(what: string, vectors: readonly Vector[]): Space {
  const first = vectors[0];
  if (first === undefined) throw new SpaceError("LIN1027", `${what}: no vectors`);
  for (const v of vectors) {
    requireSameSpace(what, first.space, v.space);
    if (v.batch !== first.batch) {
      throw new SpaceError("LIN1023", `${what}: batches of ${first.batch} and ${v.batch} vectors`);
    }
  }
  return first.space;
}

function checkScalar(what: string, a: number): void {
  if (!Number.isFinite(a)) throw new SpaceError("LIN1028", `${what}: the scalar ${a} is not finite`);
}

/** ⊕ᵢ aᵢ ⊙ xᵢ. */
export function combine(terms: ReadonlyArray<readonly [number, Vector]>): Vector {
  const space = requireCompatible(
    "linear combination",
    terms.map(([, v]) => v),
  );
  terms.forEach(([a]) => checkScalar("linear combination", a));
  const coordinates = tf.tidy(() => terms.map(([a, v]) => tf.mul(v.coordinates(), a) as tf.Tensor2D).reduce((s, t) => tf.add(s, t) as tf.Tensor2D));
  return Vector.adoptCoordinates(space, coordinates);
}

export const add = (x: Vector, y: Vector): Vector =>
  combine([
    [1, x],
    [1, y],
  ]);
export const subtract = (x: Vector, y: Vector): Vector =>
  combine([
    [1, x],
    [-1, y],
  ]);
export const scale = (a: number, x: Vector): Vector => combine([[a, x]]);
export const negate = (x: Vector): Vector => combine([[-1, x]]);

/** The induced zero g⁻¹(0), `batch` copies. */
export function zero(space: Space, batch = 1): Vector {
  return Vector.adoptCoordinates(space, tf.zeros([batch, space.dim], "float32") as tf.Tensor2D);
}

/**
 * Σⱼ term(g(xᵢ)ⱼ, g(yᵢ)ⱼ) per batch row, accumulated in float64 on the host. The coordinates are read
 * asynchronously: tfjs-backend-webgpu has no synchronous read under Node, and wasm/cpu resolve at once.
 */
async function rowSums(what: string, x: Vector, y: Vector, term: (a: number, b: number) => number): Promise<Float64Array> {
  requireCompatible(what, [x, y]);
  const [a, b] = await Promise.all([x.coordinates().data(), y.coordinates().data()]);
  const dim = x.space.dim;
  const out = new Float64Array(x.batch);
  for (let i = 0; i < x.batch; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += term(a[i * dim + j], b[i * dim + j]);
    out[i] = s;
  }
  return out;
}

/** ⟨g(xᵢ), g(yᵢ)⟩ per batch row, accumulated in float64 on the host. */
export function inner(x: Vector, y: Vector): Promise<Float64Array> {
  return rowSums("inner product", x, y, (a, b) => a * b);
}

/** ‖g(xᵢ)‖ per batch row. */
export async function norm(x: Vector): Promise<Float64Array> {
  return (await inner(x, x)).map(Math.sqrt);
}

/** d(xᵢ, yᵢ) = ‖g(xᵢ) − g(yᵢ)‖ per batch row, without decoding anything. */
export async function distance(x: Vector, y: Vector): Promise<Float64Array> {
  return (await rowSums("distance", x, y, (a, b) => (a - b) ** 2)).map(Math.sqrt);
}
