// ONNX Runtime (onnxruntime-node's CPU provider) as an execution engine for exported ONNX graphs. It is
// an optional dependency: its default install tries to download CUDA binaries, so users install it with
// ONNXRUNTIME_NODE_INSTALL=skip (the CPU binary ships in the package). The module name is held in a
// variable and the few parts used are typed here structurally, so tsc and bundlers never require it.
import os from "node:os";
import { BackendError } from "./errors.js";

/** The package `--backend onnx` needs. */
export const ONNX_RUNTIME_PACKAGE = "onnxruntime-node";

/** A float32 tensor handed to or returned by ONNX Runtime. */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
}

interface OrtSessionOptions {
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
  readonly executionMode: "sequential";
  readonly graphOptimizationLevel: "all";
  readonly executionProviders: readonly string[];
}

interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options: OrtSessionOptions): Promise<OrtSession> };
  readonly Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => OrtTensor;
  readonly env: { readonly versions?: { readonly node?: string; readonly common?: string } };
}

let loaded: Promise<OrtModule> | undefined;

function isOrtModule(m: unknown): m is OrtModule {
  const r = m as Partial<OrtModule> | undefined;
  return typeof r?.InferenceSession?.create === "function" && typeof r.Tensor === "function";
}

/** Loads onnxruntime-node once; a coded error (LIN1086) naming the package when it is not installed. */
export function loadOnnxRuntime(): Promise<OrtModule> {
  loaded ??= (async () => {
    const name = ONNX_RUNTIME_PACKAGE;
    let m: unknown;
    try {
      m = await import(name);
    } catch (e) {
      throw new BackendError(
        "LIN1086",
        "onnx",
        `the onnx backend needs ${name} (its CPU provider) installed next to linea: ` +
          `\`ONNXRUNTIME_NODE_INSTALL=skip npm install ${name}@1.31\` (the variable skips its CUDA download, which fails without CUDA). ` +
          `Import failed: ${(e as Error).message.split("\n")[0]}`,
      );
    }
    const mod = (m as { default?: unknown }).default ?? m;
    if (!isOrtModule(mod)) throw new BackendError("LIN1086", "onnx", `${name} loaded but has no InferenceSession: reinstall it`);
    return mod;
  })();
  // A failed load is not cached: installing the package and retrying in the same process works.
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/** The thread count ONNX Runtime uses when none is given: every core this process may use. */
export function defaultOnnxThreads(): number {
  return os.availableParallelism();
}

/** Checks a --threads value: a positive integer no larger than 1024. */
export function checkOnnxThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new BackendError("LIN1087", "onnx", `threads must be an integer from 1 to 1024, got ${threads}`);
  }
  return threads;
}

/** Rows in or out of a session: flat float32 values and the tensor's shape. */
export interface OnnxRows {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** One ONNX model loaded into ONNX Runtime, run on float32 feeds. */
export interface OnnxRunner {
  readonly threads: number;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model; returns every output by name. */
  run(feeds: Readonly<Record<string, OnnxRows>>): Promise<Record<string, OnnxRows>>;
  /** Frees the session's native memory. */
  release(): Promise<void>;
}

/** The ONNX Runtime version, for the backend line (e.g. "1.31.1"). */
export async function onnxRuntimeVersion(): Promise<string> {
  const ort = await loadOnnxRuntime();
  return ort.env.versions?.node ?? ort.env.versions?.common ?? "unknown";
}

/**
 * Loads a model (ONNX protobuf bytes, weights embedded) on the CPU provider with `threads` intra-op
 * threads. Inter-op parallelism stays 1: Linea's graphs are chains, and a second pool only competes
 * for the same cores.
 */
export async function createOnnxRunner(model: Uint8Array, threads: number): Promise<OnnxRunner> {
  const ort = await loadOnnxRuntime();
  checkOnnxThreads(threads);
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      executionProviders: ["cpu"],
    });
  } catch (e) {
    throw new BackendError("LIN1088", "onnx", `ONNX Runtime could not load the exported graph: ${(e as Error).message.split("\n")[0]}`);
  }
  return {
    threads,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      const ortFeeds: Record<string, OrtTensor> = {};
      for (const [name, rows] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor("float32", rows.data, rows.shape);
      let out: Record<string, OrtTensor>;
      try {
        out = await session.run(ortFeeds);
      } catch (e) {
        throw new BackendError("LIN1088", "onnx", `ONNX Runtime failed to run the graph: ${(e as Error).message.split("\n")[0]}`);
      }
      const result: Record<string, OnnxRows> = {};
      for (const [name, t] of Object.entries(out)) {
        if (!(t.data instanceof Float32Array)) throw new BackendError("LIN1088", "onnx", `output ${name} is ${t.type}, not float32`);
        result[name] = { data: t.data, shape: [...t.dims] };
      }
      return result;
    },
    release: () => session.release(),
  };
}
