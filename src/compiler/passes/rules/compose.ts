// Map-level rules: composition through a shared network. For f₁ = 𝕃{g_x, g_y, A₁} and
// f₂ = 𝕃{g_y, g_z, A₂}, f₂∘f₁ = g_z⁻¹·A₂·g_y·g_y⁻¹·A₁·g_x = 𝕃{g_x, g_z, A₂A₁}: the inner network pair
// cancels, so a chain of k maps through one network becomes one normal form whose operator is a single
// product (which the operator rules then fold).
import * as ir from "../../ir/expr.js";
import { chain, formatMap, normalForm, type MapExpr } from "../../ir/map.js";
import { sameIrSpace } from "../../ir/space.js";
import type { TreeShape } from "../engine.js";
import type { Rule } from "../rule.js";

type MapRule = Rule<MapExpr>;

export const chainFlatten: MapRule = {
  name: "chain-flatten",
  statement: "f∘(g∘h) = (f∘g)∘h = f∘g∘h",
  sideCondition: "always",
  rewrite: (m) => (m.kind === "chain" && m.maps.some((x) => x.kind === "chain") ? chain(m.maps.flatMap((x) => (x.kind === "chain" ? x.maps : [x]))) : undefined),
};

export const composeSharedNetwork: MapRule = {
  name: "compose-shared-network",
  statement: "𝕃{g_y, g_z, A₂} ∘ 𝕃{g_x, g_y, A₁} = 𝕃{g_x, g_z, A₂·A₁} (g_y∘g_y⁻¹ cancels)",
  sideCondition: "the codomain of the inner map is the very domain of the outer one: same network declaration and tag (equal dimension is not enough)",
  // One firing fuses every neighbouring pair that meets in a shared space (a run of k maps becomes one
  // normal form), so a k-fold chain costs one rewrite, not k − 1.
  rewrite: (m) => {
    if (m.kind !== "chain") return undefined;
    // Runs of maps that meet in shared spaces, outermost first; each becomes one normal form whose
    // operator is one flat product (associativity), so k equal factors are seen together by
    // product-collect-powers. The factors are gathered per run and the product built once: rebuilding
    // it per fused map would copy the run k times.
    const runs: MapExpr[][] = [];
    for (const next of m.maps) {
      const run = runs[runs.length - 1];
      const outer = run?.[run.length - 1];
      if (run !== undefined && outer !== undefined && outer.kind === "normal" && next.kind === "normal" && sameIrSpace(next.codomain, outer.domain)) run.push(next);
      else runs.push([next]);
    }
    if (runs.length === m.maps.length) return undefined;
    const fused = runs.map((run) => {
      const [outer] = run;
      const inner = run[run.length - 1];
      if (run.length === 1 || outer.kind !== "normal" || inner.kind !== "normal") return outer;
      const factors = run.flatMap((x) => (x.kind !== "normal" ? [] : x.op.kind === "product" ? x.op.factors : [x.op]));
      return normalForm(inner.domain, outer.codomain, ir.product(factors));
    });
    return chain(fused);
  },
};

export const mapRules: readonly MapRule[] = [chainFlatten, composeSharedNetwork];

/** Maps as trees for the engine: a chain's children are its maps; operator trees are rewritten separately. */
export const mapShape: TreeShape<MapExpr> = {
  children: (m) => (m.kind === "chain" ? m.maps : []),
  withChildren: (m, children) => (m.kind === "chain" ? chain(children) : m),
  describe: formatMap,
};
