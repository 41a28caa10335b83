// The messages of LIN02xx: names, imports and scopes — duplicates, use before definition, recursion,
// unknown names and module members, names of the wrong kind, and imports that cannot be loaded.
import type { Ident } from "../../../ast/nodes.js";
import type { Location } from "../../../ast/source.js";
import type { SymbolInfo } from "../checked.js";
import { closest } from "../suggest.js";
import { describeType, type Type } from "../types.js";
import { didYouMean, unknownOf, type Message } from "./common.js";

export function duplicateDeclaration(name: string, first: SymbolInfo): Message<"LIN0202"> {
  return {
    code: "LIN0202",
    message: `\`${name}\` is already declared in this file`,
    related: [{ location: { uri: first.uri, range: first.nameRange }, message: `first declaration of ${name}` }],
    fix: { title: `rename one of the two declarations of ${name}`, edits: [] },
  };
}

export function duplicateParameter(name: string, entry: string, first: Location): Message<"LIN0202"> {
  return {
    code: "LIN0202",
    message: `parameter \`${name}\` is declared twice in entry ${entry}`,
    related: [{ location: first, message: "first parameter with this name" }],
    fix: { title: "rename one of the parameters", edits: [] },
  };
}

export function selfReference(name: string): Message<"LIN0204"> {
  return {
    code: "LIN0204",
    message: `\`${name}\` refers to itself in its own definition`,
    because: ["a declaration is visible only below itself; Linea has no recursion"],
    fix: { title: `define ${name} without referring to it`, edits: [] },
  };
}

/** `name`, used in `here`, is declared below and refers back to `here` through `cycle` (which starts at name). */
export function recursiveDefinition(here: string, cycle: readonly string[], name: string, declared: Location): Message<"LIN0204"> {
  return {
    code: "LIN0204",
    message: `recursive definition: ${[here, ...cycle].join(" -> ")}`,
    related: [{ location: declared, message: `${name} declared here` }],
    because: [`${cycle.join(" -> ")} refers back to ${here}; Linea has no recursion`],
    fix: { title: "break the cycle: define one of them from the others' parts", edits: [] },
  };
}

export function usedBeforeDefinition(name: string, declared: Location): Message<"LIN0203"> {
  return {
    code: "LIN0203",
    message: `\`${name}\` is used before its definition`,
    related: [{ location: declared, message: `${name} is declared here, below its use` }],
    because: ["a declaration is visible only below itself"],
    fix: { title: `move the declaration of ${name} above this use`, edits: [] },
  };
}

/** A name that nothing in scope (`candidates`) declares. */
export function unknownName(id: Ident, candidates: readonly string[], uri: string): Message<"LIN0201"> {
  return unknownOf("LIN0201", "name", id, candidates, true, uri);
}

/** `text.name` where `text` is not a name at all. */
export function notImportAlias(text: string): Message<"LIN0209"> {
  return { code: "LIN0209", message: `\`${text}\` is not an import alias` };
}

/** `alias.name` where `alias` names something other than an import. */
export function memberOfNonModule(owner: string, type: Type, name: string): Message<"LIN0209"> {
  return { code: "LIN0209", message: `\`${owner}\` is a ${describeType(type)}, not an import alias, so \`${owner}.${name}\` names nothing` };
}

/** `alias.name` where the module `alias` imports (`target`, declaring `declared`) has no `name`. */
export function unknownMember(mod: SymbolInfo, target: string, name: Ident, declared: Iterable<string> | undefined, uri: string): Message<"LIN0208"> {
  const guess = declared ? closest(name.name, declared) : undefined;
  return {
    code: "LIN0208",
    message: `module \`${mod.name}\` declares no \`${name.name}\``,
    related: [{ location: { uri: mod.uri, range: mod.nameRange }, message: `${mod.name} imports ${target}` }],
    ...(guess ? { fix: didYouMean(guess, uri, name.range, `${mod.name}.${guess}`) } : {}),
  };
}

/** `sym` used where `wanted` (a space, a network) is needed. */
export function wrongKind(sym: SymbolInfo, wanted: string): Message<"LIN0209"> {
  return {
    code: "LIN0209",
    message: `\`${sym.name}\` is a ${describeType(sym.type)}, not ${wanted}`,
    related: [{ location: { uri: sym.uri, range: sym.nameRange }, message: `${sym.name} declared here` }],
    fix: { title: `name ${wanted} here`, edits: [] },
  };
}

export function importOutsideProject(path: string, root: string, target: string): Message<"LIN0207"> {
  return {
    code: "LIN0207",
    message: `import ${JSON.stringify(path)} leaves the project folder ${root}`,
    because: [`it resolves to ${target}`, "a spec may import only files inside its project (the nearest folder with linea.json, package.json or .git)"],
    fix: { title: "copy the file into the project, or check from a folder that contains both", edits: [] },
  };
}

/** `chain` is the files being loaded from the one that starts the cycle, ending with it again. */
export function importCycle(chain: readonly string[]): Message<"LIN0206"> {
  return {
    code: "LIN0206",
    message: `import cycle: ${chain.map(baseName).join(" -> ")}`,
    because: chain.slice(0, -1).map((u, i) => `${u} imports ${chain[i + 1]}`),
    fix: { title: "move what both files need into a third file that both import", edits: [] },
  };
}

export function importNotFound(path: string, target: string): Message<"LIN0205"> {
  return {
    code: "LIN0205",
    message: `cannot read imported file ${JSON.stringify(path)}`,
    because: [`it resolves to ${target}, which does not exist or is not a readable file`],
    fix: { title: "correct the path; it is relative to the importing file", edits: [] },
  };
}

/** The entry file itself cannot be read. */
export function entryNotReadable(uri: string): Message<"LIN0205"> {
  return { code: "LIN0205", message: `cannot read ${uri}`, because: ["the file does not exist or is not a readable file"] };
}

/** extendModule asked to add to a module that the checked program does not have. */
export function moduleNotInProgram(uri: string): Message<"LIN0205"> {
  return { code: "LIN0205", message: `module ${uri} is not part of this checked program, so nothing can be added to it` };
}

/** The file name of a URI, for import-cycle messages. */
function baseName(uri: string): string {
  return uri.split(/[\\/]/).pop() ?? uri;
}
