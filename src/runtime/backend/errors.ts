// Errors raised while choosing or starting a tfjs backend. The code is stable (the CLI and tests match
// on it); the message says what to install or set.

export type BackendErrorCode =
  | "unknown_backend" // a name that is not one of wasm, cpu, webgpu, tensorflow, auto
  | "backend_not_installed" // the optional package (tfjs-node / tfjs-node-gpu) is absent
  | "no_adapter" // webgpu: Dawn loaded but found no adapter (no GPU, no software Vulkan)
  | "backend_init_failed" // the package is there but tfjs could not start it
  | "backend_unsupported"; // the backend works, but not for this command (no command raises it at present)

export class BackendError extends Error {
  readonly code: BackendErrorCode;
  readonly backend: string;

  constructor(code: BackendErrorCode, backend: string, message: string) {
    super(message);
    this.name = "BackendError";
    this.code = code;
    this.backend = backend;
  }
}
