// Plain descriptions of networks, with the block names and argument names of docs/language.md
// ("Network blocks"), so the compiler can hand a checked declaration to buildNetwork.

import type { Activation } from "./mlp.js";

/** One block of a network declaration, with the arguments of docs/language.md ("Network blocks"). */
export type BlockSpec =
  | {
      readonly kind: "affine_coupling";
      readonly hidden?: number;
      readonly depth?: number;
      readonly activation?: Activation;
      readonly scale_bound?: number;
    }
  | { readonly kind: "additive_coupling"; readonly hidden?: number; readonly depth?: number; readonly activation?: Activation }
  | { readonly kind: "actnorm" }
  | { readonly kind: "permute"; readonly mode: "reverse" | "random"; readonly seed?: number }
  | { readonly kind: "inv_dense" }
  | { readonly kind: "squeeze" }
  | { readonly kind: "repeat"; readonly count: number; readonly body: readonly BlockSpec[] };

/** A network declaration's blocks, and whether it takes a tag. */
export interface NetworkSpec {
  /** Takes a conditioning tag 0/1 (`network G : X tagged { … }`). */
  readonly tagged: boolean;
  readonly blocks: readonly BlockSpec[];
}

/** Defaults of docs/language.md. */
export const COUPLING_DEFAULTS = { hidden: 256, depth: 2, activation: "relu" as Activation, scale_bound: 2.0 } as const;
