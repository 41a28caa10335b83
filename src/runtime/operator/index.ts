// Structured linear operators: kinds, batched application on tfjs, and exact structured algebra in
// float64. See docs/operators.md.
export { OperatorError, type OperatorErrorCode } from "./errors.js";
export * from "./kinds.js";
export { MACHINE_EPSILON, coarsest, precisionOf, storedIn, type Precision } from "./precision.js";
export { apply, applyTranspose, toTensor } from "./apply.js";
export { materialise, multiplyHost } from "./hostApply.js";
export { transpose, scale, sum, difference, product, power } from "./algebra.js";
export { pinv, svd, svdTop, completeSvd, compress, rangeProjector, leadingSvd, type LeadingSvd, type PinvResult, type SvdResult, type DecompositionMethod } from "./decompose.js";
export { at } from "./at.js";
export { timeConditioned, randomTimeConditioned, sinusoidalEmbedding, gelu, erf, type TimeConditionedShape } from "./timeConditioned.js";
export * from "./init.js";
export {
  depthwiseConv,
  indexedDepthwiseConv,
  styleAt,
  transposeConv,
  convMatrix,
  samePadding,
  randomDepthwiseConv,
  randomIndexedDepthwiseConv,
  styledConvRows,
  convNormBound,
  CONV_DENSE_LIMIT,
} from "./depthwiseConv.js";
export { circulantConv, circulantFromTaps, tapsOf, randomCirculantConv, kernelWindow, spectrum, circulantTriplets, singularValuesCirculant } from "./circulantConv.js";
export { kronecker, kroneckerMatrix } from "./kronecker.js";
export { operatorParameters, operatorFromParameters, type NamedParameter, type LeafDescription } from "./parameters.js";
export { releaseTensors, float32Tensor, hostMatrix } from "./tensors.js";
export { seededRandom, type Random } from "../random.js";
export * from "./matrixFree/index.js";
export { decompositionRoute, DENSE_SVD_LIMIT, type DecompositionRoute, type RouteChoice } from "./route.js";
