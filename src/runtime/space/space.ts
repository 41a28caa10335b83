// Vector spaces: Euclidean ℝⁿ, or the space induced on ℝⁿ by a chart g (x ⊕ y = g⁻¹(g(x) + g(y)), …).
// A space is a dimension plus an identity: two Euclidean spaces of one dimension are equal; two
// induced spaces are equal only when they share the chart object. Equal dimension is never enough.
import type { Chart } from "./chart.js";
import { SpaceError } from "./errors.js";

export class Space {
  private constructor(
    readonly name: string,
    readonly dim: number,
    /** undefined for Euclidean space, whose coordinates are the points themselves. */
    readonly chart: Chart | undefined,
  ) {}

  static euclidean(dim: number, name = `R^${dim}`): Space {
    if (!Number.isInteger(dim) || dim < 0) throw new SpaceError("LIN1022", `euclidean space: bad dimension ${dim}`);
    return new Space(name, dim, undefined);
  }

  static induced(chart: Chart, name: string): Space {
    if (!Number.isInteger(chart.dim) || chart.dim < 0) throw new SpaceError("LIN1022", `induced space ${name}: bad chart dimension ${chart.dim}`);
    return new Space(name, chart.dim, chart);
  }

  get isEuclidean(): boolean {
    return this.chart === undefined;
  }

  equals(other: Space): boolean {
    if (this === other) return true;
    if (this.dim !== other.dim) return false;
    return this.chart === undefined ? other.chart === undefined : this.chart === other.chart;
  }

  toString(): string {
    return `${this.name} (${this.isEuclidean ? "euclidean" : "induced"}, dim ${this.dim})`;
  }
}

/** Throws LIN1021 unless the spaces are equal. */
export function requireSameSpace(what: string, expected: Space, got: Space): void {
  if (!expected.equals(got)) {
    throw new SpaceError("LIN1021", `${what}: expected a vector of ${expected}, got one of ${got}`);
  }
}
