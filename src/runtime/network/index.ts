// Public surface of the invertible networks.
export type { Block, ForwardWithLogDet, Parameter, StateTensor } from "./block.js";
export { ActNorm } from "./actnorm.js";
export { Coupling } from "./coupling.js";
export { InvertibleDense, InvertibleDenseMatrix } from "./inv_dense.js";
export { Permutation } from "./permutation.js";
export { Squeeze, Unsqueeze } from "./squeeze.js";
export { Stack } from "./stack.js";
export { buildNetwork, type BuildOptions, DEFAULT_OUTPUT_GAIN } from "./build.js";
export type { BlockSpec, ConditionerSpec, CouplingMask, CouplingShape, NetworkSpec, ScaleBound } from "./spec.js";
export { NetworkError, type NetworkErrorCode } from "./errors.js";
export { ACTIVATIONS, type Activation } from "./mlp.js";
