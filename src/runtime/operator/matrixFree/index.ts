// Matrix-free decompositions: top-k SVD, LSQR, CG and A⁺·b for maps known only by A·M and Aᵀ·M.
// See docs/operators.md, "Matrix-free decompositions".
export { transposeMap, gramMap, type MatrixFreeMap } from "./map.js";
export { asMatrixFree, lastSolve } from "../hostApply.js";
export { topSvd, type TopSvdOptions, type TopSvdResult } from "./topSvd.js";
export { lsqr, pinvApply, type LsqrOptions, type LsqrResult, type LsqrColumn, type LsqrStop, type PinvApplyResult } from "./lsqr.js";
export { cg, type CgOptions, type CgResult, type CgColumn, type CgStop } from "./cg.js";
