// The tensors of a bound program, under their weights-file names: the check that a loaded file held
// nothing else, and what a bound program saves (in the layout the weights option loads).
import { networkTensors, type HostTensor } from "../../runtime/io/index.js";
import { operatorParameters } from "../../runtime/operator/index.js";
import { ExecuteError } from "../execute/errors.js";
import type { BoundNetwork } from "./networks.js";
import type { BoundOperator } from "./operators.js";
import { TRAINING_STATE_PREFIX } from "./weightsFile.js";

/** Fails on a tensor of the weights file that no declaration used (a renaming or architecture mistake). */
export function checkNoUnexpectedTensors(
  fileTensors: ReadonlySet<string>,
  networks: Iterable<BoundNetwork>,
  operators: Iterable<BoundOperator>,
  /** Name prefixes of declarations deliberately left unbound (not used by the compiled targets). */
  unboundPrefixes: readonly string[] = [],
): void {
  if (fileTensors.size === 0) return;
  const used = new Set<string>();
  for (const n of networks) {
    for (const name of n.network.parameters().keys()) used.add(n.prefix + name);
    for (const name of n.network.state().keys()) used.add(n.prefix + name);
  }
  for (const o of operators) for (const name of operatorParameters(o.operator, o.prefix).keys()) used.add(name);
  // A training checkpoint also holds optimiser moments and the loss history under "train/": state of the
  // run, not of the model, so a checkpoint loads as weights.
  const ignored = [...unboundPrefixes, TRAINING_STATE_PREFIX];
  const unexpected = [...fileTensors].filter((n) => !used.has(n) && !ignored.some((p) => n.startsWith(p))).sort();
  if (unexpected.length > 0) {
    throw new ExecuteError("LIN0804", `the weights file has tensor(s) no declaration uses: ${unexpected.slice(0, 8).join(", ")}`, unexpected[0]);
  }
}

/** Every tensor of the bound program under its file name (networks F32/I32, operators F32). */
export async function programTensors(networks: Iterable<BoundNetwork>, operators: Iterable<BoundOperator>): Promise<Map<string, HostTensor>> {
  const out = new Map<string, HostTensor>();
  for (const n of networks) for (const [name, t] of await networkTensors(n.network)) out.set(n.prefix + name, t);
  for (const o of operators) {
    for (const [name, p] of operatorParameters(o.operator, o.prefix)) out.set(name, { dtype: "F32", shape: [...p.shape], data: Float32Array.from(p.data) });
  }
  return out;
}
