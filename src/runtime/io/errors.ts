// Errors reading or writing weight and array files (codes LIN11xx, see src/diagnostics/codes.ts);
// `tensor` names the tensor concerned where there is one, `file` the path.
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

/** The codes a `FormatError` carries (LIN11xx). */
export type FormatErrorCode = CodeRaisedBy<"FormatError">;

/** A weight or array file that cannot be read or written; names the file and, where known, the tensor. */
export class FormatError extends LineaError<FormatErrorCode> {
  override readonly name = "FormatError";
  readonly file: string | undefined;
  readonly tensor: string | undefined;

  constructor(code: FormatErrorCode, message: string, where: { file?: string; tensor?: string } = {}) {
    const prefix = [where.file, where.tensor === undefined ? undefined : `tensor "${where.tensor}"`].filter((s) => s !== undefined).join(": ");
    super(code, prefix === "" ? message : `${prefix}: ${message}`);
    this.file = where.file;
    this.tensor = where.tensor;
  }
}
