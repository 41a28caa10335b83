// The optimisation pipeline: map rules (fuse compositions through shared networks), then the operator
// rules on every normal form's operator, each to a fixpoint, with the fired-rules log for --explain.
import { estimateCost, formatCost, type Cost } from "../ir/cost.js";
import { explainMap } from "../ir/explain.js";
import { boundPinvOperand, childrenOf, formatExpr, withChildren, type OpExpr } from "../ir/expr.js";
import { evaluateOperator } from "../ir/evaluate.js";
import { decompositionRoute, type RouteChoice } from "../../runtime/operator/index.js";
import { normalForm, chain, networkPasses, type MapExpr } from "../ir/map.js";
import { rewriteToFixpoint, type RewriteResult, type TreeShape } from "./engine.js";
import type { FiredRule, Rule } from "./rule.js";
import { structuralRules } from "./rules/algebra.js";
import { mapRules, mapShape } from "./rules/compose.js";
import { foldingRules } from "./rules/fold.js";

export const opShape: TreeShape<OpExpr> = { children: childrenOf, withChildren, describe: formatExpr };

/** Every operator rule, structural ones first (they expose constants), then folding. */
export const operatorRules: readonly Rule<OpExpr>[] = [...structuralRules, ...foldingRules];

export function optimiseOperator(e: OpExpr, rules: readonly Rule<OpExpr>[] = operatorRules): RewriteResult<OpExpr> {
  return rewriteToFixpoint(e, rules, opShape);
}

export interface MapOptimisation {
  readonly before: MapExpr;
  readonly after: MapExpr;
  readonly fired: readonly FiredRule[];
}

export function optimiseMap(m: MapExpr, rules: readonly Rule<OpExpr>[] = operatorRules): MapOptimisation {
  const fused = rewriteToFixpoint(m, mapRules, mapShape);
  const fired: FiredRule[] = [...fused.fired];
  const rewriteOps = (x: MapExpr): MapExpr => {
    if (x.kind === "chain") return chain(x.maps.map(rewriteOps));
    const op = optimiseOperator(x.op, rules);
    fired.push(...op.fired);
    return normalForm(x.domain, x.codomain, op.result);
  };
  return { before: m, after: rewriteOps(fused.result), fired };
}

/** Operator applications plus network passes per evaluation: the kernel-count proxy of a map. */
export function mapApplications(m: MapExpr): number {
  if (m.kind === "chain") return m.maps.reduce((n, x) => n + mapApplications(x), 0);
  return networkPasses(m) + estimateCost(m.op).applications;
}

/** The operator cost of a map: its normal forms' operators summed (network passes not included). */
export function mapOperatorCost(m: MapExpr): Cost {
  if (m.kind === "normal") return estimateCost(m.op);
  return m.maps.map(mapOperatorCost).reduce((a, b) => ({ flops: a.flops + b.flops, memory: a.memory + b.memory, applications: a.applications + b.applications }));
}

/** The --explain report: the map before and after, and the rules that fired. */
export function explainOptimisation(name: string, o: MapOptimisation): string {
  const lines = [`== ${name}: before (${mapApplications(o.before)} applications)`, ...explainMap(name, o.before)];
  lines.push(`== ${name}: after (${mapApplications(o.after)} applications)`, ...explainMap(name, o.after));
  lines.push(`== ${name}: rules fired (${o.fired.length})`);
  for (const f of o.fired) lines.push(`  ${f.rule}: ${f.before}  ⇒  ${f.after}`);
  lines.push(`== ${name}: operator cost ${formatCost(mapOperatorCost(o.before))} → ${formatCost(mapOperatorCost(o.after))}`);
  const routes = decompositionRoutes(o.before);
  if (routes.length > 0) {
    lines.push(`== ${name}: decompositions (${routes.length})`);
    for (const r of routes) lines.push(`  pinv(${r.label}) [${r.rows}×${r.cols}]: ${r.route} — ${r.reason}`);
  }
  return lines.join("\n");
}

/** A pseudo-inverse the map takes, and how decompositionRoute computes it (the same choice pinv() makes). */
interface RouteLine extends RouteChoice {
  readonly label: string;
  readonly rows: number;
  readonly cols: number;
}

/** Every pinv(A) of the map with A bound and time-free, once per A, with its route and the reason. */
function decompositionRoutes(m: MapExpr): RouteLine[] {
  const found = new Map<string, RouteLine>();
  const visit = (e: OpExpr): void => {
    const inner = boundPinvOperand(e);
    if (inner !== undefined) {
      const label = formatExpr(inner);
      if (!found.has(label)) found.set(label, { label, rows: inner.rows, cols: inner.cols, ...decompositionRoute(evaluateOperator(inner), "pinv") });
    }
    childrenOf(e).forEach(visit);
  };
  const walk = (x: MapExpr): void => (x.kind === "normal" ? visit(x.op) : x.maps.forEach(walk));
  walk(m);
  return [...found.values()];
}
