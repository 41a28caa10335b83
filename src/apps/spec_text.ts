// The spec an application that adds declarations to it (sampler lets, interpolation mixes) works on: its
// checked program with the text and sources its diagnostics are rendered against. The declarations are
// built as syntax and checked in the scope of the checked module (compiler/checker/extend.ts); when they
// do not check, the application throws their rendered diagnostics and the command prints them.
import { isLeft } from "fp-ts/lib/Either.js";
import type { Diagnostic } from "../ast/diagnostic.js";
import type { LetDecl } from "../ast/nodes.js";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { extendModule } from "../compiler/checker/extend.js";
import { renderDiagnostics } from "../diagnostics/render.js";

/** A spec that reads and checks, with its text (cli/spec_input.ts's CheckedSpec is one). */
export interface SpecText {
  /** The file's absolute path (its uri in the checked program). */
  readonly path: string;
  readonly text: string;
  readonly program: CheckedProgram;
  /** The text of each module the check read, by uri (for rendering diagnostics). */
  readonly sources: (uri: string) => string | undefined;
  /** The directory the diagnostics name files relative to. */
  readonly cwd: string;
}

/** The generated declarations do not check: their diagnostics, rendered as `linea` prints them on stdout. */
export class GeneratedDeclarationsError extends Error {
  constructor(
    readonly rendered: string,
    /** The diagnostics `rendered` shows, for a caller that prints them its own way (the CLI's --json). */
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super("the generated declarations do not check");
  }
}

/** The spec's program with `lets` checked below its declarations; a GeneratedDeclarationsError when they do not check. */
export function extendSpec(spec: SpecText, lets: readonly LetDecl[]): CheckedProgram {
  const checked = extendModule(spec.program, spec.path, lets);
  if (isLeft(checked)) throw new GeneratedDeclarationsError(`${renderDiagnostics(checked.left, spec.sources, { cwd: spec.cwd })}\n`, checked.left);
  return checked.right;
}
