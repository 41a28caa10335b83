// Errors of the ONNX exporter (codes LIN118x, see src/diagnostics/codes.ts): what cannot become a fixed
// ONNX graph, and what to do instead.
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

/** The codes an `ExportError` carries (LIN118x). */
export type ExportErrorCode = CodeRaisedBy<"ExportError">;

/** A plan, network or operator that cannot be exported to ONNX; the message says what to do. */
export class ExportError extends LineaError<ExportErrorCode> {
  override readonly name = "ExportError";
  constructor(code: ExportErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}
