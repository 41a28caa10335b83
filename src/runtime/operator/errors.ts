// Errors raised by the operator algebra (codes LIN100x, see src/diagnostics/codes.ts); the message starts
// with the code and names the operator kinds and shapes involved.
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

/** The codes an `OperatorError` carries (LIN100x). */
export type OperatorErrorCode = CodeRaisedBy<"OperatorError">;

export class OperatorError extends LineaError<OperatorErrorCode> {
  override readonly name = "OperatorError";
  constructor(code: OperatorErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}
