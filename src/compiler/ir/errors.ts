// Errors raised while building or evaluating IR (codes LIN082x, see src/diagnostics/codes.ts).
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

export type IrErrorCode = CodeRaisedBy<"IrError">;

export class IrError extends LineaError<IrErrorCode> {
  override readonly name = "IrError";
  constructor(code: IrErrorCode, message: string) {
    super(code, message);
  }
}
