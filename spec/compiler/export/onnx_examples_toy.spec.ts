// The "toy" examples exported to ONNX and run on onnxruntime-node against run on wasm (examples_onnx.ts).
import { exportExamples, GROUPS } from "./examples_onnx.js";

exportExamples(GROUPS.toy);
