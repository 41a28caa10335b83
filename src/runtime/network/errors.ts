// Errors from building or running an invertible network (codes LIN106x, see src/diagnostics/codes.ts):
// a bad description, a shape that does not fit, a missing tag, an ActNorm used before its initialisation.
import type { CodeRaisedBy } from "../../diagnostics/codes.js";
import { LineaError } from "../../diagnostics/error.js";

/** The codes a `NetworkError` carries (LIN106x). */
export type NetworkErrorCode = CodeRaisedBy<"NetworkError">;

/** A network that cannot be built, run or restored; names the block where known. */
export class NetworkError extends LineaError<NetworkErrorCode> {
  override readonly name = "NetworkError";
  /** Where in the network: "blocks.3 (affine_coupling)". */
  readonly where: string;

  constructor(code: NetworkErrorCode, where: string, message: string) {
    super(code, where === "" ? message : `${where}: ${message}`);
    this.where = where;
  }
}
