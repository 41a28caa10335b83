// Errors of training (codes LIN09xx, see src/diagnostics/codes.ts), each printed by the CLI with its code
// (never a stack trace).
import type { CodeRaisedBy } from "../diagnostics/codes.js";
import { LineaError, type LineaErrorOptions } from "../diagnostics/error.js";

/** The codes a `TrainError` carries (LIN09xx). */
export type TrainErrorCode = CodeRaisedBy<"TrainError">;

export class TrainError extends LineaError<TrainErrorCode> {
  override readonly name = "TrainError";
  constructor(code: TrainErrorCode, message: string, options: LineaErrorOptions = {}) {
    super(code, message, options);
  }
}
