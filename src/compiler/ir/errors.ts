// Errors raised while building or evaluating IR. The code is stable (the CLI and tests match on it).

export type IrErrorCode =
  | "IR_SHAPE_MISMATCH" // operand shapes disagree (product inner dimensions, sum terms, maps through spaces)
  | "IR_NOT_SQUARE" // power, sampler and identity need rows = cols
  | "IR_BAD_PARAMETER" // a non-integer power, a non-positive step count, a non-finite scalar or time
  | "IR_UNBOUND" // a leaf has no runtime operator, so the IR cannot be evaluated
  | "IR_TIME_REQUIRED"; // a time-conditioned subtree evaluated outside at(·, t) or a sampler

export class IrError extends Error {
  override readonly name = "IrError";
  constructor(
    readonly code: IrErrorCode,
    message: string,
  ) {
    super(message);
  }
}
