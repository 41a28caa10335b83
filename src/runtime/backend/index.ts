// Public surface of backend selection.
export { BackendError, type BackendErrorCode } from "./errors.js";
export { BACKEND_ENV_VAR, BACKEND_NAMES, type BackendName, type ConcreteBackend, type SelectedBackend, resolveBackendName, selectBackend, ensureBackend } from "./select.js";
export { type AdapterInfo, probeWebGpuAdapter, yieldToWebGpu } from "./webgpu.js";
