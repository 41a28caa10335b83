// A spec written to a folder and checked, as an application receives it (apps/spec_text.ts): no CLI.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasErrors } from "../../src/ast/diagnostic.js";
import type { SpecText } from "../../src/apps/spec_text.js";
import { checkAll } from "../../src/index.js";

/** Writes `text` as DIR/NAME and checks it; throws when it does not check. */
export function checkedSpec(dir: string, name: string, text: string): SpecText {
  const path = join(dir, name);
  writeFileSync(path, text);
  const outcome = checkAll({ uri: path, text });
  if (hasErrors(outcome.diagnostics) || outcome.program === undefined) throw new Error(`${name} does not check: ${outcome.diagnostics.map((d) => d.message).join("; ")}`);
  return { path, text, program: outcome.program, sources: (u) => outcome.sources.get(u), cwd: dir };
}
