// Declarations an application generated and checked against the spec (apps/spec_text.ts) that do not
// check: their diagnostics are printed as a spec's are (stderr, or the --json document) and the command
// exits 1, as for a spec with errors.
import { GeneratedDeclarationsError } from "../apps/spec_text.js";
import type { SourceLookup } from "../diagnostics/render.js";
import { ExitCode, type CommandIO } from "./command.js";
import { printDiagnostics } from "./output.js";

/** Runs `body`; when the declarations it generated do not check, prints their diagnostics and returns exit 1. */
export async function printingGenerated<T>(io: CommandIO, sources: SourceLookup, body: () => Promise<T>): Promise<T | number> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof GeneratedDeclarationsError)) throw e;
    printDiagnostics(io, e.diagnostics, sources);
    return ExitCode.Errors;
  }
}
