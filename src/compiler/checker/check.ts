// The checker's entry point: an entry file (read through a file host, or given as text) and its
// imports in, either every error found or the checked program (with any warnings) out. fp-ts's Either
// marks the boundary; inside, the checker accumulates diagnostics rather than stopping at the first.
// Browser-safe: the disk is one host among others (node_host.ts), given by the caller.
import { resolve } from "pathe";
import * as E from "fp-ts/lib/Either.js";
import { diagnostic, hasErrors, type Diagnostic } from "../../ast/diagnostic.js";
import type { CheckedProgram } from "./checked.js";
import { noFileHost, type FileHost } from "./host.js";
import * as messages from "./messages/index.js";
import { Session } from "./session.js";

/** Where a check reads files and how far imports may reach. */
export interface CheckOptions {
  /** Where files are read from; none by default (src/index.ts gives the disk, nodeFileHost). */
  readonly host?: FileHost;
  /** The project folder imports may not leave; by default the nearest folder of the entry file with
   * linea.json, package.json or .git, else the entry file's folder. */
  readonly root?: string;
  /**
   * Bytes a compile of the spec may use: declarations whose estimated weights (and the total) exceed
   * it are LIN0330 / LIN0509. By default the host's (the machine's memory for the disk host, or
   * LINEA_MEMORY_BUDGET), else 2 GiB.
   */
  readonly memoryBudget?: number;
}

/** An entry file's path, or a text with its URI. */
export type CheckInput = string | { readonly uri: string; readonly text: string };

/** Everything one check found: the diagnostics, the program where the entry was read, and the sources. */
export interface CheckOutcome {
  /** Every diagnostic, errors and warnings, in the order found. */
  readonly diagnostics: readonly Diagnostic[];
  /** Present whenever the entry file could be read, even with errors (editors show partial types). */
  readonly program?: CheckedProgram;
  /** The text of every file read, by URI, for code frames. */
  readonly sources: ReadonlyMap<string, string>;
}

/** Checks without deciding success: what the CLI and tests use to see every diagnostic. */
export function checkWith(input: CheckInput, options: CheckOptions = {}): CheckOutcome {
  const host = options.host ?? noFileHost;
  const uri = resolve(typeof input === "string" ? input : input.uri);
  const text = typeof input === "string" ? host.readFile(uri) : input.text;
  if (text === undefined) {
    return {
      diagnostics: [diagnostic({ uri, range: { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } }, ...messages.entryNotReadable(uri) })],
      sources: new Map(),
    };
  }
  const session = new Session({ host, root: options.root, ...(options.memoryBudget === undefined ? {} : { memoryBudget: options.memoryBudget }) }, uri);
  session.load(uri, text);
  session.finish();
  return { diagnostics: session.diagnostics, program: session.program(uri), sources: session.texts };
}

/** Errors first, then warnings, each in the order found. */
export function errorsFirst(diagnostics: readonly Diagnostic[]): readonly Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.severity - b.severity);
}

/** Right: the checked program (warnings ride along in it). Left: every diagnostic, errors first. */
export function checkEither(input: CheckInput, options: CheckOptions = {}): E.Either<readonly Diagnostic[], CheckedProgram> {
  const outcome = checkWith(input, options);
  if (!outcome.program || hasErrors(outcome.diagnostics)) return E.left(errorsFirst(outcome.diagnostics));
  return E.right(outcome.program);
}
