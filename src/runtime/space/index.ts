// Euclidean and induced vector spaces, vectors that carry their space, and Linearizers between them.
export { SpaceError, type SpaceErrorCode } from "./errors.js";
export { identityChart, blockChart, type Chart } from "./chart.js";
export { Space, requireSameSpace } from "./space.js";
export { Vector } from "./vector.js";
export { combine, add, subtract, scale, negate, zero, inner, norm, distance } from "./operations.js";
export { Linearizer, identityMap, compose, adjoint, pinv, power, combineMaps, project, at, svd, type MapPinv, type MapSvd } from "./linearizer.js";
