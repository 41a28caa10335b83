// The `--explain` text view: one line per node, indented by depth, with its shape, its space (for the
// root of a normal form) and its estimated cost.
import { estimateCost, formatCost } from "./cost.js";
import { childrenOf, formatExpr, type OpExpr } from "./expr.js";
import { networkPasses, type MapExpr } from "./map.js";

function nodeLabel(e: OpExpr): string {
  switch (e.kind) {
    case "leaf":
      return `${e.folded ? "const" : "leaf"} ${e.name} : ${e.operator?.kind ?? e.structure}${e.rank === undefined ? "" : ` rank ${e.rank}`}${e.operator === undefined ? " (unbound)" : ""}`;
    case "identity":
      return "identity";
    case "product":
      return `product of ${e.factors.length}`;
    case "sum":
      return `sum of ${e.terms.length} (coefficients ${e.terms.map((t) => t.coeff).join(", ")})`;
    case "scale":
      return `scale ${e.scale}`;
    case "transpose":
      return "transpose";
    case "pinv":
      return "pinv";
    case "power":
      return `power ${e.exponent}`;
    case "kron":
      return "kron";
    case "at":
      return `at t=${e.time}`;
    case "sampler":
      return `sampler ${e.method} T=${e.steps}`;
  }
}

/** The operator tree, one node per line. */
export function explainExpr(e: OpExpr, indent = 0): string[] {
  const line = `${"  ".repeat(indent)}${nodeLabel(e)} [${e.rows}×${e.cols}]${e.timeConditioned ? " (needs t)" : ""}  ${formatCost(estimateCost(e))}`;
  return [line, ...childrenOf(e).flatMap((c) => explainExpr(c, indent + 1))];
}

/** A map: its normal form(s) with spaces, network passes and the operator tree. */
export function explainMap(name: string, m: MapExpr, indent = 0): string[] {
  const pad = "  ".repeat(indent);
  if (m.kind === "chain") {
    return [
      `${pad}${name} : ${m.domain.name} -> ${m.codomain.name}  chain of ${m.maps.length} (network passes ${networkPasses(m)})`,
      ...m.maps.flatMap((x, i) => explainMap(`[${i}]`, x, indent + 1)),
    ];
  }
  return [
    `${pad}${name} : ${m.domain.name} -> ${m.codomain.name}  𝕃{g_x = ${m.domain.name}, g_y = ${m.codomain.name}, A = ${formatExpr(m.op)}} (network passes ${networkPasses(m)})`,
    ...explainExpr(m.op, indent + 1),
  ];
}
