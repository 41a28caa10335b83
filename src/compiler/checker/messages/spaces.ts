// The messages of LIN03xx: spaces and map typing — induced spaces and their tags, composition and
// linear combination through different spaces, vectors across spaces, operands that do not fit their
// operation, annotations, builtin arguments, fields and indices, time conditioning, calls.
import type { Expr, Ident } from "../../../ast/nodes.js";
import type { Location, Range } from "../../../ast/source.js";
import type { SymbolInfo } from "../checked.js";
import { closest } from "../suggest.js";
import { describeSpace, describeType, mapSignature, spaceDim, spaceLocations, spaceName, type MapT, type NetworkT, type SpaceType, type Type } from "../types.js";
import { annotationBecause, composeFix, didYouMean, spaceProvenance, valueNotOperator, type Message } from "./common.js";

function networkDeclared(net: NetworkT): { location: Location; message: string } {
  return { location: net.id.location, message: `network ${net.id.name} declared here${net.tagged ? " (tagged)" : ""}` };
}

/** `induced G[tag]` where G is not tagged. */
export function tagOnUntaggedNetwork(net: NetworkT, tag: string): Message<"LIN0303"> {
  return {
    code: "LIN0303",
    message: `network ${net.id.name} is not tagged, so \`induced ${net.id.name}[${tag}]\` has no meaning`,
    related: [networkDeclared(net)],
    because: ["only a network declared `tagged` induces one space per tag"],
    fix: { title: `declare \`network ${net.id.name} : … tagged { … }\`, or write \`induced ${net.id.name}\``, edits: [] },
  };
}

/** `induced G` where G is tagged; the fix writes `[1]` after the network's name (`networkText` at `networkRange`). */
export function missingTag(net: NetworkT, networkText: string, networkRange: Range, uri: string): Message<"LIN0304"> {
  return {
    code: "LIN0304",
    message: `network ${net.id.name} is tagged: say which space, \`induced ${net.id.name}[0]\` or \`induced ${net.id.name}[1]\``,
    related: [networkDeclared(net)],
    because: [`a tagged network induces a different space for each tag`],
    fix: { title: `write induced ${net.id.name}[1]`, edits: [{ uri, range: networkRange, newText: `${networkText}[1]` }] },
  };
}

export function stringNotValue(): Message<"LIN0310"> {
  return { code: "LIN0310", message: "a string is not a value here; strings name imported files and data sources" };
}

export function listNotValue(): Message<"LIN0310"> {
  return { code: "LIN0310", message: "a list [a, b] is not a value here; it is the value of an option such as `verify norm_preserving(φ) with band = [0.9, 1.1]`" };
}

export function cannotNegate(t: Type): Message<"LIN0310"> {
  return { code: "LIN0310", message: `cannot negate a ${describeType(t)}` };
}

/** `l op r` for kinds `op` has no meaning for; `applied` (their texts) when it is a map times a vector. */
export function operandMismatch(op: string, l: Type, r: Type, applied?: { map: string; vector: string }): Message<"LIN0310"> {
  const hint = applied ? `apply the map to the vector with ${applied.map}(${applied.vector})` : undefined;
  return {
    code: "LIN0310",
    message: `\`${op}\` cannot combine a ${describeType(l)} and a ${describeType(r)}`,
    because: hint ? [hint] : [],
    ...(hint ? { fix: { title: hint, edits: [] } } : {}),
  };
}

export function cannotRaise(base: Type): Message<"LIN0310"> {
  return { code: "LIN0310", message: `\`^\` cannot raise a ${describeType(base)} to a power` };
}

/** A builtin function named without arguments. */
export function builtinNotCalled(name: string): Message<"LIN0313"> {
  return { code: "LIN0313", message: `\`${name}\` is a builtin function; call it with arguments, e.g. ${name}(f)` };
}

/** `what` takes `wanted` positional arguments and no keywords; it got `given`, or the keyword `keyword`. */
export function wrongArgumentCount(what: string, wanted: number, given: number, keyword?: string): Message<"LIN0313"> {
  return {
    code: "LIN0313",
    message:
      keyword !== undefined
        ? `${what} takes no keyword argument \`${keyword}\``
        : `${what} takes ${wanted} argument${wanted === 1 ? "" : "s"}, but ${given} ${given === 1 ? "was" : "were"} given`,
  };
}

export function samplerArgumentCount(given: number): Message<"LIN0313"> {
  return { code: "LIN0313", message: `sampler takes 1 positional argument (the velocity map), but ${given} were given` };
}

/** `.field` on a value of type `t` (only svd factors have fields). */
export function unknownField(t: Type, field: Ident, uri: string): Message<"LIN0314"> {
  const fields = t.kind === "Svd" ? ["U", "S", "Vt", "left", "right", "values"] : [];
  const guess = closest(field.name, fields);
  return {
    code: "LIN0314",
    message: `a ${describeType(t)} has no field \`${field.name}\``,
    because: [fields.length ? `svd factors have the fields ${fields.join(", ")}` : "only svd(f) factors and import aliases have fields"],
    ...(guess ? { fix: didYouMean(guess, uri, field.range) } : {}),
  };
}

export function notIndexable(t: Type): Message<"LIN0315"> {
  return { code: "LIN0315", message: `a ${describeType(t)} cannot be indexed`, because: ["only svd(f).left, svd(f).right and svd(f).values are indexed"] };
}

/** An index (`index`, its text) outside the `count` singular vectors or values. */
export function indexOutOfRange(index: string, count: number, of: "vectors" | "values"): Message<"LIN0315"> {
  return {
    code: "LIN0315",
    message: `index ${index} is not an integer in 0..${count - 1}`,
    because: [`there are ${count} singular ${of} (the smaller of the two dimensions)`],
  };
}

/**
 * `g * f` (their texts) where f ends in another space than g starts from; `left` is g's expression, and
 * `scope` finds g's declaration for the fix.
 */
export function compositionMismatch(
  gText: string,
  fText: string,
  g: MapT,
  f: MapT,
  fix: { uri: string; left: Expr; scope: { peek(name: string): SymbolInfo | undefined; topLevel(name: string): SymbolInfo | undefined } },
): Message<"LIN0301"> {
  const df = spaceDim(f.codomain);
  const dg = spaceDim(g.domain);
  const tail = df === dg ? `; equal dimension ${df} is not enough` : ` (dimensions ${df} and ${dg})`;
  return {
    code: "LIN0301",
    message: `cannot compose ${gText} * ${fText}: ${fText} : ${spaceName(f.domain)} -> ${describeSpace(f.codomain)} but ${gText} expects ${describeSpace(g.domain)}${tail}`,
    related: [
      ...spaceLocations(f.codomain).map((r) => ({ ...r, message: `codomain of ${fText}: ${r.message}` })),
      ...spaceLocations(g.domain).map((r) => ({ ...r, message: `domain of ${gText}: ${r.message}` })),
    ],
    because: [
      `${fText} ends in ${spaceName(f.codomain)} ${spaceProvenance(f.codomain)}`,
      `${gText} starts from ${spaceName(g.domain)} ${spaceProvenance(g.domain)}`,
      "composition needs the very same space in the middle: induced spaces are equal only when induced by the same network declaration with the same tag, never because their dimensions agree",
    ],
    fix: composeFix(fix.uri, fix.left, f.codomain, g.domain, gText, fix.scope),
  };
}

function equalDimension(a: SpaceType, b: SpaceType): string[] {
  return spaceDim(a) === spaceDim(b) ? [`equal dimension ${spaceDim(a)} is not enough`] : [];
}

/** `l + r` or `l - r` of maps whose domains (or codomains) differ. */
export function mapCombinationMismatch(op: string, l: MapT, r: MapT, which: "domains" | "codomains"): Message<"LIN0308"> {
  const [a, b] = which === "domains" ? [l.domain, r.domain] : [l.codomain, r.codomain];
  return {
    code: "LIN0308",
    message: `cannot ${op === "+" ? "add" : "subtract"} maps ${mapSignature(l.domain, l.codomain)} and ${mapSignature(r.domain, r.codomain)}: their ${which} differ (${describeSpace(a)} vs ${describeSpace(b)})`,
    related: [...spaceLocations(a), ...spaceLocations(b)],
    because: ["a linear combination of maps needs one domain and one codomain", ...equalDimension(a, b)],
    fix: { title: "combine maps declared between the same two spaces", edits: [] },
  };
}

/** `verify equal` of two maps of different types. */
export function equalOfDifferentMaps(f: MapT, g: MapT): Message<"LIN0308"> {
  return {
    code: "LIN0308",
    message: `verify equal compares maps of one type, but got ${mapSignature(f.domain, f.codomain)} and ${mapSignature(g.domain, g.codomain)}`,
    related: [...spaceLocations(f.domain), ...spaceLocations(f.codomain), ...spaceLocations(g.domain), ...spaceLocations(g.codomain)],
    because: ["maps between different spaces are never equal"],
  };
}

/** `verb` (add, subtract, take the inner product of) vectors `left` in `a` and `right` in `b` (their texts). */
export function vectorSpaceMismatch(verb: string, left: string, a: SpaceType, right: string, b: SpaceType): Message<"LIN0309"> {
  return {
    code: "LIN0309",
    message: `cannot ${verb} ${left} in ${describeSpace(a)} and ${right} in ${describeSpace(b)}`,
    related: [...spaceLocations(a), ...spaceLocations(b)],
    because: ["induced vector operations act inside one space", ...equalDimension(a, b)],
    fix: { title: `map one of them into the other's space first, e.g. f(${right}) with a map ${spaceName(b)} -> ${spaceName(a)}`, edits: [] },
  };
}

/**
 * The exponent of `f ^ k` (its text), whose constant value (undefined when it has none at check time)
 * is not a whole number in [0, 2⁵³).
 */
export function badExponent(exponent: string, value: number | undefined): Message<"LIN0317"> {
  const shown = value === undefined || String(value) === exponent ? "" : ` (= ${value})`;
  const what = value === undefined ? "is not a constant" : Number.isInteger(value) && value > 0 ? "exceeds 2⁵³ − 1" : "is not a non-negative whole number";
  return {
    code: "LIN0317",
    message: `the exponent \`${exponent}\`${shown} ${what}`,
    because: ["k in `f ^ k` is a literal or a constant expression (numbers, scalar lets, + - * / ^) with a whole-number value ≥ 0"],
    fix: { title: "write a whole number such as 2; for an inverse use pinv", edits: [] },
  };
}

/** `what` (a power, verify idempotent) of `fText : f`, which is not from a space to itself. */
export function notEndomorphism(what: string, fText: string, f: MapT): Message<"LIN0307"> {
  return {
    code: "LIN0307",
    message: `${what} needs a map from a space to itself, but ${fText} : ${mapSignature(f.domain, f.codomain)}`,
    related: [...spaceLocations(f.domain), ...spaceLocations(f.codomain)],
    because: [
      `${spaceName(f.domain)} ${spaceProvenance(f.domain)} is not ${spaceName(f.codomain)} ${spaceProvenance(f.codomain)}`,
      ...(spaceDim(f.domain) === spaceDim(f.codomain) ? [`equal dimension ${spaceDim(f.domain)} is not enough`] : []),
    ],
    fix: { title: `use a map ${spaceName(f.domain)} -> ${spaceName(f.domain)}`, edits: [] },
  };
}

/** A `let` whose annotation disagrees with its value. */
export function annotationMismatch(name: string, annotated: Type, value: Type): Message<"LIN0311"> {
  return {
    code: "LIN0311",
    message: `\`${name}\` is annotated as ${describeType(annotated)} but its value is a ${describeType(value)}`,
    related: [
      ...(annotated.kind === "Map" ? [...spaceLocations(annotated.domain), ...spaceLocations(annotated.codomain)] : []),
      ...(value.kind === "Map" ? [...spaceLocations(value.domain), ...spaceLocations(value.codomain)] : []),
    ],
    because: annotationBecause(annotated, value),
    fix: { title: "correct the annotation or the value", edits: [] },
  };
}

/** The value of `owner` (`map f`) is a `t`, not an operator expression. */
export function mapValueNotOperator(owner: string, t: Type): Message<"LIN0318"> {
  return {
    code: "LIN0318",
    ...valueNotOperator(owner, t),
  };
}

/** `callee(…)` where the callee (its text) is a `t`. */
export function notCallable(callee: string, t: Type): Message<"LIN0320"> {
  return { code: "LIN0320", message: `\`${callee}\` is a ${describeType(t)} and cannot be called`, because: ["only maps (applied to a vector) and builtins can be called"] };
}

/** `f(x)` (f's text) where f is time-conditioned. */
export function appliedWithoutTime(f: string): Message<"LIN0316"> {
  return {
    code: "LIN0316",
    message: `${f} is time-conditioned; fix a time before applying it`,
    fix: { title: `apply at(${f}, t)(x) or sampler(${f}, …)(x)`, edits: [] },
  };
}

/** `what` (at, sampler, verify one_step) of `text`, a `t` that is not a time-conditioned map. */
export function needsTimeConditioned(what: string, text: string, t: Type): Message<"LIN0316"> {
  return {
    code: "LIN0316",
    message: `${what} needs a time-conditioned map, but ${text} is a ${describeType(t)}`,
    because: ["a map is time-conditioned when its operator is time_conditioned(…)"],
    fix: { title: `declare the operator with time_conditioned(rank = …)`, edits: [] },
  };
}

function fixTheTime(): { title: string; edits: [] } {
  return { title: "fix the time with at(v, t) or collapse it with sampler(v, …)", edits: [] };
}

/** The builtin `what` (svd) of a time-conditioned map. */
export function needsFixedTime(what: string): Message<"LIN0316"> {
  return { code: "LIN0316", message: `${what} needs a map at a fixed time, but its argument is time-conditioned`, fix: fixTheTime() };
}

/** A law of a time-conditioned map (`text`). */
export function lawNeedsFixedTime(law: string, text: string): Message<"LIN0316"> {
  return { code: "LIN0316", message: `law ${law} needs a map at a fixed time, but \`${text}\` is time-conditioned`, fix: fixTheTime() };
}

/** `f(x)` (f's text) where x is a `t`, not a vector. */
export function appliedToNonVector(f: string, map: MapT, t: Type): Message<"LIN0306"> {
  return { code: "LIN0306", message: `${f} : ${mapSignature(map.domain, map.codomain)} is applied to a ${describeType(t)}, not a vector of ${spaceName(map.domain)}` };
}

/** `f(x)` (their texts) where x is a vector of `space`, not of f's domain. */
export function appliedOutsideDomain(f: string, map: MapT, x: string, space: SpaceType): Message<"LIN0306"> {
  return {
    code: "LIN0306",
    message: `${f} : ${describeSpace(map.domain)} -> ${spaceName(map.codomain)} is applied to ${x} in ${describeSpace(space)}${spaceDim(space) === spaceDim(map.domain) ? `; equal dimension ${spaceDim(space)} is not enough` : ""}`,
    related: [...spaceLocations(map.domain), ...spaceLocations(space)],
    because: [`${f} is defined on ${spaceName(map.domain)} only`],
    fix: { title: `apply ${f} to a vector of ${spaceName(map.domain)}`, edits: [] },
  };
}

/** What was probably meant by the builtin `name` of a `t`. */
function builtinHint(name: string, t: Type): string | undefined {
  if (name === "adjoint" && t.kind === "Operator") return "use transpose(A) for operators";
  if (name === "transpose" && t.kind === "Map") return "use adjoint(f) for maps";
  if ((name === "id" || name === "zero") && t.kind === "Vector") return `name the space, e.g. ${name}(X)`;
  return undefined;
}

/** The builtin `name` needs `wanted` (a map, two vectors) but got a `t`. */
export function wrongBuiltinArgument(name: string, t: Type, wanted: string): Message<"LIN0312"> {
  const hint = builtinHint(name, t);
  return { code: "LIN0312", message: `${name} needs ${wanted}, but got a ${describeType(t)}`, ...(hint ? { fix: { title: hint, edits: [] } } : {}) };
}

export function timeNotScalar(t: Type): Message<"LIN0312"> {
  return { code: "LIN0312", message: `at needs a time (a scalar in [0, 1]), but got a ${describeType(t)}` };
}

export function timeOutOfRange(time: number): Message<"LIN0319"> {
  return { code: "LIN0319", message: `time ${time} is outside [0, 1]`, fix: { title: "use a time between 0 and 1", edits: [] } };
}

export function spaceTooLarge(shape: readonly number[], dim: number, max: number): Message<"LIN0331"> {
  return {
    code: "LIN0331",
    message: `the space R[${shape.join(", ")}] has dimension ${dim.toLocaleString("en-US")}, more than the ${max.toLocaleString("en-US")} (2^31 − 1) a space may have`,
    because: ["every vector of the space is an array of that length"],
  };
}
