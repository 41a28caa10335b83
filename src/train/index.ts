// Public surface of training (docs/training.md).
export { TrainError, type TrainErrorCode } from "./errors.js";
export { trainPlan, trainSections, withDataRows, TRAIN_DEFAULTS, SUPERVISED_OPERATORS, type TrainPlan, type TrainLoss, type ChartRef } from "./plan.js";
export { TrainingSession, LOSS_COLUMNS, stepSeed } from "./session.js";
export { SupervisedSession, SUPERVISED_COLUMNS, type SupervisedOptions } from "./supervised.js";
export { LikelihoodSession, LIKELIHOOD_COLUMNS, type LikelihoodOptions } from "./likelihood.js";
export { createTrainingSession, type AnyTrainingSession } from "./sessions.js";
export { TrainableLinear } from "./linearOperator.js";
export type { NamedVariable } from "./binding.js";
export { train, writeLossFiles, checkpointDir, type TrainOptions, type TrainResult, type Progress } from "./trainer.js";
export {
  latestCheckpoint,
  listCheckpoints,
  readCheckpoint,
  saveCheckpoint,
  modelTensors,
  checkpointName,
  CHECKPOINT_FORMAT,
  TRAIN_PREFIX,
  type Checkpoint,
  type FileWriter,
} from "./checkpoint.js";
export { acquireOutputLock, processAlive, LOCK_FILE, type OutputLock } from "./lock.js";
export { prepareOutput, OUTPUT_FILES } from "./output.js";
export { checkCheckpoint, type CheckpointExpectation, type CheckpointState } from "./checkpointFields.js";
export { loadDataset, registerDataSource, dataSourceNames, projectRootOf } from "./data.js";
export type { Dataset, DataSource, DataArgs } from "./dataSource.js";
export { mnist, MNIST_SIZES } from "./mnist.js";
export { oneStepSamples, oneStepOperator, ONE_STEP_MAX_DIM } from "./samples.js";
export { TrainableTimeConditioned } from "./timeConditioned.js";
export { progressReporter, progressLine, formatDuration } from "./progress.js";
export { registerTrainingGradients } from "./gradients.js";
