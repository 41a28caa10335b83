// Saving and loading a network's parameters and state as safetensors. Names are the network's own
// ("blocks.3.f.layers.0.weight"); Linear weights are written [out, in] (PyTorch's layout) and transposed
// back to [in, out] on load, so a PyTorch state_dict of the same architecture loads after renaming
// only (docs/runtime.md). Loading checks every tensor before assigning any: on error the network is
// unchanged.

import * as tf from "@tensorflow/tfjs-core";
import type { Block } from "../network/block.js";
import { FormatError } from "./errors.js";
import { requireFinite } from "./finite.js";
import type { HostTensor } from "./host_tensor.js";
import { loadSafetensors, saveSafetensors } from "./safetensors.js";

export const NETWORK_FORMAT = "linea-network";
export const NETWORK_FORMAT_VERSION = "1";

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

function fileShape(shape: readonly number[], transposed: boolean): number[] {
  return transposed ? [shape[1], shape[0]] : [...shape];
}

/** The tensors a network writes, keyed by name (parameters F32, state I32). */
export async function networkTensors(net: Block): Promise<Map<string, HostTensor>> {
  const out = new Map<string, HostTensor>();
  for (const [name, p] of net.parameters()) {
    const values = (await p.variable.data()) as Float32Array;
    const shape: number[] = [...p.variable.shape];
    const data = p.transposedInFile ? transpose2d(values, shape[0], shape[1]) : Float32Array.from(values);
    out.set(name, { dtype: "F32", shape: fileShape(shape, p.transposedInFile), data });
  }
  for (const [name, s] of net.state()) out.set(name, { dtype: "I32", shape: [...s.shape], data: s.values.slice() });
  return out;
}

/** Writes a network's parameters (F32, Linear weights `[out, in]`) and state (I32) as safetensors. */
export async function saveNetwork(net: Block, file: string, metadata: Record<string, string> = {}): Promise<void> {
  const tensors = await networkTensors(net);
  await saveSafetensors(file, tensors, { ...metadata, format: NETWORK_FORMAT, format_version: NETWORK_FORMAT_VERSION });
}

/** How `loadNetwork` reads a file written by another program. */
export interface LoadOptions {
  /** Maps a name in the file to the network's name (e.g. from a PyTorch state_dict); undefined drops it. */
  readonly rename?: (fileName: string) => string | undefined;
}

function int32State(t: HostTensor, name: string, file: string): Int32Array {
  if (t.dtype === "I32") return t.data;
  if (t.dtype === "I64") {
    // PyTorch buffers are int64 by default; the values here are small indices, flags and signs.
    const out = new Int32Array(t.data.length);
    t.data.forEach((v, i) => {
      if (v > 2147483647n || v < -2147483648n) throw new FormatError("LIN1110", `value ${v} out of int32 range`, { file, tensor: name });
      out[i] = Number(v);
    });
    return out;
  }
  throw new FormatError("LIN1109", `wrong dtype: the state tensor is I32 (I64 is cast on load), the file's tensor is ${t.dtype}`, { file, tensor: name });
}

/**
 * A parameter's values as float32: F32 as it is (F16 and BF16 were widened to F32 exactly on decoding),
 * F64 rounded to the nearest float32 (what the network computes in); an integer tensor is the wrong dtype.
 */
function float32Parameter(t: HostTensor, name: string, file: string): Float32Array {
  if (t.dtype === "F32") return t.data;
  if (t.dtype === "F64") return Float32Array.from(t.data);
  throw new FormatError("LIN1109", `wrong dtype: the parameter is F32 (F64, F16 and BF16 are cast on load), the file's tensor is ${t.dtype}`, { file, tensor: name });
}

/** Loads a network's tensors from safetensors, renamed by `options.rename`; checks all before assigning any. Returns the file's metadata. */
export async function loadNetwork(net: Block, file: string, options: LoadOptions = {}): Promise<Readonly<Record<string, string>>> {
  const decoded = await loadSafetensors(file);
  assignNetworkTensors(net, decoded.tensors, file, options);
  return decoded.metadata;
}

/**
 * Loads a network from tensors already read and decoded (one weights file shared by several networks
 * is decoded once: src/compiler/binding). `file` names the source in errors.
 */
export function assignNetworkTensors(net: Block, raw: ReadonlyMap<string, HostTensor>, file: string, options: LoadOptions = {}): void {
  const tensors = new Map<string, HostTensor>();
  for (const [name, t] of raw) {
    const target = options.rename === undefined ? name : options.rename(name);
    if (target !== undefined) tensors.set(target, t);
  }
  const params = net.parameters();
  const state = net.state();
  const missing = [...params.keys(), ...state.keys()].filter((n) => !tensors.has(n));
  if (missing.length > 0) {
    throw new FormatError("LIN1106", `the file lacks ${missing.length} tensor(s) the network needs: ${missing.slice(0, 8).join(", ")}${missing.length > 8 ? ", …" : ""}`, {
      file,
      tensor: missing[0],
    });
  }
  const unexpected = [...tensors.keys()].filter((n) => !params.has(n) && !state.has(n));
  if (unexpected.length > 0) {
    throw new FormatError("LIN1107", `the network has no tensor(s) ${unexpected.slice(0, 8).join(", ")} (renaming or architecture mismatch)`, { file, tensor: unexpected[0] });
  }
  const fileTensor = (name: string): HostTensor => {
    const t = tensors.get(name);
    if (t === undefined) throw new FormatError("LIN1106", "the file lacks this tensor", { file, tensor: name });
    return t;
  };
  const assignments: [tf.Variable, Float32Array, number[]][] = [];
  for (const [name, p] of params) {
    const t = fileTensor(name);
    const want = fileShape(p.variable.shape, p.transposedInFile);
    if (t.shape.join(",") !== want.join(",")) {
      throw new FormatError("LIN1108", `expected [${want.join(", ")}], got [${t.shape.join(", ")}]`, { file, tensor: name });
    }
    const values = float32Parameter(t, name, file);
    requireFinite(values, t.shape, { file, tensor: name });
    const data = p.transposedInFile ? transpose2d(values, want[0], want[1]) : values;
    assignments.push([p.variable, data, p.variable.shape]);
  }
  const states: [string, Int32Array][] = [];
  for (const [name, s] of state) {
    const t = fileTensor(name);
    if (t.shape.join(",") !== s.shape.join(",")) {
      throw new FormatError("LIN1108", `expected [${s.shape.join(", ")}], got [${t.shape.join(", ")}]`, { file, tensor: name });
    }
    states.push([name, int32State(t, name, file)]);
  }
  // State first: it validates values (permutations, flags) and may still refuse.
  const before = [...state].map(([n, s]) => [n, s.values] as const);
  for (const [name, values] of states) {
    try {
      net.setState(name, values);
    } catch (e) {
      for (const [n, v] of before) net.setState(n, v);
      throw new FormatError("LIN1110", (e as Error).message, { file, tensor: name });
    }
  }
  for (const [v, data, shape] of assignments) tf.tidy(() => v.assign(tf.tensor(data, shape, "float32")));
}
