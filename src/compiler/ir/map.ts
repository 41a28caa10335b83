// Map expressions. A normal form 𝕃{g_x, g_y, A} is x ↦ g_y⁻¹(A·g_x(x)). A chain is a composition that
// has not (yet) been fused: its maps are applied right to left (maps[0] last), each with its own network
// passes. The rule compose-shared-network (passes/rules/compose.ts) fuses neighbours that meet in the
// same space, because g_y∘g_y⁻¹ = id there.
import { IrError } from "./errors.js";
import type { OpExpr } from "./expr.js";
import { formatExpr } from "./expr.js";
import type { IrSpace } from "./space.js";

export interface NormalForm {
  readonly kind: "normal";
  readonly domain: IrSpace;
  readonly codomain: IrSpace;
  /** rows = codomain.dim, cols = domain.dim. */
  readonly op: OpExpr;
}

export interface MapChain {
  readonly kind: "chain";
  readonly domain: IrSpace;
  readonly codomain: IrSpace;
  /** maps[0] ∘ maps[1] ∘ …: maps[i].domain = maps[i+1].codomain by dimension. */
  readonly maps: readonly MapExpr[];
}

export type MapExpr = NormalForm | MapChain;

export function normalForm(domain: IrSpace, codomain: IrSpace, op: OpExpr): NormalForm {
  if (op.rows !== codomain.dim || op.cols !== domain.dim) {
    throw new IrError("LIN0821", `map ${domain.name} -> ${codomain.name} needs an operator [${codomain.dim}×${domain.dim}], got [${op.rows}×${op.cols}]`);
  }
  return { kind: "normal", domain, codomain, op };
}

/**
 * outer ∘ … ∘ inner. Neighbours must agree in dimension; they need not be the same space (then the
 * chain keeps a decode-encode pair between them, which no rule may fuse).
 */
export function chain(maps: readonly MapExpr[]): MapExpr {
  if (maps.length === 0) throw new IrError("LIN0823", "chain: no maps");
  if (maps.length === 1) return maps[0];
  for (let i = 0; i + 1 < maps.length; i++) {
    if (maps[i].domain.dim !== maps[i + 1].codomain.dim) {
      throw new IrError("LIN0821", `compose: ${maps[i + 1].codomain.name} (dim ${maps[i + 1].codomain.dim}) does not fit ${maps[i].domain.name} (dim ${maps[i].domain.dim})`);
    }
  }
  return { kind: "chain", domain: maps[maps.length - 1].domain, codomain: maps[0].codomain, maps };
}

/** Network passes a map costs per evaluation: one encode g_x and one decode g_y⁻¹ per normal form, none for Euclidean spaces. */
export function networkPasses(m: MapExpr): number {
  if (m.kind === "chain") return m.maps.reduce((n, x) => n + networkPasses(x), 0);
  return (m.domain.network === undefined ? 0 : 1) + (m.codomain.network === undefined ? 0 : 1);
}

export function formatMap(m: MapExpr): string {
  if (m.kind === "normal") return `𝕃{${m.domain.name}, ${m.codomain.name}, ${formatExpr(m.op)}}`;
  return m.maps.map(formatMap).join(" ∘ ");
}
