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

// LIN034x: the reference's blocks (issue 11) — conditioners, masks and unsqueeze that do not fit the
// shape a coupling sees. Each names the shape at that point, why it cannot work, and what would.

/** `conditioner = resnet|unet` on a coupling that sees a flat `shape`. */
export function convConditionerOnFlat(conditioner: string, shape: readonly number[]): Message<"LIN0340"> {
  return {
    code: "LIN0340",
    message: `conditioner = ${conditioner} is convolutional, but this coupling sees the flat shape ${shapeText(shape)}`,
    because: ["3×3 convolutions need a [C, H, W] image", `the shape at this point is ${shapeText(shape)}`],
    fix: { title: "declare the network over R[C, H, W], or leave out conditioner = for the MLP conditioner", edits: [] },
  };
}

/** A channel split (explicit `mask = channel`, or a conv conditioner's) of an image with odd C. */
export function oddChannelSplit(shape: readonly number[], why: "mask" | "conditioner"): Message<"LIN0341"> {
  return {
    code: "LIN0341",
    message: `a channel split needs an even channel count, but this coupling sees ${shapeText(shape)} (C = ${shape[0]})`,
    because: [
      why === "mask"
        ? "mask = channel splits [C, H, W] into two halves of C/2 channels (the reference's chunk(2, dim=1))"
        : "a convolutional conditioner maps C/2 channels to the other C/2 channels' shift and scale",
      `the shape at this point is ${shapeText(shape)}`,
    ],
    fix: { title: "squeeze first (C → 4C), use mask = checkerboard, or (MLP only) leave out mask = for a split of the flat features", edits: [] },
  };
}

/** A unet of `levels` levels on an image of `height`×`width` that cannot be halved `levels − 1` times. */
export function unetTooDeep(levels: number, height: number, width: number): Message<"LIN0342"> {
  const factor = 2 ** (levels - 1);
  return {
    code: "LIN0342",
    message: `a unet with levels = ${levels} halves the image ${levels - 1} times, but ${height}×${width} is not divisible by ${factor}`,
    because: [`each level below the first halves H and W, so both must be divisible by 2^(levels−1) = ${factor}`],
    fix: { title: `use fewer levels, or an image whose H and W are divisible by ${factor}`, edits: [] },
  };
}

/** `attention = resolution` that is none of the unet's `resolutions`. */
export function attentionNeverOccurs(resolution: number, resolutions: readonly number[]): Message<"LIN0343"> {
  return {
    code: "LIN0343",
    message: `attention = ${resolution} names a resolution this unet never has (its resolutions are ${resolutions.join(", ")})`,
    because: ["self-attention runs at the level whose height equals the resolution named", "no level has that height, so the attention would silently never run"],
    fix: { title: `write attention = ${resolutions[resolutions.length - 1]} (or another of ${resolutions.join(", ")}), or attention = 0 for none`, edits: [] },
  };
}

/** A conv conditioner's GroupNorm on `channels` channels (`what`: "channels" or "the decoder's 2·channels"). */
export function groupNormDoesNotDivide(channels: number, groups: number, what: string): Message<"LIN0344"> {
  return {
    code: "LIN0344",
    message:
      groups < 1
        ? `GroupNorm on ${what} = ${channels} would have no group (min(32, ⌊${channels}/4⌋) = 0)`
        : `GroupNorm on ${what} = ${channels} uses ${groups} groups, which do not divide ${channels}`,
    because: ["the conditioner normalises with min(32, ⌊C/4⌋) groups (the reference's GroupNorm), and the groups must split C evenly"],
    fix: { title: "use channels = a multiple of 4 up to 128 (16, 32, 64, …), or a multiple of 32 above", edits: [] },
  };
}

/** `keyword` written for a conditioner (`conditioner`) that does not take it. */
export function keywordOfOtherConditioner(keyword: string, conditioner: string, takenBy: string): Message<"LIN0345"> {
  return {
    code: "LIN0345",
    message: `${keyword} is an argument of the ${takenBy} conditioner, not of conditioner = ${conditioner}`,
    because: ["hidden and depth size the MLP conditioner; channels, levels, blocks, attention, dropout and embed the convolutional ones (resnet takes channels, blocks, dropout)"],
    fix: { title: `drop ${keyword}, or write conditioner = ${takenBy.split(" ")[0]}`, edits: [] },
  };
}

/** `mask = checkerboard` on a coupling that sees `shape`, which is no [C, H, W] image of ≥ 2 pixels. */
export function checkerboardOnFlat(shape: readonly number[]): Message<"LIN0346"> {
  return {
    code: "LIN0346",
    message: `mask = checkerboard alternates pixels, but this coupling sees ${shapeText(shape)}, not a [C, H, W] image of at least 2 pixels`,
    because: ["the checkerboard transforms the pixels with h + w even, then the others", `the shape at this point is ${shapeText(shape)}`],
    fix: { title: "declare the network over R[C, H, W], or use mask = channel", edits: [] },
  };
}

/** An unsqueeze that meets `shape`, which is not [4C, H, W]. */
export function badUnsqueeze(shape: readonly number[]): Message<"LIN0347"> {
  return {
    code: "LIN0347",
    message: `unsqueeze needs a [C, H, W] shape with C divisible by 4, but this unsqueeze sees ${shapeText(shape)}`,
    because: ["unsqueeze undoes a squeeze: [4C, H, W] becomes [C, 2H, 2W]", `the shape at this point is ${shapeText(shape)}`],
    fix: { title: "unsqueeze only after a squeeze (or over R[4C, H, W])", edits: [] },
  };
}

/** `dropout = value` with value ≥ 1 (the parser and argument kinds already refuse negatives). */
export function dropoutNotProbability(value: number): Message<"LIN0348"> {
  return {
    code: "LIN0348",
    message: `dropout = ${value} is not a probability below 1`,
    because: ["dropout zeroes each activation with this probability while training; 1 would zero them all"],
    fix: { title: "write a dropout in [0, 1), such as the reference's 0.1", edits: [] },
  };
}
