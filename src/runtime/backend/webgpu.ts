// WebGPU in Node through the `webgpu` package (Dawn). tfjs-backend-webgpu expects the browser globals
// (GPUBufferUsage, navigator.gpu …), which the package exports; we install them once, then ask for an
// adapter ourselves so that the user sees whether it is a real GPU or a software one (lavapipe/llvmpipe).

import * as tf from "@tensorflow/tfjs-core";
import { BackendError } from "./errors.js";

/** The WebGPU adapter Dawn found, as its driver describes it. */
export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** Mesa's software rasterisers: correct, but slower than the wasm backend. */
  readonly software: boolean;
}

interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}
interface GpuLike {
  requestAdapter(options?: object): Promise<GpuAdapterLike | null>;
}

let installedGpu: GpuLike | undefined;

/** What to install for `--backend webgpu`: both are optional peers of linea, absent from a plain install. */
export const WEBGPU_INSTALL =
  "the webgpu backend needs the optional packages webgpu (Dawn for Node) and @tensorflow/tfjs-backend-webgpu: npm install webgpu @tensorflow/tfjs-backend-webgpu@^4.22";

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";
}

/** Loads tfjs's WebGPU backend, an optional peer; LIN1082 naming what to install when it is absent. */
export async function importWebGpuBackend(): Promise<void> {
  try {
    await import("@tensorflow/tfjs-backend-webgpu");
  } catch (e) {
    throw new BackendError("LIN1082", "webgpu", `${WEBGPU_INSTALL} (${firstLine(e)})`);
  }
}

async function installGlobals(): Promise<GpuLike> {
  if (installedGpu !== undefined) return installedGpu;
  let mod: { create: (flags: string[]) => GpuLike; globals: object };
  try {
    mod = (await import("webgpu")) as unknown as { create: (flags: string[]) => GpuLike; globals: object };
  } catch (e) {
    throw new BackendError("LIN1082", "webgpu", `${WEBGPU_INSTALL} (${firstLine(e)})`);
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  // tfjs reads navigator.gpu; Node 20 has no navigator of its own.
  Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  installedGpu = gpu;
  return gpu;
}

/** Installs the WebGPU globals and returns the adapter's description, or throws `LIN1083`. */
export async function probeWebGpuAdapter(): Promise<AdapterInfo> {
  const gpu = await installGlobals();
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null) {
    throw new BackendError(
      "LIN1083",
      "webgpu",
      "webgpu: no adapter found. Without a GPU, install Mesa's software Vulkan (mesa-vulkan-drivers, " + "Mesa >= 25, e.g. from bookworm-backports) or use --backend wasm.",
    );
  }
  const info = adapter.info ?? {};
  const vendor = info.vendor ?? "";
  const architecture = info.architecture ?? "";
  const device = info.device ?? "";
  const description = info.description ?? "";
  const text = `${vendor} ${architecture} ${device} ${description}`.toLowerCase();
  const software = /llvmpipe|lavapipe|swiftshader|software/.test(text);
  return { vendor, architecture, device, description, software };
}

/**
 * Gives Dawn an event-loop turn to reclaim finished GPU work. Dawn (the `webgpu` package) frees the
 * resources of completed submissions only when Node's event loop runs, so a long synchronous loop of
 * tfjs ops on webgpu grows native memory without bound until the process crashes (on lavapipe: RSS
 * +1 MiB per network forward+inverse, SIGSEGV after ~350 of them). Awaiting this between iterations
 * of such a loop keeps memory flat. Returns at once on the other backends.
 */
export async function yieldToWebGpu(): Promise<void> {
  if (tf.getBackend() !== "webgpu") return;
  await new Promise<void>((resolve) => setImmediate(resolve));
}
