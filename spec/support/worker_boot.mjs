// Entry of a worker_thread that runs TypeScript: registers tsx in the worker (a worker does not inherit
// the parent's loader hooks), then imports workerData.module, which posts its result to the parent.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
