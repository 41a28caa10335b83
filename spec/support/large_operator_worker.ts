// The worker side of spec/runtime/linalg/worker.spec.ts: computes largeOperatorResult(workerData.n) and posts it.
import { parentPort, workerData } from "node:worker_threads";
import { largeOperatorResult } from "./large_operator.js";

const { n } = workerData as { n: number };
parentPort?.postMessage(await largeOperatorResult(n));
