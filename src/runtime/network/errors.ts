// Errors from building or running an invertible network: a bad description, a shape that does not fit,
// a missing tag, an ActNorm used before its initialisation. Stable codes for the CLI and tests.

export type NetworkErrorCode =
  | "bad_spec" // a block description that cannot be built (unknown kind, bad hyper-parameter)
  | "bad_shape" // input shape does not fit the block (odd H for squeeze, too few features to split)
  | "missing_tag" // a tagged network called without tag 0/1
  | "bad_tag" // a tag other than 0 or 1, or a tag given to an untagged network
  | "not_initialized"; // ActNorm forward/inverse before initialize(x)

export class NetworkError extends Error {
  readonly code: NetworkErrorCode;
  /** Where in the network: "blocks.3 (affine_coupling)". */
  readonly where: string;

  constructor(code: NetworkErrorCode, where: string, message: string) {
    super(where === "" ? message : `${where}: ${message}`);
    this.name = "NetworkError";
    this.code = code;
    this.where = where;
  }
}
