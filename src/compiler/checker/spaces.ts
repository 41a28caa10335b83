// Module checker layer 2: space expressions (Euclidean, induced by a network with its tag, by name)
// and the blocks of a network declaration, whose shapes a squeeze changes.
import type { BlockNode, SpaceExpr } from "../../ast/nodes.js";
import { literalOf, matchArgs } from "./args.js";
import { blocks as blockSpecs, permuteModes } from "./builtins.js";
import { maxSpaceDimension } from "./memory.js";
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
        // Later copies only change the shape through squeezes; replay those without re-reporting.
        const squeezes = countSqueezes(b.body);
        for (let i = 1; i < n && squeezes > 0 && s; i++) {
          for (let k = 0; k < squeezes && s; k++) {
            const next = squeezed(s);
            if (!next) {
              this.report(b.range, messages.badSqueeze(s, { copy: i + 1, count: n }));
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
    }
    if (name === "squeeze" && shape) {
      const next = squeezed(shape);
      if (!next) {
        this.report(b.name.range, messages.badSqueeze(shape));
        return undefined;
      }
      return next;
    }
    return shape;
  }
}

function countSqueezes(list: readonly BlockNode[]): number {
  let n = 0;
  for (const b of list) {
    if (b.kind === "Layer" && b.name.name === "squeeze") n++;
    if (b.kind === "Repeat" && Number.isInteger(b.count.value) && b.count.value > 0) n += b.count.value * countSqueezes(b.body);
  }
  return n;
}

function squeezed(shape: readonly number[]): readonly number[] | undefined {
  if (shape.length !== 3) return undefined;
  const [c, h, w] = shape;
  if (h % 2 !== 0 || w % 2 !== 0) return undefined;
  return [4 * c, h / 2, w / 2];
}
