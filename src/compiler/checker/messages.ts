// Pure helpers that build the text of the checker's diagnostics: provenance of spaces and dimensions,
// the "because" notes of a mismatch, and suggested fixes. No checking happens here.
import type { RelatedInformation, SuggestedFix } from "../../ast/diagnostic.js";
import type { Expr } from "../../ast/nodes.js";
import type { SymbolInfo } from "./checked.js";
import type { Dim } from "./dims.js";
import { describeSpace, formatShape, sameSpace, spaceDim, spaceName, type SpaceType, type Type } from "./types.js";

/** The optional parts of a diagnostic besides code, range and message. */
export interface Report {
  readonly related?: readonly RelatedInformation[];
  readonly because?: readonly string[];
  readonly fix?: SuggestedFix;
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

/** The file name of a URI, for import-cycle messages. */
export function baseName(uri: string): string {
  return uri.split(/[\\/]/).pop() ?? uri;
}
