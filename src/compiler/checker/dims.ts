// Operator dimensions, inferred by unification: an operator written without a shape gets unknown
// dimensions that its uses (a map `X -> Y`, a product, a sum) pin down. A small union-find is enough;
// no library offers one that carries provenance ("inferred from map f"), which the messages need.
import type { Location } from "../../ast/source.js";

/** Why a dimension has its value, for "because" notes. */
export interface DimOrigin {
  readonly reason: string;
  readonly location?: Location;
}

export type UnifyResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly left: number;
      readonly right: number;
      readonly leftWhy?: DimOrigin;
      readonly rightWhy?: DimOrigin;
    };

export class Dim {
  private parent: Dim | undefined;

  private constructor(
    private known: number | undefined,
    private origin: DimOrigin | undefined,
  ) {}

  static of(value: number, origin?: DimOrigin): Dim {
    return new Dim(value, origin);
  }

  static unknown(): Dim {
    return new Dim(undefined, undefined);
  }

  private root(): Dim {
    const first = this.parent;
    if (first === undefined) return this;
    let r = first;
    while (r.parent) r = r.parent;
    // Path compression keeps long chains (100k-line specs) cheap: every Dim on the way points at the root.
    this.parent = r;
    let c = first;
    while (c.parent) {
      const next: Dim = c.parent;
      c.parent = r;
      c = next;
    }
    return r;
  }

  get value(): number | undefined {
    return this.root().known;
  }

  get why(): DimOrigin | undefined {
    return this.root().origin;
  }

  /** Makes `a` and `b` the same dimension; fails, changing nothing, when both are known and differ. */
  static unify(a: Dim, b: Dim): UnifyResult {
    const ra = a.root();
    const rb = b.root();
    if (ra === rb) return { ok: true };
    if (ra.known !== undefined && rb.known !== undefined && ra.known !== rb.known) {
      return { ok: false, left: ra.known, right: rb.known, leftWhy: ra.origin, rightWhy: rb.origin };
    }
    if (ra.known === undefined) ra.parent = rb;
    else rb.parent = ra;
    return { ok: true };
  }
}
