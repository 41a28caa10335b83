// The messages of LIN05xx: networks — unknown blocks and their arguments, permute modes, squeezes
// that do not fit the shape, coupling blocks on one feature, networks over induced spaces.
import type { Ident } from "../../../ast/nodes.js";
import type { Range } from "../../../ast/source.js";
import { literalText, type Literal } from "../args.js";
import { describeSpace, formatShape, spaceLocations, type SpaceType } from "../types.js";
import { shapeText, unknownOf, type Message } from "./common.js";

export function unknownBlock(id: Ident, known: readonly string[], uri: string): Message<"LIN0501"> {
  return unknownOf("LIN0501", "network block", id, known, false, uri);
}

/** `permute(reverse, seed = …)`. */
export function reverseTakesNoSeed(): Message<"LIN0502"> {
  return { code: "LIN0502", message: "permute(reverse) takes no seed; only permute(random, …) does", fix: { title: "drop the seed, or use permute(random, seed = …)", edits: [] } };
}

/**
 * A squeeze that meets `shape`, which is not [C, H, W] with H and W even: the squeeze itself, or (with
 * `repeat`) one in a later copy of a repeat's body.
 */
export function badSqueeze(shape: readonly number[], repeat?: { copy: number; count: number }): Message<"LIN0505"> {
  const where = repeat ? `copy ${repeat.copy} of repeat ${repeat.count}` : "this squeeze";
  return {
    code: "LIN0505",
    message: `squeeze needs a [C, H, W] shape with H and W even, but ${where} sees ${shapeText(shape)}`,
    because: ["a 2x2 squeeze turns [C, H, W] into [4C, H/2, W/2]", `the shape at this point is ${shapeText(shape)}`],
    fix: { title: "declare the network over R[C, H, W] with H and W divisible by 2 for every squeeze", edits: [] },
  };
}

/** `network name : over` where `over` (written at `range`) is induced, not Euclidean. */
export function networkOverNonEuclidean(name: string, over: SpaceType, range: Range, uri: string): Message<"LIN0506"> {
  return {
    code: "LIN0506",
    message: `network ${name} acts on ${describeSpace(over)}, which is not a Euclidean space`,
    related: spaceLocations(over),
    because: ["an invertible network maps Euclidean coordinates; induced spaces are what networks produce"],
    fix: { title: `declare ${name} over a Euclidean space such as ${formatShape(over.shape)}`, edits: [{ uri, range, newText: formatShape(over.shape) }] },
  };
}

/** `permute(mode)` whose first argument (`mode`, when a literal) is neither `reverse` nor `random`. */
export function badPermuteMode(mode: Literal | undefined): Message<"LIN0507"> {
  return {
    code: "LIN0507",
    message: `permute needs \`reverse\` or \`random\` as its first argument${mode ? `, not ${literalText(mode)}` : ""}`,
    fix: { title: "write permute(reverse) or permute(random, seed = 0)", edits: [] },
  };
}

/** A coupling block (`name`) in a network acting on `shape`, which has one feature. */
export function splitOfOneFeature(name: string, shape: readonly number[]): Message<"LIN0508"> {
  return {
    code: "LIN0508",
    message: `${name} splits its input in two halves, but the network acts on ${shapeText(shape)} (1 feature)`,
    fix: { title: "use actnorm or inv_dense for one-dimensional spaces", edits: [] },
  };
}

export function tooManyLayers(name: string, layers: number, max: number): Message<"LIN0509"> {
  return {
    code: "LIN0509",
    message: `network ${name} has ${layers.toLocaleString("en-US")} layers with its repeats multiplied out, more than the ${max.toLocaleString("en-US")} a network may have`,
    because: ["each layer is built, stored and run one by one"],
  };
}
