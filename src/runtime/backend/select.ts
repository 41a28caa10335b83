// Choosing and starting the tfjs backend. Order: explicit argument > LINEA_BACKEND > auto. Auto is the
// wasm backend in Node: it is the fastest CPU backend tfjs has here, and a WebGPU adapter may be a
// slow software one, so WebGPU runs only when asked for. An unavailable backend is an error, never a
// silent fallback to another one.

import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { BackendError } from "./errors.js";
import { importWebGpuBackend, probeWebGpuAdapter } from "./webgpu.js";

/** The backend names `selectBackend` and `--backend` accept; `auto` is wasm in Node. */
export const BACKEND_NAMES = ["wasm", "cpu", "webgpu", "tensorflow", "auto"] as const;
/** A backend name, `auto` included. */
export type BackendName = (typeof BACKEND_NAMES)[number];
/** A backend that actually runs: `auto` resolved. */
export type ConcreteBackend = Exclude<BackendName, "auto">;

/** The backend that runs, as `selectBackend` started it. */
export interface SelectedBackend {
  readonly name: ConcreteBackend;
  /** One line for the user: backend, and for webgpu the adapter (so a software adapter is visible). */
  readonly description: string;
}

/** The environment variable read when no backend is passed: `LINEA_BACKEND`. */
export const BACKEND_ENV_VAR = "LINEA_BACKEND";

function isBackendName(s: string): s is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(s);
}

/** Resolves the name to use without starting anything: argument, then LINEA_BACKEND, then auto. */
export function resolveBackendName(name?: string, env: NodeJS.ProcessEnv = process.env): ConcreteBackend {
  const fromEnv = env[BACKEND_ENV_VAR];
  const requested = name ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : "auto");
  if (requested === "onnx") {
    // Handled by the compiler's startBackend for the commands that run plans; everything else needs tfjs.
    throw new BackendError(
      "LIN1085",
      requested,
      'the onnx backend runs compiled plans only (run, sample, invert, interpolate, compile(…, { backend: "onnx" })); use wasm, cpu, webgpu or tensorflow here',
    );
  }
  if (!isBackendName(requested)) {
    const source = name !== undefined ? "backend" : BACKEND_ENV_VAR;
    throw new BackendError("LIN1081", requested, `unknown ${source} "${requested}": expected one of ${BACKEND_NAMES.join(", ")}`);
  }
  return requested === "auto" ? "wasm" : requested;
}

const require = createRequire(import.meta.url);

/**
 * Emscripten's Node glue in tfjs-backend-wasm installs process handlers that rethrow every uncaught
 * exception and unhandled rejection from inside its own minified file, so Node prints that whole
 * file (kilobytes of code) instead of the error. They add nothing Node does not do by default, so
 * the ones that appeared while the backend started are removed again.
 */
function removeNewProcessHandlers(before: { exception: NodeJS.UncaughtExceptionListener[]; rejection: NodeJS.UnhandledRejectionListener[] }): void {
  for (const h of process.listeners("uncaughtException")) {
    if (!before.exception.includes(h)) process.removeListener("uncaughtException", h);
  }
  for (const h of process.listeners("unhandledRejection")) {
    if (!before.rejection.includes(h)) process.removeListener("unhandledRejection", h);
  }
}

async function startWasm(): Promise<string> {
  const before = { exception: [...process.listeners("uncaughtException")], rejection: [...process.listeners("unhandledRejection")] };
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  // The .wasm binaries ship in the package's dist/; a plain file path works in Node (Emscripten reads
  // it with fs), so nothing is fetched.
  const dir = path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
  wasm.setWasmPaths(dir + path.sep);
  try {
    await activate("wasm");
  } finally {
    removeNewProcessHandlers(before);
  }
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  return `wasm (${simd ? "SIMD" : "no SIMD"}, 1 thread: tfjs runs wasm single-threaded in Node)`;
}

async function startCpu(): Promise<string> {
  await import("@tensorflow/tfjs-backend-cpu");
  await activate("cpu");
  return "cpu (plain JavaScript kernels; for small cases and tests)";
}

async function startWebGpu(): Promise<string> {
  const adapter = await probeWebGpuAdapter();
  await importWebGpuBackend();
  await activate("webgpu");
  const what = [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter((s) => s !== "").join(" / ");
  return `webgpu (adapter: ${what || "unnamed"}${adapter.software ? "; SOFTWARE adapter, slower than wasm" : ""})`;
}

async function startTensorflow(): Promise<string> {
  // Optional peers, never dependencies: their install downloads libtensorflow 2.9.1 (CUDA 11.2 +
  // cuDNN 8.1 for the GPU build). Module names are held in variables so bundlers and tsc do not
  // require them to exist.
  const candidates = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"];
  const failures: string[] = [];
  for (const pkg of candidates) {
    try {
      await import(pkg);
      await activate("tensorflow");
      return `tensorflow (${pkg}, native libtensorflow)`;
    } catch (e) {
      if (e instanceof BackendError) throw e;
      failures.push(`${pkg}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  throw new BackendError(
    "LIN1082",
    "tensorflow",
    "the tensorflow backend needs @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (NVIDIA GPU; " +
      "libtensorflow 2.9.1 needs CUDA 11.2 and cuDNN 8.1) installed next to linea, e.g. " +
      "`npm install @tensorflow/tfjs-node@4.22`. Tried: " +
      failures.join("; "),
  );
}

async function activate(name: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new BackendError("LIN1084", name, `backend ${name} failed to start: ${(e as Error).message}`);
  }
  if (!ok || tf.getBackend() !== name) {
    throw new BackendError("LIN1084", name, `backend ${name} failed to start`);
  }
}

/**
 * Starts tfjs on the chosen backend and says which one runs. Throws BackendError when the backend
 * cannot run here; never falls back to another backend silently.
 */
export async function selectBackend(name?: BackendName | string): Promise<SelectedBackend> {
  const chosen = resolveBackendName(name);
  tf.enableProdMode();
  let description: string;
  switch (chosen) {
    case "wasm":
      description = await startWasm();
      break;
    case "cpu":
      description = await startCpu();
      break;
    case "webgpu":
      description = await startWebGpu();
      break;
    case "tensorflow":
      description = await startTensorflow();
      break;
  }
  return { name: chosen, description };
}

/**
 * Starts the default backend (as `selectBackend()` does: LINEA_BACKEND, else wasm) unless tfjs already
 * has one, chosen by Linea or by the caller with `selectBackend` or `tf.setBackend`. Library entry
 * points that run tensors call it, so a program that never chose a backend works instead of failing
 * with tfjs's "No backend found in registry"; a choice made before is never overridden.
 */
export async function ensureBackend(): Promise<void> {
  // tfjs's engine leaves backendName unset until a backend is set, whatever its declared type says.
  const current: unknown = tf.engine().backendName;
  if (typeof current === "string" && current !== "") return;
  await selectBackend();
}
