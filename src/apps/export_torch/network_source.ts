// A bound network as the Python that rebuilds it from the exported package's linea_torch.py: one
// constructor call per block, with the block's own arguments (defaults filled in), in the order of
// the file's names blocks.0, blocks.1, … (repeats unrolled, as Linea's Stack holds them).
import { ActNorm, Coupling, InvertibleDense, InvertibleDenseMatrix, Permutation, Squeeze, Unsqueeze, type Block, type Stack } from "../../runtime/network/index.js";
import { CONV_CONDITIONER_DEFAULTS, type ConditionerSpec } from "../../runtime/network/spec.js";
import { pyCall, pyLiteral, type PyValue } from "./python.js";

/** The conditioner's keyword arguments with Linea's defaults written out, as linea_torch's UNet/ResNet take them. */
function conditionerArgs(c: ConditionerSpec): [string, Record<string, PyValue>] {
  if (c.kind === "unet") {
    const d = CONV_CONDITIONER_DEFAULTS.unet;
    return [
      "unet",
      {
        channels: c.channels ?? d.channels,
        levels: c.levels ?? d.levels,
        blocks: c.blocks ?? d.blocks,
        attention: c.attention ?? d.attention,
        dropout: { float: c.dropout ?? d.dropout },
        embed: c.embed ?? d.embed,
        activation: c.activation ?? d.activation,
      },
    ];
  }
  const d = CONV_CONDITIONER_DEFAULTS.resnet;
  // The resnet's tag embedding takes the unet's default width (src/runtime/network/conv/build.ts).
  return [
    "resnet",
    {
      channels: c.channels ?? d.channels,
      blocks: c.blocks ?? d.blocks,
      dropout: { float: c.dropout ?? d.dropout },
      activation: c.activation ?? d.activation,
      embed: CONV_CONDITIONER_DEFAULTS.unet.embed,
    },
  ];
}

function dictLiteral(args: Record<string, PyValue>): string {
  return `{${Object.entries(args)
    .map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`)
    .join(", ")}}`;
}

/** One block's constructor call. */
export function blockSource(block: Block): string {
  const shape = [...block.inputShape];
  if (block instanceof Coupling) {
    const c = block.config;
    const common: Record<string, PyValue | undefined> = { mask: c.mask, tagged: c.tagged };
    const conditioner = c.conditioner === undefined ? { hidden: c.mlp.hidden, depth: c.mlp.depth, activation: c.mlp.activation } : undefined;
    const call =
      c.scale === undefined
        ? pyCall("AdditiveCoupling", [shape], { ...common, ...conditioner })
        : pyCall("AffineCoupling", [shape], { scale: c.scale, scale_bound: { float: c.scaleBound ?? 0 }, ...common, ...conditioner });
    if (c.conditioner === undefined) return call;
    const [kind, args] = conditionerArgs(c.conditioner);
    return `${call.slice(0, -1)}, conditioner=(${JSON.stringify(kind)}, ${dictLiteral(args)}))`;
  }
  if (block instanceof ActNorm) return pyCall("ActNorm", [shape]);
  if (block instanceof Permutation) return pyCall("Permute", [shape]);
  if (block instanceof InvertibleDense) return pyCall("InvDenseLU", [shape]);
  if (block instanceof InvertibleDenseMatrix) return pyCall("InvDenseMatrix", [shape]);
  if (block instanceof Squeeze) return pyCall("Squeeze", [shape]);
  if (block instanceof Unsqueeze) return pyCall("Unsqueeze", [shape]);
  // Every block kind of src/runtime/network is handled above: reaching here is a bug (LIN1202 at the CLI).
  throw new Error(`no PyTorch export for a block of kind ${block.kind}`);
}

/** The Python expression of a whole network: `Network([2], tagged=True, blocks=[…])`, one block a line. */
export function networkSource(net: Stack, indent = "    "): string {
  const lines = net.blocks.map((b, i) => `${indent}    ${blockSource(b)},  # blocks.${i}: ${b.kind} on [${b.inputShape.join(", ")}]`);
  return `Network(\n${indent}    ${pyLiteral([...net.inputShape])},\n${indent}    tagged=${pyLiteral(net.tagged)},\n${indent}    blocks=[\n${lines.map((l) => `    ${l}`).join("\n")}\n${indent}    ],\n${indent})`;
}
