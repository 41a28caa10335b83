// ONNX export of Linea's runtime objects: a graph builder over onnx-proto, every network block (forward and
// inverse) and every operator kind as subgraphs, and a network alone as a model. See docs/onnx.md.
export { BATCH_DIM, EXTERNAL_MIN_BYTES, ONNX_IR_VERSION, ONNX_OPSET, OnnxGraph, type Attr, type Dim, type EncodeOptions, type OnnxExport } from "./graph.js";
export { ExportError, type ExportErrorCode } from "./errors.js";
export { emitBlock } from "./network.js";
export { emitOperator } from "./operator.js";
export { networkToOnnx } from "./export.js";
