// Looking inside a compiled map: its optimised normal form 𝕃{g_x, g_y, A} as runtime values — the bound
// operator A and the charts g_x, g_y with their tags — for tools (`linea svd`) that work on the operator
// itself rather than running the map. Read off the map's plan, which already holds exactly these.
import type { LinearOperator } from "../../runtime/operator/index.js";
import type { Chart } from "../../runtime/space/index.js";
import { ExecuteError } from "./errors.js";
import type { CompiledProgram } from "./program.js";

/** One end of a map: the space's name, dimension and declared shape, and its chart (undefined: Euclidean, g = identity). */
export interface MapEnd {
  readonly space: string;
  readonly dim: number;
  readonly shape: readonly number[];
  readonly chart?: Chart;
}

/** A map in normal form: f(x) = g_y⁻¹(A·g_x(x)). */
export interface MapNormalForm {
  readonly name: string;
  /** A label of the optimised operator expression. */
  readonly label: string;
  readonly operator: LinearOperator;
  readonly domain: MapEnd;
  readonly codomain: MapEnd;
}

/**
 * The normal form of a compiled map (a `map` or a map-valued `let`, compiled as a target). Throws
 * LIN0801 for a name that is no map (naming the maps there are), and LIN0803
 * when the optimised map is not one operator between two charts (a chain through different networks).
 */
export function mapNormalForm(compiled: CompiledProgram, name: string): MapNormalForm {
  if (!compiled.ir.maps.has(name)) {
    throw new ExecuteError("LIN0801", `no map named ${name}; maps: ${[...compiled.ir.maps.keys()].join(", ") || "none"}`);
  }
  const plan = compiled.planOf(name);
  const input = plan.inputs[0];
  if (plan.result.kind !== "vector" || input === undefined) throw new ExecuteError("LIN0803", `${name} is not a map between vector spaces`);
  // A normal form plans as [encode 0 →]? operator [→ decode]?; anything else is a chain.
  let at = 0;
  let domainChart: Chart | undefined;
  let codomainChart: Chart | undefined;
  let operator: { label: string; op: LinearOperator } | undefined;
  for (const step of plan.steps) {
    if (step.kind === "encode" && operator === undefined && domainChart === undefined && step.from === at) domainChart = step.chart;
    else if (step.kind === "operator" && operator === undefined && step.from === at) operator = { label: step.label, op: step.operator };
    else if (step.kind === "decode" && operator !== undefined && codomainChart === undefined && step.from === at) codomainChart = step.chart;
    else
      throw new ExecuteError(
        "LIN0803",
        `${name} does not optimise to a single operator between two charts (a chain through different networks); its SVD is not that of one operator`,
      );
    at = step.to;
  }
  if (operator === undefined || at !== plan.output) throw new ExecuteError("LIN0803", `${name} has no single operator in its normal form`);
  return {
    name,
    label: operator.label,
    operator: operator.op,
    domain: { space: input.space, dim: input.dim, shape: input.shape, ...(domainChart === undefined ? {} : { chart: domainChart }) },
    codomain: { space: plan.result.space, dim: plan.result.dim, shape: plan.result.shape, ...(codomainChart === undefined ? {} : { chart: codomainChart }) },
  };
}
