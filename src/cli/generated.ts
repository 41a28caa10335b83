// Declarations an application generated and checked against the spec (apps/spec_text.ts) that do not
// check: their diagnostics go to stdout and the command exits 1, as for a spec with errors.
import { GeneratedDeclarationsError } from "../apps/spec_text.js";
import { ExitCode, type CommandIO } from "./command.js";

/** Runs `body`; when the declarations it generated do not check, prints their diagnostics and returns exit 1. */
export async function printingGenerated<T>(io: CommandIO, body: () => Promise<T>): Promise<T | number> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof GeneratedDeclarationsError)) throw e;
    io.stdout(e.rendered);
    return ExitCode.Errors;
  }
}
