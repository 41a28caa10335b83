// What every message file shares: the Message type, and pure helpers that build parts of the checker's
// diagnostics (provenance of spaces and dimensions, the "because" notes of a mismatch, suggested fixes),
// plus the messages whose code is the caller's (unknown names of a list, argument-matching problems).
// No checking happens here.
import type { RelatedInformation, SuggestedFix } from "../../../ast/diagnostic.js";
import type { Expr, Ident } from "../../../ast/nodes.js";
import type { Range } from "../../../ast/source.js";
import type { CheckCode } from "../../../diagnostics/codes.js";
import { literalOf, literalText, type ArgProblem } from "../args.js";
import { describeKind, type ParamSpec } from "../builtins.js";
import type { SymbolInfo } from "../checked.js";
import type { Dim } from "../dims.js";
import { closest } from "../suggest.js";
import { describeSpace, describeType, formatShape, sameSpace, spaceDim, spaceName, type SpaceType, type Type } from "../types.js";
import { bytesPerParameter, formatBytes } from "../memory.js";

/** The optional parts of a diagnostic besides code, range and message. */
export interface Report {
  readonly related?: readonly RelatedInformation[];
  readonly because?: readonly string[];
  readonly fix?: SuggestedFix;
}

/** The text of one diagnostic, typed with its code; the checker adds the range where it reports it. */
export interface Message<C extends CheckCode = CheckCode> extends Report {
  readonly code: C;
  readonly message: string;
}

/** The fix "did you mean `shown`?" that writes `guess` over `range` in `uri`. */
export function didYouMean(guess: string, uri: string, range: Range, shown: string = guess): SuggestedFix {
  return { title: `did you mean \`${shown}\`?`, edits: [{ uri, range, newText: guess }] };
}

/**
 * The text of "the value of `owner` is not an operator expression": LIN0318 for a map's value, LIN0405
 * for an operator's (the caller picks the code).
 */
export function valueNotOperator(owner: string, t: Type): Omit<Message, "code"> {
  return {
    message: `the value of ${owner} is a ${describeType(t)}, not an operator on coordinates`,
    because: [`${owner.split(" ")[0]} declarations take an operator expression such as dense, lowrank(rank = 4) or A * B`],
    fix: { title: t.kind === "Map" ? "bind maps built from other maps with `let`" : "give an operator expression", edits: [] },
  };
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Where a space comes from, in parentheses: `(Euclidean R^2)` or `(induced by network G with tag 1, dimension 4)`. */
export function spaceProvenance(space: SpaceType): string {
  if (space.kind === "Euclidean") return `(Euclidean ${formatShape(space.shape)})`;
  return `(induced by network ${space.network.name}${space.tag === undefined ? "" : ` with tag ${space.tag}`}, dimension ${spaceDim(space)})`;
}

/** The parts in which a `let`'s annotation and its value disagree. */
export function annotationBecause(a: Type, v: Type): string[] {
  if (a.kind === "Map" && v.kind === "Map") {
    const out: string[] = [];
    if (!sameSpace(a.domain, v.domain)) out.push(`domain: ${describeSpace(a.domain)} vs ${describeSpace(v.domain)}`);
    if (!sameSpace(a.codomain, v.codomain)) out.push(`codomain: ${describeSpace(a.codomain)} vs ${describeSpace(v.codomain)}`);
    if (v.timeConditioned) out.push("the value is time-conditioned");
    return out;
  }
  if (a.kind === "Vector" && v.kind === "Vector") return [`${describeSpace(a.space)} vs ${describeSpace(v.space)}`];
  return [];
}

/**
 * The fix of a bad composition g * f: where g is a map declared in this file, retarget its domain to
 * the space f ends in (when that space has a name this file can write); else only explain.
 */
export function composeFix(
  uri: string,
  left: Expr,
  wanted: SpaceType,
  had: SpaceType,
  gText: string,
  scope: { peek(name: string): SymbolInfo | undefined; topLevel(name: string): SymbolInfo | undefined },
): SuggestedFix {
  const title = `compose through the same space: declare ${gText} on ${spaceName(wanted)}, or build the right-hand map so that it ends in ${spaceName(had)}`;
  if (left.kind !== "Name") return { title, edits: [] };
  const sym = scope.peek(left.name.name);
  if (!sym || sym.node.kind !== "MapDecl" || sym.uri !== uri) return { title, edits: [] };
  const label = wanted.label;
  const writable = label ? label.location.uri === uri && scope.topLevel(label.name)?.type.kind === "Space" : true;
  if (!writable) return { title, edits: [] };
  return { title, edits: [{ uri, range: sym.node.domain.range, newText: spaceName(wanted) }] };
}

/** Where the dimensions' known values come from (e.g. an operator's written shape), as related locations. */
export function dimLocations(...dims: (Dim | undefined)[]): RelatedInformation[] {
  const out: RelatedInformation[] = [];
  for (const d of dims) {
    const why = d?.why;
    if (why?.location !== undefined && !out.some((r) => r.message === why.reason)) out.push({ location: why.location, message: why.reason });
  }
  return out;
}

/** Why the dimensions have their values, once each. */
export function whyDims(...dims: Dim[]): string[] {
  const out: string[] = [];
  for (const d of dims) {
    const why = d.why;
    if (why && !out.includes(why.reason)) out.push(why.reason);
  }
  return out;
}

/**
 * An unknown name of some kind (a name, an operator, a network block, a law, a train field), under the
 * caller's code; `inScope` when the candidates are the names in scope rather than a fixed list.
 */
export function unknownOf<C extends CheckCode>(code: C, what: string, id: Ident, candidates: readonly string[], inScope: boolean, uri: string): Message<C> {
  const guess = closest(id.name, candidates);
  return {
    code,
    message: `unknown ${what} \`${id.name}\``,
    because: [inScope ? `no declaration, import or parameter in scope is named ${id.name}` : `the known ${what}s are ${candidates.join(", ")}`],
    ...(guess ? { fix: didYouMean(guess, uri, id.range) } : {}),
  };
}

/**
 * A problem matching the arguments of `owner` (a block, an operator, sampler, verify) to its parameters,
 * under the caller's codes; a bad `activation` of a network block is LIN0504.
 */
export function argumentProblem<U extends CheckCode, V extends CheckCode>(
  p: ArgProblem,
  owner: string,
  codes: { unknown: U; value: V },
  params: readonly ParamSpec[],
  uri: string,
): Message<U | V | "LIN0504"> {
  const known = params.map((q) => q.name);
  const takes = known.length ? `it takes ${known.join(", ")}` : "it takes no arguments";
  switch (p.kind) {
    case "unknown": {
      const guess = closest(p.name, known);
      return {
        code: codes.unknown,
        message: `${owner} has no argument \`${p.name}\``,
        because: [takes],
        fix: guess
          ? { title: `did you mean \`${guess}\`?`, edits: p.arg.name ? [{ uri, range: p.arg.name.range, newText: guess }] : [] }
          : { title: "remove the argument", edits: [] },
      };
    }
    case "duplicate":
      return { code: codes.unknown, message: `${owner} gets \`${p.name}\` twice`, fix: { title: "keep one of them", edits: [] } };
    case "positional":
      return {
        code: codes.unknown,
        message: `${owner} takes no positional argument here`,
        because: [takes],
        fix: { title: "name the argument, e.g. `name = value`", edits: [] },
      };
    case "missing":
      return {
        code: codes.unknown,
        message: `${owner} needs \`${p.param.name}\` (${describeKind(p.param.type)})`,
        fix: { title: `add \`${p.param.name} = …\``, edits: [] },
      };
    case "value": {
      const activation = p.param.name === "activation" && codes.unknown === "LIN0502";
      const lit = literalOf(p.arg.value);
      const guess = p.param.type.kind === "enum" && lit?.kind === "ident" ? closest(lit.name, p.param.type.values) : undefined;
      return {
        code: activation ? "LIN0504" : codes.value,
        message: `${owner}: \`${p.param.name}\` must be ${describeKind(p.param.type)}, not ${literalText(lit)}`,
        ...(guess ? { fix: didYouMean(guess, uri, p.arg.value.range) } : {}),
      };
    }
  }
}

/** A declaration (or, with `total`, the whole spec, named by its largest part) that does not fit the memory budget. */
export function overMemoryBudget<C extends "LIN0330" | "LIN0509">(code: C, what: string, bytes: number, budget: number, total?: number): Message<C> {
  const needs = total === undefined ? `${what} needs ${formatBytes(bytes)}` : `the spec needs ${formatBytes(total)} in all, ${formatBytes(bytes)} of it for ${what}`;
  return {
    code,
    message: `${needs} once compiled, more than the memory budget of ${formatBytes(budget)}`,
    because: [`weights are estimated from the shapes at ${bytesPerParameter} bytes a parameter (a float32 tensor and the float64 copy the host algebra uses)`],
    fix: { title: "make it smaller (a structured operator such as lowrank, fewer or narrower layers), or raise the budget with --memory-budget or LINEA_MEMORY_BUDGET", edits: [] },
  };
}
