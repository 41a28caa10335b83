// Public surface of the evaluation metrics: LPIPS (a differentiable tfjs loss and metric), FID and KID
// (float64, on features [n, d]) and the VGG16/AlexNet feature trunks they share. docs/metrics.md.
export { MetricError, type MetricErrorCode } from "./errors.js";
export { TRUNK_NAMES, ARCHITECTURES, minimumInputSize, convTensorName, headTensorName, type TrunkName, type ConvLayer, type PoolLayer, type Slice } from "./architecture.js";
export { trunkWeightsOf, LPIPS_SCALING, type TrunkWeights, type ConvWeights, type InputScaling } from "./weights.js";
export { FeatureTrunk, INPUT_RANGES, type InputRange, type TrunkOptions } from "./trunk.js";
export { registerMetricGradients } from "./gradients.js";
export { Lpips, lpipsOf, loadLpips, asRgb, LPIPS_NORM_EPS, DEFAULT_LPIPS_BATCH } from "./lpips.js";
export { imageFeatures, loadFeatureTrunk, DEFAULT_FEATURE_BATCH } from "./features.js";
export { fid, fitGaussian, frechetDistance, traceSqrtProduct, checkFeatures, type GaussianFit, type FrechetDistance } from "./frechet.js";
export { kid, kidSubsets, mmdUnbiased, polynomialKernel, DEFAULT_KID_SUBSETS, DEFAULT_KID_SUBSET_SIZE, type KidOptions, type KidResult } from "./kid.js";
