// A batch of vectors of one space, kept lazily in two representations: the data points x and the
// coordinates g(x). Whichever is missing is computed once, on first use, and cached, so a chain of
// operations runs g once per input and g⁻¹ once per result that is actually decoded.
//
// Ownership: a Vector owns its tensors (kept out of tf.tidy scopes); dispose() frees them. Tensors
// handed to fromPoints / fromCoordinates are cloned, so the caller keeps its own. Tensors returned by
// points() / coordinates() belong to the vector: do not dispose them.
import * as tf from "@tensorflow/tfjs-core";
import { SpaceError } from "./errors.js";
import type { Space } from "./space.js";

export class Vector {
  private pointsCache: tf.Tensor2D | undefined;
  private coordinatesCache: tf.Tensor2D | undefined;
  private disposed = false;

  private constructor(
    readonly space: Space,
    readonly batch: number,
    points: tf.Tensor2D | undefined,
    coordinates: tf.Tensor2D | undefined,
  ) {
    this.pointsCache = points;
    this.coordinatesCache = coordinates;
  }

  private static checked(space: Space, t: tf.Tensor2D, what: string): number {
    if (t.rank !== 2 || t.shape[1] !== space.dim) {
      throw new SpaceError("LIN1022", `${what} of ${space} must have shape [batch, ${space.dim}], got [${t.shape.join(", ")}]`);
    }
    return t.shape[0];
  }

  /** A batch of data points x [b, dim] of `space` (cloned). */
  static fromPoints(space: Space, points: tf.Tensor2D): Vector {
    const batch = Vector.checked(space, points, "points");
    const own = tf.keep(tf.clone(points));
    return new Vector(space, batch, own, space.isEuclidean ? own : undefined);
  }

  /** A batch given by its coordinates g(x) [b, dim] (cloned). */
  static fromCoordinates(space: Space, coordinates: tf.Tensor2D): Vector {
    const batch = Vector.checked(space, coordinates, "coordinates");
    const own = tf.keep(tf.clone(coordinates));
    return new Vector(space, batch, space.isEuclidean ? own : undefined, own);
  }

  /** Takes ownership of freshly computed coordinates (internal: no clone). */
  static adoptCoordinates(space: Space, coordinates: tf.Tensor2D): Vector {
    const batch = Vector.checked(space, coordinates, "coordinates");
    const own = tf.keep(coordinates);
    return new Vector(space, batch, space.isEuclidean ? own : undefined, own);
  }

  private alive(): void {
    if (this.disposed) throw new SpaceError("LIN1029", `a vector of ${this.space} was used after dispose()`);
  }

  /** g(x), computed at most once. */
  coordinates(): tf.Tensor2D {
    this.alive();
    if (this.coordinatesCache === undefined) {
      const chart = this.space.chart;
      const points = this.pointsCache;
      // Invariant: at least one representation is present; Euclidean vectors hold both.
      if (chart === undefined || points === undefined) throw new Error("Vector: no representation");
      this.coordinatesCache = tf.keep(chart.forward(points));
    }
    return this.coordinatesCache;
  }

  /** The data points g⁻¹(coordinates), computed at most once. */
  points(): tf.Tensor2D {
    this.alive();
    if (this.pointsCache === undefined) {
      const chart = this.space.chart;
      const coordinates = this.coordinatesCache;
      if (chart === undefined || coordinates === undefined) throw new Error("Vector: no representation");
      this.pointsCache = tf.keep(chart.inverse(coordinates));
    }
    return this.pointsCache;
  }

  /** True when the data points have been computed (or were given). */
  get isDecoded(): boolean {
    return this.pointsCache !== undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const p = this.pointsCache;
    const c = this.coordinatesCache;
    if (p !== undefined && !p.isDisposed) p.dispose();
    if (c !== undefined && c !== p && !c.isDisposed) c.dispose();
    this.pointsCache = undefined;
    this.coordinatesCache = undefined;
  }
}
