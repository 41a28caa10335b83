// The base of every error Linea throws after checking (lowering, running, training, the runtime, file
// formats, the command line). Each carries a registered code, so the CLI prints every one of them the same
// way (`error[CODE]: message`, never a stack) and callers match on `code`, not on the message.
import type { Location } from "../ast/source.js";
import type { DiagnosticCode } from "./codes.js";

export interface LineaErrorOptions {
  /** Where in a spec the error is about, when it is about a place in one. */
  readonly location?: Location | undefined;
  readonly cause?: unknown;
}

/** The base of every error after checking: a stable code, a message, and a location where one is known. */
export class LineaError<C extends DiagnosticCode = DiagnosticCode> extends Error {
  override readonly name: string = "LineaError";
  readonly code: C;
  readonly location: Location | undefined;

  constructor(code: C, message: string, options: LineaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.location = options.location;
  }
}
