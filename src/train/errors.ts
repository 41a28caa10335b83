// Errors of training, each with a stable code the CLI prints (never a stack trace).
export type TrainErrorCode =
  | "LIN-TRAIN-NO-TRAIN" // the spec has no train section, or not the one named
  | "LIN-TRAIN-UNSUPPORTED" // a model, loss, optimiser or data source this trainer does not handle yet
  | "LIN-TRAIN-DATA" // data that cannot be read or does not fit the model's space
  | "LIN-TRAIN-CONFIG" // hyperparameters that contradict each other (steps and epochs both given)
  | "LIN-TRAIN-CHECKPOINT" // a checkpoint that cannot be read or does not match the spec
  | "LIN-TRAIN-DIVERGED"; // the loss became NaN or infinite

export class TrainError extends Error {
  override readonly name = "TrainError";
  constructor(
    readonly code: TrainErrorCode,
    message: string,
  ) {
    super(message);
  }
}
