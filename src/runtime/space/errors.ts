// Errors of the induced-space layer. Codes are stable; messages name the spaces involved.

export type SpaceErrorCode =
  | "LIN-RT-SPACE-MISMATCH" // an operation mixes vectors of different spaces, or a map gets a vector of another space
  | "LIN-RT-SPACE-DIM" // points whose width is not the space's dimension, or a chart of the wrong size
  | "LIN-RT-SPACE-BATCH" // two batches of different sizes combined
  | "LIN-RT-SPACE-COMPOSE" // g ∘ f where f's codomain is not g's domain
  | "LIN-RT-SPACE-NOT-ENDOMORPHISM" // a power, projection or identity that needs X → X
  | "LIN-RT-SPACE-OPERATOR-SHAPE" // a Linearizer whose operator is not [dim Y, dim X]
  | "LIN-RT-SPACE-EMPTY" // a linear combination of nothing
  | "LIN-RT-SPACE-BAD-SCALAR" // a non-finite coefficient
  | "LIN-RT-SPACE-DISPOSED"; // a vector used after dispose()

export class SpaceError extends Error {
  override readonly name = "SpaceError";
  constructor(
    readonly code: SpaceErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
