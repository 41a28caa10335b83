// The Linearizer IR: normal forms 𝕃{g_x, g_y, A} with A an operator expression tree.
export * from "./expr.js";
export * from "./map.js";
export * from "./space.js";
export * from "./cost.js";
export * from "./sampler.js";
export * from "./evaluate.js";
export { explainExpr, explainMap } from "./explain.js";
export { mapsToDot } from "./dot.js";
export { IrError, type IrErrorCode } from "./errors.js";
