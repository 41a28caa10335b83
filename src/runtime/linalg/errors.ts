// Errors of the dense linear algebra. Codes are stable (callers and docs match on them); the message
// says which operation and which shape or value caused it.

export type LinalgErrorCode =
  /** Shapes do not fit the operation (non-square where square is needed, mismatched products). */
  | "LIN-RT-SHAPE"
  /** A scalar option is out of range (e.g. a negative rcond). */
  | "LIN-RT-BAD-ARGUMENT"
  /** The matrix is singular to working precision (see `singularPivot` in lu.ts for the rule). */
  | "LIN-RT-SINGULAR"
  /** An input holds NaN or ±Infinity; LAPACK's behaviour on those is undefined. */
  | "LIN-RT-NONFINITE"
  /** eigh was given a matrix that is not symmetric. */
  | "LIN-RT-NOT-SYMMETRIC"
  /** An iteration (Jacobi sweeps, LAPACK's QR iteration) did not converge. */
  | "LIN-RT-NO-CONVERGENCE"
  /** LINEA_LINALG=native was asked for but the addon is not built or does not load. */
  | "LIN-RT-NATIVE-UNAVAILABLE"
  /** LINEA_LINALG holds something other than js, native or auto. */
  | "LIN-RT-BAD-BACKEND";

export class LinalgError extends Error {
  override readonly name = "LinalgError";
  constructor(
    readonly code: LinalgErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
