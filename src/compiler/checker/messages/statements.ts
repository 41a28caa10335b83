// The messages of LIN06xx: statements — verify (laws, their arguments and options) and train sections
// (fields, the model, data sources).
import type { Ident } from "../../../ast/nodes.js";
import type { Location } from "../../../ast/source.js";
import { literalText, type Literal } from "../args.js";
import { describeKind, type ArgKind } from "../builtins.js";
import { closest } from "../suggest.js";
import { describeType, type Type } from "../types.js";
import { unknownOf, type Message } from "./common.js";

export function unknownLaw(id: Ident, laws: readonly string[], uri: string): Message<"LIN0601"> {
  return unknownOf("LIN0601", "law", id, laws, false, uri);
}

/** A law other than one_step given keyword arguments. */
export function lawTakesNoKeywords(law: string): Message<"LIN0603"> {
  return { code: "LIN0603", message: `law ${law} takes no keyword arguments; options go after \`with\`` };
}

/** A `with` option only one law reads (band, metric), given to another. */
export function optionOfOtherLaw(option: string, owner: string, law: string): Message<"LIN0602"> {
  return { code: "LIN0602", message: `the option ${option} is for verify ${owner}; law ${law} does not read it` };
}

export function lawArgumentCount(law: string, arity: number, given: number): Message<"LIN0603"> {
  return { code: "LIN0603", message: `law ${law} takes ${arity} argument${arity === 1 ? "" : "s"}, but ${given} ${given === 1 ? "was" : "were"} given` };
}

/** A law of `text`, a `t`, where it needs `wanted` (a network, a space, a map). */
export function lawArgumentKind(law: string, wanted: string, text: string, t: Type): Message<"LIN0603"> {
  return { code: "LIN0603", message: `law ${law} needs ${wanted}, but \`${text}\` is a ${describeType(t)}` };
}

export function equalNeedsMaps(a: Type, b: Type): Message<"LIN0603"> {
  return { code: "LIN0603", message: `law equal needs two maps, but got a ${describeType(a)} and a ${describeType(b)}` };
}

export function unknownTrainField(id: Ident, fields: readonly string[], uri: string): Message<"LIN0604"> {
  return unknownOf("LIN0604", "train field", id, fields, false, uri);
}

export function trainModelKind(t: Type): Message<"LIN0605"> {
  return { code: "LIN0605", message: `train model must be a map, a network, an operator or a space (loss = nll), not a ${describeType(t)}` };
}

/** The train field `key` set to `lit`, which is not `kind`. */
export function trainFieldKind(key: string, kind: ArgKind, lit: Literal | undefined): Message<"LIN0605"> {
  return { code: "LIN0605", message: `train field \`${key}\` must be ${describeKind(kind)}, not ${literalText(lit)}` };
}

/** `data = name(…)` where `name` (when a name) is none of `sources`. */
export function unknownDataSource(name: string | undefined, sources: readonly string[]): Message<"LIN0605"> {
  const guess = name ? closest(name, sources) : undefined;
  return {
    code: "LIN0605",
    message: `train data must be a data source (${sources.join(", ")}) or a path string`,
    ...(guess ? { fix: { title: `did you mean \`${guess}\`?`, edits: [] } } : {}),
  };
}

export function dataSourceArgument(source: string): Message<"LIN0605"> {
  return { code: "LIN0605", message: `arguments of data source ${source} are literals (numbers, names, strings)` };
}

export function trainFieldMissing(train: string, field: string): Message<"LIN0606"> {
  return {
    code: "LIN0606",
    message: `train ${train} has no \`${field}\``,
    because: ["training needs a model and the data to fit it to"],
    fix: { title: `add \`${field} = …;\``, edits: [] },
  };
}

export function trainFieldTwice(train: string, key: string, first: Location): Message<"LIN0607"> {
  return {
    code: "LIN0607",
    message: `train ${train} sets \`${key}\` twice`,
    related: [{ location: first, message: `first \`${key}\`` }],
    fix: { title: "keep one of them", edits: [] },
  };
}
