// Every network declaration of a checked program as a runtime network: built with buildNetwork from its
// declared blocks, seeded per declaration, then either ActNorm-initialised on a seeded batch or loaded
// from the program's (already decoded) weights file. Names in the file: `G.blocks.3.f.layers.0.weight`.
import * as tf from "@tensorflow/tfjs-core";
import type { BlockNode, NetworkDecl } from "../../ast/nodes.js";
import { assignNetworkTensors } from "../../runtime/io/index.js";
import { buildNetwork, NetworkError, type BlockSpec, type ConditionerSpec, type CouplingMask, type NetworkSpec, type ScaleBound, type Stack } from "../../runtime/network/index.js";
import { seededRandom } from "../../runtime/operator/index.js";
import { declKey, type CheckedProgram, type DeclKey } from "../checker/checked.js";
import { ExecuteError } from "../execute/errors.js";
import { declarationSeed, modulePrefixes } from "./declarations.js";
import { weightsError, type WeightsFile } from "./weightsFile.js";

/** Rows of the seeded Gaussian batch that initialises ActNorm when no weights are loaded. */
const ACTNORM_INIT_ROWS = 64;

export interface BoundNetwork {
  /** declKey(uri, name), as in the IR's space ids. */
  readonly key: DeclKey;
  /** The name prefix of its tensors in a weights file, with the trailing dot. */
  readonly prefix: string;
  readonly network: Stack;
}

function blockSpec(program: CheckedProgram, node: BlockNode): BlockSpec {
  if (node.kind === "Repeat") return { kind: "repeat", count: node.count.value, body: node.body.map((b) => blockSpec(program, b)) };
  // The checker recorded the block's literal arguments: keywords by name, the positional ones as `#i`.
  const named = program.argumentsOf(node);
  const num = (k: string): number | undefined => {
    const v = named.get(k);
    return typeof v === "number" ? v : undefined;
  };
  const name = node.name.name;
  switch (name) {
    case "affine_coupling":
    case "additive_coupling": {
      const activation = named.get("activation");
      const str = (k: string): string | undefined => {
        const v = named.get(k);
        return typeof v === "string" ? v : undefined;
      };
      const opt = <K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> => (v === undefined ? {} : ({ [k]: v } as Record<K, V>));
      // The checker accepts only the activations the runtime has; buildNetwork re-checks the name.
      type Act = Extract<BlockSpec, { kind: "affine_coupling" }>["activation"];
      const act = typeof activation === "string" ? (activation as Act) : undefined;
      const kind = str("conditioner");
      // The checker accepts only the conditioner keywords the chosen conditioner takes (LIN0345).
      const conditioner: ConditionerSpec | undefined =
        kind === "unet"
          ? {
              kind,
              ...opt("channels", num("channels")),
              ...opt("levels", num("levels")),
              ...opt("blocks", num("blocks")),
              ...opt("attention", num("attention")),
              ...opt("dropout", num("dropout")),
              ...opt("embed", num("embed")),
              ...opt("activation", act),
            }
          : kind === "resnet"
            ? { kind, ...opt("channels", num("channels")), ...opt("blocks", num("blocks")), ...opt("dropout", num("dropout")), ...opt("activation", act) }
            : undefined;
      const mask = str("mask");
      const common = {
        ...opt("hidden", num("hidden")),
        ...opt("depth", num("depth")),
        ...opt("activation", act),
        ...opt("conditioner", conditioner),
        ...opt("mask", mask === "checkerboard" || mask === "channel" ? (mask as CouplingMask) : undefined),
      };
      if (name === "additive_coupling") return { kind: name, ...common };
      const scale = str("scale");
      return { kind: name, ...common, ...opt("scale", scale === "clamp" || scale === "tanh" ? (scale as ScaleBound) : undefined), ...opt("scale_bound", num("scale_bound")) };
    }
    case "permute": {
      const m = named.get("#0") ?? "reverse";
      const seed = num("seed");
      return { kind: "permute", mode: m === "random" ? "random" : "reverse", ...(seed === undefined ? {} : { seed }) };
    }
    case "inv_dense":
      return { kind: name, ...(named.get("param") === "matrix" ? { param: "matrix" as const } : {}) };
    case "actnorm":
    case "squeeze":
    case "unsqueeze":
      return { kind: name };
    default:
      throw new ExecuteError("LIN0803", `network block ${name} has no runtime implementation`);
  }
}

/** A checked network declaration as the runtime's plain description. */
function networkSpecOf(program: CheckedProgram, decl: NetworkDecl): NetworkSpec {
  return { tagged: decl.tagged, blocks: decl.blocks.map((b) => blockSpec(program, b)) };
}

/** Every network of the program (all modules), seeded, ActNorm initialised or loaded from `weights`. */
export function bindNetworks(program: CheckedProgram, seed: number, weights?: WeightsFile): Map<string, BoundNetwork> {
  const prefixes = modulePrefixes(program);
  const out = new Map<string, BoundNetwork>();
  try {
    for (const [uri, module] of program.modules) {
      for (const { name, type, decl } of module.networks) {
        const key = declKey(uri, name);
        const weightsName = `${prefixes.get(uri) ?? ""}${name}`;
        const prefix = `${weightsName}.`;
        let network: Stack;
        try {
          network = buildNetwork(networkSpecOf(program, decl), type.space.shape, declarationSeed(seed, weightsName));
        } catch (e) {
          if (e instanceof NetworkError) throw new ExecuteError("LIN0803", `network ${name}: ${e.message}`);
          throw e;
        }
        if (weights !== undefined) {
          try {
            assignNetworkTensors(network, weights.tensors, weights.path, { rename: (n) => (n.startsWith(prefix) ? n.slice(prefix.length) : undefined) });
          } catch (e) {
            network.dispose();
            throw weightsError(e, prefix) ?? e;
          }
        } else {
          initialiseActNorm(network, declarationSeed(seed, `${weightsName}:actnorm`));
        }
        out.set(key, { key, prefix, network });
      }
    }
  } catch (e) {
    // The networks built before the failing one are freed here: the caller never sees them.
    for (const n of out.values()) n.network.dispose();
    throw e;
  }
  return out;
}

/**
 * ActNorm's data-dependent initialisation, run at compile time on a seeded standard-normal batch
 * (tag 0 for a tagged network) so an untrained program is deterministic and runnable.
 */
function initialiseActNorm(network: Stack, seed: number): void {
  const shape = network.inputShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const random = seededRandom(seed);
  const data = new Float32Array(ACTNORM_INIT_ROWS * size);
  for (let i = 0; i < data.length; i++) data[i] = random.normal();
  tf.tidy(() => network.initialize(tf.tensor(data, [ACTNORM_INIT_ROWS, ...shape], "float32"), network.tagged ? 0 : undefined));
}
