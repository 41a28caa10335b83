// Errors raised while choosing or starting a tfjs backend (codes LIN108x, see src/diagnostics/codes.ts);
// the message says what to install or set.
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

/** The codes a `BackendError` carries (LIN108x). */
export type BackendErrorCode = CodeRaisedBy<"BackendError">;

/** A backend that is unknown, not installed, without an adapter or failing to start; `backend` names it. */
export class BackendError extends LineaError<BackendErrorCode> {
  override readonly name = "BackendError";
  readonly backend: string;

  constructor(code: BackendErrorCode, backend: string, message: string) {
    super(code, message);
    this.backend = backend;
  }
}
