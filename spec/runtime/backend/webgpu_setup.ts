// Setup file of the WebGPU suite (vitest.webgpu.config.ts), run before each spec file in its worker.
// Starts webgpu first: tfjs-backend-webgpu registers its backend only if navigator.gpu exists when it
// is imported, and its flags exist only after that import. Then turns off WEBGPU_CPU_FORWARD: tfjs
// runs small ops on the CPU by default, the specs' tensors are small, and the point is to test the
// GPU kernels (also for the specs that pick their backend from LINEA_BACKEND).

import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "../../../src/runtime/backend/select.js";

await selectBackend("webgpu");
tf.env().set("WEBGPU_CPU_FORWARD", false);
