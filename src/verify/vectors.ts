// Small helpers between number arrays, tensors and Vectors for the laws.
import * as tf from "@tensorflow/tfjs-core";
import { Vector, type Space } from "../runtime/space/index.js";
import type { Scope } from "./law.js";

/** A batch of points of `space`, one row per array. */
export function pointsVector(space: Space, rows: readonly (readonly number[])[], scope: Scope): Vector {
  const t = tf.tensor2d(Float32Array.from(rows.flat()), [rows.length, space.dim], "float32");
  const v = Vector.fromPoints(space, t);
  t.dispose();
  return scope.keep(v);
}

/** A batch given by its coordinates, one row per array. */
export function coordinatesVector(space: Space, rows: readonly (readonly number[])[], scope: Scope): Vector {
  const t = tf.tensor2d(Float32Array.from(rows.flat()), [rows.length, space.dim], "float32");
  const v = Vector.fromCoordinates(space, t);
  t.dispose();
  return scope.keep(v);
}

/** The same vector re-read from its data points: the next operation starts from X itself, not from cached coordinates. */
export function decoded(v: Vector, scope: Scope): Vector {
  return scope.keep(Vector.fromPoints(v.space, v.points()));
}

// float32 tensors read as typed arrays, asynchronously: tfjs-backend-webgpu has no synchronous read
// under Node (dataSync needs OffscreenCanvas); on wasm and cpu the promise resolves at once
export const pointsOf = (v: Vector): Promise<ArrayLike<number>> => v.points().data();
export const coordinatesOf = (v: Vector): Promise<ArrayLike<number>> => v.coordinates().data();

/** A row as text with 4 significant digits: "[0.5, -1.25, 0]". */
export function showRow(row: readonly number[]): string {
  return `[${row.map((x) => Number(x.toPrecision(4))).join(", ")}]`;
}
