// What names a declaration's values: its seed under the program seed and the prefix of its tensors in a
// weights file (the declaration's name, prefixed by the import alias of an imported module).
import { deriveSeed } from "../../runtime/random.js";
import type { CheckedProgram } from "../checker/checked.js";

/** FNV-1a: a stable 32-bit hash of a name, so seeds do not depend on declaration order. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The seed of one declaration under the program seed, from the name it has in a weights file (`G`,
 * `nets.G`: its module prefix and name), not from its declaration key: the key holds the file's absolute
 * path, and a spec must draw the same weights wherever it lies on disk.
 */
export function declarationSeed(seed: number, weightsName: string): number {
  return deriveSeed(seed, hashName(weightsName));
}

/** The prefix of a module's names in a weights file: "" for the entry module, `alias.` for an import. */
export function modulePrefixes(program: CheckedProgram): Map<string, string> {
  const out = new Map<string, string>([[program.entry, ""]]);
  const entry = program.modules.get(program.entry);
  for (const sym of entry?.symbols.values() ?? []) {
    if (sym.type.kind === "Module" && !out.has(sym.type.uri)) out.set(sym.type.uri, `${sym.name}.`);
  }
  for (const uri of program.modules.keys()) if (!out.has(uri)) out.set(uri, `${uri.replace(/^.*[\\/]/, "").replace(/\.lin$/, "")}.`);
  return out;
}

/** The weights-file prefix (`alias.Name.`) of every operator declaration of the program. */
export function operatorPrefixes(program: CheckedProgram): string[] {
  const prefixes = modulePrefixes(program);
  return [...program.modules].flatMap(([uri, m]) => m.operators.map((o) => `${prefixes.get(uri) ?? ""}${o.name}.`));
}
