// Errors of the dense linear algebra (codes LIN104x, see src/diagnostics/codes.ts); the message starts
// with the code and says which operation and which shape or value caused it.
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

export type LinalgErrorCode = CodeRaisedBy<"LinalgError">;

export class LinalgError extends LineaError<LinalgErrorCode> {
  override readonly name = "LinalgError";
  constructor(code: LinalgErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}
