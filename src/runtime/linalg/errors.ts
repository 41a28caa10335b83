// Errors of the dense linear algebra (codes LIN104x, see src/diagnostics/codes.ts); the message starts
// with the code and says which operation and which shape or value caused it.
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

/** The codes a `LinalgError` carries (LIN104x). */
export type LinalgErrorCode = CodeRaisedBy<"LinalgError">;

/** A matrix the operation cannot take (shape, singular, not finite) or a backend that cannot load. */
export class LinalgError extends LineaError<LinalgErrorCode> {
  override readonly name = "LinalgError";
  constructor(code: LinalgErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}
