// Errors of compiling and running a checked program. Codes are stable; the CLI prints them on one
// line (`error[code]: message`), never with a stack.

export type ExecuteErrorCode =
  | "LIN-RUN-UNKNOWN-TARGET" // run(name) where name is no entry or map of the program
  | "LIN-RUN-BAD-INPUT" // wrong number of inputs, or an input whose size is not the space's dimension
  | "LIN-RUN-UNSUPPORTED" // a construct the compiler cannot lower or plan (the message says which)
  | "LIN-RUN-WEIGHTS" // the weights file lacks a tensor, has one too many, or one of the wrong shape
  | "LIN-RUN-BAD-MAPS"; // `linea interpolate`: the two names are not maps between the same spaces

export class ExecuteError extends Error {
  override readonly name = "ExecuteError";
  constructor(
    readonly code: ExecuteErrorCode,
    message: string,
    /** The tensor of a weights file the error is about, when there is one. */
    readonly tensor?: string,
  ) {
    super(message);
  }
}
