// Errors raised by the operator algebra. The code is stable (callers and the CLI match on it); the
// message names the operator kinds and shapes involved.

export type OperatorErrorCode =
  | "LIN-RT-OP-SHAPE" // inner dimensions or operand shapes disagree
  | "LIN-RT-OP-NOT-SQUARE" // identity-like kinds, powers and projectors need rows = cols
  | "LIN-RT-OP-BAD-POWER" // a power that is not a non-negative integer
  | "LIN-RT-OP-BAD-PARAMETER" // a parameter with the wrong shape, a non-finite value, a zero reflector
  | "LIN-RT-OP-NOT-ORTHONORMAL" // svd_factored factors whose columns are not orthonormal
  | "LIN-RT-OP-RANK-DEFICIENT" // a projector basis whose columns are linearly dependent
  | "LIN-RT-OP-TIME-REQUIRED"; // a time-conditioned operator applied without `at(op, t)`

export class OperatorError extends Error {
  override readonly name = "OperatorError";
  constructor(
    readonly code: OperatorErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
