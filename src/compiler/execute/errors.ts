// Errors of compiling and running a checked program (codes LIN080x, see src/diagnostics/codes.ts); the
// CLI prints them on one line (`error[CODE]: message`), never with a stack.
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

/** The codes an `ExecuteError` carries (LIN080x). */
export type ExecuteErrorCode = CodeRaisedBy<"ExecuteError">;

/** A compiled program that cannot run an entry (missing value, wrong input shape, …), with its location where known. */
export class ExecuteError extends LineaError<ExecuteErrorCode> {
  override readonly name = "ExecuteError";
  constructor(
    code: ExecuteErrorCode,
    message: string,
    /** The tensor of a weights file the error is about, when there is one. */
    readonly tensor?: string,
  ) {
    super(code, message);
  }
}
