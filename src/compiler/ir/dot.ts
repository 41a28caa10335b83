// A Graphviz DOT view of a map: spaces as ellipses, operator nodes as boxes labelled with kind, shape and
// cost. `dot -Tsvg` renders it.
import { estimateCost, formatCost } from "./cost.js";
import { childrenOf, formatExpr, type OpExpr } from "./expr.js";
import type { MapExpr } from "./map.js";

const quote = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

function opLabel(e: OpExpr): string {
  const head =
    e.kind === "leaf"
      ? `${e.name}\n${e.operator?.kind ?? e.structure}`
      : e.kind === "power"
        ? `power ${e.exponent}`
        : e.kind === "at"
          ? `at t=${e.time}`
          : e.kind === "sampler"
            ? `sampler ${e.method} T=${e.steps}`
            : e.kind === "scale"
              ? `scale ${e.scale}`
              : e.kind;
  return `${head}\n[${e.rows}×${e.cols}]\n${formatCost(estimateCost(e))}`;
}

/** DOT source for named maps (one cluster each). */
export function mapsToDot(maps: readonly { readonly name: string; readonly map: MapExpr }[]): string {
  const lines: string[] = ["digraph linea {", "  rankdir=LR;", "  node [fontname=Helvetica, fontsize=10];"];
  let counter = 0;
  const fresh = (): string => `n${counter++}`;
  const emitOp = (e: OpExpr): string => {
    const id = fresh();
    lines.push(`  ${id} [shape=box, label=${quote(opLabel(e))}];`);
    childrenOf(e).forEach((c, i) => lines.push(`  ${emitOp(c)} -> ${id} [label=${quote(String(i))}];`));
    return id;
  };
  // Returns [entry node, exit node] of the map's data flow.
  const emitMap = (m: MapExpr): [string, string] => {
    if (m.kind === "normal") {
      const input = fresh();
      const output = fresh();
      lines.push(`  ${input} [shape=ellipse, label=${quote(`${m.domain.name}\ng_x`)}];`);
      lines.push(`  ${output} [shape=ellipse, label=${quote(`${m.codomain.name}\ng_y⁻¹`)}];`);
      const root = emitOp(m.op);
      lines.push(`  ${input} -> ${root} [style=dashed];`, `  ${root} -> ${output} [style=dashed];`);
      return [input, output];
    }
    const parts = [...m.maps].reverse().map(emitMap);
    for (let i = 0; i + 1 < parts.length; i++) lines.push(`  ${parts[i][1]} -> ${parts[i + 1][0]} [style=bold];`);
    return [parts[0][0], parts[parts.length - 1][1]];
  };
  maps.forEach(({ name, map }, i) => {
    lines.push(`  subgraph cluster_${i} {`, `  label=${quote(map.kind === "normal" ? `${name} = ${formatExpr(map.op)}` : name)};`);
    emitMap(map);
    lines.push("  }");
  });
  lines.push("}");
  return lines.join("\n") + "\n";
}
