// Module checker layer 2: space expressions (Euclidean, induced by a network with its tag, by name)
// and the blocks of a network declaration, whose shapes a squeeze changes.
import type { BlockNode, SpaceExpr } from "../../ast/nodes.js";
import type { Range } from "../../ast/source.js";
import { literalOf, literalText, matchArgs } from "./args.js";
import { blocks as blockSpecs, permuteModes } from "./builtins.js";
import * as messages from "./messages/index.js";
import { shapeText } from "./messages/index.js";
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
        // The parser reports extents that are not positive integers (LIN0105); poison them quietly.
        if (s.shape.length === 0 || s.shape.some((n) => !Number.isInteger(n) || n <= 0)) return undefined;
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
              this.squeezeError(b.range, s, `copy ${i + 1} of repeat ${n}`);
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

  protected squeezeError(range: Range, shape: readonly number[], where: string): void {
    this.error("LIN0505", range, `squeeze needs a [C, H, W] shape with H and W even, but ${where} sees ${shapeText(shape)}`, {
      because: ["a 2x2 squeeze turns [C, H, W] into [4C, H/2, W/2]", `the shape at this point is ${shapeText(shape)}`],
      fix: { title: "declare the network over R[C, H, W] with H and W divisible by 2 for every squeeze", edits: [] },
    });
  }

  protected layer(b: Extract<BlockNode, { kind: "Layer" }>, shape: readonly number[] | undefined): readonly number[] | undefined {
    const name = b.name.name;
    const spec = blockSpecs[name];
    if (!spec) {
      this.report(b.name.range, messages.unknownOf("LIN0501", "network block", b.name, Object.keys(blockSpecs), false, this.uri));
      return shape;
    }
    let args = b.args ?? [];
    if (name === "permute") {
      const [first, ...rest] = args;
      const mode = first && !first.name ? literalOf(first.value) : undefined;
      if (!mode || mode.kind !== "ident" || !(permuteModes as readonly string[]).includes(mode.name)) {
        this.error("LIN0507", first?.range ?? b.range, `permute needs \`reverse\` or \`random\` as its first argument${mode ? `, not ${literalText(mode)}` : ""}`, {
          fix: { title: "write permute(reverse) or permute(random, seed = 0)", edits: [] },
        });
        args = first && !first.name ? rest : args;
      } else {
        args = rest;
        const seed = rest.find((a) => a.name?.name === "seed");
        if (mode.name === "reverse" && seed) {
          this.error("LIN0502", seed.range, "permute(reverse) takes no seed; only permute(random, …) does", {
            fix: { title: "drop the seed, or use permute(random, seed = …)", edits: [] },
          });
          args = rest.filter((a) => a !== seed);
        }
      }
    }
    this.recordArguments(b, b.args ?? []);
    const m = matchArgs(args, spec.params, false, b.range);
    for (const p of m.problems) this.argProblem(p, `block ${name}`, { unknown: "LIN0502", value: "LIN0503" }, spec.params);
    if (spec.splits && shape && dimension(shape) < 2) {
      this.error("LIN0508", b.name.range, `${name} splits its input in two halves, but the network acts on ${shapeText(shape)} (1 feature)`, {
        fix: { title: "use actnorm or inv_dense for one-dimensional spaces", edits: [] },
      });
    }
    if (name === "squeeze" && shape) {
      const next = squeezed(shape);
      if (!next) {
        this.squeezeError(b.name.range, shape, "this squeeze");
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
