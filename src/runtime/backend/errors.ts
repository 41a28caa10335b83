// Errors raised while choosing or starting a tfjs backend (codes LIN108x, see src/diagnostics/codes.ts);
// the message says what to install or set.
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

export type BackendErrorCode = CodeRaisedBy<"BackendError">;

export class BackendError extends LineaError<BackendErrorCode> {
  override readonly name = "BackendError";
  readonly backend: string;

  constructor(code: BackendErrorCode, backend: string, message: string) {
    super(code, message);
    this.backend = backend;
  }
}
