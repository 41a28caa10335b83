// A worker_thread that calls the LAPACK addon directly, with no loader in between: getrf of an n×n
// diagonally dominant matrix (OpenBLAS's recursive parallel LU, the call that overflowed a worker's stack).
import { createRequire } from "node:module";
import { parentPort, workerData } from "node:worker_threads";

const { path, n } = workerData;
const addon = createRequire(import.meta.url)(path);
const a = new Float64Array(n * n);
for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37) + (i % (n + 1) === 0 ? n : 0);
const { lu, info } = addon.getrf(n, a);
parentPort.postMessage({ lu, info });
