// Module checker layer 2: space expressions (Euclidean, induced by a network with its tag, by name)
// and the blocks of a network declaration, whose shapes a squeeze or unsqueeze changes, and whether
// each coupling's conditioner and mask fit the shape it sees.
import type { Arg, BlockNode, LayerBlock, SpaceExpr } from "../../ast/nodes.js";
import { literalOf, matchArgs, type Literal } from "./args.js";
import { blocks as blockSpecs, conditionerKeywords, conditioners, permuteModes } from "./builtins.js";
import { maxNetworkLayers, maxSpaceDimension } from "./memory.js";
import * as messages from "./messages/index.js";
import { ScopeChecker } from "./scope.js";
import { dimension, type SpaceType } from "./types.js";

export abstract class SpaceChecker extends ScopeChecker {
  /** The space a space expression denotes; undefined when it does not denote one (reported). */
  protected space(s: SpaceExpr): SpaceType | undefined {
    const space = this.spaceInner(s);
    if (space) this.record(s, { kind: "Space", space });
    return space;
  }

  protected spaceInner(s: SpaceExpr): SpaceType | undefined {
    switch (s.kind) {
      case "MissingSpace":
        return undefined;
      case "EuclideanSpace": {
        // The parser reports extents that are not positive integers or above the cap (LIN0105, LIN0109); poison them quietly.
        if (s.shape.length === 0 || s.shape.some((n) => !Number.isInteger(n) || n <= 0 || n > maxSpaceDimension)) return undefined;
        // Each extent is capped by the parser (LIN0109); their product sizes every vector too.
        const dim = dimension(s.shape);
        if (dim > maxSpaceDimension) {
          this.report(s.range, messages.spaceTooLarge(s.shape, dim, maxSpaceDimension));
          return undefined;
        }
        return { kind: "Euclidean", shape: s.shape };
      }
      case "SpaceRef": {
        const sym = this.resolveRef(s.ref);
        if (!sym || sym.type.kind === "Error") return undefined;
        if (sym.type.kind === "Space") return sym.type.space;
        this.wrongKind(s.ref.range, sym, "a space");
        return undefined;
      }
      case "InducedSpace": {
        const sym = this.resolveRef(s.network);
        if (!sym || sym.type.kind === "Error") return undefined;
        if (sym.type.kind !== "Network") {
          this.wrongKind(s.network.range, sym, "a network");
          return undefined;
        }
        const net = sym.type;
        if (s.tag) {
          if (!net.tagged) {
            this.report(s.tag.range, messages.tagOnUntaggedNetwork(net, s.tag.text));
            return undefined;
          }
          // The parser reports tags that are not whole numbers (LIN0105).
          if (!Number.isInteger(s.tag.value) || s.tag.value < 0) return undefined;
          return { kind: "Induced", network: net.id, tag: s.tag.value, shape: net.space.shape };
        }
        if (net.tagged) {
          this.report(s.range, messages.missingTag(net, this.show(s.network.range), s.network.range, this.uri));
          return undefined;
        }
        return { kind: "Induced", network: net.id, shape: net.space.shape };
      }
    }
  }

  /** Checks blocks in order, tracking the shape (a squeeze changes it); returns the shape after. */
  protected blocks(list: readonly BlockNode[], shape: readonly number[] | undefined): readonly number[] | undefined {
    let s = shape;
    for (const b of list) {
      if (b.kind === "Repeat") {
        const n = b.count.value;
        if (!Number.isInteger(n) || n <= 0) {
          // The parser reports the count (LIN0105); still check the body once.
          s = this.blocks(b.body, s);
          continue;
        }
        s = this.blocks(b.body, s);
        // Later copies only change the shape through squeezes and unsqueezes; replay those without re-reporting.
        const moves = shapeMoves(b.body);
        for (let i = 1; i < n && moves.length > 0 && s; i++) {
          for (const move of moves) {
            if (!s) break;
            const next: readonly number[] | undefined = move === "squeeze" ? squeezed(s) : unsqueezed(s);
            if (!next) {
              this.report(b.range, move === "squeeze" ? messages.badSqueeze(s, { copy: i + 1, count: n }) : messages.badUnsqueeze(s));
              return undefined;
            }
            s = next;
          }
        }
        continue;
      }
      s = this.layer(b, s);
    }
    return s;
  }

  protected layer(b: Extract<BlockNode, { kind: "Layer" }>, shape: readonly number[] | undefined): readonly number[] | undefined {
    const name = b.name.name;
    const spec = blockSpecs[name];
    if (!spec) {
      this.report(b.name.range, messages.unknownBlock(b.name, Object.keys(blockSpecs), this.uri));
      return shape;
    }
    let args = b.args ?? [];
    if (name === "permute") {
      const [first, ...rest] = args;
      const mode = first && !first.name ? literalOf(first.value) : undefined;
      if (!mode || mode.kind !== "ident" || !(permuteModes as readonly string[]).includes(mode.name)) {
        this.report(first?.range ?? b.range, messages.badPermuteMode(mode));
        args = first && !first.name ? rest : args;
      } else {
        args = rest;
        const seed = rest.find((a) => a.name?.name === "seed");
        if (mode.name === "reverse" && seed) {
          this.report(seed.range, messages.reverseTakesNoSeed());
          args = rest.filter((a) => a !== seed);
        }
      }
    }
    this.recordArguments(b, b.args ?? []);
    const m = matchArgs(args, spec.params, false, b.range);
    for (const p of m.problems) this.argProblem(p, `block ${name}`, { unknown: "LIN0502", value: "LIN0503" }, spec.params);
    if (spec.splits && shape && dimension(shape) < 2) {
      this.report(b.name.range, messages.splitOfOneFeature(name, shape));
    } else if (spec.splits && shape) {
      this.couplingFits(b, shape, new Map([...m.values].map(([k, v]) => [k, { arg: v.arg, literal: v.literal }])));
    }
    if (name === "squeeze" && shape) {
      const next = squeezed(shape);
      if (!next) {
        this.report(b.name.range, messages.badSqueeze(shape));
        return undefined;
      }
      return next;
    }
    if (name === "unsqueeze" && shape) {
      const next = unsqueezed(shape);
      if (!next) {
        this.report(b.name.range, messages.badUnsqueeze(shape));
        return undefined;
      }
      return next;
    }
    return shape;
  }

  /**
   * A coupling's conditioner and mask against the shape it sees: conv conditioners and checkerboards
   * need [C, H, W]; a channel split an even C; a unet H and W divisible by 2^(levels−1), an attention
   * resolution among its levels' and GroupNorm-compatible channels. Conditioner keywords must belong to
   * the conditioner chosen. Reports at the argument at fault where one is, else at the block's name.
   */
  private couplingFits(b: LayerBlock, shape: readonly number[], written: ReadonlyMap<string, { readonly arg: Arg; readonly literal: Literal | undefined }>): void {
    const ident = (k: string): string | undefined => {
      const l = written.get(k)?.literal;
      return l?.kind === "ident" ? l.name : undefined;
    };
    const num = (k: string): number | undefined => {
      const l = written.get(k)?.literal;
      return l?.kind === "number" ? l.value : undefined;
    };
    const at = (k: string) => written.get(k)?.arg.range ?? b.name.range;
    const name = ident("conditioner") ?? "mlp";
    // An unknown conditioner is the argument check's error (it lists the choices); nothing to fit here.
    if (!(conditioners as readonly string[]).includes(name)) return;
    const conditioner = name as (typeof conditioners)[number];
    const takes = conditionerKeywords[conditioner];
    for (const [k, { arg }] of written) {
      const owner = conditioners.filter((c) => conditionerKeywords[c].includes(k));
      if (owner.length > 0 && !takes.includes(k)) this.report(arg.range, messages.keywordOfOtherConditioner(k, conditioner, owner.join(" or ")));
    }
    const image = shape.length === 3;
    const mask = ident("mask") ?? "channel";
    if (mask === "checkerboard" && !(image && shape[1] * shape[2] >= 2)) {
      this.report(at("mask"), messages.checkerboardOnFlat(shape));
      return;
    }
    if (conditioner === "mlp") {
      if (written.has("mask") && mask === "channel" && image && shape[0] % 2 !== 0) this.report(at("mask"), messages.oddChannelSplit(shape, "mask"));
      return;
    }
    if (!image) {
      this.report(at("conditioner"), messages.convConditionerOnFlat(conditioner, shape));
      return;
    }
    const dropout = num("dropout");
    if (dropout !== undefined && dropout >= 1) this.report(at("dropout"), messages.dropoutNotProbability(dropout));
    const [c, h, w] = shape;
    if (mask === "channel" && c % 2 !== 0) this.report(b.name.range, messages.oddChannelSplit(shape, "conditioner"));
    const defaults = conditioner === "unet" ? unetDefaults : resnetDefaults;
    const channels = num("channels") ?? defaults.channels;
    // The decoder of a unet normalises its input concatenated with the skip: 2·channels.
    const widths: [number, string][] =
      conditioner === "unet"
        ? [
            [channels, "channels"],
            [2 * channels, "the decoder's 2·channels"],
          ]
        : [[channels, "channels"]];
    for (const [width, what] of widths) {
      const groups = Math.min(32, Math.floor(width / 4));
      if (groups < 1 || width % groups !== 0) {
        this.report(at("channels"), messages.groupNormDoesNotDivide(width, groups, what));
        break;
      }
    }
    if (conditioner !== "unet") return;
    const levels = num("levels") ?? unetDefaults.levels;
    const factor = 2 ** (levels - 1);
    if (h % factor !== 0 || w % factor !== 0) {
      this.report(at("levels"), messages.unetTooDeep(levels, h, w));
      return;
    }
    const attention = num("attention");
    const resolutions = Array.from({ length: levels }, (_, k) => h / 2 ** k);
    if (attention !== undefined && attention > 0 && !resolutions.includes(attention)) this.report(at("attention"), messages.attentionNeverOccurs(attention, resolutions));
  }
}

/**
 * The runtime's conv conditioner defaults the checks above depend on (runtime/network/spec.ts
 * CONV_CONDITIONER_DEFAULTS; the checker may not import the runtime, and a spec keeps them equal).
 */
export const unetDefaults = { channels: 16, levels: 2 } as const;
export const resnetDefaults = { channels: 32 } as const;

/** The squeezes and unsqueezes of a block list in order, repeats multiplied out. */
function shapeMoves(list: readonly BlockNode[]): ("squeeze" | "unsqueeze")[] {
  const out: ("squeeze" | "unsqueeze")[] = [];
  for (const b of list) {
    if (b.kind === "Layer" && (b.name.name === "squeeze" || b.name.name === "unsqueeze")) out.push(b.name.name);
    if (b.kind === "Repeat" && Number.isInteger(b.count.value) && b.count.value > 0) {
      const inner = shapeMoves(b.body);
      // Past the layer cap the network is refused anyway (LIN0509); stop listing there.
      for (let i = 0; i < b.count.value && inner.length > 0 && out.length <= maxNetworkLayers; i++) out.push(...inner);
    }
  }
  return out;
}

function squeezed(shape: readonly number[]): readonly number[] | undefined {
  if (shape.length !== 3) return undefined;
  const [c, h, w] = shape;
  if (h % 2 !== 0 || w % 2 !== 0) return undefined;
  return [4 * c, h / 2, w / 2];
}

function unsqueezed(shape: readonly number[]): readonly number[] | undefined {
  if (shape.length !== 3) return undefined;
  const [c, h, w] = shape;
  if (c % 4 !== 0) return undefined;
  return [c / 4, 2 * h, 2 * w];
}
