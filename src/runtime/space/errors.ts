// Errors of the induced-space layer (codes LIN102x, see src/diagnostics/codes.ts); the message starts with
// the code and names the spaces involved.
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

export type SpaceErrorCode = CodeRaisedBy<"SpaceError">;

export class SpaceError extends LineaError<SpaceErrorCode> {
  override readonly name = "SpaceError";
  constructor(code: SpaceErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}
